//! Nominations of typical recognised initiatives to the provincial DOST system (Sở KH&CN).
//!
//! The council secretariat marks initiatives recognised by an issued decision as typical;
//! the package (request data, signed links to the files and minutes, the conclusion and
//! sheet summary, the decision) is sent by a background [`sender`] with retries until the
//! province acknowledges it; the province's service account reports its result back. The
//! contract is docs/province-api.md. The module owns its routes, tables, event handling and
//! OpenAPI part; the service's `api`, `store` and `events` only gather them.

pub mod api;
pub mod domain;
pub mod package;
pub mod read_model;
pub mod sender;
pub mod shared;
pub mod store;

use actix_web::web;
use sea_orm::DatabaseTransaction;
use sea_orm_migration::MigrationTrait;

use sangkien_kit::{Settings, service::RunningService};
use sangkien_proto::Envelope;

/// Registers this module's routes under `/api/v1/decision`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    api::configure(cfg);
    shared::configure(cfg);
}

/// This module's migrations, in order, after the kit's.
pub fn migrations() -> Vec<Box<dyn MigrationTrait>> {
    vec![Box::new(store::CreateNominations)]
}

/// Handles a consumed event inside the inbox transaction; `Ok(true)` when it was this
/// module's to handle. Several modules may handle the same event type.
pub async fn handle(
    txn: &DatabaseTransaction,
    envelope: &Envelope,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<bool> {
    read_model::handle(txn, envelope, now).await
}

/// Starts the sender with the service; it stops with it.
pub fn start_sender(service: &mut RunningService, settings: &Settings) -> anyhow::Result<()> {
    let ctx = &service.context;
    let sender = sender::Sender::new(
        ctx.db.clone(),
        ctx.outbox.clone(),
        ctx.clock.clone(),
        settings.clone(),
    )?;
    service.spawn(move |cancel| sender.run(cancel));
    Ok(())
}

/// This module's part of the service's OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    tags((name = "nominations", description = "Nominations of typical initiatives to the provincial DOST system")),
    paths(
        api::list_nominations,
        api::get_nomination,
        api::get_package,
        api::create_nomination,
        api::report_result,
        api::resend_nomination,
        shared::shared_decision_document,
    ),
    components(schemas(
        api::NominationInput,
        api::NominationResultInput,
        api::ResendInput,
        api::NominationResultView,
        api::NominationView,
        api::NominationPage,
        package::Package,
        package::PackageInitiative,
        package::PackageAuthor,
        package::PackageConclusion,
        package::PackageSheets,
        package::PackageMinutes,
        package::PackageDecision,
        sangkien_proto::events::NominationOutcome,
    ))
)]
pub struct ApiDoc;
