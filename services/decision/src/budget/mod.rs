//! The Circular 03/2019/TT-BTC budget: capped rates, estimates, finance appraisal, execution and settlement.
//!
//! The module owns its routes, tables, event handling and OpenAPI part; the service's
//! `api`, `store` and `events` only gather them. Rules live in [`domain`], SQL in [`store`],
//! actix in [`api`]; `docs/budget.md` describes the flow.

pub mod api;
pub mod domain;
mod events;
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
    vec![Box::new(store::CreateBudget)]
}

/// Handles a consumed event inside the inbox transaction; `Ok(true)` when it was this
/// module's to handle (`plan.published`, `panel.changed`, `sitting.held`). Several modules
/// may handle the same event type.
pub async fn handle(
    txn: &DatabaseTransaction,
    envelope: &Envelope,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<bool> {
    events::handle(txn, envelope, now).await
}

/// This module's part of the service's OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    tags((name = "budget", description = "Circular 03/2019/TT-BTC: rates, estimates, appraisal, expenses, reports")),
    components(schemas(
        api::views::RateView, api::views::LineView, api::views::EstimateView, api::views::ExpenseView,
        api::rates::RateInput, api::rates::RatePage, api::rates::ProfileBody,
        api::estimates::LineInput, api::estimates::RevisionInput, api::estimates::EstimateSummary,
        api::appraisal::AppraisalInput, api::expenses::ExpenseInput, api::expenses::ExpensePage,
        api::reports::ReportLine, api::reports::Totals, api::reports::ExecutionReport,
        api::reports::SettlementView, api::reports::SettlementInput,
    ))
)]
pub struct ApiDoc;
