//! Recording a stage's result on a case and moving the case on.

use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, IntoActiveModel};
use uuid::Uuid;

use sangkien_kit::{
    ApiError,
    audit::{self, AuditEntry},
    auth::Caller,
    service::ServiceContext,
};
use sangkien_proto::events::{CaseConcluded, Grounds};

use crate::domain::status::CaseStatus;
use crate::{
    domain::scoring::{StageResult, points},
    store::{
        cases,
        queries::{stage_kind_of, stages_of},
        sittings::stage_result as result_row,
    },
};

/// A result about to be recorded.
pub struct Recorded<'a> {
    /// What the sheets or the vote concluded.
    pub result: StageResult,
    /// The grounds in Vietnamese, as the author reads them.
    pub reason: String,
    /// The same grounds as facts, carried by `case.concluded`.
    pub grounds: Grounds,
    /// The sitting that voted, for a council.
    pub sitting_id: Option<Uuid>,
    /// Who records it.
    pub caller: &'a Caller,
}

/// Records a stage's result on the case, in `txn`, and moves the case on: to the next stage,
/// or, after the last (or on a fail: a dossier that fails the appraisal team does not go on
/// to the council), concluded with `case.concluded` published through the outbox.
pub async fn record_stage_result<C: ConnectionTrait>(
    ctx: &ServiceContext,
    txn: &C,
    c: &cases::Model,
    r: Recorded<'_>,
) -> Result<result_row::Model, ApiError> {
    let now = ctx.clock.now();
    let stages = stages_of(c)?;
    let stage = stage_kind_of(c).unwrap_or_default();
    let row = result_row::Model {
        id: Uuid::now_v7(),
        case_id: c.id,
        stage: stage.clone(),
        passed: r.result.passed,
        grade: r.result.grade.clone(),
        average: r.result.average,
        method: r.result.method.into(),
        reason: r.reason.clone(),
        sitting_id: r.sitting_id,
        decided_by: r.caller.user,
        decided_at: now,
    };
    result_row::Entity::insert(row.clone().into_active_model())
        .exec_without_returning(txn)
        .await?;
    let next = c.stage + 1;
    let last = usize::try_from(next).unwrap_or(usize::MAX) >= stages.len();
    let concludes = last || !r.result.passed;
    let mut am = c.clone().into_active_model();
    am.updated_at = Set(now);
    if concludes {
        am.status = Set(CaseStatus::Concluded.code().into());
    } else {
        am.stage = Set(next);
    }
    cases::Entity::update(am).exec(txn).await?;
    if concludes {
        let event = CaseConcluded {
            dossier_id: c.id,
            plan_id: c.plan_id,
            field: c.field.clone(),
            stage: stage.clone(),
            recommended: r.result.passed,
            reason: r.reason,
            average_score: r.result.average.map(points),
            grade: r.result.grade.clone(),
            grounds: Some(r.grounds),
        };
        ctx.outbox.publish(txn, now, r.caller, &event).await?;
    }
    audit::record(
        txn,
        r.caller,
        now,
        AuditEntry {
            action: if concludes {
                "case.concluded"
            } else {
                "case.stage_passed"
            },
            subject_type: "case",
            subject_id: c.id,
            role: r
                .caller
                .roles
                .first()
                .map(|g| g.role.as_str())
                .unwrap_or("reviewer"),
            details: serde_json::json!({
                "stage": stage, "passed": row.passed, "grade": row.grade,
                "average": row.average.map(points), "method": row.method, "sitting": row.sitting_id,
            }),
        },
    )
    .await?;
    Ok(row)
}
