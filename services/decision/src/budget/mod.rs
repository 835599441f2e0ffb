//! The Circular 03/2019/TT-BTC budget: capped rates, estimates, finance appraisal, execution and settlement.
//!
//! The module owns its routes, tables, event handling and OpenAPI part; the service's
//! `api`, `store` and `events` only gather them.

use actix_web::web;
use sea_orm::DatabaseTransaction;
use sea_orm_migration::MigrationTrait;

use sangkien_proto::Envelope;

/// Registers this module's routes under `/api/v1/decision`.
pub fn configure(_cfg: &mut web::ServiceConfig) {}

/// This module's migrations, in order, after the kit's.
pub fn migrations() -> Vec<Box<dyn MigrationTrait>> {
    Vec::new()
}

/// Handles a consumed event inside the inbox transaction; `Ok(true)` when it was this
/// module's to handle. Several modules may handle the same event type.
pub async fn handle(
    _txn: &DatabaseTransaction,
    _envelope: &Envelope,
    _now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<bool> {
    Ok(false)
}

/// This module's part of the service's OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(tags((name = "budget")))]
pub struct ApiDoc;
