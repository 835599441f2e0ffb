//! Appraisal's HTTP API.

pub mod assignments;
pub mod cases;
pub mod minutes;
pub mod my;
pub mod panels;
pub mod progress;
pub mod results;
pub mod rubrics;
pub mod sheets;
pub mod sittings;

use actix_web::{HttpResponse, web};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use sangkien_kit::{ApiError, auth::Caller, diagnostics, service::ServiceContext};
use sangkien_proto::{ErrorCode, Role};

use crate::{
    domain::conflicts::Conflict,
    store::{cases as case_rows, panels::panel, queries, sittings::sitting},
};

/// Who sets up panels and assigns reviewers.
pub const ORGANISERS: &[Role] = &[Role::CouncilSecretariat, Role::ReceivingOffice, Role::Admin];

/// Who follows every case of the tenant.
pub const CASE_READERS: &[Role] = &[
    Role::CouncilSecretariat,
    Role::CouncilChair,
    Role::ReceivingOffice,
    Role::Admin,
];

/// The case `id` of the caller's tenant, or 404: another body's case is simply not there.
pub async fn case_of<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    id: Uuid,
) -> Result<case_rows::Model, ApiError> {
    queries::case_in(db, caller.tenant, id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))
}

/// The panel `id` of the caller's tenant, or 404.
pub async fn panel_of<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    id: Uuid,
) -> Result<panel::Model, ApiError> {
    queries::panel_in(db, caller.tenant, id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))
}

/// The sitting `id` of the caller's tenant, or 404.
pub async fn sitting_of<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    id: Uuid,
) -> Result<sitting::Model, ApiError> {
    queries::sitting_in(db, caller.tenant, id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))
}

/// The refusal of a conflicted reviewer, naming the reason.
pub fn conflicted(c: Conflict) -> ApiError {
    let (vi, en) = c.reason();
    ApiError::new(ErrorCode::ConflictOfInterest).with_detail(
        format!("Người chấm {vi}, không được giao hoặc xem hồ sơ này"),
        format!("The reviewer {en} and may neither be assigned nor open this dossier"),
    )
}

/// The answer 422 with one field issue.
pub fn field_error(field: &str, code: &str, vi: &str, en: &str) -> ApiError {
    let mut issues = sangkien_kit::error::Issues::new();
    issues.push(field, code, vi, en);
    issues
        .finish()
        .err()
        .unwrap_or_else(|| ApiError::new(ErrorCode::ValidationFailed))
}

/// Registers every route under `/api/v1/appraisal`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/probes/{id}", web::get().to(get_probe_receipt));
    cases::configure(cfg);
    rubrics::configure(cfg);
    panels::configure(cfg);
    assignments::configure(cfg);
    sheets::configure(cfg);
    results::configure(cfg);
    sittings::configure(cfg);
    minutes::configure(cfg);
    progress::configure(cfg);
    my::configure(cfg);
}

/// Whether a diagnostic probe sent by intake has reached appraisal.
#[utoipa::path(
    get,
    path = "/api/v1/appraisal/probes/{id}",
    tag = "diagnostics",
    params(("id" = Uuid, Path, description = "Probe id")),
    responses(
        (status = 200, description = "The probe arrived", body = diagnostics::ProbeReceiptView),
        (status = 404, description = "Not (yet) arrived", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn get_probe_receipt(
    ctx: web::Data<ServiceContext>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    diagnostics::get_receipt(ctx, caller, id).await
}

/// Appraisal's OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "sangkien appraisal",
        description = "Rubrics, panels, assignment, score sheets, sittings, conclusions."
    ),
    paths(
        get_probe_receipt,
        cases::list_cases,
        cases::get_case,
        rubrics::list_rubrics,
        rubrics::get_rubric,
        rubrics::save_rubric,
        panels::create_panel,
        panels::list_panels,
        panels::get_panel,
        panels::update_panel,
        panels::auto_assign,
        assignments::assign_reviewer,
        assignments::list_assignments,
        assignments::declare_conflict,
        sheets::save_sheet,
        sheets::list_sheets,
        results::record_result,
        results::list_results,
        results::get_outcome,
        sittings::schedule_sitting,
        sittings::list_sittings,
        sittings::get_sitting,
        sittings::record_attendance,
        sittings::record_vote,
        sittings::close_sitting,
        minutes::download_minutes,
        minutes::shared_minutes,
        progress::panel_progress,
        my::my_assignments,
        my::my_sittings
    ),
    components(schemas(
        crate::domain::status::CaseStatus,
        diagnostics::ProbeReceiptView,
        cases::CaseView,
        cases::CasePage,
        rubrics::RubricView,
        panels::PanelCreate,
        panels::PanelUpdate,
        panels::PanelView,
        panels::AutoAssignReport,
        panels::CaseReviewers,
        panels::CaseShort,
        assignments::AssignmentCreate,
        assignments::ConflictCreate,
        assignments::AssignmentView,
        sheets::ScoreCreate,
        sheets::SheetCreate,
        sheets::SheetView,
        results::ResultCreate,
        results::ResultView,
        results::OutcomeView,
        sittings::SittingCreate,
        sittings::AttendanceUpdate,
        sittings::VoteMethod,
        sittings::VoteUpdate,
        sittings::Attendee,
        sittings::VoteView,
        sittings::SittingView,
        sittings::SittingPage,
        progress::PanelProgress,
        progress::ReviewerProgress,
        progress::CaseProgress,
        my::MyAssignment,
        my::MyAssignmentPage,
        my::AgendaItem,
        my::MySitting,
        crate::domain::panel::Member,
        crate::domain::panel::PanelRole,
        crate::domain::panel::PanelKind,
        crate::domain::rubric::Rubric,
        crate::domain::rubric::Criterion,
        crate::domain::rubric::SubItem,
        crate::domain::rubric::Band,
        crate::domain::rubric::Grade,
        crate::domain::rubric::CriterionMinimum,
        sangkien_proto::events::AuthorInfo,
        sangkien_proto::events::StageInfo,
        sangkien_proto::Problem,
        sangkien_proto::ErrorCode,
        sangkien_proto::FieldError
    ))
)]
pub struct ApiDoc;
