//! Scheduling a sitting (its dossiers' readers announced), recording its attendance and a
//! council's vote on a dossier, each in the audit trail; and closing it: a council's vote on
//! each dossier concludes its case under the two-thirds rule, the sitting is marked held, and
//! `sitting.held` tells the budget who sat.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, IntoActiveModel};
use uuid::Uuid;

use sangkien_kit::{
    ApiError,
    audit::{self, AuditEntry},
    auth::Caller,
    error::Issues,
    service::ServiceContext,
};
use sangkien_proto::{
    Role,
    events::{AttendeeInfo, Grounds, SittingHeld, VoteCount},
};

use super::results::{Recorded, record_stage_result};
use crate::domain::status::CaseStatus;
use crate::{
    domain::{
        scoring::StageResult,
        sitting::{Attendee, VoteView},
    },
    store::{
        cases,
        queries::{cases_in, scored_result, stage_kind_of},
        sittings::{insert_sitting, set_attendance, set_votes, sitting},
    },
};

/// Schedules sitting `m` (already checked) in `txn`: stores it, records `sitting.scheduled`
/// with its agenda `dossier_ids` in the audit trail, and announces the readers of each case
/// found on it.
pub async fn schedule<C: ConnectionTrait>(
    ctx: &ServiceContext,
    txn: &C,
    caller: &Caller,
    role: Role,
    m: &sitting::Model,
    dossier_ids: &[Uuid],
    found: &[cases::Model],
) -> Result<(), ApiError> {
    insert_sitting(txn, m).await?;
    audit::record(
        txn,
        caller,
        m.created_at,
        AuditEntry {
            action: "sitting.scheduled",
            subject_type: "sitting",
            subject_id: m.id,
            role: role.as_str(),
            details: serde_json::json!({ "panel": m.panel_id, "held_on": m.held_on, "dossiers": dossier_ids }),
        },
    )
    .await?;
    for c in found {
        crate::readers::announce(ctx, txn, caller, c).await?;
    }
    Ok(())
}

/// Records `present` as the attendance of sitting `s` in `txn`, with
/// `sitting.attendance_recorded` in the audit trail. Returns the updated sitting.
pub async fn keep_attendance<C: ConnectionTrait>(
    txn: &C,
    caller: &Caller,
    role: Role,
    s: &sitting::Model,
    present: &[Attendee],
    now: DateTime<Utc>,
) -> Result<sitting::Model, ApiError> {
    let updated = set_attendance(txn, s, present).await?;
    audit::record(
        txn,
        caller,
        now,
        AuditEntry {
            action: "sitting.attendance_recorded",
            subject_type: "sitting",
            subject_id: s.id,
            role: role.as_str(),
            details: serde_json::json!({ "present": present.iter().map(|a| serde_json::json!({ "user": a.user_id, "role": a.role })).collect::<Vec<_>>() }),
        },
    )
    .await?;
    Ok(updated)
}

/// Records `vote` on `dossier_id` among the votes of sitting `s` in `txn`, with
/// `sitting.vote_recorded` in the case's audit trail. Returns the updated sitting.
pub async fn keep_vote<C: ConnectionTrait>(
    txn: &C,
    caller: &Caller,
    role: Role,
    s: &sitting::Model,
    dossier_id: Uuid,
    vote: VoteView,
    now: DateTime<Utc>,
) -> Result<sitting::Model, ApiError> {
    let mut votes: BTreeMap<Uuid, VoteView> =
        serde_json::from_str(&s.votes).map_err(ApiError::internal)?;
    votes.insert(dossier_id, vote.clone());
    let updated = set_votes(txn, s, &votes).await?;
    audit::record(
        txn,
        caller,
        now,
        AuditEntry {
            action: "sitting.vote_recorded",
            subject_type: "case",
            subject_id: dossier_id,
            role: role.as_str(),
            details: serde_json::json!({ "sitting": s.id, "vote": vote }),
        },
    )
    .await?;
    Ok(updated)
}

