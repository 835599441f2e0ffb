//! What the budget API answers, and the loaders the handlers share.

use crate::budget::domain::status::EstimateStatus;
use crate::budget::domain::status::LineAppraisal;
use actix_web::{HttpResponse, http::StatusCode};
use sea_orm::{ConnectionTrait, EntityTrait};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use sangkien_kit::{ApiError, auth::Caller, http::paging::etag};
use sangkien_proto::ErrorCode;

use crate::budget::{
    domain::{
        money,
        rates::{Rate, line_kind, payee_label},
    },
    store::{
        entities::{estimate, expense, line},
        queries,
    },
};

/// A rate with its rule.
#[derive(Debug, Serialize, ToSchema)]
pub struct RateView {
    pub id: Uuid,
    pub line_code: String,
    pub payee_role: Option<String>,
    pub legal_basis: String,
    pub unit: String,
    /// Maximum in đồng; null when paid on invoices within the estimate.
    pub max_amount: Option<i64>,
    pub valid_from: chrono::NaiveDate,
    pub valid_to: Option<chrono::NaiveDate>,
    /// Null for the national maxima.
    pub jurisdiction: Option<String>,
    pub council_tier: Option<String>,
    /// The rule in words.
    pub rule: String,
}

impl From<&Rate> for RateView {
    fn from(r: &Rate) -> Self {
        Self {
            id: r.id,
            line_code: r.line_code.clone(),
            payee_role: r.payee_role.clone(),
            legal_basis: r.legal_basis.clone(),
            unit: r.unit.clone(),
            max_amount: r.max_amount,
            valid_from: r.valid_from,
            valid_to: r.valid_to,
            jurisdiction: r.jurisdiction.clone(),
            council_tier: r.council_tier.clone(),
            rule: r.describe(),
        }
    }
}

/// A line of an estimate.
#[derive(Debug, Serialize, ToSchema)]
pub struct LineView {
    pub id: Uuid,
    pub position: i32,
    pub line_code: String,
    /// Vietnamese name of the spending line.
    pub line_name: String,
    pub payee_role: Option<String>,
    pub description: String,
    pub quantity: i64,
    pub unit_amount: i64,
    /// `quantity × unit_amount`, whole đồng.
    pub amount: i64,
    pub rate_id: Option<Uuid>,
    /// Pending, approved, adjusted or rejected by the finance office.
    pub appraisal: LineAppraisal,
    pub approved_amount: Option<i64>,
    pub appraisal_reason: Option<String>,
}

/// An estimate version with its lines.
#[derive(Debug, Serialize, ToSchema)]
pub struct EstimateView {
    pub id: Uuid,
    pub plan_id: Uuid,
    pub year: i32,
    pub revision: i32,
    /// Draft, approved or superseded.
    pub status: EstimateStatus,
    pub previous_id: Option<Uuid>,
    pub note: String,
    pub lines: Vec<LineView>,
    /// Sum of the drafted amounts.
    pub total: i64,
    /// Sum of the approved amounts of appraised lines.
    pub approved_total: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub approved_at: Option<chrono::DateTime<chrono::Utc>>,
    pub version: i32,
}

/// An expense.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExpenseView {
    pub id: Uuid,
    pub plan_id: Uuid,
    pub year: i32,
    pub line_code: String,
    pub payee_role: Option<String>,
    /// `sitting` or `voucher`.
    pub source: String,
    pub sitting_id: Option<Uuid>,
    pub voucher_number: Option<String>,
    pub spent_on: chrono::NaiveDate,
    pub quantity: i64,
    pub unit_amount: i64,
    pub amount: i64,
    pub description: String,
    /// Beyond the approved line.
    pub over_line: bool,
    pub reason: Option<String>,
}

