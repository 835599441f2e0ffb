//! Panels of a plan's field, and the automatic assignment of their reviewers.

use actix_web::{HttpRequest, HttpResponse, web};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, SqlErr,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

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
    ErrorCode, Role,
    events::{PanelChanged, PanelMemberInfo},
};

use super::{
    assignments::{parties_of, stage_kind_of},
    results::publish,
    sittings::role_name,
};
use crate::{
    domain::{
        assignment::{Candidate, assign},
        panel::{Member, PanelKind, check_members},
    },
    store::{
        cases,
        panels::{assignment, panel},
    },
};

/// Who sets up panels and assigns reviewers.
pub const ORGANISERS: &[Role] = &[Role::CouncilSecretariat, Role::ReceivingOffice, Role::Admin];

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
pub struct PanelInput {
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
pub struct MembersInput {
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

/// The panel's members.
pub fn members_of(p: &panel::Model) -> Result<Vec<Member>, ApiError> {
    serde_json::from_str(&p.members).map_err(ApiError::internal)
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

/// The panel `id` of the caller's tenant.
pub async fn panel_of<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    id: Uuid,
) -> Result<panel::Model, ApiError> {
    panel::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|p| p.tenant == caller.tenant)
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))
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
    request_body = PanelInput,
    responses(
        (status = 201, description = "Created", body = PanelView),
        (status = 409, description = "The field already has this panel", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every problem of the members", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn create_panel(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    body: web::Json<PanelInput>,
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
    Ok(ok(actix_web::http::StatusCode::CREATED, view(model)?))
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
                panel_role: role_name(m.role).into(),
            })
            .collect(),
    };
    publish(ctx, txn, caller, &event).await
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
    let mut q = panel::Entity::find()
        .filter(panel::Column::Tenant.eq(caller.tenant))
        .order_by_asc(panel::Column::Id);
    if let Some(p) = filter.plan_id {
        q = q.filter(panel::Column::PlanId.eq(p));
    }
    if let Some(f) = &filter.field {
        q = q.filter(panel::Column::Field.eq(f.clone()));
    }
    let items = q
        .all(&ctx.db)
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
    responses((status = 200, description = "The panel; ETag is its version", body = PanelView)),
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
    request_body = MembersInput,
    responses(
        sangkien_kit::http::contract::Conditional,
        (status = 200, description = "Saved", body = PanelView),
    ),
    security(("bearer" = []))
)]
pub async fn update_panel(
    req: HttpRequest,
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: web::Json<MembersInput>,
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
    let members = members_of(&p)?;
    let open: Vec<cases::Model> = cases::Entity::find()
        .filter(cases::Column::Tenant.eq(caller.tenant))
        .filter(cases::Column::PlanId.eq(p.plan_id))
        .filter(cases::Column::Field.eq(p.field.clone()))
        .filter(cases::Column::Status.eq("open"))
        .order_by_asc(cases::Column::RegisterNumber)
        .all(&txn)
        .await?
        .into_iter()
        .filter(|c| stage_kind_of(c).as_deref() == Some(p.kind.as_str()))
        .collect();
    let existing = assignment::Entity::find()
        .filter(assignment::Column::Stage.eq(p.kind.clone()))
        .filter(assignment::Column::CaseId.is_in(open.iter().map(|c| c.id).collect::<Vec<_>>()))
        .all(&txn)
        .await?;
    let mut inputs = Vec::new();
    for c in &open {
        let assigned: Vec<Uuid> = existing
            .iter()
            .filter(|a| a.case_id == c.id)
            .map(|a| a.reviewer)
            .collect();
        inputs.push((c.id, parties_of(&txn, c).await?, assigned));
    }
    let candidates: Vec<Candidate> = members
        .iter()
        .filter(|m| m.role.scores())
        .map(|m| Candidate {
            user_id: m.user_id,
            unit_id: m.unit_id,
            load: existing.iter().filter(|a| a.reviewer == m.user_id).count(),
        })
        .collect();
    let plan = assign(&inputs, &candidates);
    for (case_id, reviewers) in &plan.assigned {
        for r in reviewers {
            assignment::Entity::insert(assignment::ActiveModel {
                id: Set(Uuid::now_v7()),
                case_id: Set(*case_id),
                reviewer: Set(*r),
                stage: Set(p.kind.clone()),
                assigned_by: Set(Uuid::nil()),
                assigned_at: Set(now),
            })
            .exec_without_returning(&txn)
            .await?;
        }
    }
    for c in open
        .iter()
        .filter(|c| plan.assigned.iter().any(|(id, _)| *id == c.id))
    {
        crate::readers::announce(&ctx, &txn, &caller, c).await?;
    }
    audit::record(
        &txn,
        &caller,
        now,
        AuditEntry {
            action: "panel.auto_assigned",
            subject_type: "panel",
            subject_id: p.id,
            role: role.as_str(),
            details: serde_json::json!({
                "assigned": plan.assigned.len(),
                "short": plan.short.iter().map(|(c, n)| serde_json::json!({ "case": c, "missing": n })).collect::<Vec<_>>(),
            }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(HttpResponse::Ok().json(AutoAssignReport {
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
    }))
}
