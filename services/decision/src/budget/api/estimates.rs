//! Estimates (dự toán) per plan and year: drafted from the plan, edited line by line by the
//! council secretariat while in draft, revised as a new version once approved.

use crate::budget::domain::status::EstimateStatus;
use crate::budget::domain::status::LineAppraisal;
use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use chrono::NaiveDate;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use sangkien_kit::http::with_location;
use sangkien_kit::{
    ApiError,
    audit::{self, AuditEntry},
    auth::Caller,
    db::{begin_write, unique_or},
    error::Issues,
    http::paging::require_if_match,
    service::ServiceContext,
};
use sangkien_proto::{
    ErrorCode,
    events::{PanelMemberInfo, PlanFieldInfo},
};

use super::{DRAFTERS, READERS, cap_refusal, locked, no_plan, settled, views::*, year_open};
use crate::budget::{
    domain::{
        draft::{PanelSize, StageWindow, draft},
        lines::in_budget_year,
        money,
        rates::{check_cap, line_kind, payee_fits},
    },
    store::{
        entities::{estimate, line, panel, plan},
        queries, writes,
    },
};

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/budget/plans/{plan_id}/estimates",
        web::post().to(draft_estimate),
    )
    .route(
        "/budget/plans/{plan_id}/estimates",
        web::get().to(list_estimates),
    )
    .route("/budget/estimates/{id}", web::get().to(get_estimate))
    .route("/budget/estimates/{id}/lines", web::post().to(add_line))
    .route(
        "/budget/estimates/{id}/lines/{line_id}",
        web::put().to(edit_line),
    )
    .route(
        "/budget/estimates/{id}/lines/{line_id}",
        web::delete().to(remove_line),
    )
    .route("/budget/estimates/{id}/revisions", web::post().to(revise));
}

/// A line as the secretariat enters it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineInput {
    pub line_code: String,
    pub payee_role: Option<String>,
    pub description: String,
    pub quantity: i64,
    /// Whole đồng per unit, at most the cap in force.
    pub unit_amount: i64,
    /// The date whose cap applies, in the plan's budget year (default 1 January of it).
    pub on: Option<NaiveDate>,
}

/// Why a revision is opened.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevisionInput {
    pub note: String,
}

/// One version in a plan's estimate history.
#[derive(Debug, Serialize, ToSchema)]
pub struct EstimateSummary {
    pub id: Uuid,
    pub revision: i32,
    pub status: EstimateStatus,
    pub previous_id: Option<Uuid>,
    pub note: String,
    pub total: i64,
    pub approved_total: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub approved_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A checked line: its amount and the rate that capped it.
pub struct CheckedLine {
    pub amount: i64,
    pub rate_id: Uuid,
    pub description: String,
}

/// Checks a line in full: known line and payee, text, quantity, amount, and the cap in force
/// on its date for the body's profile.
///
/// `date_field` names the line's date in the caller's body (`on`, or an expense's `spent_on`):
/// it must fall in the plan's budget year.
pub async fn check_line<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    year: i32,
    b: &LineInput,
    date_field: &str,
) -> Result<CheckedLine, ApiError> {
    let mut issues = Issues::new();
    if let Some(on) = b.on
        && !in_budget_year(year, on)
    {
        issues.push(
            date_field,
            "outside_budget_year",
            format!(
                "Ngày {} không thuộc năm ngân sách {year}",
                on.format("%d/%m/%Y")
            ),
            format!("{on} is not in budget year {year}"),
        );
    }
    match line_kind(&b.line_code) {
        None => issues.push(
            "line_code",
            "unknown",
            "Không có nội dung chi này",
            "No such spending line",
        ),
        Some(l) if !payee_fits(l, b.payee_role.as_deref()) => issues.push(
            "payee_role",
            "not_of_this_line",
            "Đối tượng chi không thuộc nội dung chi này",
            "This payee role is not one of the line's",
        ),
        _ => {}
    }
    let description = issues.text("description", &b.description, 500);
    if b.quantity < 0 {
        issues.push(
            "quantity",
            "out_of_range",
            "Số lượng không được âm",
            "quantity may not be negative",
        );
    }
    if b.unit_amount < 0 {
        issues.push(
            "unit_amount",
            "out_of_range",
            "Mức chi không được âm",
            "unit_amount may not be negative",
        );
    }
    let amount = money::amount(b.quantity, b.unit_amount);
    if amount.is_none() && b.quantity >= 0 && b.unit_amount >= 0 {
        issues.push(
            "unit_amount",
            "too_large",
            "Thành tiền vượt giới hạn",
            "The amount is too large",
        );
    }
    issues.finish()?;
    let on =
        b.on.unwrap_or_else(|| NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default());
    let rates = queries::rates_of(db, caller.tenant).await?;
    let profile = queries::profile_of(db, caller.tenant).await?;
    let rate = check_cap(
        &rates,
        &b.line_code,
        b.payee_role.as_deref(),
        on,
        profile.as_ref(),
        b.unit_amount,
    )
    .map_err(|breach| cap_refusal(breach, "unit_amount", on))?;
    Ok(CheckedLine {
        amount: amount.unwrap_or(0),
        rate_id: rate.id,
        description,
    })
}

