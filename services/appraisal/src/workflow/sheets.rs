//! Saving a reviewer's score sheet: the sheet itself, the kept revision, `sheet.submitted`,
//! and a third reviewer when the first two submitted sheets disagree.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, IntoActiveModel};
use uuid::Uuid;

use sangkien_kit::{
    ApiError,
    audit::{self, AuditEntry},
    auth::Caller,
    service::ServiceContext,
};
use sangkien_proto::{ErrorCode, Role, events::SheetSubmitted};

use crate::{
    domain::{
        assignment::{Candidate, assign_one},
        rubric::Outcome,
        scoring::{points, sheets_required},
    },
    store::{
        cases,
        panels::assignment,
        queries::{
            assignments_at_stage, members_of, panel_of_stage, parties_of, reviewers_at, sheet_of,
            submitted_outcomes,
        },
        sheets::{revision, sheet},
    },
};

/// A sheet as its reviewer saves it, checked against the rubric.
pub struct SheetSave {
    /// The rubric scored against, and its version.
    pub rubric_code: String,
    pub rubric_version: i32,
    /// The scored items as sent (JSON array).
    pub scores_json: String,
    pub comment: Option<String>,
    /// Submitted (every item scored) or a draft.
    pub submit: bool,
    /// The sheet's outcome, when every item is scored.
    pub result: Option<Outcome>,
}

/// Saves the caller's sheet for case `c` at `stage` in `txn`: a submitted sheet may only be
/// revised by submitting again, each submission is kept as a revision and announced with
/// `sheet.submitted`, and a third reviewer is assigned when the first two sheets disagree.
pub async fn save_sheet<C: ConnectionTrait>(
    ctx: &ServiceContext,
    txn: &C,
    caller: &Caller,
    c: &cases::Model,
    stage: &str,
    s: SheetSave,
) -> Result<sheet::Model, ApiError> {
    let now = ctx.clock.now();
    let existing = sheet_of(txn, c.id, stage, caller.user).await?;
    if existing.as_ref().is_some_and(|s| s.status == "submitted") && !s.submit {
        return Err(ApiError::new(ErrorCode::InvalidTransition).with_detail(
            "Phiếu đã nộp; hãy nộp bản sửa",
            "The sheet is submitted; submit a revision instead",
        ));
    }
    let revision_no = existing.as_ref().map(|s| s.revision).unwrap_or(0) + i32::from(s.submit);
    let model = sheet::Model {
        id: existing.as_ref().map(|s| s.id).unwrap_or_else(Uuid::now_v7),
        case_id: c.id,
        stage: stage.to_owned(),
        reviewer: caller.user,
        rubric_code: s.rubric_code.clone(),
        rubric_version: s.rubric_version,
        scores: s.scores_json.clone(),
        comment: s.comment.clone(),
        status: if s.submit { "submitted" } else { "draft" }.into(),
        total: s.result.as_ref().map(|o| o.total),
        passed: s.result.as_ref().map(|o| o.passed),
        grade: s.result.as_ref().and_then(|o| o.grade.clone()),
        revision: revision_no,
        updated_at: now,
        submitted_at: if s.submit { Some(now) } else { None },
    };
    write_sheet(txn, existing.as_ref(), &model).await?;
    if let (true, Some(o)) = (s.submit, &s.result) {
        revision::Entity::insert(revision::ActiveModel {
            id: Set(Uuid::now_v7()),
            sheet_id: Set(model.id),
            revision: Set(revision_no),
            scores: Set(s.scores_json),
            comment: Set(s.comment.clone()),
            total: Set(o.total),
            passed: Set(o.passed),
            grade: Set(o.grade.clone()),
            submitted_at: Set(now),
        })
        .exec_without_returning(txn)
        .await?;
        let event = SheetSubmitted {
            dossier_id: c.id,
            reviewer_id: caller.user,
            stage: stage.to_owned(),
            revision: revision_no,
            total: points(o.total),
            passed: o.passed,
            grade: o.grade.clone(),
        };
        ctx.outbox.publish(txn, now, caller, &event).await?;
        request_third_reviewer(txn, caller, c, stage, now).await?;
    }
    audit::record(
        txn,
        caller,
        now,
        AuditEntry {
            action: if s.submit { "sheet.submitted" } else { "sheet.draft_saved" },
            subject_type: "case",
            subject_id: c.id,
            role: Role::Reviewer.as_str(),
            details: serde_json::json!({ "revision": revision_no, "total": model.total, "grade": model.grade }),
        },
    )
    .await?;
    Ok(model)
}

