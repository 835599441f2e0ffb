//! Plans: drafted and published by the council secretariat (or an admin), amended with a
//! recorded reason, read by everyone of the tenant.

use crate::domain::plan::PlanStatus;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDate;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use sangkien_kit::http::with_location;
use sangkien_kit::{
    ApiError,
    audit::AuditEntry,
    auth::Caller,
    db::begin_write,
    error::Issues,
    http::paging::{PageQuery, etag, next_cursor, require_if_match},
    service::ServiceContext,
    store::{TenantScoped, find_in_tenant},
    text::like,
};
use sangkien_proto::{
    ErrorCode, Role,
    events::{PlanFieldInfo, PlanPublished, StageInfo},
};

use super::common::audit;
use crate::{
    domain::plan::{FieldSpec, StageKind, check_fields},
    store::{
        self,
        entities::{plan, plan_amendment},
    },
};

/// Who drafts, publishes and amends plans.
pub const PLAN_EDITORS: &[Role] = &[Role::CouncilSecretariat, Role::Admin];

/// Registers the plan routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/plans", web::get().to(list_plans))
        .route("/plans", web::post().to(create_plan))
        .route("/plans/{id}", web::get().to(get_plan))
        .route("/plans/{id}", web::put().to(update_plan))
        .route("/plans/{id}/publish", web::post().to(publish_plan))
        .route("/plans/{id}/amendments", web::post().to(amend_plan))
        .route("/plans/{id}/amendments", web::get().to(list_amendments));
}

/// A plan as drafted.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanInput {
    /// Number and symbol (`163/KH-UBND`).
    pub symbol: String,
    /// Title.
    pub title: String,
    /// Date of issue.
    pub issued_on: NaiveDate,
    /// The year it organises (2000–2100; 422 `out_of_range` outside).
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i32,
    /// Its fields.
    pub fields: Vec<FieldSpec>,
}

/// An amendment of a published plan.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanAmendment {
    /// Why (recorded and shown).
    pub reason: String,
    /// The fields as they are to stand.
    pub fields: Vec<FieldSpec>,
}

/// A plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanView {
    pub id: Uuid,
    pub symbol: String,
    pub title: String,
    pub issued_on: NaiveDate,
    pub year: i32,
    /// Draft, or published (open to dossiers).
    pub status: PlanStatus,
    pub fields: Vec<FieldSpec>,
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub published_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A page of plans.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanPage {
    pub items: Vec<PlanView>,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<String>,
}

/// A recorded amendment.
#[derive(Debug, Serialize, ToSchema)]
pub struct AmendmentView {
    pub version: i32,
    pub reason: String,
    pub fields_before: Vec<FieldSpec>,
    pub fields_after: Vec<FieldSpec>,
    pub amended_by: Uuid,
    pub amended_at: chrono::DateTime<chrono::Utc>,
}

/// Filters of the plan list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanFilter {
    /// Only this year.
    pub year: Option<i32>,
    /// Only plans in this status.
    pub status: Option<PlanStatus>,
}

/// The fields stored with a plan.
pub fn fields_of(p: &plan::Model) -> Result<Vec<FieldSpec>, ApiError> {
    serde_json::from_str(&p.fields).map_err(ApiError::internal)
}

fn view(p: plan::Model) -> Result<PlanView, ApiError> {
    Ok(PlanView {
        fields: fields_of(&p)?,
        id: p.id,
        symbol: p.symbol,
        title: p.title,
        issued_on: p.issued_on,
        year: p.year,
        status: PlanStatus::stored(&p.status)?,
        version: p.version,
        created_at: p.created_at,
        published_at: p.published_at,
    })
}

fn not_found() -> ApiError {
    ApiError::new(ErrorCode::PlanNotFound)
}

/// The plan `id` of the caller's tenant.
pub async fn plan_of<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    id: Uuid,
) -> Result<plan::Model, ApiError> {
    find_in_tenant::<plan::Entity>(db, caller.tenant, id)
        .await?
        .ok_or_else(not_found)
}

fn check_input(input: &PlanInput) -> Result<(String, String), ApiError> {
    let mut issues = Issues::new();
    let symbol = issues.text("symbol", &input.symbol, 64);
    let title = issues.text("title", &input.title, 300);
    if !(2000..=2100).contains(&input.year) {
        issues.push(
            "year",
            "out_of_range",
            "Năm không hợp lệ",
            "The year is not valid",
        );
    }
    check_fields(&input.fields, &mut issues);
    issues.finish()?;
    Ok((symbol, title))
}

fn stage_kind(kind: StageKind) -> &'static str {
    match kind {
        StageKind::AppraisalTeam => "appraisal_team",
        StageKind::Council => "council",
    }
}

