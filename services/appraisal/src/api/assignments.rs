//! Assigning reviewers by hand, declaring conflicts, and the conflict rules applied to
//! whoever opens a case.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use sangkien_kit::http::with_location;
use sangkien_kit::{
    ApiError, auth::Caller, db::begin_write, error::Issues, service::ServiceContext,
};

use super::{ORGANISERS, case_of, conflicted, field_error};
use crate::{
    domain::conflicts::conflict_of,
    store::queries::{
        assignments_of, member_of_stage, members_of, panels_of_field, parties_of, stage_kind_of,
    },
    workflow::assignments::{self as writes, NewAssignment},
};

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/cases/{id}/assignments", web::post().to(assign_reviewer))
        .route("/cases/{id}/assignments", web::get().to(list_assignments))
        .route("/cases/{id}/conflicts", web::post().to(declare_conflict));
}

/// A reviewer to assign.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignmentCreate {
    /// The reviewer's account (a scoring member of the stage's panel).
    pub reviewer: Uuid,
}

/// A declared conflict.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConflictCreate {
    /// Why (kept and shown to the secretariat).
    pub reason: String,
}

/// An assignment.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentView {
    pub reviewer: Uuid,
    /// The reviewer's name, as on the panel.
    pub reviewer_name: Option<String>,
    /// The reviewer's unit, as on the panel.
    pub reviewer_unit_id: Option<Uuid>,
    /// `appraisal_team` or `council`.
    pub stage: String,
    /// Nil when assigned automatically.
    pub assigned_by: Uuid,
    pub assigned_at: chrono::DateTime<chrono::Utc>,
}

/// Assigns a reviewer of the stage's panel to the case; a conflicted reviewer is refused
/// with the reason, and the refusal is recorded.
#[utoipa::path(
    post,
    path = "/api/v1/appraisal/cases/{id}/assignments",
    tag = "cases",
    params(("id" = Uuid, Path, description = "Case id")),
    request_body = AssignmentCreate,
    responses(
        (status = 201, description = "Assigned", body = AssignmentView, headers(("Location" = String, description = "The path of what was created (or of the list it joined): follow it to read it"))),
        (status = 403, description = "`conflict_of_interest` naming the reason (recorded)", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already assigned", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a scoring member of the stage's panel", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn assign_reviewer(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: web::Json<AssignmentCreate>,
) -> Result<HttpResponse, ApiError> {
    let role = caller.require_any(ORGANISERS)?;
    let txn = begin_write(&ctx.db).await?;
    let c = case_of(&txn, &caller, id.into_inner()).await?;
    let stage = stage_kind_of(&c).unwrap_or_default();
    let Some(member) = member_of_stage(&txn, &c, body.reviewer)
        .await?
        .filter(|m| m.role.scores())
    else {
        return Err(field_error(
            "reviewer",
            "not_a_member",
            "Người này không chấm điểm trong hội đồng (tổ) của vòng hiện tại",
            "This person does not score on the current stage's panel",
        ));
    };
    let new = NewAssignment {
        case: &c,
        reviewer: member.user_id,
        stage: &stage,
        role,
    };
    if let Some(conflict) =
        conflict_of(member.user_id, member.unit_id, &parties_of(&txn, &c).await?)
    {
        writes::refuse_conflicted(&ctx, &txn, &caller, new, &conflict).await?;
        crate::readers::announce(&ctx, &txn, &caller, &c).await?;
        txn.commit().await?;
        return Err(conflicted(conflict));
    }
    let row = writes::assign(&ctx, &txn, &caller, new).await?;
    crate::readers::announce(&ctx, &txn, &caller, &c).await?;
    txn.commit().await?;
    let location = format!("/api/v1/appraisal/cases/{}/assignments", c.id);
    Ok(with_location(
        HttpResponse::Created().json(AssignmentView {
            reviewer: row.reviewer,
            reviewer_name: Some(member.full_name.clone()),
            reviewer_unit_id: Some(member.unit_id),
            stage: row.stage,
            assigned_by: row.assigned_by,
            assigned_at: row.assigned_at,
        }),
        &location,
    ))
}

/// The case's reviewers, each with the name and unit the panel gives them.
#[utoipa::path(
    get,
    path = "/api/v1/appraisal/cases/{id}/assignments",
    tag = "cases",
    params(("id" = Uuid, Path, description = "Case id")),
    responses((status = 200, description = "Every assignment", body = Vec<AssignmentView>)),
    security(("bearer" = []))
)]
pub async fn list_assignments(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(ORGANISERS)?;
    let c = case_of(&ctx.db, &caller, id.into_inner()).await?;
    let mut members = Vec::new();
    for p in panels_of_field(&ctx.db, c.tenant, c.plan_id, &c.field).await? {
        members.extend(members_of(&p)?);
    }
    let items: Vec<AssignmentView> = assignments_of(&ctx.db, c.id)
        .await?
        .into_iter()
        .map(|a| {
            let m = members.iter().find(|m| m.user_id == a.reviewer);
            AssignmentView {
                reviewer: a.reviewer,
                reviewer_name: m.map(|m| m.full_name.clone()),
                reviewer_unit_id: m.map(|m| m.unit_id),
                stage: a.stage,
                assigned_by: a.assigned_by,
                assigned_at: a.assigned_at,
            }
        })
        .collect();
    Ok(HttpResponse::Ok().json(items))
}

/// A panel member declares a conflict on a case: they are taken off it and can no longer be
/// assigned or open it.
#[utoipa::path(
    post,
    path = "/api/v1/appraisal/cases/{id}/conflicts",
    tag = "cases",
    params(("id" = Uuid, Path, description = "Case id")),
    request_body = ConflictCreate,
    responses((status = 201, description = "Declared; any assignment removed", headers(("Location" = String, description = "The path of what was created (or of the list it joined): follow it to read it")))),
    security(("bearer" = []))
)]
pub async fn declare_conflict(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: web::Json<ConflictCreate>,
) -> Result<HttpResponse, ApiError> {
    let mut issues = Issues::new();
    let reason = issues.text("reason", &body.reason, 2000);
    issues.finish()?;
    let txn = begin_write(&ctx.db).await?;
    let c = case_of(&txn, &caller, id.into_inner()).await?;
    if member_of_stage(&txn, &c, caller.user).await?.is_none() {
        return Err(ApiError::new(sangkien_proto::ErrorCode::NotFound));
    }
    writes::declare_conflict(&ctx, &txn, &caller, &c, &reason).await?;
    crate::readers::announce(&ctx, &txn, &caller, &c).await?;
    txn.commit().await?;
    Ok(with_location(
        HttpResponse::Created().json(serde_json::json!({ "case_id": c.id, "reason": reason })),
        &format!("/api/v1/appraisal/cases/{}/assignments", c.id),
    ))
}
