//! Stage results: the appraisal team's result from its sheets (the chair deciding on three),
//! the case moving on to the council or concluding with `case.concluded`, and what the author
//! may see of it.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use sangkien_kit::http::with_location;
use sangkien_kit::{
    ApiError, auth::Caller, db::begin_write, error::Issues, service::ServiceContext,
};
use sangkien_proto::{
    ErrorCode, Role,
    events::{AuthorInfo, Grounds},
};

use super::{CASE_READERS, ORGANISERS, case_of, field_error};
use crate::{domain::status::CaseStatus, store::queries::status_of};
use crate::{
    domain::{
        council::council_required,
        panel::PanelRole,
        scoring::{ResultRefused, SheetOutcome, points, stage_result},
    },
    store::{
        cases,
        queries::{
            head_is_author, last_result, member_of_stage, results_of, scored_result, stage_kind_of,
            stages_of, submitted_outcomes,
        },
        sittings::stage_result as result_row,
    },
    workflow::results::{Recorded, record_stage_result},
};

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/cases/{id}/result", web::post().to(record_result))
        .route("/cases/{id}/results", web::get().to(list_results))
        .route("/cases/{id}/outcome", web::get().to(get_outcome));
}

/// The appraisal team's result on a case.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResultCreate {
    /// The chair's choice when the sheets disagree; when they agree, omitted or the same.
    #[serde(default)]
    pub passed: Option<bool>,
    /// The grade chosen with `passed`, when the rubric grades.
    #[serde(default)]
    pub grade: Option<String>,
    /// The reasons, as the author will read them.
    pub reason: String,
}

/// A stage's result.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResultView {
    /// `appraisal_team` or `council`.
    pub stage: String,
    pub passed: bool,
    pub grade: Option<String>,
    /// Average of the sheets' totals.
    pub average: Option<f64>,
    /// `agreed`, `chair` or `vote`.
    pub method: String,
    pub reason: String,
    /// The sitting that voted, for a council.
    pub sitting_id: Option<Uuid>,
    pub decided_by: Uuid,
    pub decided_at: chrono::DateTime<chrono::Utc>,
}

/// What the author may see of the appraisal.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutcomeView {
    /// Where the case stands.
    pub status: CaseStatus,
    /// Recommended for recognition, once concluded.
    pub recommended: Option<bool>,
    /// The conclusion's reasons.
    pub reason: Option<String>,
    /// The average score, when `author_view.show_average` allows it.
    pub average: Option<f64>,
    pub grade: Option<String>,
}

fn result_view(r: result_row::Model) -> ResultView {
    ResultView {
        stage: r.stage,
        passed: r.passed,
        grade: r.grade,
        average: r.average.map(points),
        method: r.method,
        reason: r.reason,
        sitting_id: r.sitting_id,
        decided_by: r.decided_by,
        decided_at: r.decided_at,
    }
}

fn refused(r: ResultRefused) -> ApiError {
    match r {
        ResultRefused::SheetsMissing { have, need } => ApiError::new(ErrorCode::InvalidTransition)
            .with_detail(
                format!("Mới có {have}/{need} phiếu chấm đã nộp"),
                format!("Only {have} of {need} sheets are in"),
            ),
        ResultRefused::ChairDecides => ApiError::new(ErrorCode::Forbidden).with_detail(
            "Các phiếu chấm không thống nhất: tổ trưởng (chủ tịch) quyết định trên ba phiếu",
            "The sheets disagree: the chair decides on the three",
        ),
        ResultRefused::NotAnOutcomeOfTheSheets => field_error(
            "passed",
            "not_an_outcome_of_the_sheets",
            "Kết quả chọn phải là kết quả của một trong ba phiếu",
            "The result chosen must be the outcome of one of the three sheets",
        ),
        ResultRefused::ContradictsTheSheets => field_error(
            "passed",
            "contradicts_the_sheets",
            "Các phiếu chấm thống nhất; kết quả không được khác các phiếu",
            "The sheets agree; the result may not differ from them",
        ),
    }
}