fn already_estimated() -> ApiError {
    ApiError::new(ErrorCode::Conflict).with_detail(
        "Kế hoạch đã có dự toán; hãy sửa bản nháp hoặc lập bản điều chỉnh",
        "The plan already has an estimate; edit its draft or open a revision",
    )
}

fn revision_in_draft() -> ApiError {
    ApiError::new(ErrorCode::Conflict).with_detail(
        "Đã có một bản điều chỉnh đang soạn",
        "A revision is already being drafted",
    )
}

/// Drafts the plan's first estimate from its stage windows and the panels announced for it.
#[utoipa::path(
    post,
    path = "/api/v1/decision/budget/plans/{plan_id}/estimates",
    tag = "budget",
    params(("plan_id" = Uuid, Path, description = "Plan id")),
    responses(
        (status = 201, description = "The first estimate, drafted from the plan's stages and panels", body = EstimateView, headers(("ETag" = String, description = "The estimate's version"), ("Location" = String, description = "The path of what was created (or of the list it joined): follow it to read it"))),
        (status = 404, description = "`plan_not_found`", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The plan already has an estimate", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A drafted line breaks a cap (`rate_above_cap`, `rate_not_in_force`)", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 400, description = "A path id is not a UUID (`invalid_path`)", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or bad bearer token", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a council secretariat caller", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn draft_estimate(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    plan_id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let role = caller.require_any(DRAFTERS)?;
    let now = ctx.clock.now();
    let txn = begin_write(&ctx.db).await?;
    let plan = queries::plan_in(&txn, caller.tenant, *plan_id)
        .await?
        .ok_or_else(no_plan)?;
    if writes::any_estimate_of_plan(&txn, caller.tenant, plan.id)
        .await?
        .is_some()
    {
        return Err(already_estimated());
    }
    let fields: Vec<PlanFieldInfo> =
        serde_json::from_str(&plan.fields).map_err(ApiError::internal)?;
    let stages = stage_windows(&fields);
    let sizes = panel_sizes(writes::panels_of(&txn, caller.tenant, plan.id).await?)?;
    let rates = queries::rates_of(&txn, caller.tenant).await?;
    let profile = queries::profile_of(&txn, caller.tenant).await?;
    let start = in_year(
        plan.year,
        fields
            .iter()
            .map(|f| f.receive_from)
            .min()
            .unwrap_or_default(),
    );
    let codes: Vec<String> = fields.iter().map(|f| f.code.clone()).collect();
    let lines = draft(&codes, &stages, &sizes, &rates, profile.as_ref(), start)
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("draft overflow")))?;
    let e = first_estimate(&plan, &caller, now);
    // Two drafts of one plan at the same moment: the unique revision number lets one in.
    writes::insert_estimate(&txn, &e)
        .await
        .map_err(|err| unique_or(err, already_estimated))?;
    let on = in_year(plan.year, stages.first().map(|s| s.from).unwrap_or(start));
    writes::insert_drafted_lines(&txn, &e, &lines, &rates, profile.as_ref(), on).await?;
    writes::audit_estimate_drafted(&txn, &caller, now, role, &e, &lines).await?;
    txn.commit().await?;
    let location = format!("/api/v1/decision/budget/estimates/{}", e.id);
    Ok(with_location(
        answer_estimate(&ctx.db, StatusCode::CREATED, e).await?,
        &location,
    ))
}

