//! Finance appraisal (thẩm định dự toán): the finance office approves, adjusts with a reason,
//! or rejects each line, then approves the estimate, which locks it and makes it the ceiling.

use crate::budget::domain::status::LineAppraisal;
use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use sangkien_kit::{
    ApiError,
    auth::Caller,
    db::begin_write,
    error::{FieldIssue, Issues, Localized},
    service::ServiceContext,
};
use sangkien_proto::ErrorCode;

use super::{FINANCE, cap_refusal, views::*};
use crate::budget::{
    domain::{lines::Appraisal, money},
    store::{
        entities::{estimate, line},
        queries, writes,
    },
};

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/budget/estimates/{id}/lines/{line_id}/appraisal",
        web::put().to(appraise_line),
    )
    .route("/budget/estimates/{id}/approve", web::post().to(approve));
}

/// The finance office's decision on a line.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppraisalInput {
    /// `approve`, `adjust` or `reject`.
    pub decision: String,
    /// The adjusted amount in đồng (for `adjust`).
    pub amount: Option<i64>,
    /// Required for `adjust` and `reject`.
    pub reason: Option<String>,
}

/// Records the decision on one line of a draft.
#[utoipa::path(
    put,
    path = "/api/v1/decision/budget/estimates/{id}/lines/{line_id}/appraisal",
    tag = "budget",
    params(("id" = Uuid, Path, description = "Estimate id"), ("line_id" = Uuid, Path, description = "Estimate line id"), ("If-Match" = String, Header, description = "The ETag last read (`W/\"<version>\"`)")),
    request_body = AppraisalInput,
    responses(
        (status = 200, description = "The estimate with the line appraised", body = EstimateView, headers(("ETag" = String, description = "The estimate's new version"))),
        (status = 404, description = "No such estimate or line", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`estimate_locked`", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 412, description = "The estimate changed since it was read", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every problem, including `rate_above_cap` and `rate_not_in_force`", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 400, description = "A path id is not a UUID (`invalid_path`); the body is not valid JSON of this shape (`malformed_body`)", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or bad bearer token", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a finance office caller", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn appraise_line(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(Uuid, Uuid)>,
    body: web::Json<AppraisalInput>,
) -> Result<HttpResponse, ApiError> {
    let role = caller.require_any(FINANCE)?;
    let (id, line_id) = path.into_inner();
    let (decision, reason) = checked_appraisal(&body)?;
    let now = ctx.clock.now();
    let txn = begin_write(&ctx.db).await?;
    let e = super::estimates::editable(&txn, &caller, &req, id).await?;
    let before = super::estimates::line_in(&txn, &e, line_id).await?;
    if let Appraisal::Adjust(a) = decision {
        within_cap(&txn, &caller, &e, &before, a).await?;
    }
    let approved_amount =
        writes::record_appraisal(&txn, &before, decision, reason.clone(), caller.user).await?;
    let e = super::estimates::touch(&txn, &e).await?;
    let change = writes::AppraisalChange {
        estimate_id: e.id,
        before: &before,
        decision,
        approved_amount,
        reason,
    };
    writes::audit_line_appraised(&txn, &caller, now, role, change).await?;
    txn.commit().await?;
    answer_estimate(&ctx.db, StatusCode::OK, e).await
}

/// Checks the decision on a line, collecting every issue: a known decision, an amount to
/// adjust to, a reason to adjust or reject (at most 1000 characters).
fn checked_appraisal(body: &AppraisalInput) -> Result<(Appraisal, Option<String>), ApiError> {
    let mut issues = Issues::new();
    let reason = body
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned);
    let decision = match body.decision.as_str() {
        "approve" => Some(Appraisal::Approve),
        "adjust" => match body.amount {
            Some(a) if (0..=money::MAX_AMOUNT).contains(&a) => Some(Appraisal::Adjust(a)),
            _ => {
                issues.push(
                    "amount",
                    "required",
                    "Cần số tiền điều chỉnh hợp lệ",
                    "An adjusted amount is required",
                );
                None
            }
        },
        "reject" => Some(Appraisal::Reject),
        _ => {
            issues.push(
                "decision",
                "unknown",
                "Quyết định phải là approve, adjust hoặc reject",
                "decision must be approve, adjust or reject",
            );
            None
        }
    };
    if matches!(body.decision.as_str(), "adjust" | "reject") && reason.is_none() {
        issues.push(
            "reason",
            "required",
            "Cần nêu lý do điều chỉnh hoặc không duyệt",
            "A reason is required to adjust or reject",
        );
    }
    if reason.as_ref().is_some_and(|r| r.chars().count() > 1000) {
        issues.push(
            "reason",
            "too_long",
            "Lý do dài tối đa 1000 ký tự",
            "reason may have at most 1000 characters",
        );
    }
    issues.finish()?;
    let Some(decision) = decision else {
        return Err(ApiError::internal(anyhow::anyhow!(
            "decision checked above"
        )));
    };
    Ok((decision, reason))
}

/// Refuses an adjusted amount above quantity × the cap of the line's rate.
async fn within_cap<C: sea_orm::ConnectionTrait>(
    db: &C,
    caller: &Caller,
    e: &estimate::Model,
    before: &line::Model,
    a: i64,
) -> Result<(), ApiError> {
    let rates = queries::rates_of(db, caller.tenant).await?;
    if let Some(rate) = rates.iter().find(|r| Some(r.id) == before.rate_id)
        && let Some(max) = rate.max_amount
        && money::amount(before.quantity, max).is_some_and(|ceiling| a > ceiling)
    {
        return Err(cap_refusal(
            crate::budget::domain::rates::CapBreach::AboveCap(Box::new(rate.clone())),
            "amount",
            rate.valid_from
                .max(chrono::NaiveDate::from_ymd_opt(e.year, 1, 1).unwrap_or_default()),
        ));
    }
    Ok(())
}

/// Approves the estimate once every line is appraised: it is locked and becomes the ceiling;
/// the version it revises is superseded.
#[utoipa::path(
    post,
    path = "/api/v1/decision/budget/estimates/{id}/approve",
    operation_id = "approve_estimate",
    tag = "budget",
    params(("id" = Uuid, Path, description = "Estimate id"), ("If-Match" = String, Header, description = "The ETag last read (`W/\"<version>\"`)")),
    responses(
        (status = 200, description = "The estimate approved and locked", body = EstimateView, headers(("ETag" = String, description = "The estimate's new version"))),
        (status = 404, description = "No such estimate", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`estimate_locked`, or lines not yet appraised (`invalid_transition`)", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 412, description = "The estimate changed since it was read", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 400, description = "A path id is not a UUID (`invalid_path`)", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or bad bearer token", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a finance office caller", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn approve(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let role = caller.require_any(FINANCE)?;
    let now = ctx.clock.now();
    let txn = begin_write(&ctx.db).await?;
    let e = super::estimates::editable(&txn, &caller, &req, *id).await?;
    let lines = queries::lines_of(&txn, e.id).await?;
    all_appraised(&lines)?;
    let total = money::total(lines.iter().map(|l| l.approved_amount.unwrap_or(0)))
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("total overflow")))?;
    let e = writes::approve_estimate(&txn, &e, caller.user, now).await?;
    writes::audit_estimate_approved(&txn, &caller, now, role, &e, total).await?;
    txn.commit().await?;
    answer_estimate(&ctx.db, StatusCode::OK, e).await
}

/// Refuses the approval while a line is not appraised, naming each such line.
fn all_appraised(lines: &[line::Model]) -> Result<(), ApiError> {
    let pending: Vec<FieldIssue> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| LineAppraisal::parse(&l.appraisal) == Some(LineAppraisal::Pending))
        .map(|(i, l)| FieldIssue {
            field: format!("lines[{i}]"),
            code: "not_appraised".into(),
            message: Localized::new(
                format!("Chưa thẩm định: {}", l.description),
                format!("Not appraised yet: {}", l.description),
            ),
        })
        .collect();
    if !pending.is_empty() {
        let mut err = ApiError::new(ErrorCode::InvalidTransition).with_detail(
            format!("Còn {} dòng chưa thẩm định", pending.len()),
            format!("{} line(s) are not appraised yet", pending.len()),
        );
        err.errors = pending;
        return Err(err);
    }
    Ok(())
}
