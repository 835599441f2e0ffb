//! The decision service. Recognition decisions, certificates, provincial nominations and the Circular 03/2019 budget.
//!
//! This crate is a library with a thin `main.rs`; [`start`] builds the service from its
//! settings, so the standalone binary, the distributed binary and the tests start the same
//! thing. Its two halves live in [`decisions`] and [`budget`].

pub mod api;
pub mod budget;
pub mod decisions;
pub mod events;
pub mod nominations;
pub mod store;

use std::{net::TcpListener, sync::Arc};

use sangkien_kit::{
    Settings,
    service::{self, RunningService, ServiceSpec, Shared},
};

/// The service name: URL segment, database file, queue.
pub const NAME: &str = "decision";

/// Starts decision on `listener`.
pub async fn start(
    settings: &Settings,
    shared: &Shared,
    listener: TcpListener,
) -> anyhow::Result<RunningService> {
    let mut running =
        service::start::<store::Migrator>(spec(settings, shared), settings, shared, listener)
            .await?;
    nominations::start_sender(&mut running, settings)?;
    Ok(running)
}

/// The service's description.
pub fn spec(settings: &Settings, shared: &Shared) -> ServiceSpec {
    ServiceSpec {
        name: NAME,
        routes: std::sync::Arc::new(api::configure),
        handler: Some(sangkien_kit::diagnostics::recording_probes(
            Arc::new(events::Handlers::new(shared.clock.clone())),
            shared.clock.clone(),
        )),
        max_body_bytes: settings.decision.max_body_bytes,
    }
}

/// Runs decision's migrations (the `migrate` command).
pub async fn migrate(settings: &Settings) -> anyhow::Result<()> {
    let mut s = settings.clone();
    s.migrate_on_start = true;
    service::open_database::<store::Migrator>(NAME, &s).await?;
    Ok(())
}

/// Decision's OpenAPI document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    use utoipa::OpenApi as _;
    let mut doc = api::ApiDoc::openapi();
    doc.merge(sangkien_kit::diagnostics::receipts_openapi(NAME));
    doc.merge(decisions::ApiDoc::openapi());
    doc.merge(budget::ApiDoc::openapi());
    doc.merge(nominations::ApiDoc::openapi());
    doc
}

sangkien_kit::committed_openapi_test!(crate::openapi);
