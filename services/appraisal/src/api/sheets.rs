//! Score sheets: a reviewer scores an assigned case against the stage's rubric, as a draft
//! or submitted; submitted revisions are kept. A reviewer sees the others' sheets only
//! after submitting their own; the author never sees sheets.

use actix_web::{HttpResponse, web};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use sangkien_kit::{
    ApiError,
    audit::{self, AuditEntry},
    auth::Caller,
    clock::local_date,
    db::begin_write,
    error::Issues,
    service::ServiceContext,
};
use sangkien_proto::{
    ErrorCode, Role,
    events::{SheetSubmitted, StageInfo},
};

use super::{
    assignments::{conflicted, member_of_stage, parties_of, stage_kind_of},
    panels::{ORGANISERS, members_of},
    results::{case_in_tenant, points, publish, submitted_outcomes},
    rubrics::current_rubric,
};
use crate::{
    domain::{
        assignment::{Candidate, assign_one},
        conflicts::conflict_of,
        rubric::outcome,
        scoring::sheets_required,
        sheet::{Score, check_sheet},
    },
    store::{
        cases,
        panels::{assignment, panel},
        sheets::{revision, sheet},
    },
};

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/cases/{id}/sheet", web::put().to(save_sheet))
        .route("/cases/{id}/sheets", web::get().to(list_sheets));
}

/// One scored item.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoreInput {
    /// The criterion code, or `criterion.sub_item`.
    pub item: String,
    /// Points, on the rubric's step.
    pub points: f64,
    /// Why.
    #[serde(default)]
    pub comment: Option<String>,
}

/// A sheet as saved by its reviewer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SheetInput {
    pub scores: Vec<ScoreInput>,
    /// Overall comment.
    #[serde(default)]
    pub comment: Option<String>,
    /// True to submit (every item needed); false to keep a draft.
    #[serde(default)]
    pub submit: bool,
}

/// A sheet.
#[derive(Debug, Serialize, ToSchema)]
pub struct SheetView {
    pub reviewer: Uuid,
    pub stage: String,
    pub rubric_code: String,
    pub rubric_version: i32,
    pub scores: Vec<ScoreInput>,
    pub comment: Option<String>,
    /// `draft` or `submitted`.
    pub status: String,
    /// Total points, when complete.
    pub total: Option<f64>,
    pub passed: Option<bool>,
    pub grade: Option<String>,
    /// Submitted revisions so far.
    pub revision: i32,
    pub submitted_at: Option<chrono::DateTime<chrono::Utc>>,
}

fn view(s: sheet::Model) -> Result<SheetView, ApiError> {
    Ok(SheetView {
        scores: serde_json::from_str(&s.scores).map_err(ApiError::internal)?,
        total: s.total.map(|t| t as f64 / 100.0),
        reviewer: s.reviewer,
        stage: s.stage,
        rubric_code: s.rubric_code,
        rubric_version: s.rubric_version,
        comment: s.comment,
        status: s.status,
        passed: s.passed,
        grade: s.grade,
        revision: s.revision,
        submitted_at: s.submitted_at,
    })
}

/// Fails unless the caller is an unconflicted, assigned reviewer of the case's stage.
async fn require_assigned<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    c: &cases::Model,
) -> Result<String, ApiError> {
    let Some(member) = member_of_stage(db, c, caller.user).await? else {
        return Err(ApiError::new(ErrorCode::NotFound));
    };
    if let Some(conflict) = conflict_of(member.user_id, member.unit_id, &parties_of(db, c).await?) {
        return Err(conflicted(conflict));
    }
    let stage = stage_kind_of(c).unwrap_or_default();
    let assigned = assignment::Entity::find()
        .filter(assignment::Column::CaseId.eq(c.id))
        .filter(assignment::Column::Stage.eq(stage.clone()))
        .filter(assignment::Column::Reviewer.eq(caller.user))
        .one(db)
        .await?;
    if assigned.is_none() {
        return Err(ApiError::new(ErrorCode::Forbidden).with_detail(
            "Hồ sơ này chưa được giao cho bạn chấm",
            "This dossier is not assigned to you",
        ));
    }
    Ok(stage)
}

