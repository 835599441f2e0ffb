//! Assigning a reviewer by hand, refusing a conflicted one, a declared conflict taking its
//! declarer off the case, and a panel's automatic assignment: each recorded in the audit
//! trail with the change.

use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, SqlErr};
use uuid::Uuid;

use sangkien_kit::{
    ApiError,
    audit::{self, AuditEntry},
    auth::Caller,
    service::ServiceContext,
};
use sangkien_proto::{ErrorCode, Role};

use crate::{
    domain::{
        assignment::{Candidate, Plan, assign as plan_assignments},
        conflicts::{CaseParties, Conflict},
        panel::Member,
    },
    store::{
        cases,
        panels::{assignment, declaration, panel},
        queries::{assignments_of_cases, members_of, open_cases_at, parties_of},
    },
};

/// A reviewer about to be assigned to a case at a stage.
#[derive(Clone, Copy)]
pub struct NewAssignment<'a> {
    pub case: &'a cases::Model,
    pub reviewer: Uuid,
    pub stage: &'a str,
    /// The role the caller acts in.
    pub role: Role,
}

/// Records in the audit trail that `new.reviewer` was refused for `conflict`.
pub async fn refuse_conflicted<C: ConnectionTrait>(
    ctx: &ServiceContext,
    txn: &C,
    caller: &Caller,
    new: NewAssignment<'_>,
    conflict: &Conflict,
) -> Result<(), ApiError> {
    audit::record(
        txn,
        caller,
        ctx.clock.now(),
        AuditEntry {
            action: "assignment.refused_conflict",
            subject_type: "case",
            subject_id: new.case.id,
            role: new.role.as_str(),
            details: serde_json::json!({ "reviewer": new.reviewer, "reason": conflict.reason().1 }),
        },
    )
    .await?;
    Ok(())
}

/// Assigns `new.reviewer`; 409 when they already have the case.
pub async fn assign<C: ConnectionTrait>(
    ctx: &ServiceContext,
    txn: &C,
    caller: &Caller,
    new: NewAssignment<'_>,
) -> Result<assignment::Model, ApiError> {
    let now = ctx.clock.now();
    let row = assignment::Model {
        id: Uuid::now_v7(),
        case_id: new.case.id,
        reviewer: new.reviewer,
        stage: new.stage.to_owned(),
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
    .exec_without_returning(txn)
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
        txn,
        caller,
        now,
        AuditEntry {
            action: "assignment.made",
            subject_type: "case",
            subject_id: new.case.id,
            role: new.role.as_str(),
            details: serde_json::json!({ "reviewer": row.reviewer, "stage": new.stage }),
        },
    )
    .await?;
    Ok(row)
}

/// The caller declares a conflict on case `c`: kept with its reason (409 when already
/// declared), and any assignment of theirs on it removed.
pub async fn declare_conflict<C: ConnectionTrait>(
    ctx: &ServiceContext,
    txn: &C,
    caller: &Caller,
    c: &cases::Model,
    reason: &str,
) -> Result<(), ApiError> {
    let now = ctx.clock.now();
    declaration::Entity::insert(declaration::ActiveModel {
        id: Set(Uuid::now_v7()),
        case_id: Set(c.id),
        reviewer: Set(caller.user),
        reason: Set(reason.to_owned()),
        declared_at: Set(now),
    })
    .exec_without_returning(txn)
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
        .exec(txn)
        .await?
        .rows_affected;
    audit::record(
        txn,
        caller,
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
    Ok(())
}

/// Inserts the automatic assignments of `plan` (nil `assigned_by`) at stage `kind`.
pub async fn assign_automatically<C: ConnectionTrait>(
    txn: &C,
    kind: &str,
    plan: &[(Uuid, Vec<Uuid>)],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ApiError> {
    for (case_id, reviewers) in plan {
        for r in reviewers {
            assignment::Entity::insert(assignment::ActiveModel {
                id: Set(Uuid::now_v7()),
                case_id: Set(*case_id),
                reviewer: Set(*r),
                stage: Set(kind.to_owned()),
                assigned_by: Set(Uuid::nil()),
                assigned_at: Set(now),
            })
            .exec_without_returning(txn)
            .await?;
        }
    }
    Ok(())
}

/// Gives every open case of panel `p`'s field and stage its reviewers of the panel in `txn`
/// (least loaded first, never a conflicted one), announces the readers of each case given
/// some, and records `panel.auto_assigned`. Returns the plan carried out.
pub async fn auto_assign<C: ConnectionTrait>(
    ctx: &ServiceContext,
    txn: &C,
    caller: &Caller,
    role: Role,
    p: &panel::Model,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Plan, ApiError> {
    let members = members_of(p)?;
    let open = open_cases_at(txn, caller.tenant, p.plan_id, &p.field, &p.kind).await?;
    let ids: Vec<Uuid> = open.iter().map(|c| c.id).collect();
    let existing = assignments_of_cases(txn, &p.kind, &ids).await?;
    let inputs = planning_inputs(txn, &open, &existing).await?;
    let plan = plan_assignments(&inputs, &candidates(&members, &existing));
    assign_automatically(txn, &p.kind, &plan.assigned, now).await?;
    for c in open
        .iter()
        .filter(|c| plan.assigned.iter().any(|(id, _)| *id == c.id))
    {
        crate::readers::announce(ctx, txn, caller, c).await?;
    }
    audit_auto_assigned(txn, caller, role, p.id, &plan, now).await?;
    Ok(plan)
}

/// Each open case with its parties and the reviewers it already has.
async fn planning_inputs<C: ConnectionTrait>(
    txn: &C,
    open: &[cases::Model],
    existing: &[assignment::Model],
) -> Result<Vec<(Uuid, CaseParties, Vec<Uuid>)>, ApiError> {
    let mut inputs = Vec::new();
    for c in open {
        let assigned: Vec<Uuid> = existing
            .iter()
            .filter(|a| a.case_id == c.id)
            .map(|a| a.reviewer)
            .collect();
        inputs.push((c.id, parties_of(txn, c).await?, assigned));
    }
    Ok(inputs)
}

/// The scoring members as candidates, each with their load in `existing`.
fn candidates(members: &[Member], existing: &[assignment::Model]) -> Vec<Candidate> {
    members
        .iter()
        .filter(|m| m.role.scores())
        .map(|m| Candidate {
            user_id: m.user_id,
            unit_id: m.unit_id,
            load: existing.iter().filter(|a| a.reviewer == m.user_id).count(),
        })
        .collect()
}

/// Records `panel.auto_assigned` for panel `panel_id` with what `plan` did.
async fn audit_auto_assigned<C: ConnectionTrait>(
    txn: &C,
    caller: &Caller,
    role: Role,
    panel_id: Uuid,
    plan: &Plan,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ApiError> {
    audit::record(
        txn,
        caller,
        now,
        AuditEntry {
            action: "panel.auto_assigned",
            subject_type: "panel",
            subject_id: panel_id,
            role: role.as_str(),
            details: serde_json::json!({
                "assigned": plan.assigned.len(),
                "short": plan.short.iter().map(|(c, n)| serde_json::json!({ "case": c, "missing": n })).collect::<Vec<_>>(),
            }),
        },
    )
    .await?;
    Ok(())
}
