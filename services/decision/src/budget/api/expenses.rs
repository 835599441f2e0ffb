//! Expenses entered with their vouchers (chứng từ); those of sittings are booked from
//! `sitting.held`. Spending beyond an approved line is flagged and needs a reason.

use actix_web::{HttpResponse, web};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use sangkien_kit::http::with_location;
use sangkien_kit::{
    ApiError,
    auth::Caller,
    db::{begin_write, unique_or},
    http::paging::{PageQuery, next_cursor},
    service::ServiceContext,
};
use sangkien_proto::ErrorCode;

use super::{
    READERS, SPENDERS,
    estimates::{CheckedLine, LineInput, check_line},
    no_plan,
    views::ExpenseView,
    year_open,
};
use crate::budget::{
    domain::{lines::beyond_line, money},
    store::{
        entities::{expense, plan},
        queries, writes,
    },
};

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/budget/expenses", web::post().to(enter_expense))
        .route(
            "/budget/plans/{plan_id}/expenses",
            web::get().to(list_expenses),
        );
}

/// An expense with its voucher.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpenseInput {
    pub plan_id: Uuid,
    pub line_code: String,
    pub payee_role: Option<String>,
    /// Unique in the recognising body.
    pub voucher_number: String,
    /// Local date of the voucher, in the plan's budget year: the cap in force that day applies.
    pub spent_on: chrono::NaiveDate,
    pub quantity: i64,
    pub unit_amount: i64,
    pub description: String,
    /// Required when the expense goes beyond the approved line.
    pub reason: Option<String>,
}

/// A page of expenses.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExpensePage {
    pub items: Vec<ExpenseView>,
    pub next_cursor: Option<String>,
}

fn voucher_taken(v: &str) -> ApiError {
    ApiError::new(ErrorCode::VoucherTaken).with_detail(
        format!("Chứng từ số {v} đã được ghi nhận"),
        format!("Voucher {v} is already booked"),
    )
}

/// Books an entered expense.
#[utoipa::path(
    post,
    path = "/api/v1/decision/budget/expenses",
    tag = "budget",
    request_body = ExpenseInput,
    responses(
        (status = 201, description = "The expense booked", body = ExpenseView, headers(("Location" = String, description = "The path of what was created (or of the list it joined): follow it to read it"))),
        (status = 404, description = "`plan_not_found`", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`voucher_taken` or `year_settled`", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every problem", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 400, description = "The body is not valid JSON of this shape (`malformed_body`)", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or bad bearer token", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a council secretariat or finance office caller", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn enter_expense(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    body: web::Json<ExpenseInput>,
) -> Result<HttpResponse, ApiError> {
    let role = caller.require_any(SPENDERS)?;
    let b = body.into_inner();
    let voucher = checked_voucher(&b)?;
    let now = ctx.clock.now();
    let txn = begin_write(&ctx.db).await?;
    let plan = queries::plan_in(&txn, caller.tenant, b.plan_id)
        .await?
        .ok_or_else(no_plan)?;
    year_open(&txn, caller.tenant, plan.year).await?;
    let c = check_line(&txn, &caller, plan.year, &line_input(&b), "spent_on").await?;
    if writes::voucher_booked(&txn, caller.tenant, &voucher).await? {
        return Err(voucher_taken(&voucher));
    }
    let key = (b.line_code.clone(), b.payee_role.clone());
    let approved = queries::approved_on_line(&txn, caller.tenant, plan.id, &key).await?;
    let already = queries::spent_on_line(&txn, caller.tenant, plan.id, &key).await?;
    let over = approved
        .zip(already)
        .and_then(|(a, s)| beyond_line(a, s, c.amount))
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("total overflow")))?;
    let judged = checked_reason(b.reason.as_deref(), over, approved, already)?;
    let m = voucher_expense(&caller, &plan, &b, &voucher, c, judged, now);
    writes::insert_expense(&txn, &m)
        .await
        .map_err(|e| unique_or(e, || voucher_taken(&voucher)))?;
    writes::audit_expense_entered(&txn, &caller, now, role, &m).await?;
    txn.commit().await?;
    let location = format!("/api/v1/decision/budget/plans/{}/expenses", m.plan_id);
    Ok(with_location(
        HttpResponse::Created().json(ExpenseView::from(m)),
        &location,
    ))
}