/// Records the appraisal team's result on a case from its submitted sheets: their common
/// outcome when the first two agree; when they disagree, the third sheet is needed and the
/// team's chair chooses one of the three outcomes. A passing result sends the case on to the
/// council; otherwise, or after the last stage, the case concludes (`case.concluded`).
#[utoipa::path(
    post,
    path = "/api/v1/appraisal/cases/{id}/result",
    tag = "cases",
    params(("id" = Uuid, Path, description = "Case id")),
    request_body = ResultCreate,
    responses(
        (status = 201, description = "Recorded", body = ResultView, headers(("Location" = String, description = "The path of what was created (or of the list it joined): follow it to read it"))),
        (status = 403, description = "The sheets disagree and the caller is not the chair", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Sheets missing, a council stage, closed, or the council is required", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every problem of the request", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn record_result(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: web::Json<ResultCreate>,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(RESULT_RECORDERS)?;
    let mut issues = Issues::new();
    let reason = issues.text("reason", &body.reason, 4000);
    issues.finish()?;
    let txn = begin_write(&ctx.db).await?;
    let c = case_of(&txn, &caller, id.into_inner()).await?;
    let (stage, by_chair) = may_record(&txn, &caller, &c).await?;
    let sheets: Vec<SheetOutcome> = submitted_outcomes(&txn, c.id, &stage)
        .await?
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    let choice = body.passed.map(|p| (p, body.grade.clone()));
    let result = stage_result(&sheets, choice, by_chair).map_err(refused)?;
    let grounds = Grounds {
        vote: None,
        rule: Some("stage_result".into()),
        text: reason.clone(),
    };
    let recorded = Recorded {
        result,
        grounds,
        reason,
        sitting_id: None,
        caller: &caller,
    };
    let row = record_stage_result(&ctx, &txn, &c, recorded).await?;
    txn.commit().await?;
    Ok(with_location(
        HttpResponse::Created().json(result_view(row)),
        &format!("/api/v1/appraisal/cases/{}/results", c.id),
    ))
}

/// Who may ask for a team's result (the team's chair among the reviewers).
const RESULT_RECORDERS: &[Role] = &[
    Role::CouncilSecretariat,
    Role::ReceivingOffice,
    Role::Admin,
    Role::CouncilChair,
    Role::Reviewer,
];

/// Whether the caller may record the result of case `c` now: it is open at an appraisal
/// team's stage, the caller organises or chairs it, and the council is not required (the
/// head of the body an author). Returns the stage and whether the chair records it.
async fn may_record<C: sea_orm::ConnectionTrait>(
    db: &C,
    caller: &Caller,
    c: &cases::Model,
) -> Result<(String, bool), ApiError> {
    if status_of(c)? != CaseStatus::Open {
        return Err(ApiError::new(ErrorCode::InvalidTransition).with_detail(
            "Hồ sơ không còn trong giai đoạn thẩm định",
            "The case is no longer being appraised",
        ));
    }
    let stage = stage_kind_of(c).unwrap_or_default();
    if stage == "council" {
        return Err(ApiError::new(ErrorCode::InvalidTransition).with_detail(
            "Hội đồng kết luận bằng biểu quyết tại phiên họp",
            "The council concludes by its vote at a sitting",
        ));
    }
    let member = member_of_stage(db, c, caller.user).await?;
    let by_chair = member.as_ref().is_some_and(|m| m.role == PanelRole::Chair);
    let organiser = ORGANISERS.iter().any(|r| caller.has_role(*r));
    if !organiser && !by_chair {
        return Err(ApiError::new(ErrorCode::Forbidden));
    }
    let is_last = usize::try_from(c.stage + 1).unwrap_or(usize::MAX) >= stages_of(c)?.len();
    if council_required(is_last, is_last && head_is_author(db, c).await?) {
        return Err(ApiError::new(ErrorCode::CouncilRequired).with_detail(
            "Chủ tịch (thủ trưởng cơ quan xét công nhận) là tác giả: lĩnh vực này phải có vòng Hội đồng sáng kiến, và người đó không được tham gia",
            "The head of the recognising body is an author: this field needs a council stage, and the head may not sit on it",
        ));
    }
    Ok((stage, by_chair))
}

/// The results recorded on a case, stage by stage.
#[utoipa::path(
    get,
    path = "/api/v1/appraisal/cases/{id}/results",
    tag = "cases",
    params(("id" = Uuid, Path, description = "Case id")),
    responses((status = 200, description = "Results in stage order", body = Vec<ResultView>)),
    security(("bearer" = []))
)]
pub async fn list_results(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(CASE_READERS)?;
    let c = case_of(&ctx.db, &caller, id.into_inner()).await?;
    let rows = results_of(&ctx.db, c.id).await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(result_view).collect::<Vec<_>>()))
}

/// The author's view of the appraisal: never the individual sheets; the conclusion with its
/// reasons, and the average and grade where the body's settings show them.
#[utoipa::path(
    get,
    path = "/api/v1/appraisal/cases/{id}/outcome",
    tag = "cases",
    params(("id" = Uuid, Path, description = "Case id (the dossier's id)")),
    responses(
        (status = 200, description = "The outcome so far", body = OutcomeView),
        (status = 404, description = "No such case, or not the caller's", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn get_outcome(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    settings: web::Data<sangkien_kit::Settings>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let c = case_of(&ctx.db, &caller, id.into_inner()).await?;
    let authors: Vec<AuthorInfo> = serde_json::from_str(&c.authors).map_err(ApiError::internal)?;
    let is_author =
        c.owner == caller.user || authors.iter().any(|a| a.user_id == Some(caller.user));
    if !is_author && !CASE_READERS.iter().any(|r| caller.has_role(*r)) {
        return Err(ApiError::new(ErrorCode::NotFound));
    }
    let last = last_result(&ctx.db, c.id).await?;
    let status = status_of(&c)?;
    let concluded = status == CaseStatus::Concluded;
    let show = settings.author_view.show_average;
    let (average, grade) = match (&last, concluded && show) {
        // The grade and average come from the scored stage when the council only voted.
        (Some(r), true) => {
            let scored = scored_result(&ctx.db, c.id).await?;
            let s = scored.as_ref().unwrap_or(r);
            (s.average.map(points), s.grade.clone())
        }
        _ => (None, None),
    };
    Ok(HttpResponse::Ok().json(OutcomeView {
        status,
        recommended: last.as_ref().filter(|_| concluded).map(|r| r.passed),
        reason: last.filter(|_| concluded).map(|r| r.reason),
        average,
        grade,
    }))
}
