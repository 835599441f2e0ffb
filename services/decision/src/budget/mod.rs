//! The Circular 03/2019/TT-BTC budget: capped rates, estimates, finance appraisal, execution and settlement.
//!
//! The module owns its routes, tables, event handling and OpenAPI part; the service's
//! `api`, `store` and `events` only gather them. Rules live in [`domain`], SQL in [`store`],
//! actix in [`api`]; `docs/budget.md` describes the flow.

pub mod api;
pub mod domain;
mod events;
pub mod papers;
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
    paths(
        api::rates::list_rates,
        api::rates::applicable_rates,
        api::rates::create_rate,
        api::rates::get_profile,
        api::rates::put_profile,
        api::estimates::draft_estimate,
        api::estimates::list_estimates,
        api::estimates::get_estimate,
        api::estimates::add_line,
        api::estimates::edit_line,
        api::estimates::remove_line,
        api::estimates::revise,
        api::documents::estimate_docx,
        api::documents::estimate_xlsx,
        api::appraisal::appraise_line,
        api::appraisal::approve,
        api::expenses::enter_expense,
        api::expenses::list_expenses,
        api::reports::execution,
        api::reports::execution_xlsx,
        api::reports::settle,
        api::reports::get_settlement,
        api::reports::settlement_xlsx,
    ),
    components(schemas(
        api::views::RateView, api::views::LineView, api::views::EstimateView, api::views::ExpenseView,
        api::rates::RateInput, api::rates::RatePage, api::rates::ProfileBody,
        api::estimates::LineInput, api::estimates::RevisionInput, api::estimates::EstimateSummary,
        api::appraisal::AppraisalInput, api::expenses::ExpenseInput, api::expenses::ExpensePage,
        api::views::ReportLine, api::views::Totals, api::views::ExecutionReport,
        api::reports::SettlementView, api::reports::SettlementInput,
    ))
)]
pub struct ApiDoc;

#[cfg(test)]
mod tests {
    /// Every budget route, as `METHOD path`, so a new route without an OpenAPI entry fails.
    const ROUTES: &[&str] = &[
        "get /rates",
        "post /rates",
        "get /rates/applicable",
        "get /profile",
        "put /profile",
        "post /plans/{plan_id}/estimates",
        "get /plans/{plan_id}/estimates",
        "get /estimates/{id}",
        "post /estimates/{id}/lines",
        "put /estimates/{id}/lines/{line_id}",
        "delete /estimates/{id}/lines/{line_id}",
        "post /estimates/{id}/revisions",
        "put /estimates/{id}/lines/{line_id}/appraisal",
        "post /estimates/{id}/approve",
        "post /expenses",
        "get /plans/{plan_id}/expenses",
        "get /plans/{plan_id}/execution",
        "get /plans/{plan_id}/execution.xlsx",
        "post /plans/{plan_id}/settlement",
        "get /plans/{plan_id}/settlement",
        "get /plans/{plan_id}/settlement.xlsx",
    ];

    #[test]
    fn every_budget_route_is_in_the_openapi_document_with_a_unique_operation_id() {
        let doc = serde_json::to_value(crate::openapi()).unwrap();
        for route in ROUTES {
            let (method, path) = route.split_once(' ').unwrap();
            let full = format!("/api/v1/decision/budget{path}");
            let op = &doc["paths"][&full][method];
            assert!(op.is_object(), "{method} {full} is documented");
            assert_eq!(op["tags"][0], "budget", "{route} is tagged budget");
        }
        let mut ids = std::collections::BTreeSet::new();
        for item in doc["paths"].as_object().unwrap().values() {
            for op in item.as_object().unwrap().values() {
                if let Some(id) = op.get("operationId").and_then(|i| i.as_str()) {
                    assert!(ids.insert(id.to_owned()), "operation id {id} is repeated");
                }
            }
        }
    }

    #[test]
    fn the_decision_openapi_document_passes_a_real_validator() {
        let doc = serde_json::to_string(&crate::openapi()).unwrap();
        let file = std::env::temp_dir().join(format!(
            "sangkien-decision-openapi-{}.json",
            uuid::Uuid::now_v7()
        ));
        std::fs::write(&file, doc).unwrap();
        let out =
            sangkien_kit::testing::python_with("openapi_spec_validator", "openapi-spec-validator")
                .unwrap()
                .args(["-m", "openapi_spec_validator"])
                .arg(&file)
                .output()
                .expect("python3 is needed to validate the OpenAPI document");
        let _ = std::fs::remove_file(&file);
        assert!(
            out.status.success(),
            "openapi-spec-validator refused the document:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
