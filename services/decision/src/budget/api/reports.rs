//! Reports: estimate against actual per line (execution), and the settlement (quyết toán)
//! that closes the year; each as JSON and as XLSX.

use actix_web::{HttpResponse, web};
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use sangkien_kit::http::with_location;
use sangkien_kit::{
    ApiError,
    auth::Caller,
    db::{begin_write, unique_or},
    service::ServiceContext,
};
use sangkien_proto::ErrorCode;

use super::{
    FINANCE, READERS, no_plan, settled,
    views::{ExecutionReport, ReportLine, Totals, line_name, payee_name},
    xlsx,
};
use crate::budget::{
    domain::{lines::reconcile, money},
    store::{entities::settlement, queries, writes},
};

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/budget/plans/{plan_id}/execution",
        web::get().to(execution),
    )
    .route(
        "/budget/plans/{plan_id}/execution.xlsx",
        web::get().to(execution_xlsx),
    )
    .route("/budget/plans/{plan_id}/settlement", web::post().to(settle))
    .route(
        "/budget/plans/{plan_id}/settlement",
        web::get().to(get_settlement),
    )
    .route(
        "/budget/plans/{plan_id}/settlement.xlsx",
        web::get().to(settlement_xlsx),
    );
}

/// The settlement of a year.
#[derive(Debug, Serialize, ToSchema)]
pub struct SettlementView {
    pub id: Uuid,
    pub plan_id: Uuid,
    pub year: i32,
    pub estimated: i64,
    pub spent: i64,
    pub note: String,
    pub settled_at: chrono::DateTime<chrono::Utc>,
    /// The execution report as settled.
    pub report: ExecutionReport,
}

/// What the finance office notes on settling.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettlementInput {
    #[serde(default)]
    pub note: Option<String>,
}

fn overflow() -> ApiError {
    ApiError::internal(anyhow::anyhow!("money overflow in a report"))
}

/// Builds the execution report of a plan.
pub async fn build_report<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    plan_id: Uuid,
) -> Result<ExecutionReport, ApiError> {
    let plan = queries::plan_in(db, caller.tenant, plan_id)
        .await?
        .ok_or_else(no_plan)?;
    let approved = queries::approved_estimate(db, caller.tenant, plan.id).await?;
    let estimated = approved
        .as_ref()
        .map(|(_, l)| queries::approved_by_key(l))
        .unwrap_or_default();
    let expenses = queries::expenses_of(db, caller.tenant, plan.id).await?;
    let spent: Vec<_> = expenses
        .iter()
        .map(|x| ((x.line_code.clone(), x.payee_role.clone()), x.amount))
        .collect();
    let rows = reconcile(&estimated, &spent).ok_or_else(overflow)?;
    let lines: Vec<ReportLine> = rows
        .into_iter()
        .map(|r| ReportLine {
            line_name: line_name(&r.key.0),
            payee_name: payee_name(r.key.1.as_deref()),
            expenses: expenses
                .iter()
                .filter(|x| x.line_code == r.key.0 && x.payee_role == r.key.1)
                .count(),
            line_code: r.key.0,
            payee_role: r.key.1,
            estimated: r.estimated,
            spent: r.spent,
            remaining: r.remaining,
            over: r.over,
        })
        .collect();
    let e = money::total(lines.iter().map(|l| l.estimated)).ok_or_else(overflow)?;
    let s = money::total(lines.iter().map(|l| l.spent)).ok_or_else(overflow)?;
    Ok(ExecutionReport {
        plan_id: plan.id,
        symbol: plan.symbol,
        year: plan.year,
        estimate_id: approved.as_ref().map(|(e, _)| e.id),
        revision: approved.as_ref().map(|(e, _)| e.revision),
        lines,
        totals: Totals {
            estimated: e,
            spent: s,
            remaining: money::difference(e, s).ok_or_else(overflow)?,
        },
        settled: queries::settlement_of_year(db, caller.tenant, plan.year)
            .await?
            .is_some(),
    })
}

