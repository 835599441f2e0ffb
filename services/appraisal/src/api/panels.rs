//! Panels of a plan's field, and the automatic assignment of their reviewers.

use actix_web::{HttpRequest, HttpResponse, web};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, IntoActiveModel, SqlErr};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use sangkien_kit::http::with_location;
use sangkien_kit::{
    ApiError,
    audit::{self, AuditEntry},
    auth::Caller,
    db::begin_write,
    error::Issues,
    http::paging::{etag, require_if_match},
    service::ServiceContext,
};
use sangkien_proto::{
    ErrorCode,
    events::{PanelChanged, PanelMemberInfo},
};

use super::{ORGANISERS, panel_of};
use crate::{
    domain::{
        assignment::Plan,
        panel::{Member, PanelKind, check_members},
    },
    store::{
        panels::panel,
        queries::{members_of, panels_in},
    },
    workflow::assignments::auto_assign as auto_assign_panel,
};

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/panels", web::post().to(create_panel))
        .route("/panels", web::get().to(list_panels))
        .route("/panels/{id}", web::get().to(get_panel))
        .route("/panels/{id}", web::put().to(update_panel))
        .route("/panels/{id}/auto-assign", web::post().to(auto_assign));
}

/// A new panel.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PanelCreate {
    pub plan_id: Uuid,
    /// The plan's field code.
    pub field: String,
    pub kind: PanelKind,
    /// `Tổ thẩm định SKKN ngành GD&ĐT năm 2022`.
    pub name: String,
    pub members: Vec<Member>,
}

/// New members of a panel.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PanelUpdate {
    pub members: Vec<Member>,
}

/// A panel.
#[derive(Debug, Serialize, ToSchema)]
pub struct PanelView {
    pub id: Uuid,
    pub plan_id: Uuid,
    pub field: String,
    pub kind: PanelKind,
    pub name: String,
    pub members: Vec<Member>,
    pub version: i32,
}

/// What the automatic assignment did.
#[derive(Debug, Serialize, ToSchema)]
pub struct AutoAssignReport {
    /// Assignments made: case id and reviewers.
    pub assigned: Vec<CaseReviewers>,
    /// Cases that still lack reviewers (every panel member is conflicted or taken).
    pub short: Vec<CaseShort>,
}

/// Reviewers given to a case.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseReviewers {
    pub case_id: Uuid,
    pub reviewers: Vec<Uuid>,
}

/// A case short of reviewers.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseShort {
    pub case_id: Uuid,
    /// How many more it needs.
    pub missing: usize,
}

/// Filters of the panel list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PanelFilter {
    pub plan_id: Option<Uuid>,
    pub field: Option<String>,
}

fn kind_str(kind: PanelKind) -> &'static str {
    match kind {
        PanelKind::AppraisalTeam => "appraisal_team",
        PanelKind::Council => "council",
    }
}

fn view(p: panel::Model) -> Result<PanelView, ApiError> {
    Ok(PanelView {
        members: members_of(&p)?,
        kind: if p.kind == "council" {
            PanelKind::Council
        } else {
            PanelKind::AppraisalTeam
        },
        id: p.id,
        plan_id: p.plan_id,
        field: p.field,
        name: p.name,
        version: p.version,
    })
}

fn ok(status: actix_web::http::StatusCode, v: PanelView) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header(("ETag", etag(v.version)))
        .json(v)
}

/// Sets up the panel of a plan's field at a stage.
#[utoipa::path(
    post,
    path = "/api/v1/appraisal/panels",
    tag = "panels",
    request_body = PanelCreate,
    responses(
        (status = 201, description = "Created", body = PanelView, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"), ("Location" = String, description = "The path of what was created (or of the list it joined): follow it to read it"))),
        (status = 409, description = "The field already has this panel", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every problem of the members", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn create_panel(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    body: web::Json<PanelCreate>,
) -> Result<HttpResponse, ApiError> {
    let role = caller.require_any(ORGANISERS)?;
    let mut issues = Issues::new();
    let name = issues.text("name", &body.name, 300);
    let field = issues.text("field", &body.field, 40);
    check_members(body.kind, &body.members, &mut issues);
    issues.finish()?;
    let now = ctx.clock.now();
    let model = panel::Model {
        id: Uuid::now_v7(),
        tenant: caller.tenant,
        plan_id: body.plan_id,
        field,
        kind: kind_str(body.kind).into(),
        name,
        members: serde_json::to_string(&body.members).map_err(ApiError::internal)?,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let txn = begin_write(&ctx.db).await?;
    panel::Entity::insert(model.clone().into_active_model())
        .exec_without_returning(&txn)
        .await
        .map_err(|e| match e.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => ApiError::new(ErrorCode::Conflict)
                .with_detail(
                    "Lĩnh vực này đã có hội đồng (tổ) cho vòng này; hãy sửa danh sách thành viên",
                    "This field already has a panel for this stage; change its members instead",
                ),
            _ => ApiError::internal(e),
        })?;
    announce(&ctx, &txn, &caller, &model).await?;
    crate::readers::announce_field(&ctx, &txn, &caller, model.plan_id, &model.field).await?;
    audit::record(
        &txn,
        &caller,
        now,
        AuditEntry {
            action: "panel.created",
            subject_type: "panel",
            subject_id: model.id,
            role: role.as_str(),
            details: serde_json::json!({ "kind": model.kind, "field": model.field, "members": body.members.len() }),
        },
    )
    .await?;
    txn.commit().await?;
    let location = format!("/api/v1/appraisal/panels/{}", model.id);
    Ok(with_location(
        ok(actix_web::http::StatusCode::CREATED, view(model)?),
        &location,
    ))
}

/// Publishes `panel.changed` with the members as they now stand (the budget estimates
/// sittings from them).
async fn announce<C: ConnectionTrait>(
    ctx: &ServiceContext,
    txn: &C,
    caller: &Caller,
    p: &panel::Model,
) -> Result<(), ApiError> {
    let event = PanelChanged {
        panel_id: p.id,
        plan_id: p.plan_id,
        field: p.field.clone(),
        stage: p.kind.clone(),
        name: p.name.clone(),
        members: members_of(p)?
            .into_iter()
            .map(|m| PanelMemberInfo {
                user_id: m.user_id,
                full_name: m.full_name,
                panel_role: m.role.code().into(),
            })
            .collect(),
    };
    ctx.outbox
        .publish(txn, ctx.clock.now(), caller, &event)
        .await?;
    Ok(())
}

/// Lists panels.
#[utoipa::path(
    get,
    path = "/api/v1/appraisal/panels",
    tag = "panels",
    params(PanelFilter),
    responses((status = 200, description = "Panels", body = Vec<PanelView>)),
    security(("bearer" = []))
)]
pub async fn list_panels(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    filter: web::Query<PanelFilter>,
) -> Result<HttpResponse, ApiError> {
    let items = panels_in(
        &ctx.db,
        caller.tenant,
        filter.plan_id,
        filter.field.as_deref(),
    )
    .await?
    .into_iter()
    .map(view)
    .collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(items))
}