/// The field's stages as events carry them.
pub fn stage_infos(field: &FieldSpec) -> Vec<StageInfo> {
    field
        .stages
        .iter()
        .map(|s| StageInfo {
            kind: stage_kind(s.kind).into(),
            from: s.window.from,
            to: s.window.to,
            rubric: s.rubric.clone(),
        })
        .collect()
}

fn published_event(p: &plan::Model, fields: &[FieldSpec]) -> PlanPublished {
    PlanPublished {
        plan_id: p.id,
        symbol: p.symbol.clone(),
        title: p.title.clone(),
        year: p.year,
        version: p.version,
        fields: fields
            .iter()
            .map(|f| PlanFieldInfo {
                code: f.code.clone(),
                name: f.name.clone(),
                receiving_unit_id: f.receiving_unit_id,
                receive_from: f.receive.from,
                receive_to: f.receive.to,
                stages: stage_infos(f),
            })
            .collect(),
    }
}

fn ok_with_etag(status: actix_web::http::StatusCode, v: PlanView) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header(("ETag", etag(v.version)))
        .json(v)
}

/// Lists the tenant's plans, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/intake/plans",
    tag = "plans",
    params(PageQuery, PlanFilter),
    responses((status = 200, description = "A page of plans", body = PlanPage)),
    security(("bearer" = []))
)]
pub async fn list_plans(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    page: web::Query<PageQuery>,
    filter: web::Query<PlanFilter>,
) -> Result<HttpResponse, ApiError> {
    let limit = page.limit()?;
    let mut q = plan::Entity::find_in(caller.tenant).order_by_desc(plan::Column::Id);
    if !PLAN_EDITORS.iter().any(|r| caller.has_role(*r)) {
        q = q.filter(plan::Column::Status.eq(PlanStatus::Published.code()));
    }
    if let Some(y) = filter.year {
        q = q.filter(plan::Column::Year.eq(y));
    }
    if let Some(s) = &filter.status {
        q = q.filter(plan::Column::Status.eq(s.code()));
    }
    if let Some(c) = page.cursor()? {
        q = q.filter(plan::Column::Id.lt(c));
    }
    if let Some(text) = page.search() {
        q = q.filter(
            plan::Column::Title
                .like(like(&text))
                .or(plan::Column::Symbol.like(like(&text))),
        );
    }
    let rows = q.limit(limit).all(&ctx.db).await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    Ok(HttpResponse::Ok().json(PlanPage {
        next_cursor: next_cursor(&ids, limit),
        items: rows.into_iter().map(view).collect::<Result<_, _>>()?,
    }))
}