impl From<expense::Model> for ExpenseView {
    fn from(x: expense::Model) -> Self {
        Self {
            id: x.id,
            plan_id: x.plan_id,
            year: x.year,
            line_code: x.line_code,
            payee_role: x.payee_role,
            source: x.source,
            sitting_id: x.sitting_id,
            voucher_number: x.voucher_number,
            spent_on: x.spent_on,
            quantity: x.quantity,
            unit_amount: x.unit_amount,
            amount: x.amount,
            description: x.description,
            over_line: x.over_line,
            reason: x.reason,
        }
    }
}

/// Name of a line code.
pub fn line_name(code: &str) -> String {
    line_kind(code)
        .map(|l| l.name.to_owned())
        .unwrap_or_else(|| code.to_owned())
}

/// Name of a payee role.
pub fn payee_name(role: Option<&str>) -> String {
    payee_label(role).to_owned()
}

fn overflow() -> ApiError {
    ApiError::internal(anyhow::anyhow!("money overflow in a total"))
}

/// The view of an estimate and its lines.
pub fn estimate_view(
    e: estimate::Model,
    lines: Vec<line::Model>,
) -> Result<EstimateView, ApiError> {
    let total = money::total(lines.iter().map(|l| l.amount)).ok_or_else(overflow)?;
    let approved_total =
        money::total(lines.iter().map(|l| l.approved_amount.unwrap_or(0))).ok_or_else(overflow)?;
    Ok(EstimateView {
        id: e.id,
        plan_id: e.plan_id,
        year: e.year,
        revision: e.revision,
        status: EstimateStatus::stored(&e.status)?,
        previous_id: e.previous_id,
        note: e.note,
        total,
        approved_total,
        created_at: e.created_at,
        approved_at: e.approved_at,
        version: e.version,
        lines: lines
            .into_iter()
            .map(|l| {
                Ok(LineView {
                    line_name: line_name(&l.line_code),
                    id: l.id,
                    position: l.position,
                    line_code: l.line_code,
                    payee_role: l.payee_role,
                    description: l.description,
                    quantity: l.quantity,
                    unit_amount: l.unit_amount,
                    amount: l.amount,
                    rate_id: l.rate_id,
                    appraisal: LineAppraisal::stored(&l.appraisal)?,
                    approved_amount: l.approved_amount,
                    appraisal_reason: l.appraisal_reason,
                })
            })
            .collect::<Result<Vec<_>, ApiError>>()?,
    })
}

/// The estimate in the caller's tenant.
pub async fn estimate_of<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    id: Uuid,
) -> Result<estimate::Model, ApiError> {
    estimate::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|e| e.tenant == caller.tenant)
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))
}

/// Loads and answers an estimate with its ETag.
pub async fn answer_estimate<C: ConnectionTrait>(
    db: &C,
    status: StatusCode,
    e: estimate::Model,
) -> Result<HttpResponse, ApiError> {
    let lines = queries::lines_of(db, e.id).await?;
    let v = estimate_view(e, lines)?;
    Ok(HttpResponse::build(status)
        .insert_header(("ETag", etag(v.version)))
        .json(v))
}

/// One spending line: approved estimate against actual.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReportLine {
    pub line_code: String,
    pub line_name: String,
    pub payee_role: Option<String>,
    pub payee_name: String,
    /// Approved in the estimate, đồng.
    pub estimated: i64,
    /// Booked, đồng.
    pub spent: i64,
    /// `estimated - spent`; negative when over.
    pub remaining: i64,
    pub over: bool,
    /// Expenses booked on the line.
    pub expenses: usize,
}

/// The totals of a report.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Totals {
    pub estimated: i64,
    pub spent: i64,
    pub remaining: i64,
}

/// Estimate against actual for a plan.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ExecutionReport {
    pub plan_id: Uuid,
    pub symbol: String,
    pub year: i32,
    /// The approved estimate compared (null before approval).
    pub estimate_id: Option<Uuid>,
    pub revision: Option<i32>,
    pub lines: Vec<ReportLine>,
    pub totals: Totals,
    pub settled: bool,
}