/// Saves the caller's sheet for the case's current stage: a draft (only what is scored is
/// checked) or a submission (every item, range and step checked, every problem listed).
/// A submitted sheet is revised by submitting again; every revision is kept.
#[utoipa::path(
    put,
    path = "/api/v1/appraisal/cases/{id}/sheet",
    tag = "cases",
    params(("id" = Uuid, Path, description = "Case id")),
    request_body = SheetInput,
    responses(
        (status = 200, description = "Saved", body = SheetView),
        (status = 403, description = "Not assigned, or conflicted", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The case is closed, or a submitted sheet sent back to draft", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every problem of the sheet", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn save_sheet(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: web::Json<SheetInput>,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(&[Role::Reviewer, Role::CouncilChair])?;
    let now = ctx.clock.now();
    let txn = begin_write(&ctx.db).await?;
    let c = case_in_tenant(&txn, &caller, id.into_inner()).await?;
    if c.status != "open" {
        return Err(ApiError::new(ErrorCode::InvalidTransition).with_detail(
            "Hồ sơ không còn được chấm",
            "The case is no longer being scored",
        ));
    }
    let stage = require_assigned(&txn, &caller, &c).await?;
    let stages: Vec<StageInfo> = serde_json::from_str(&c.stages).map_err(ApiError::internal)?;
    let current = stages.get(usize::try_from(c.stage).unwrap_or(0));
    if let Some(end) = current.map(|s| s.to)
        && local_date(now) > end
    {
        return Err(ApiError::new(ErrorCode::StageClosed).with_detail(
            format!("Vòng thẩm định đã kết thúc ngày {}", end.format("%d/%m/%Y")),
            format!("The stage ended on {end}"),
        ));
    }
    let code = current.map(|s| s.rubric.clone()).unwrap_or_default();
    let (rubric, rubric_version) = current_rubric(&txn, c.tenant, &code).await?;
    let scores: Vec<Score> = body
        .scores
        .iter()
        .map(|s| Score {
            item: s.item.clone(),
            points: s.points,
        })
        .collect();
    let mut issues = Issues::new();
    let totals = check_sheet(&rubric, &scores, &mut issues);
    let complete = match issues.finish() {
        Ok(()) => true,
        Err(err) => {
            let missing_only = err.errors.iter().all(|e| e.code == "required");
            if body.submit || !missing_only {
                let errors = if body.submit {
                    err.errors
                } else {
                    err.errors
                        .into_iter()
                        .filter(|e| e.code != "required")
                        .collect()
                };
                return Err(ApiError::validation(errors));
            }
            false
        }
    };
    let result = complete.then(|| outcome(&rubric, &totals));
    let existing = sheet::Entity::find()
        .filter(sheet::Column::CaseId.eq(c.id))
        .filter(sheet::Column::Stage.eq(stage.clone()))
        .filter(sheet::Column::Reviewer.eq(caller.user))
        .one(&txn)
        .await?;
    if existing.as_ref().is_some_and(|s| s.status == "submitted") && !body.submit {
        return Err(ApiError::new(ErrorCode::InvalidTransition).with_detail(
            "Phiếu đã nộp; hãy nộp bản sửa",
            "The sheet is submitted; submit a revision instead",
        ));
    }
    let scores_json = serde_json::to_string(&body.scores).map_err(ApiError::internal)?;
    let revision_no = existing.as_ref().map(|s| s.revision).unwrap_or(0) + i32::from(body.submit);
    let model = sheet::Model {
        id: existing.as_ref().map(|s| s.id).unwrap_or_else(Uuid::now_v7),
        case_id: c.id,
        stage: stage.clone(),
        reviewer: caller.user,
        rubric_code: rubric.code.clone(),
        rubric_version,
        scores: scores_json.clone(),
        comment: body.comment.clone(),
        status: if body.submit { "submitted" } else { "draft" }.into(),
        total: result.as_ref().map(|o| o.total),
        passed: result.as_ref().map(|o| o.passed),
        grade: result.as_ref().and_then(|o| o.grade.clone()),
        revision: revision_no,
        updated_at: now,
        submitted_at: if body.submit { Some(now) } else { None },
    };
    if let Some(prev) = &existing {
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
        sheet::Entity::update(am).exec(&txn).await?;
    } else {
        sheet::Entity::insert(model.clone().into_active_model())
            .exec_without_returning(&txn)
            .await?;
    }
    if let (true, Some(o)) = (body.submit, &result) {
        revision::Entity::insert(revision::ActiveModel {
            id: Set(Uuid::now_v7()),
            sheet_id: Set(model.id),
            revision: Set(revision_no),
            scores: Set(scores_json),
            comment: Set(body.comment.clone()),
            total: Set(o.total),
            passed: Set(o.passed),
            grade: Set(o.grade.clone()),
            submitted_at: Set(now),
        })
        .exec_without_returning(&txn)
        .await?;
    }
    if let (true, Some(o)) = (body.submit, &result) {
        publish(
            &ctx,
            &txn,
            &caller,
            &SheetSubmitted {
                dossier_id: c.id,
                reviewer_id: caller.user,
                stage: stage.clone(),
                revision: revision_no,
                total: points(o.total),
                passed: o.passed,
                grade: o.grade.clone(),
            },
        )
        .await?;
        request_third_reviewer(&txn, &caller, &c, &stage, now).await?;
    }
    audit::record(
        &txn,
        &caller,
        now,
        AuditEntry {
            action: if body.submit { "sheet.submitted" } else { "sheet.draft_saved" },
            subject_type: "case",
            subject_id: c.id,
            role: Role::Reviewer.as_str(),
            details: serde_json::json!({ "revision": revision_no, "total": model.total, "grade": model.grade }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(HttpResponse::Ok().json(view(model)?))
}

/// The case's sheets: all for the organisers and the chair; for a reviewer their own, and
/// the others' submitted sheets once their own is submitted.
#[utoipa::path(
    get,
    path = "/api/v1/appraisal/cases/{id}/sheets",
    tag = "cases",
    params(("id" = Uuid, Path, description = "Case id")),
    responses((status = 200, description = "The sheets the caller may see", body = Vec<SheetView>)),
    security(("bearer" = []))
)]
pub async fn list_sheets(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let c = case_in_tenant(&ctx.db, &caller, id.into_inner()).await?;
    let all = sheet::Entity::find()
        .filter(sheet::Column::CaseId.eq(c.id))
        .all(&ctx.db)
        .await?;
    let overseer =
        ORGANISERS.iter().any(|r| caller.has_role(*r)) || caller.has_role(Role::CouncilChair);
    let visible: Vec<sheet::Model> = if overseer {
        all
    } else {
        require_assigned(&ctx.db, &caller, &c).await?;
        let own_submitted = all
            .iter()
            .any(|s| s.reviewer == caller.user && s.status == "submitted");
        all.into_iter()
            .filter(|s| s.reviewer == caller.user || (own_submitted && s.status == "submitted"))
            .collect()
    };
    let items = visible
        .into_iter()
        .map(view)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(items))
}

/// When the first two submitted sheets of the stage disagree (pass/fail or grade) and the case
/// has fewer than three reviewers, assigns a third automatically: a scoring member of the
/// panel, unconflicted, least loaded. When nobody is free the panel's progress shows the case
/// as needing one, for the secretariat to assign by hand.
async fn request_third_reviewer<C: ConnectionTrait>(
    txn: &C,
    caller: &Caller,
    c: &cases::Model,
    stage: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ApiError> {
    let outcomes = submitted_outcomes(txn, c.id, stage).await?;
    let first_two: Vec<_> = outcomes.iter().take(2).map(|(_, o)| o.clone()).collect();
    if sheets_required(&first_two) < 3 {
        return Ok(());
    }
    let assigned: Vec<Uuid> = assignment::Entity::find()
        .filter(assignment::Column::CaseId.eq(c.id))
        .filter(assignment::Column::Stage.eq(stage))
        .all(txn)
        .await?
        .into_iter()
        .map(|a| a.reviewer)
        .collect();
    if assigned.len() >= 3 {
        return Ok(());
    }
    let Some(p) = panel::Entity::find()
        .filter(panel::Column::Tenant.eq(c.tenant))
        .filter(panel::Column::PlanId.eq(c.plan_id))
        .filter(panel::Column::Field.eq(c.field.clone()))
        .filter(panel::Column::Kind.eq(stage))
        .one(txn)
        .await?
    else {
        return Ok(());
    };
    let loads = assignment::Entity::find()
        .filter(assignment::Column::Stage.eq(stage))
        .all(txn)
        .await?;
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
