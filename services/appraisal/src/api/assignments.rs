//! Assigning reviewers by hand, declaring conflicts, and the conflict rules applied to
//! whoever opens a case.

use actix_web::{HttpResponse, web};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, SqlErr};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use sangkien_kit::{
    ApiError,
    audit::{self, AuditEntry},
    auth::Caller,
    db::begin_write,
    error::Issues,
    service::ServiceContext,
};
use sangkien_proto::{ErrorCode, events::AuthorInfo, events::StageInfo};

use super::{
    panels::{ORGANISERS, members_of},
    results::case_in_tenant,
};
use crate::{
    domain::{
        conflicts::{CaseParties, Conflict, conflict_of},
        panel::Member,
    },
    store::{
        cases,
        panels::{assignment, declaration, panel},
    },
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
pub struct AssignInput {
    /// The reviewer's account (a scoring member of the stage's panel).
    pub reviewer: Uuid,
}

/// A declared conflict.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConflictInput {
    /// Why (kept and shown to the secretariat).
    pub reason: String,
}

/// An assignment.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentView {
    pub reviewer: Uuid,
    /// `appraisal_team` or `council`.
    pub stage: String,
    /// Nil when assigned automatically.
    pub assigned_by: Uuid,
    pub assigned_at: chrono::DateTime<chrono::Utc>,
}

/// The kind of the case's current stage.
pub fn stage_kind_of(c: &cases::Model) -> Option<String> {
    let stages: Vec<StageInfo> = serde_json::from_str(&c.stages).ok()?;
    stages
        .get(usize::try_from(c.stage).ok()?)
        .map(|s| s.kind.clone())
}

/// Who the case's conflicts are about.
pub async fn parties_of<C: ConnectionTrait>(
    db: &C,
    c: &cases::Model,
) -> Result<CaseParties, ApiError> {
    let authors: Vec<AuthorInfo> = serde_json::from_str(&c.authors).map_err(ApiError::internal)?;
    let mut author_users: Vec<Uuid> = authors.iter().filter_map(|a| a.user_id).collect();
    author_users.push(c.owner);
    let mut author_units: Vec<Uuid> = authors.iter().filter_map(|a| a.unit_id).collect();
    author_units.push(c.unit_id);
    let declared = declaration::Entity::find()
        .filter(declaration::Column::CaseId.eq(c.id))
        .all(db)
        .await?
        .into_iter()
        .map(|d| d.reviewer)
        .collect();
    Ok(CaseParties {
        author_users,
        author_units,
        confirmed_by: c.confirmed_by,
        declared,
    })
}

/// The case's panel member `user` at its current stage, if they are one.
pub async fn member_of_stage<C: ConnectionTrait>(
    db: &C,
    c: &cases::Model,
    user: Uuid,
) -> Result<Option<Member>, ApiError> {
    let Some(kind) = stage_kind_of(c) else {
        return Ok(None);
    };
    let p = panel::Entity::find()
        .filter(panel::Column::Tenant.eq(c.tenant))
        .filter(panel::Column::PlanId.eq(c.plan_id))
        .filter(panel::Column::Field.eq(c.field.clone()))
        .filter(panel::Column::Kind.eq(kind))
        .one(db)
        .await?;
    Ok(match p {
        Some(p) => members_of(&p)?.into_iter().find(|m| m.user_id == user),
        None => None,
    })
}

/// The refusal of a conflicted reviewer, naming the reason.
pub fn conflicted(c: Conflict) -> ApiError {
    let (vi, en) = c.reason();
    ApiError::new(ErrorCode::ConflictOfInterest).with_detail(
        format!("Người chấm {vi}, không được giao hoặc xem hồ sơ này"),
        format!("The reviewer {en} and may neither be assigned nor open this dossier"),
    )
}

