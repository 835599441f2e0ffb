//! Stage results: the appraisal team's result from its sheets (the chair deciding on three),
//! the case moving on to the council or concluding with `case.concluded`, and what the author
//! may see of it.

use actix_web::{HttpResponse, web};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};
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
use sangkien_proto::{
    Envelope, ErrorCode, Event, Role,
    events::{AuthorInfo, CaseConcluded, Grounds, StageInfo},
};

use super::{
    assignments::{member_of_stage, stage_kind_of},
    panels::ORGANISERS,
};
use crate::{
    domain::{
        council::council_required,
        panel::PanelRole,
        scoring::{ResultRefused, SheetOutcome, StageResult, stage_result},
    },
    store::{
        cases,
        sheets::{revision, sheet},
        sittings::{person, stage_result as result_row},
    },
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
pub struct ResultInput {
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
    /// `open`, `concluded` or `withdrawn`.
    pub status: String,
    /// Recommended for recognition, once concluded.
    pub recommended: Option<bool>,
    /// The conclusion's reasons.
    pub reason: Option<String>,
    /// The average score, when `author_view.show_average` allows it.
    pub average: Option<f64>,
    pub grade: Option<String>,
}

/// Points in hundredths as shown.
pub fn points(centi: i64) -> f64 {
    centi as f64 / 100.0
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

/// The case in the caller's tenant.
pub async fn case_in_tenant<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    id: Uuid,
) -> Result<cases::Model, ApiError> {
    cases::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|c| c.tenant == caller.tenant)
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))
}

/// The submitted sheets of a case's stage, in order of first submission.
pub async fn submitted_outcomes<C: ConnectionTrait>(
    db: &C,
    case_id: Uuid,
    stage: &str,
) -> Result<Vec<(Uuid, SheetOutcome)>, ApiError> {
    let sheets = sheet::Entity::find()
        .filter(sheet::Column::CaseId.eq(case_id))
        .filter(sheet::Column::Stage.eq(stage))
        .filter(sheet::Column::Status.eq("submitted"))
        .all(db)
        .await?;
    let firsts = revision::Entity::find()
        .filter(revision::Column::SheetId.is_in(sheets.iter().map(|s| s.id).collect::<Vec<_>>()))
        .filter(revision::Column::Revision.eq(1))
        .order_by_asc(revision::Column::SubmittedAt)
        .order_by_asc(revision::Column::Id)
        .all(db)
        .await?;
    Ok(firsts
        .iter()
        .filter_map(|f| sheets.iter().find(|s| s.id == f.sheet_id))
        .map(|s| {
            (
                s.reviewer,
                SheetOutcome {
                    total: s.total.unwrap_or(0),
                    passed: s.passed.unwrap_or(false),
                    grade: s.grade.clone(),
                },
            )
        })
        .collect())
}

/// True when an author of the case holds the signer's role: the recognising body's head.
/// Then only the council may conclude, and the head may not sit on it.
pub async fn head_is_author<C: ConnectionTrait>(
    db: &C,
    c: &cases::Model,
) -> Result<bool, ApiError> {
    let authors: Vec<AuthorInfo> = serde_json::from_str(&c.authors).map_err(ApiError::internal)?;
    let mut ids: Vec<Uuid> = authors.iter().filter_map(|a| a.user_id).collect();
    ids.push(c.owner);
    Ok(person::Entity::find()
        .filter(person::Column::UserId.is_in(ids))
        .filter(person::Column::Signer.eq(true))
        .filter(person::Column::Active.eq(true))
        .one(db)
        .await?
        .is_some())
}

/// The stages of a case.
pub fn stages_of(c: &cases::Model) -> Result<Vec<StageInfo>, ApiError> {
    serde_json::from_str(&c.stages).map_err(ApiError::internal)
}

/// A result about to be recorded.
pub struct Recorded<'a> {
    pub result: StageResult,
    /// The grounds in Vietnamese, as the author reads them.
    pub reason: String,
    /// The same grounds as facts, carried by `case.concluded`.
    pub grounds: Grounds,
    pub sitting_id: Option<Uuid>,
    pub caller: &'a Caller,
}