/// Reads a panel.
#[utoipa::path(
    get,
    path = "/api/v1/appraisal/panels/{id}",
    tag = "panels",
    params(("id" = Uuid, Path, description = "Panel id")),
    responses((status = 200, description = "The panel; ETag is its version", body = PanelView, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change")))),
    security(("bearer" = []))
)]
pub async fn get_panel(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let p = panel_of(&ctx.db, &caller, id.into_inner()).await?;
    Ok(ok(actix_web::http::StatusCode::OK, view(p)?))
}

/// Replaces a panel's members (`If-Match` required).
#[utoipa::path(
    put,
    path = "/api/v1/appraisal/panels/{id}",
    tag = "panels",
    params(sangkien_kit::http::contract::IfMatch, ("id" = Uuid, Path, description = "Panel id")),
    request_body = PanelUpdate,
    responses(
        sangkien_kit::http::contract::Conditional,
        (status = 200, description = "Saved", body = PanelView, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"))),
    ),
    security(("bearer" = []))
)]
pub async fn update_panel(
    req: HttpRequest,
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: web::Json<PanelUpdate>,
) -> Result<HttpResponse, ApiError> {
    let role = caller.require_any(ORGANISERS)?;
    let now = ctx.clock.now();
    let txn = begin_write(&ctx.db).await?;
    let p = panel_of(&txn, &caller, id.into_inner()).await?;
    require_if_match(&req, p.version)?;
    let kind = view(p.clone())?.kind;
    let mut issues = Issues::new();
    check_members(kind, &body.members, &mut issues);
    issues.finish()?;
    let mut m = p.clone().into_active_model();
    m.members = Set(serde_json::to_string(&body.members).map_err(ApiError::internal)?);
    m.version = Set(p.version + 1);
    m.updated_at = Set(now);
    let updated = panel::Entity::update(m).exec(&txn).await?;
    announce(&ctx, &txn, &caller, &updated).await?;
    crate::readers::announce_field(&ctx, &txn, &caller, updated.plan_id, &updated.field).await?;
    audit::record(
        &txn,
        &caller,
        now,
        AuditEntry {
            action: "panel.members_changed",
            subject_type: "panel",
            subject_id: p.id,
            role: role.as_str(),
            details: serde_json::json!({ "before": serde_json::from_str::<serde_json::Value>(&p.members).unwrap_or_default(), "after": body.members }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(ok(actix_web::http::StatusCode::OK, view(updated)?))
}

/// Gives every open case of the panel's field and stage two reviewers of the panel, least
/// loaded first, never a conflicted one; reports the cases it could not complete.
#[utoipa::path(
    post,
    path = "/api/v1/appraisal/panels/{id}/auto-assign",
    tag = "panels",
    params(("id" = Uuid, Path, description = "Panel id")),
    responses((status = 200, description = "What was assigned and what is short", body = AutoAssignReport)),
    security(("bearer" = []))
)]
pub async fn auto_assign(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let role = caller.require_any(ORGANISERS)?;
    let now = ctx.clock.now();
    let txn = begin_write(&ctx.db).await?;
    let p = panel_of(&txn, &caller, id.into_inner()).await?;
    let plan = auto_assign_panel(&ctx, &txn, &caller, role, &p, now).await?;
    txn.commit().await?;
    Ok(HttpResponse::Ok().json(report(plan)))
}

/// The report of what `plan` assigned and what is still short.
fn report(plan: Plan) -> AutoAssignReport {
    AutoAssignReport {
        assigned: plan
            .assigned
            .into_iter()
            .map(|(case_id, reviewers)| CaseReviewers { case_id, reviewers })
            .collect(),
        short: plan
            .short
            .into_iter()
            .map(|(case_id, missing)| CaseShort { case_id, missing })
            .collect(),
    }
}
