//! The appraisal service. Rubrics, panels, assignment, score sheets, sittings, conclusions.
//!
//! This crate is a library with a thin `main.rs`; [`start`] builds the service from its
//! settings, so the standalone binary, the distributed binary and the tests start the same
//! thing. Cases open from `dossier.received`; reviewers score them; the council votes at
//! sittings; conclusions leave as `case.concluded`, sittings as `sitting.held`.

pub mod api;
pub mod domain;
pub mod events;
pub mod minutes;
pub mod readers;
pub mod store;
pub mod workflow;

use std::{net::TcpListener, sync::Arc};

use sangkien_kit::{
    Settings,
    service::{self, RunningService, ServiceSpec, Shared},
};

/// The service name: URL segment, database file, queue.
pub const NAME: &str = "appraisal";

/// Starts appraisal on `listener`.
pub async fn start(
    settings: &Settings,
    shared: &Shared,
    listener: TcpListener,
) -> anyhow::Result<RunningService> {
    service::start::<store::Migrator>(spec(settings, shared), settings, shared, listener).await
}

/// The service's description.
pub fn spec(settings: &Settings, shared: &Shared) -> ServiceSpec {
    ServiceSpec {
        name: NAME,
        routes: std::sync::Arc::new(api::configure),
        handler: Some(Arc::new(events::Handlers::new(shared.clock.clone()))),
        max_body_bytes: settings.appraisal.max_body_bytes,
    }
}

/// Runs appraisal's migrations (the `migrate` command).
pub async fn migrate(settings: &Settings) -> anyhow::Result<()> {
    let mut s = settings.clone();
    s.migrate_on_start = true;
    service::open_database::<store::Migrator>(NAME, &s).await?;
    Ok(())
}

/// Appraisal's OpenAPI document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    <api::ApiDoc as utoipa::OpenApi>::openapi()
}

sangkien_kit::committed_openapi_test!(crate::openapi);