/// The date whose caps apply, in the budget year: a window opening in December before it
/// counts from 1 January, as a line entered by hand must.
fn in_year(year: i32, d: NaiveDate) -> NaiveDate {
    if in_budget_year(year, d) {
        d
    } else {
        NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(d)
    }
}

/// The stage windows of the plan's fields, which the drafted sittings follow.
fn stage_windows(fields: &[PlanFieldInfo]) -> Vec<StageWindow> {
    fields
        .iter()
        .flat_map(|f| {
            f.stages.iter().map(|s| StageWindow {
                field: f.code.clone(),
                kind: s.kind.clone(),
                from: s.from,
                to: s.to,
            })
        })
        .collect()
}

/// The size of each announced panel, by its members' roles, which the sitting lines count.
fn panel_sizes(panels: Vec<panel::Model>) -> Result<Vec<PanelSize>, ApiError> {
    let mut sizes = Vec::new();
    for p in panels {
        let members: Vec<PanelMemberInfo> =
            serde_json::from_str(&p.members).map_err(ApiError::internal)?;
        sizes.push(PanelSize {
            field: p.field,
            stage: p.stage,
            name: p.name,
            roles: members.into_iter().map(|m| m.panel_role).collect(),
        });
    }
    Ok(sizes)
}

/// The plan's first estimate, a draft at revision 1.
fn first_estimate(
    plan: &plan::Model,
    caller: &Caller,
    now: chrono::DateTime<chrono::Utc>,
) -> estimate::Model {
    estimate::Model {
        id: Uuid::now_v7(),
        tenant: caller.tenant,
        plan_id: plan.id,
        year: plan.year,
        revision: 1,
        status: EstimateStatus::Draft.code().into(),
        previous_id: None,
        note: format!(
            "Dự toán kinh phí hoạt động sáng kiến năm {} theo {}",
            plan.year, plan.symbol
        ),
        created_by: caller.user,
        created_at: now,
        approved_by: None,
        approved_at: None,
        version: 1,
    }
}