/// Records a stage's result on the case, in `txn`, and moves the case on: to the next stage,
/// or, after the last, concluded with `case.concluded` published through the outbox.
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
    // A dossier that fails the appraisal team does not go on to the council.
    let concludes = last || !r.result.passed;
    let mut am = c.clone().into_active_model();
    am.updated_at = Set(now);
    if concludes {
        am.status = Set("concluded".into());
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
        publish(ctx, txn, r.caller, &event).await?;
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

/// Enqueues `event` in the outbox inside `txn`.
pub async fn publish<C: ConnectionTrait, E: Event + Serialize>(
    ctx: &ServiceContext,
    txn: &C,
    caller: &Caller,
    event: &E,
) -> Result<(), ApiError> {
    let now = ctx.clock.now();
    let envelope = Envelope::new(event, caller.tenant, now, caller.request_id.clone(), None)
        .map_err(ApiError::internal)?;
    ctx.outbox.enqueue(txn, &envelope, now).await?;
    Ok(())
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
        ResultRefused::NotAnOutcomeOfTheSheets => {
            let mut i = Issues::new();
            i.push(
                "passed",
                "not_an_outcome_of_the_sheets",
                "Kết quả chọn phải là kết quả của một trong ba phiếu",
                "The result chosen must be the outcome of one of the three sheets",
            );
            i.finish()
                .err()
                .unwrap_or_else(|| ApiError::new(ErrorCode::ValidationFailed))
        }
        ResultRefused::ContradictsTheSheets => {
            let mut i = Issues::new();
            i.push(
                "passed",
                "contradicts_the_sheets",
                "Các phiếu chấm thống nhất; kết quả không được khác các phiếu",
                "The sheets agree; the result may not differ from them",
            );
            i.finish()
                .err()
                .unwrap_or_else(|| ApiError::new(ErrorCode::ValidationFailed))
        }
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
    request_body = ResultInput,
    responses(
        (status = 201, description = "Recorded", body = ResultView),
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
    body: web::Json<ResultInput>,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(&[
        Role::CouncilSecretariat,
        Role::ReceivingOffice,
        Role::Admin,
        Role::CouncilChair,
        Role::Reviewer,
    ])?;
    let mut issues = Issues::new();
    let reason = issues.text("reason", &body.reason, 4000);
    issues.finish()?;
    let txn = begin_write(&ctx.db).await?;
    let c = case_in_tenant(&txn, &caller, id.into_inner()).await?;
    if c.status != "open" {
        return Err(ApiError::new(ErrorCode::InvalidTransition).with_detail(
            "Hồ sơ không còn trong giai đoạn thẩm định",
            "The case is no longer being appraised",
        ));
    }
    let stage = stage_kind_of(&c).unwrap_or_default();
    if stage == "council" {
        return Err(ApiError::new(ErrorCode::InvalidTransition).with_detail(
            "Hội đồng kết luận bằng biểu quyết tại phiên họp",
            "The council concludes by its vote at a sitting",
        ));
    }
    let member = member_of_stage(&txn, &c, caller.user).await?;
    let by_chair = member.as_ref().is_some_and(|m| m.role == PanelRole::Chair);
    let organiser = ORGANISERS.iter().any(|r| caller.has_role(*r));
    if !organiser && !by_chair {
        return Err(ApiError::new(ErrorCode::Forbidden));
    }
    let stages = stages_of(&c)?;
    let is_last = usize::try_from(c.stage + 1).unwrap_or(usize::MAX) >= stages.len();
    if council_required(is_last, is_last && head_is_author(&txn, &c).await?) {
        return Err(ApiError::new(ErrorCode::CouncilRequired).with_detail(
            "Chủ tịch (thủ trưởng cơ quan xét công nhận) là tác giả: lĩnh vực này phải có vòng Hội đồng sáng kiến, và người đó không được tham gia",
            "The head of the recognising body is an author: this field needs a council stage, and the head may not sit on it",
        ));
    }
    let sheets: Vec<SheetOutcome> = submitted_outcomes(&txn, c.id, &stage)
        .await?
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    let choice = body.passed.map(|p| (p, body.grade.clone()));
    let result = stage_result(&sheets, choice, by_chair).map_err(refused)?;
    let row = record_stage_result(
        &ctx,
        &txn,
        &c,
        Recorded {
            result,
            grounds: Grounds {
                vote: None,
                rule: Some("stage_result".into()),
                text: reason.clone(),
            },
            reason,
            sitting_id: None,
            caller: &caller,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(HttpResponse::Created().json(result_view(row)))
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
    caller.require_any(super::cases::CASE_READERS)?;
    let c = case_in_tenant(&ctx.db, &caller, id.into_inner()).await?;
    let rows = result_row::Entity::find()
        .filter(result_row::Column::CaseId.eq(c.id))
        .order_by_asc(result_row::Column::DecidedAt)
        .all(&ctx.db)
        .await?;
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
    let c = case_in_tenant(&ctx.db, &caller, id.into_inner()).await?;
    let authors: Vec<AuthorInfo> = serde_json::from_str(&c.authors).map_err(ApiError::internal)?;
    let is_author =
        c.owner == caller.user || authors.iter().any(|a| a.user_id == Some(caller.user));
    if !is_author
        && !super::cases::CASE_READERS
            .iter()
            .any(|r| caller.has_role(*r))
    {
        return Err(ApiError::new(ErrorCode::NotFound));
    }
    let last = result_row::Entity::find()
        .filter(result_row::Column::CaseId.eq(c.id))
        .order_by_desc(result_row::Column::DecidedAt)
        .one(&ctx.db)
        .await?;
    let concluded = c.status == "concluded";
    let show = settings.author_view.show_average;
    let (average, grade) = match (&last, concluded && show) {
        (Some(r), true) => {
            // The grade and average come from the scored stage when the council only voted.
            let scored = result_row::Entity::find()
                .filter(result_row::Column::CaseId.eq(c.id))
                .filter(result_row::Column::Average.is_not_null())
                .order_by_desc(result_row::Column::DecidedAt)
                .one(&ctx.db)
                .await?;
            let s = scored.as_ref().unwrap_or(r);
            (s.average.map(points), s.grade.clone())
        }
        _ => (None, None),
    };
    Ok(HttpResponse::Ok().json(OutcomeView {
        status: c.status.clone(),
        recommended: last.as_ref().filter(|_| concluded).map(|r| r.passed),
        reason: last.filter(|_| concluded).map(|r| r.reason),
        average,
        grade,
    }))
}
