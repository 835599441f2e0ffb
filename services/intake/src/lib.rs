//! The intake service: plans and their windows, dossiers, authors, attachments, unit
//! confirmation and receipt by the receiving office.
//!
//! This crate is a library with a thin `main.rs`; [`start`] builds the service from its
//! settings, so the standalone binary, the distributed binary and the tests start the same
//! thing. So far it carries the diagnostic probe that proves the event path to the other
//! services; the dossier domain follows in its own issue.

pub mod api;
pub mod domain;
pub mod events;
pub mod files;
pub mod receipt;
pub mod store;

use std::net::TcpListener;

use sangkien_kit::{
    Settings,
    service::{self, RunningService, ServiceSpec, Shared},
};

/// The service name: URL segment, database file, queue.
pub const NAME: &str = "intake";

/// Starts intake on `listener`.
pub async fn start(
    settings: &Settings,
    shared: &Shared,
    listener: TcpListener,
) -> anyhow::Result<RunningService> {
    let files = files::FileStore::from_settings(settings)?;
    let mut running = service::start::<store::Migrator>(
        spec(settings, shared, files.clone()),
        settings,
        shared,
        listener,
    )
    .await?;
    let db = running.context.db.clone();
    running.spawn(|cancel| files::sweep::sweep_periodically(files, db, cancel));
    Ok(running)
}

/// The service's description, with the file store its handlers use.
pub fn spec(settings: &Settings, shared: &Shared, files: files::FileStore) -> ServiceSpec {
    let files = actix_web::web::Data::new(files);
    ServiceSpec {
        name: NAME,
        routes: std::sync::Arc::new(move |cfg| {
            cfg.app_data(files.clone());
            api::configure(cfg);
        }),
        handler: Some(std::sync::Arc::new(events::Handlers::new(
            shared.clock.clone(),
        ))),
        max_body_bytes: settings.intake.max_body_bytes,
    }
}

/// Runs intake's migrations (the `migrate` command).
pub async fn migrate(settings: &Settings) -> anyhow::Result<()> {
    let mut s = settings.clone();
    s.migrate_on_start = true;
    service::open_database::<store::Migrator>(NAME, &s).await?;
    Ok(())
}

/// Intake's OpenAPI document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    <api::ApiDoc as utoipa::OpenApi>::openapi()
}

sangkien_kit::committed_openapi_test!(crate::openapi);