/// Drafts a plan.
#[utoipa::path(
    post,
    path = "/api/v1/intake/plans",
    tag = "plans",
    request_body = PlanInput,
    responses(
        (status = 201, description = "Drafted", body = PlanView, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"), ("Location" = String, description = "The path of what was created (or of the list it joined): follow it to read it"))),
        (status = 403, description = "Not the council secretariat or an admin", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every problem of the plan", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn create_plan(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    body: web::Json<PlanInput>,
) -> Result<HttpResponse, ApiError> {
    let role = caller.require_any(PLAN_EDITORS)?;
    let (symbol, title) = check_input(&body)?;
    let now = ctx.clock.now();
    let model = plan::Model {
        id: Uuid::now_v7(),
        tenant: caller.tenant,
        symbol,
        title: title.clone(),
        issued_on: body.issued_on,
        year: body.year,
        status: PlanStatus::Draft.code().into(),
        fields: serde_json::to_string(&body.fields).map_err(ApiError::internal)?,
        version: 1,
        created_by: caller.user,
        created_at: now,
        updated_at: now,
        published_at: None,
    };
    let txn = begin_write(&ctx.db).await?;
    plan::Entity::insert(model.clone().into_active_model())
        .exec_without_returning(&txn)
        .await?;
    audit(
        &txn,
        &ctx,
        &caller,
        AuditEntry {
            action: "plan.drafted",
            subject_type: "plan",
            subject_id: model.id,
            role: role.as_str(),
            details: serde_json::json!({ "symbol": model.symbol, "title": title }),
        },
    )
    .await?;
    txn.commit().await?;
    let location = format!("/api/v1/intake/plans/{}", model.id);
    Ok(with_location(
        ok_with_etag(actix_web::http::StatusCode::CREATED, view(model)?),
        &location,
    ))
}

/// Reads a plan.
#[utoipa::path(
    get,
    path = "/api/v1/intake/plans/{id}",
    tag = "plans",
    params(("id" = Uuid, Path, description = "Plan id")),
    responses(
        (status = 200, description = "The plan; ETag is its version", body = PlanView, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"))),
        (status = 404, description = "No such plan", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn get_plan(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let p = plan_of(&ctx.db, &caller, id.into_inner()).await?;
    if p.state() != Some(PlanStatus::Published) && !PLAN_EDITORS.iter().any(|r| caller.has_role(*r))
    {
        return Err(not_found());
    }
    Ok(ok_with_etag(actix_web::http::StatusCode::OK, view(p)?))
}

/// Replaces a draft plan (`If-Match` required).
#[utoipa::path(
    put,
    path = "/api/v1/intake/plans/{id}",
    tag = "plans",
    params(sangkien_kit::http::contract::IfMatch, ("id" = Uuid, Path, description = "Plan id")),
    request_body = PlanInput,
    responses(
        sangkien_kit::http::contract::Conditional,
        (status = 200, description = "Saved", body = PlanView, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"))),
        (status = 409, description = "Already published: amend it instead", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn update_plan(
    req: HttpRequest,
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: web::Json<PlanInput>,
) -> Result<HttpResponse, ApiError> {
    let role = caller.require_any(PLAN_EDITORS)?;
    let (symbol, title) = check_input(&body)?;
    let now = ctx.clock.now();
    let txn = begin_write(&ctx.db).await?;
    let p = plan_of(&txn, &caller, id.into_inner()).await?;
    require_if_match(&req, p.version)?;
    if p.state() != Some(PlanStatus::Draft) {
        return Err(ApiError::new(ErrorCode::InvalidTransition).with_detail(
            "Kế hoạch đã ban hành; hãy sửa đổi kèm lý do",
            "The plan is published; amend it with a reason",
        ));
    }
    let mut m = p.clone().into_active_model();
    m.symbol = Set(symbol);
    m.title = Set(title);
    m.issued_on = Set(body.issued_on);
    m.year = Set(body.year);
    m.fields = Set(serde_json::to_string(&body.fields).map_err(ApiError::internal)?);
    m.version = Set(p.version + 1);
    m.updated_at = Set(now);
    let updated = plan::Entity::update(m).exec(&txn).await?;
    audit(
        &txn,
        &ctx,
        &caller,
        AuditEntry {
            action: "plan.draft_saved",
            subject_type: "plan",
            subject_id: updated.id,
            role: role.as_str(),
            details: serde_json::json!({ "version": updated.version }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(ok_with_etag(
        actix_web::http::StatusCode::OK,
        view(updated)?,
    ))
}

/// Publishes a draft plan: its windows open on their dates (`If-Match` required).
#[utoipa::path(
    post,
    path = "/api/v1/intake/plans/{id}/publish",
    tag = "plans",
    params(sangkien_kit::http::contract::IfMatch, ("id" = Uuid, Path, description = "Plan id")),
    responses(
        sangkien_kit::http::contract::Conditional,
        (status = 200, description = "Published; `plan.published` sent", body = PlanView, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"))),
        (status = 409, description = "Already published", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn publish_plan(
    req: HttpRequest,
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let role = caller.require_any(PLAN_EDITORS)?;
    let now = ctx.clock.now();
    let txn = begin_write(&ctx.db).await?;
    let p = plan_of(&txn, &caller, id.into_inner()).await?;
    require_if_match(&req, p.version)?;
    if p.state() != Some(PlanStatus::Draft) {
        return Err(ApiError::new(ErrorCode::InvalidTransition)
            .with_detail("Kế hoạch đã được ban hành", "The plan is already published"));
    }
    let fields = fields_of(&p)?;
    let mut m = p.clone().into_active_model();
    m.status = Set(PlanStatus::Published.code().into());
    m.published_at = Set(Some(now));
    m.version = Set(p.version + 1);
    m.updated_at = Set(now);
    let updated = plan::Entity::update(m).exec(&txn).await?;
    audit(
        &txn,
        &ctx,
        &caller,
        AuditEntry {
            action: "plan.published",
            subject_type: "plan",
            subject_id: updated.id,
            role: role.as_str(),
            details: serde_json::json!({ "symbol": updated.symbol }),
        },
    )
    .await?;
    ctx.outbox
        .publish(&txn, now, &caller, &published_event(&updated, &fields))
        .await?;
    ctx.outbox.commit(txn).await?;
    Ok(ok_with_etag(
        actix_web::http::StatusCode::OK,
        view(updated)?,
    ))
}

/// Amends a published plan with a reason; a field that already has dossiers cannot be
/// removed (`If-Match` required).
#[utoipa::path(
    post,
    path = "/api/v1/intake/plans/{id}/amendments",
    tag = "plans",
    params(sangkien_kit::http::contract::IfMatch, ("id" = Uuid, Path, description = "Plan id")),
    request_body = PlanAmendment,
    responses(
        sangkien_kit::http::contract::Conditional,
        (status = 200, description = "Amended; `plan.published` sent again", body = PlanView, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"))),
        (status = 409, description = "Not published, or a field with dossiers removed", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every problem", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn amend_plan(
    req: HttpRequest,
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: web::Json<PlanAmendment>,
) -> Result<HttpResponse, ApiError> {
    let role = caller.require_any(PLAN_EDITORS)?;
    let reason = check_amendment(&body)?;
    let now = ctx.clock.now();
    let txn = begin_write(&ctx.db).await?;
    let p = plan_of(&txn, &caller, id.into_inner()).await?;
    require_if_match(&req, p.version)?;
    if p.state() != Some(PlanStatus::Published) {
        return Err(ApiError::new(ErrorCode::InvalidTransition).with_detail(
            "Chỉ sửa đổi kế hoạch đã ban hành; bản nháp thì lưu lại",
            "Only a published plan is amended; save a draft instead",
        ));
    }
    check_removed_fields(&txn, &p, &body.fields).await?;
    let after = serde_json::to_string(&body.fields).map_err(ApiError::internal)?;
    let updated = store::plans::amend(&txn, &p, &reason, after, caller.user, now).await?;
    audit_amended(&txn, &ctx, &caller, role, &updated, &reason).await?;
    ctx.outbox
        .publish(&txn, now, &caller, &published_event(&updated, &body.fields))
        .await?;
    ctx.outbox.commit(txn).await?;
    Ok(ok_with_etag(
        actix_web::http::StatusCode::OK,
        view(updated)?,
    ))
}

/// Checks an amendment's reason and fields, every problem at once; returns the reason.
fn check_amendment(body: &PlanAmendment) -> Result<String, ApiError> {
    let mut issues = Issues::new();
    let reason = issues.text("reason", &body.reason, 2000);
    check_fields(&body.fields, &mut issues);
    issues.finish()?;
    Ok(reason)
}

/// Refuses an amendment that drops a field of `p` some dossier is in: those would be lost.
async fn check_removed_fields<C: ConnectionTrait>(
    db: &C,
    p: &plan::Model,
    fields: &[FieldSpec],
) -> Result<(), ApiError> {
    let before = fields_of(p)?;
    for removed in before
        .iter()
        .filter(|b| !fields.iter().any(|f| f.code == b.code))
    {
        if store::plans::field_has_dossiers(db, p.id, &removed.code).await? {
            return Err(ApiError::new(ErrorCode::InvalidTransition).with_detail(
                format!("Lĩnh vực «{}» đã có hồ sơ, không thể bỏ", removed.name),
                format!(
                    "The field «{}» has dossiers and cannot be removed",
                    removed.name
                ),
            ));
        }
    }
    Ok(())
}

/// Audits the amendment that made `updated`, so the handler names the step.
async fn audit_amended<C: ConnectionTrait>(
    txn: &C,
    ctx: &ServiceContext,
    caller: &Caller,
    role: Role,
    updated: &plan::Model,
    reason: &str,
) -> Result<(), ApiError> {
    audit(
        txn,
        ctx,
        caller,
        AuditEntry {
            action: "plan.amended",
            subject_type: "plan",
            subject_id: updated.id,
            role: role.as_str(),
            details: serde_json::json!({ "version": updated.version, "reason": reason }),
        },
    )
    .await
}

/// Lists a plan's amendments, oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/intake/plans/{id}/amendments",
    tag = "plans",
    params(("id" = Uuid, Path, description = "Plan id")),
    responses((status = 200, description = "Every amendment", body = Vec<AmendmentView>)),
    security(("bearer" = []))
)]
pub async fn list_amendments(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let p = plan_of(&ctx.db, &caller, id.into_inner()).await?;
    let rows = plan_amendment::Entity::find()
        .filter(plan_amendment::Column::PlanId.eq(p.id))
        .order_by_asc(plan_amendment::Column::Version)
        .all(&ctx.db)
        .await?;
    let items = rows
        .into_iter()
        .map(|a| {
            Ok(AmendmentView {
                version: a.version,
                reason: a.reason,
                fields_before: serde_json::from_str(&a.fields_before)
                    .map_err(ApiError::internal)?,
                fields_after: serde_json::from_str(&a.fields_after).map_err(ApiError::internal)?,
                amended_by: a.amended_by,
                amended_at: a.amended_at,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(HttpResponse::Ok().json(items))
}