/// Inserts the sheet, or updates `prev` with it.
async fn write_sheet<C: ConnectionTrait>(
    txn: &C,
    prev: Option<&sheet::Model>,
    model: &sheet::Model,
) -> Result<(), ApiError> {
    let Some(prev) = prev else {
        sheet::Entity::insert(model.clone().into_active_model())
            .exec_without_returning(txn)
            .await?;
        return Ok(());
    };
    let mut am = prev.clone().into_active_model();
    am.rubric_code = Set(model.rubric_code.clone());
    am.rubric_version = Set(model.rubric_version);
    am.scores = Set(model.scores.clone());
    am.comment = Set(model.comment.clone());
    am.status = Set(model.status.clone());
    am.total = Set(model.total);
    am.passed = Set(model.passed);
    am.grade = Set(model.grade.clone());
    am.revision = Set(model.revision);
    am.updated_at = Set(model.updated_at);
    am.submitted_at = Set(model.submitted_at);
    sheet::Entity::update(am).exec(txn).await?;
    Ok(())
}

/// When the first two submitted sheets of the stage disagree (pass/fail or grade) and the case
/// has fewer than three reviewers, assigns a third automatically: a scoring member of the
/// panel, unconflicted, least loaded. When nobody is free the panel's progress shows the case
/// as needing one, for the secretariat to assign by hand.
pub async fn request_third_reviewer<C: ConnectionTrait>(
    txn: &C,
    caller: &Caller,
    c: &cases::Model,
    stage: &str,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let outcomes = submitted_outcomes(txn, c.id, stage).await?;
    let first_two: Vec<_> = outcomes.iter().take(2).map(|(_, o)| o.clone()).collect();
    if sheets_required(&first_two) < 3 {
        return Ok(());
    }
    let assigned = reviewers_at(txn, c.id, stage).await?;
    if assigned.len() >= 3 {
        return Ok(());
    }
    let Some(p) = panel_of_stage(txn, c, stage).await? else {
        return Ok(());
    };
    let loads = assignments_at_stage(txn, stage).await?;
    let candidates: Vec<Candidate> = members_of(&p)?
        .iter()
        .filter(|m| m.role.scores())
        .map(|m| Candidate {
            user_id: m.user_id,
            unit_id: m.unit_id,
            load: loads.iter().filter(|a| a.reviewer == m.user_id).count(),
        })
        .collect();
    let Some(third) = assign_one(&parties_of(txn, c).await?, &assigned, &candidates) else {
        return Ok(());
    };
    assignment::Entity::insert(assignment::ActiveModel {
        id: Set(Uuid::now_v7()),
        case_id: Set(c.id),
        reviewer: Set(third),
        stage: Set(stage.to_owned()),
        assigned_by: Set(Uuid::nil()),
        assigned_at: Set(now),
    })
    .exec_without_returning(txn)
    .await?;
    audit::record(
        txn,
        caller,
        now,
        AuditEntry {
            action: "assignment.third_reviewer",
            subject_type: "case",
            subject_id: c.id,
            role: "system",
            details: serde_json::json!({ "reviewer": third, "stage": stage, "reason": "the first two sheets disagree" }),
        },
    )
    .await?;
    Ok(())
}