/// Checks the voucher number (required, at most 60 characters) before anything is read.
fn checked_voucher(b: &ExpenseInput) -> Result<String, ApiError> {
    let mut issues = sangkien_kit::error::Issues::new();
    let voucher = issues.text("voucher_number", &b.voucher_number, 60);
    issues.finish()?;
    Ok(voucher)
}

/// The expense as a line to check against the cap in force on its voucher's date.
fn line_input(b: &ExpenseInput) -> LineInput {
    LineInput {
        line_code: b.line_code.clone(),
        payee_role: b.payee_role.clone(),
        description: b.description.clone(),
        quantity: b.quantity,
        unit_amount: b.unit_amount,
        on: Some(b.spent_on),
    }
}

/// Whether an expense goes beyond its approved line, and the reason it gives.
struct OverLine {
    over: bool,
    reason: Option<String>,
}

/// Checks the reason: at most 1000 characters, and required beyond the approved line.
fn checked_reason(
    raw: Option<&str>,
    over: bool,
    approved: Option<i64>,
    already: Option<i64>,
) -> Result<OverLine, ApiError> {
    let reason = raw
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned);
    if reason.as_ref().is_some_and(|r| r.chars().count() > 1000) {
        let mut i = sangkien_kit::error::Issues::new();
        i.push(
            "reason",
            "too_long",
            "Lý do dài tối đa 1000 ký tự",
            "The reason may have at most 1000 characters",
        );
        i.finish()?;
    }
    if over && reason.is_none() {
        let mut i = sangkien_kit::error::Issues::new();
        i.push(
            "reason",
            "over_line_reason_required",
            format!("Khoản chi vượt dự toán được duyệt của dòng (duyệt {} đồng, đã chi {} đồng): cần nêu lý do",
                money::format_dong(approved.unwrap_or(0)), money::format_dong(already.unwrap_or(0))),
            "The expense goes beyond the approved line: a reason is required",
        );
        i.finish()?;
    }
    Ok(OverLine { over, reason })
}

/// The stored row of an expense entered with its voucher, once checked.
fn voucher_expense(
    caller: &Caller,
    plan: &plan::Model,
    b: &ExpenseInput,
    voucher: &str,
    c: CheckedLine,
    judged: OverLine,
    now: chrono::DateTime<chrono::Utc>,
) -> expense::Model {
    expense::Model {
        id: Uuid::now_v7(),
        tenant: caller.tenant,
        plan_id: plan.id,
        year: plan.year,
        line_code: b.line_code.clone(),
        payee_role: b.payee_role.clone(),
        source: "voucher".into(),
        sitting_id: None,
        voucher_number: Some(voucher.to_owned()),
        spent_on: b.spent_on,
        quantity: b.quantity,
        unit_amount: b.unit_amount,
        amount: c.amount,
        description: c.description,
        over_line: judged.over,
        reason: judged.reason,
        rate_id: Some(c.rate_id),
        created_by: caller.user,
        created_at: now,
    }
}

/// A plan's expenses, oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/decision/budget/plans/{plan_id}/expenses",
    tag = "budget",
    params(("plan_id" = Uuid, Path, description = "Plan id"), PageQuery),
    responses(
        (status = 200, description = "A page of the plan's expenses, oldest first", body = ExpensePage),
        (status = 422, description = "Bad `limit` or `cursor`", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 400, description = "A path id is not a UUID (`invalid_path`); a query parameter is malformed (`invalid_query`)", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or bad bearer token", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a council secretariat, finance office, signer or admin caller", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn list_expenses(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    plan_id: web::Path<Uuid>,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(READERS)?;
    let (limit, cursor) = (q.limit()?, q.cursor()?);
    let mut find = expense::Entity::find()
        .filter(expense::Column::Tenant.eq(caller.tenant))
        .filter(expense::Column::PlanId.eq(*plan_id));
    if let Some(c) = cursor {
        find = find.filter(expense::Column::Id.gt(c));
    }
    let rows = find
        .order_by_asc(expense::Column::Id)
        .limit(limit)
        .all(&ctx.db)
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    Ok(HttpResponse::Ok().json(ExpensePage {
        next_cursor: next_cursor(&ids, limit),
        items: rows.into_iter().map(ExpenseView::from).collect(),
    }))
}