/// Estimate against actual per line.
#[utoipa::path(
    get,
    path = "/api/v1/decision/budget/plans/{plan_id}/execution",
    operation_id = "budget_execution",
    tag = "budget",
    params(("plan_id" = Uuid, Path, description = "Plan id")),
    responses(
        (status = 200, description = "Approved estimate against actual spending, line by line", body = ExecutionReport),
        (status = 404, description = "`plan_not_found`", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 400, description = "A path id is not a UUID (`invalid_path`)", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or bad bearer token", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a council secretariat, finance office, signer or admin caller", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn execution(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    plan_id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(READERS)?;
    Ok(HttpResponse::Ok().json(build_report(&ctx.db, &caller, *plan_id).await?))
}

/// The same as XLSX.
#[utoipa::path(
    get,
    path = "/api/v1/decision/budget/plans/{plan_id}/execution.xlsx",
    operation_id = "budget_execution_xlsx",
    tag = "budget",
    params(("plan_id" = Uuid, Path, description = "Plan id")),
    responses(
        (status = 200, description = "The execution report as a workbook", body = inline(sangkien_kit::http::contract::Binary), content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 404, description = "`plan_not_found`", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 400, description = "A path id is not a UUID (`invalid_path`)", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or bad bearer token", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a council secretariat, finance office, signer or admin caller", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn execution_xlsx(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    plan_id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(READERS)?;
    let r = build_report(&ctx.db, &caller, *plan_id).await?;
    let issuer = super::documents::issuer_of(&ctx.db, &caller).await?;
    let now = ctx.clock.now();
    let bytes = xlsx::execution_report(&issuer, &r, sangkien_kit::clock::local_date(now), now)
        .render()
        .map_err(ApiError::internal)?;
    Ok(xlsx::answer(
        bytes,
        &format!("thuc-hien-du-toan-{}.xlsx", r.year),
    ))
}

/// Settles the year: snapshots the execution report; no expense is accepted afterwards.
#[utoipa::path(
    post,
    path = "/api/v1/decision/budget/plans/{plan_id}/settlement",
    operation_id = "settle_budget",
    tag = "budget",
    params(("plan_id" = Uuid, Path, description = "Plan id")),
    request_body = SettlementInput,
    responses(
        (status = 201, description = "The year settled (quyết toán)", body = SettlementView, headers(("Location" = String, description = "The path of what was created (or of the list it joined): follow it to read it"))),
        (status = 404, description = "`plan_not_found`", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`year_settled`, or nothing approved to settle (`invalid_transition`)", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every problem", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 400, description = "A path id is not a UUID (`invalid_path`); the body is not valid JSON of this shape (`malformed_body`)", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or bad bearer token", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a finance office caller", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn settle(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    plan_id: web::Path<Uuid>,
    body: web::Json<SettlementInput>,
) -> Result<HttpResponse, ApiError> {
    let role = caller.require_any(FINANCE)?;
    let note = checked_note(&body)?;
    let now = ctx.clock.now();
    let txn = begin_write(&ctx.db).await?;
    let plan = queries::plan_in(&txn, caller.tenant, *plan_id)
        .await?
        .ok_or_else(no_plan)?;
    queries::hold_year(&txn, caller.tenant, plan.year, queries::YearHold::Settling).await?;
    let report = build_report(&txn, &caller, *plan_id).await?;
    if report.settled {
        return Err(settled(report.year));
    }
    if report.estimate_id.is_none() {
        return Err(ApiError::new(ErrorCode::InvalidTransition).with_detail(
            "Chưa có dự toán được phê duyệt để quyết toán",
            "There is no approved estimate to settle",
        ));
    }
    let m = settlement_row(&caller, &report, note, now)?;
    writes::insert_settlement(&txn, &m)
        .await
        .map_err(|e| unique_or(e, || settled(report.year)))?;
    writes::audit_settlement_closed(&txn, &caller, now, role, &m).await?;
    txn.commit().await?;
    let mut report = report;
    report.settled = true;
    let location = format!("/api/v1/decision/budget/plans/{}/settlement", m.plan_id);
    Ok(with_location(
        HttpResponse::Created().json(view(m, report)),
        &location,
    ))
}

/// Checks the settlement's note (trimmed, at most 1000 characters).
fn checked_note(body: &SettlementInput) -> Result<String, ApiError> {
    let note = body.note.clone().unwrap_or_default().trim().to_owned();
    if note.chars().count() > 1000 {
        let mut i = sangkien_kit::error::Issues::new();
        i.push(
            "note",
            "too_long",
            "Ghi chú dài tối đa 1000 ký tự",
            "note may have at most 1000 characters",
        );
        i.finish()?;
    }
    Ok(note)
}

/// The stored settlement of the year, with the report snapshotted as settled.
fn settlement_row(
    caller: &Caller,
    report: &ExecutionReport,
    note: String,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<settlement::Model, ApiError> {
    Ok(settlement::Model {
        id: Uuid::now_v7(),
        tenant: caller.tenant,
        plan_id: report.plan_id,
        year: report.year,
        estimated: report.totals.estimated,
        spent: report.totals.spent,
        report: serde_json::to_string(report).map_err(ApiError::internal)?,
        note,
        settled_by: caller.user,
        settled_at: now,
    })
}

fn view(m: settlement::Model, report: ExecutionReport) -> SettlementView {
    SettlementView {
        id: m.id,
        plan_id: m.plan_id,
        year: m.year,
        estimated: m.estimated,
        spent: m.spent,
        note: m.note,
        settled_at: m.settled_at,
        report,
    }
}

async fn settlement_of(
    ctx: &ServiceContext,
    caller: &Caller,
    plan_id: Uuid,
) -> Result<SettlementView, ApiError> {
    let plan = queries::plan_in(&ctx.db, caller.tenant, plan_id)
        .await?
        .ok_or_else(no_plan)?;
    let m = queries::settlement_of_year(&ctx.db, caller.tenant, plan.year)
        .await?
        .filter(|s| s.plan_id == plan.id)
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    let mut report: ExecutionReport =
        serde_json::from_str(&m.report).map_err(ApiError::internal)?;
    report.settled = true;
    Ok(view(m, report))
}

/// The settlement of the plan's year.
#[utoipa::path(
    get,
    path = "/api/v1/decision/budget/plans/{plan_id}/settlement",
    operation_id = "get_budget_settlement",
    tag = "budget",
    params(("plan_id" = Uuid, Path, description = "Plan id")),
    responses(
        (status = 200, description = "The settlement", body = SettlementView),
        (status = 404, description = "`plan_not_found`, or the year is not settled (`not_found`)", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 400, description = "A path id is not a UUID (`invalid_path`)", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or bad bearer token", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a council secretariat, finance office, signer or admin caller", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn get_settlement(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    plan_id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(READERS)?;
    Ok(HttpResponse::Ok().json(settlement_of(&ctx, &caller, *plan_id).await?))
}

/// The settlement as XLSX.
#[utoipa::path(
    get,
    path = "/api/v1/decision/budget/plans/{plan_id}/settlement.xlsx",
    operation_id = "budget_settlement_xlsx",
    tag = "budget",
    params(("plan_id" = Uuid, Path, description = "Plan id")),
    responses(
        (status = 200, description = "The settlement as a workbook", body = inline(sangkien_kit::http::contract::Binary), content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 404, description = "`plan_not_found`, or the year is not settled (`not_found`)", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 400, description = "A path id is not a UUID (`invalid_path`)", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or bad bearer token", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a council secretariat, finance office, signer or admin caller", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn settlement_xlsx(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    plan_id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(READERS)?;
    let s = settlement_of(&ctx, &caller, *plan_id).await?;
    let issuer = super::documents::issuer_of(&ctx.db, &caller).await?;
    // The reasons recorded for spending beyond a line, by line.
    let mut reasons: std::collections::BTreeMap<(String, Option<String>), Vec<String>> =
        Default::default();
    for x in queries::expenses_of(&ctx.db, caller.tenant, s.plan_id).await? {
        if let Some(r) = x.reason.filter(|r| x.over_line && !r.trim().is_empty()) {
            reasons
                .entry((x.line_code, x.payee_role))
                .or_default()
                .push(r.trim().to_owned());
        }
    }
    let bytes = xlsx::settlement_report(&issuer, &s.report, s.settled_at, &s.note, &reasons)
        .render()
        .map_err(ApiError::internal)?;
    Ok(xlsx::answer(bytes, &format!("quyet-toan-{}.xlsx", s.year)))
}