/// The history of a plan's estimate, every version.
#[utoipa::path(
    get,
    path = "/api/v1/decision/budget/plans/{plan_id}/estimates",
    tag = "budget",
    params(("plan_id" = Uuid, Path, description = "Plan id")),
    responses(
        (status = 200, description = "The plan's estimates, revision by revision", body = Vec<EstimateSummary>),
        (status = 400, description = "A path id is not a UUID (`invalid_path`)", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or bad bearer token", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a council secretariat, finance office, signer or admin caller", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn list_estimates(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    plan_id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(READERS)?;
    let all = estimate::Entity::find()
        .filter(estimate::Column::Tenant.eq(caller.tenant))
        .filter(estimate::Column::PlanId.eq(*plan_id))
        .order_by_asc(estimate::Column::Revision)
        .all(&ctx.db)
        .await?;
    let mut out = Vec::new();
    for e in all {
        let lines = queries::lines_of(&ctx.db, e.id).await?;
        let v = estimate_view(e, lines)?;
        out.push(EstimateSummary {
            id: v.id,
            revision: v.revision,
            status: v.status,
            previous_id: v.previous_id,
            note: v.note,
            total: v.total,
            approved_total: v.approved_total,
            created_at: v.created_at,
            approved_at: v.approved_at,
        });
    }
    Ok(HttpResponse::Ok().json(out))
}

/// One estimate version with its lines.
#[utoipa::path(
    get,
    path = "/api/v1/decision/budget/estimates/{id}",
    tag = "budget",
    params(("id" = Uuid, Path, description = "Estimate id")),
    responses(
        (status = 200, description = "The estimate with its lines, with its ETag", body = EstimateView, headers(("ETag" = String, description = "The estimate's version"))),
        (status = 404, description = "No such estimate", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 400, description = "A path id is not a UUID (`invalid_path`)", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or bad bearer token", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a council secretariat, finance office, signer or admin caller", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn get_estimate(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(READERS)?;
    let e = estimate_of(&ctx.db, &caller, *id).await?;
    answer_estimate(&ctx.db, StatusCode::OK, e).await
}

/// The estimate, editable: in draft, at the ETag given, its year not settled — and claimed
/// for this change by a conditional version bump before anything is written. Reads alone do
/// not serialise two writers with the same ETag on PostgreSQL's READ COMMITTED: without the
/// claim the finance office could approve while a line is being edited, locking an estimate
/// with an unappraised line. The second writer waits on the row, finds the version moved and
/// gets 412. Used by line edits, line appraisals and the approval.
pub async fn editable<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    req: &HttpRequest,
    id: Uuid,
) -> Result<estimate::Model, ApiError> {
    let e = estimate_of(db, caller, id).await?;
    if e.state() != Some(EstimateStatus::Draft) {
        return Err(locked());
    }
    require_if_match(req, e.version)?;
    queries::hold_year(db, caller.tenant, e.year, queries::YearHold::Booking).await?;
    if queries::settlement_of_year(db, caller.tenant, e.year)
        .await?
        .is_some()
    {
        return Err(settled(e.year));
    }
    let claimed = estimate::Entity::update_many()
        .col_expr(
            estimate::Column::Version,
            sea_orm::sea_query::Expr::value(e.version + 1),
        )
        .filter(estimate::Column::Id.eq(e.id))
        .filter(estimate::Column::Version.eq(e.version))
        .filter(estimate::Column::Status.eq(EstimateStatus::Draft.code()))
        .exec(db)
        .await?;
    if claimed.rows_affected == 0 {
        return Err(ApiError::new(ErrorCode::PreconditionFailed).with_detail(
            "Dự toán vừa được người khác sửa hoặc phê duyệt; tải lại rồi thử lại",
            "The estimate was just changed or approved by someone else; reload and retry",
        ));
    }
    Ok(e)
}

/// Bumps the estimate's row version (its ETag).
pub async fn touch<C: ConnectionTrait>(
    db: &C,
    e: &estimate::Model,
) -> Result<estimate::Model, ApiError> {
    let mut am = e.clone().into_active_model();
    am.version = Set(e.version + 1);
    Ok(estimate::Entity::update(am).exec(db).await?)
}

fn line_json(l: &line::Model) -> serde_json::Value {
    serde_json::json!({
        "line_code": l.line_code, "payee_role": l.payee_role, "description": l.description,
        "quantity": l.quantity, "unit_amount": l.unit_amount, "amount": l.amount,
        "appraisal": l.appraisal, "approved_amount": l.approved_amount,
    })
}

/// Adds a line to a draft.
#[utoipa::path(
    post,
    path = "/api/v1/decision/budget/estimates/{id}/lines",
    tag = "budget",
    params(("id" = Uuid, Path, description = "Estimate id"), ("If-Match" = String, Header, description = "The ETag last read (`W/\"<version>\"`)")),
    request_body = LineInput,
    responses(
        (status = 201, description = "The estimate with the line added", body = EstimateView, headers(("ETag" = String, description = "The estimate's new version"), ("Location" = String, description = "The path of what was created (or of the list it joined): follow it to read it"))),
        (status = 404, description = "No such estimate", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`estimate_locked` or `year_settled`", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 412, description = "The estimate changed since it was read", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every problem, including `rate_above_cap` and `rate_not_in_force`", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 400, description = "A path id is not a UUID (`invalid_path`); the body is not valid JSON of this shape (`malformed_body`)", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or bad bearer token", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a council secretariat caller", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn add_line(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: web::Json<LineInput>,
) -> Result<HttpResponse, ApiError> {
    let role = caller.require_any(DRAFTERS)?;
    let now = ctx.clock.now();
    let txn = begin_write(&ctx.db).await?;
    let e = editable(&txn, &caller, &req, *id).await?;
    let c = check_line(&txn, &caller, e.year, &body, "on").await?;
    let position = queries::lines_of(&txn, e.id)
        .await?
        .iter()
        .map(|l| l.position + 1)
        .max()
        .unwrap_or(0);
    let line_id = writes::insert_line(
        &txn,
        &e,
        position,
        &body.line_code,
        body.payee_role.clone(),
        &c.description,
        body.quantity,
        body.unit_amount,
        Some(c.rate_id),
    )
    .await?;
    let e = touch(&txn, &e).await?;
    audit::record(&txn, &caller, now, AuditEntry {
        action: "budget.estimate.line_added",
        subject_type: "budget_estimate_line",
        subject_id: line_id,
        role: role.as_str(),
        details: serde_json::json!({ "estimate_id": e.id, "before": null, "after": {
            "line_code": body.line_code, "payee_role": body.payee_role, "quantity": body.quantity, "unit_amount": body.unit_amount, "amount": c.amount } }),
    })
    .await?;
    txn.commit().await?;
    let location = format!("/api/v1/decision/budget/estimates/{}", e.id);
    Ok(with_location(
        answer_estimate(&ctx.db, StatusCode::CREATED, e).await?,
        &location,
    ))
}

/// The line `line_id` of estimate `e` (404 otherwise).
pub async fn line_in<C: ConnectionTrait>(
    db: &C,
    e: &estimate::Model,
    line_id: Uuid,
) -> Result<line::Model, ApiError> {
    line::Entity::find_by_id(line_id)
        .one(db)
        .await?
        .filter(|l| l.estimate_id == e.id)
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))
}

/// Changes a line of a draft; its appraisal starts again.
#[utoipa::path(
    put,
    path = "/api/v1/decision/budget/estimates/{id}/lines/{line_id}",
    tag = "budget",
    params(("id" = Uuid, Path, description = "Estimate id"), ("line_id" = Uuid, Path, description = "Estimate line id"), ("If-Match" = String, Header, description = "The ETag last read (`W/\"<version>\"`)")),
    request_body = LineInput,
    responses(
        (status = 200, description = "The estimate with the line changed", body = EstimateView, headers(("ETag" = String, description = "The estimate's new version"))),
        (status = 404, description = "No such estimate or line", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`estimate_locked` or `year_settled`", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 412, description = "The estimate changed since it was read", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every problem, including `rate_above_cap` and `rate_not_in_force`", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 400, description = "A path id is not a UUID (`invalid_path`); the body is not valid JSON of this shape (`malformed_body`)", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or bad bearer token", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a council secretariat caller", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn edit_line(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(Uuid, Uuid)>,
    body: web::Json<LineInput>,
) -> Result<HttpResponse, ApiError> {
    let role = caller.require_any(DRAFTERS)?;
    let (id, line_id) = path.into_inner();
    let now = ctx.clock.now();
    let txn = begin_write(&ctx.db).await?;
    let e = editable(&txn, &caller, &req, id).await?;
    let before = line_in(&txn, &e, line_id).await?;
    let c = check_line(&txn, &caller, e.year, &body, "on").await?;
    let mut am = before.clone().into_active_model();
    am.line_code = Set(body.line_code.clone());
    am.payee_role = Set(body.payee_role.clone());
    am.description = Set(c.description);
    am.quantity = Set(body.quantity);
    am.unit_amount = Set(body.unit_amount);
    am.amount = Set(c.amount);
    am.rate_id = Set(Some(c.rate_id));
    am.appraisal = Set(LineAppraisal::Pending.code().into());
    am.approved_amount = Set(None);
    am.appraisal_reason = Set(None);
    am.appraised_by = Set(None);
    let after = line::Entity::update(am).exec(&txn).await?;
    let e = touch(&txn, &e).await?;
    audit::record(&txn, &caller, now, AuditEntry {
        action: "budget.estimate.line_changed",
        subject_type: "budget_estimate_line",
        subject_id: line_id,
        role: role.as_str(),
        details: serde_json::json!({ "estimate_id": e.id, "before": line_json(&before), "after": line_json(&after) }),
    })
    .await?;
    txn.commit().await?;
    answer_estimate(&ctx.db, StatusCode::OK, e).await
}

/// Removes a line of a draft.
#[utoipa::path(
    delete,
    path = "/api/v1/decision/budget/estimates/{id}/lines/{line_id}",
    tag = "budget",
    params(("id" = Uuid, Path, description = "Estimate id"), ("line_id" = Uuid, Path, description = "Estimate line id"), ("If-Match" = String, Header, description = "The ETag last read (`W/\"<version>\"`)")),
    responses(
        (status = 200, description = "The estimate without the line", body = EstimateView, headers(("ETag" = String, description = "The estimate's new version"))),
        (status = 404, description = "No such estimate or line", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`estimate_locked` or `year_settled`", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 412, description = "The estimate changed since it was read", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 400, description = "A path id is not a UUID (`invalid_path`)", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or bad bearer token", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a council secretariat caller", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn remove_line(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let role = caller.require_any(DRAFTERS)?;
    let (id, line_id) = path.into_inner();
    let now = ctx.clock.now();
    let txn = begin_write(&ctx.db).await?;
    let e = editable(&txn, &caller, &req, id).await?;
    let before = line_in(&txn, &e, line_id).await?;
    line::Entity::delete_by_id(line_id).exec(&txn).await?;
    let e = touch(&txn, &e).await?;
    audit::record(&txn, &caller, now, AuditEntry {
        action: "budget.estimate.line_removed",
        subject_type: "budget_estimate_line",
        subject_id: line_id,
        role: role.as_str(),
        details: serde_json::json!({ "estimate_id": e.id, "before": line_json(&before), "after": null }),
    })
    .await?;
    txn.commit().await?;
    answer_estimate(&ctx.db, StatusCode::OK, e).await
}

/// Opens a revision of the approved estimate: a new draft version with the same lines, to be
/// appraised again; the approved one stays the ceiling until the revision is approved.
#[utoipa::path(
    post,
    path = "/api/v1/decision/budget/estimates/{id}/revisions",
    tag = "budget",
    params(("id" = Uuid, Path, description = "Estimate id")),
    request_body = RevisionInput,
    responses(
        (status = 201, description = "A draft revision copied from the approved estimate", body = EstimateView, headers(("ETag" = String, description = "The revision's version"), ("Location" = String, description = "The path of what was created (or of the list it joined): follow it to read it"))),
        (status = 404, description = "No such estimate", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not the approved estimate (`invalid_transition`), a revision already drafted (`conflict`) or `year_settled`", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every problem", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 400, description = "A path id is not a UUID (`invalid_path`); the body is not valid JSON of this shape (`malformed_body`)", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or bad bearer token", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a council secretariat caller", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn revise(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: web::Json<RevisionInput>,
) -> Result<HttpResponse, ApiError> {
    let role = caller.require_any(DRAFTERS)?;
    let note = checked_note(&body)?;
    let now = ctx.clock.now();
    let txn = begin_write(&ctx.db).await?;
    let base = estimate_of(&txn, &caller, *id).await?;
    if base.state() != Some(EstimateStatus::Approved) {
        return Err(ApiError::new(ErrorCode::InvalidTransition).with_detail(
            "Chỉ lập bản điều chỉnh từ dự toán đang được phê duyệt",
            "Only the approved estimate can be revised",
        ));
    }
    year_open(&txn, caller.tenant, base.year).await?;
    let latest = writes::latest_estimate(&txn, caller.tenant, base.plan_id).await?;
    if latest
        .as_ref()
        .is_some_and(|l| l.state() == Some(EstimateStatus::Draft))
    {
        return Err(revision_in_draft());
    }
    let e = estimate::Model {
        id: Uuid::now_v7(),
        revision: latest.map_or(base.revision, |l| l.revision) + 1,
        status: EstimateStatus::Draft.code().into(),
        previous_id: Some(base.id),
        note,
        created_by: caller.user,
        created_at: now,
        approved_by: None,
        approved_at: None,
        version: 1,
        ..base.clone()
    };
    writes::insert_estimate(&txn, &e)
        .await
        .map_err(|err| unique_or(err, revision_in_draft))?;
    writes::copy_lines(&txn, base.id, &e).await?;
    writes::audit_estimate_revised(&txn, &caller, now, role, &e, base.id).await?;
    txn.commit().await?;
    let location = format!("/api/v1/decision/budget/estimates/{}", e.id);
    Ok(with_location(
        answer_estimate(&ctx.db, StatusCode::CREATED, e).await?,
        &location,
    ))
}

/// Checks the note of a revision (required, at most 1000 characters).
fn checked_note(body: &RevisionInput) -> Result<String, ApiError> {
    let mut issues = Issues::new();
    let note = issues.text("note", &body.note, 1000);
    issues.finish()?;
    Ok(note)
}