/// Closes sitting `s` (its quorum already checked) in `txn`: at a council every open
/// dossier on the agenda must have a vote (422 naming each missing one), and each concludes
/// by it; the sitting is held and `sitting.held` announces the attendance. Returns the
/// updated sitting.
pub async fn close_sitting<C: ConnectionTrait>(
    ctx: &ServiceContext,
    txn: &C,
    caller: &Caller,
    role: Role,
    s: &sitting::Model,
    members: usize,
) -> Result<sitting::Model, ApiError> {
    let now = ctx.clock.now();
    let present: Vec<Attendee> = serde_json::from_str(&s.attendance).map_err(ApiError::internal)?;
    let dossier_ids: Vec<Uuid> =
        serde_json::from_str(&s.dossier_ids).map_err(ApiError::internal)?;
    let votes: BTreeMap<Uuid, VoteView> =
        serde_json::from_str(&s.votes).map_err(ApiError::internal)?;
    if s.kind == "council" {
        let cases_here = cases_in(txn, s.tenant, &dossier_ids).await?;
        conclude_by_vote(ctx, txn, caller, s, &dossier_ids, &votes, &cases_here).await?;
    }
    let mut am = s.clone().into_active_model();
    am.status = Set("held".into());
    am.held_at = Set(Some(now));
    am.version = Set(s.version + 1);
    let updated = sitting::Entity::update(am).exec(txn).await?;
    let event = SittingHeld {
        sitting_id: s.id,
        panel_id: s.panel_id,
        plan_id: s.plan_id,
        field: s.field.clone(),
        stage: s.kind.clone(),
        held_on: s.held_on,
        attendees: present
            .iter()
            .map(|a| AttendeeInfo {
                user_id: a.user_id,
                full_name: a.full_name.clone(),
                panel_role: a.role.code().into(),
            })
            .collect(),
        dossier_ids,
    };
    ctx.outbox.publish(txn, now, caller, &event).await?;
    audit::record(
        txn,
        caller,
        now,
        AuditEntry {
            action: "sitting.held",
            subject_type: "sitting",
            subject_id: s.id,
            role: role.as_str(),
            details: serde_json::json!({ "present": present.len(), "members": members, "votes": votes }),
        },
    )
    .await?;
    Ok(updated)
}

/// True when case `c` is open at its council stage (not withdrawn meanwhile).
fn open_at_council(c: &cases::Model) -> bool {
    CaseStatus::parse(&c.status) == Some(CaseStatus::Open)
        && stage_kind_of(c).as_deref() == Some("council")
}

/// The council's conclusion on each open dossier of the agenda, by its vote.
async fn conclude_by_vote<C: ConnectionTrait>(
    ctx: &ServiceContext,
    txn: &C,
    caller: &Caller,
    s: &sitting::Model,
    dossier_ids: &[Uuid],
    votes: &BTreeMap<Uuid, VoteView>,
    cases_here: &[cases::Model],
) -> Result<(), ApiError> {
    let mut issues = Issues::new();
    for (i, d) in dossier_ids.iter().enumerate() {
        let open_here = cases_here.iter().any(|c| c.id == *d && open_at_council(c));
        if open_here && !votes.contains_key(d) {
            issues.push(
                format!("votes[{i}]"),
                "vote_missing",
                "Chưa biểu quyết hồ sơ này",
                "This dossier has not been voted on",
            );
        }
    }
    issues.finish()?;
    for c in cases_here {
        let Some(v) = votes.get(&c.id) else { continue };
        if !open_at_council(c) {
            continue; // withdrawn meanwhile: nothing to conclude
        }
        let scored = scored_result(txn, c.id).await?;
        let grounds = Grounds {
            vote: Some(VoteCount {
                held_on: s.held_on,
                members: count(v.members),
                in_favour: count(v.in_favour),
                against: count(v.against),
                abstaining: count(v.abstaining),
                required: count(v.required),
                carried: v.carried,
            }),
            rule: Some("two_thirds".into()),
            text: String::new(),
        };
        let result = StageResult {
            passed: v.carried,
            grade: scored
                .as_ref()
                .and_then(|r| r.grade.clone())
                .filter(|_| v.carried),
            average: scored.as_ref().and_then(|r| r.average),
            method: "vote",
        };
        let reason = grounds.text(sangkien_proto::Lang::Vi);
        let recorded = Recorded {
            result,
            reason,
            grounds,
            sitting_id: Some(s.id),
            caller,
        };
        record_stage_result(ctx, txn, c, recorded).await?;
    }
    Ok(())
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
