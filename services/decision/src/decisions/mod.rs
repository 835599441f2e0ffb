//! Recognition decisions numbered in the body's register, their DOCX documents and certificates.
//!
//! The module owns its routes, tables, event handling and OpenAPI part; the service's
//! `api`, `store` and `events` only gather them. `domain/` holds the rules (numbering and the
//! date line of Decree 30/2020, the body profile, drafts), `store` the tables, `ingest` what is
//! kept from events, `api/` the routes and `documents` the DOCX files.

pub mod api;
pub mod documents;
pub mod domain;
pub mod ingest;
pub mod store;

use actix_web::web;
use sea_orm::DatabaseTransaction;
use sea_orm_migration::MigrationTrait;

use sangkien_proto::Envelope;

/// Registers this module's routes under `/api/v1/decision`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    api::configure(cfg);
}

/// This module's migrations, in order, after the kit's.
pub fn migrations() -> Vec<Box<dyn MigrationTrait>> {
    vec![
        Box::new(store::CreateDecisions),
        Box::new(store::AddConclusionGrounds),
    ]
}

/// Handles a consumed event inside the inbox transaction; `Ok(true)` when it was this
/// module's to handle. Several modules may handle the same event type.
pub async fn handle(
    txn: &DatabaseTransaction,
    envelope: &Envelope,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<bool> {
    ingest::handle(txn, envelope, now).await
}

/// This module's part of the service's OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    tags((name = "decisions")),
    paths(
        api::profile::get_profile,
        api::profile::put_profile,
        api::drafts::list_decisions,
        api::drafts::get_decision,
        api::drafts::draft_decision,
        api::pending::pending,
        api::drafts::update_decision,
        api::drafts::delete_draft,
        api::items::edit_item,
        api::sign::sign_decision,
        api::files::download_decision,
        api::files::list_certificates,
        api::files::download_certificate,
    ),
    components(schemas(
        api::pending::Pending,
        api::pending::PendingDossier,
        domain::profile::BodyProfile,
        domain::profile::SignerProfile,
        api::profile::ProfileView,
        api::views::DecisionView,
        api::views::ItemView,
        api::views::AuthorView,
        api::views::DecisionPage,
        api::drafts::DraftInput,
        api::drafts::DecisionUpdate,
        api::items::ItemInput,
        api::files::CertificateView,
    ))
)]
pub struct ApiDoc;