/// Assigns a reviewer of the stage's panel to the case; a conflicted reviewer is refused
/// with the reason, and the refusal is recorded.
#[utoipa::path(
    post,
    path = "/api/v1/appraisal/cases/{id}/assignments",
    tag = "cases",
    params(("id" = Uuid, Path, description = "Case id")),
    request_body = AssignInput,
    responses(
        (status = 201, description = "Assigned", body = AssignmentView),
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
    body: web::Json<AssignInput>,
) -> Result<HttpResponse, ApiError> {
    let role = caller.require_any(ORGANISERS)?;
    let now = ctx.clock.now();
    let txn = begin_write(&ctx.db).await?;
    let c = case_in_tenant(&txn, &caller, id.into_inner()).await?;
    let stage = stage_kind_of(&c).unwrap_or_default();
    let Some(member) = member_of_stage(&txn, &c, body.reviewer)
        .await?
        .filter(|m| m.role.scores())
    else {
        let mut issues = Issues::new();
        issues.push(
            "reviewer",
            "not_a_member",
            "Người này không chấm điểm trong hội đồng (tổ) của vòng hiện tại",
            "This person does not score on the current stage's panel",
        );
        return Err(issues
            .finish()
            .err()
            .unwrap_or_else(|| ApiError::new(ErrorCode::ValidationFailed)));
    };
    if let Some(conflict) =
        conflict_of(member.user_id, member.unit_id, &parties_of(&txn, &c).await?)
    {
        audit::record(
            &txn,
            &caller,
            now,
            AuditEntry {
                action: "assignment.refused_conflict",
                subject_type: "case",
                subject_id: c.id,
                role: role.as_str(),
                details: serde_json::json!({ "reviewer": member.user_id, "reason": conflict.reason().1 }),
            },
        )
        .await?;
        crate::readers::announce(&ctx, &txn, &caller, &c).await?;
        txn.commit().await?;
        return Err(conflicted(conflict));
    }
    let row = assignment::Model {
        id: Uuid::now_v7(),
        case_id: c.id,
        reviewer: member.user_id,
        stage: stage.clone(),
        assigned_by: caller.user,
        assigned_at: now,
    };
    assignment::Entity::insert(assignment::ActiveModel {
        id: Set(row.id),
        case_id: Set(row.case_id),
        reviewer: Set(row.reviewer),
        stage: Set(row.stage.clone()),
        assigned_by: Set(row.assigned_by),
        assigned_at: Set(row.assigned_at),
    })
    .exec_without_returning(&txn)
    .await
    .map_err(|e| match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => ApiError::new(ErrorCode::Conflict)
            .with_detail(
                "Người chấm đã được giao hồ sơ này",
                "The reviewer already has this dossier",
            ),
        _ => ApiError::internal(e),
    })?;
    audit::record(
        &txn,
        &caller,
        now,
        AuditEntry {
            action: "assignment.made",
            subject_type: "case",
            subject_id: c.id,
            role: role.as_str(),
            details: serde_json::json!({ "reviewer": row.reviewer, "stage": stage }),
        },
    )
    .await?;
    crate::readers::announce(&ctx, &txn, &caller, &c).await?;
    txn.commit().await?;
    Ok(HttpResponse::Created().json(AssignmentView {
        reviewer: row.reviewer,
        stage: row.stage,
        assigned_by: row.assigned_by,
        assigned_at: row.assigned_at,
    }))
}

/// The case's reviewers.
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
    let c = case_in_tenant(&ctx.db, &caller, id.into_inner()).await?;
    let items: Vec<AssignmentView> = assignment::Entity::find()
        .filter(assignment::Column::CaseId.eq(c.id))
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|a| AssignmentView {
            reviewer: a.reviewer,
            stage: a.stage,
            assigned_by: a.assigned_by,
            assigned_at: a.assigned_at,
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
    request_body = ConflictInput,
    responses((status = 201, description = "Declared; any assignment removed")),
    security(("bearer" = []))
)]
pub async fn declare_conflict(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: web::Json<ConflictInput>,
) -> Result<HttpResponse, ApiError> {
    let mut issues = Issues::new();
    let reason = issues.text("reason", &body.reason, 2000);
    issues.finish()?;
    let now = ctx.clock.now();
    let txn = begin_write(&ctx.db).await?;
    let c = case_in_tenant(&txn, &caller, id.into_inner()).await?;
    if member_of_stage(&txn, &c, caller.user).await?.is_none() {
        return Err(ApiError::new(ErrorCode::NotFound));
    }
    declaration::Entity::insert(declaration::ActiveModel {
        id: Set(Uuid::now_v7()),
        case_id: Set(c.id),
        reviewer: Set(caller.user),
        reason: Set(reason.clone()),
        declared_at: Set(now),
    })
    .exec_without_returning(&txn)
    .await
    .map_err(|e| match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => ApiError::new(ErrorCode::Conflict)
            .with_detail(
                "Đã khai xung đột cho hồ sơ này",
                "A conflict is already declared on this dossier",
            ),
        _ => ApiError::internal(e),
    })?;
    let removed = assignment::Entity::delete_many()
        .filter(assignment::Column::CaseId.eq(c.id))
        .filter(assignment::Column::Reviewer.eq(caller.user))
        .exec(&txn)
        .await?
        .rows_affected;
    audit::record(
        &txn,
        &caller,
        now,
        AuditEntry {
            action: "conflict.declared",
            subject_type: "case",
            subject_id: c.id,
            role: "reviewer",
            details: serde_json::json!({ "reason": reason, "assignments_removed": removed }),
        },
    )
    .await?;
    crate::readers::announce(&ctx, &txn, &caller, &c).await?;
    txn.commit().await?;
    Ok(HttpResponse::Created().json(serde_json::json!({ "case_id": c.id, "reason": reason })))
}
