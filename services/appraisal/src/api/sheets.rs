//! Score sheets: a reviewer scores an assigned case against the stage's rubric, as a draft
//! or submitted; submitted revisions are kept. A reviewer sees the others' sheets only
//! after submitting their own; the author never sees sheets.

use actix_web::{HttpResponse, web};
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use sangkien_kit::{
    ApiError, auth::Caller, clock::local_date, db::begin_write, error::Issues,
    service::ServiceContext,
};
use sangkien_proto::{ErrorCode, Role, events::StageInfo};

use super::{ORGANISERS, case_of, conflicted};
use crate::{domain::status::CaseStatus, store::queries::status_of};
use crate::{
    domain::{
        conflicts::conflict_of,
        rubric::{Outcome, Rubric, outcome},
        sheet::{Score, check_sheet},
    },
    store::{
        cases,
        queries::{
            current_rubric, member_of_stage, parties_of, reviewers_at, sheets_of, stage_kind_of,
            stages_of,
        },
        sheets::sheet,
    },
    workflow::sheets::{SheetSave, save_sheet as save},
};

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/cases/{id}/sheet", web::put().to(save_sheet))
        .route("/cases/{id}/sheets", web::get().to(list_sheets));
}

/// One scored item.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoreCreate {
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
pub struct SheetCreate {
    pub scores: Vec<ScoreCreate>,
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
    pub scores: Vec<ScoreCreate>,
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
    if !reviewers_at(db, c.id, &stage).await?.contains(&caller.user) {
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
    request_body = SheetCreate,
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
    body: web::Json<SheetCreate>,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(&[Role::Reviewer, Role::CouncilChair])?;
    let txn = begin_write(&ctx.db).await?;
    let c = case_of(&txn, &caller, id.into_inner()).await?;
    if status_of(&c)? != CaseStatus::Open {
        return Err(ApiError::new(ErrorCode::InvalidTransition).with_detail(
            "Hồ sơ không còn được chấm",
            "The case is no longer being scored",
        ));
    }
    let stage = require_assigned(&txn, &caller, &c).await?;
    let current = stage_open(&c, ctx.clock.now())?;
    let code = current.map(|s| s.rubric).unwrap_or_default();
    let (rubric, rubric_version) =
        current_rubric(&txn, c.tenant, &code)
            .await?
            .ok_or_else(|| {
                ApiError::new(ErrorCode::NotFound).with_detail(
                    format!("Không có phiếu chấm «{code}»"),
                    format!("There is no rubric «{code}»"),
                )
            })?;
    let result = checked(&rubric, &body)?;
    let saved = SheetSave {
        rubric_code: rubric.code.clone(),
        rubric_version,
        scores_json: serde_json::to_string(&body.scores).map_err(ApiError::internal)?,
        comment: body.comment.clone(),
        submit: body.submit,
        result,
    };
    let model = save(&ctx, &txn, &caller, &c, &stage, saved).await?;
    txn.commit().await?;
    Ok(HttpResponse::Ok().json(view(model)?))
}

/// The case's current stage, unless its window has ended (409 `stage_closed`).
fn stage_open(
    c: &cases::Model,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<StageInfo>, ApiError> {
    let current = stages_of(c)?
        .into_iter()
        .nth(usize::try_from(c.stage).unwrap_or(0));
    if let Some(end) = current.as_ref().map(|s| s.to)
        && local_date(now) > end
    {
        return Err(ApiError::new(ErrorCode::StageClosed).with_detail(
            format!("Vòng thẩm định đã kết thúc ngày {}", end.format("%d/%m/%Y")),
            format!("The stage ended on {end}"),
        ));
    }
    Ok(current)
}

/// The sheet checked against the rubric: a submission needs every item (every problem
/// listed); a draft only what is scored. The outcome when every item is scored.
fn checked(rubric: &Rubric, body: &SheetCreate) -> Result<Option<Outcome>, ApiError> {
    let scores: Vec<Score> = body
        .scores
        .iter()
        .map(|s| Score {
            item: s.item.clone(),
            points: s.points,
        })
        .collect();
    let mut issues = Issues::new();
    let totals = check_sheet(rubric, &scores, &mut issues);
    match issues.finish() {
        Ok(()) => Ok(Some(outcome(rubric, &totals))),
        Err(err) => {
            let missing_only = err.errors.iter().all(|e| e.code == "required");
            if !body.submit && missing_only {
                return Ok(None);
            }
            let errors = if body.submit {
                err.errors
            } else {
                err.errors
                    .into_iter()
                    .filter(|e| e.code != "required")
                    .collect()
            };
            Err(ApiError::validation(errors))
        }
    }
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
    let c = case_of(&ctx.db, &caller, id.into_inner()).await?;
    let all = sheets_of(&ctx.db, c.id).await?;
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
