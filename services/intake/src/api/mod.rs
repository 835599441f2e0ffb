//! Intake's HTTP API.

pub mod common;
pub mod dashboard;
pub mod dossiers;
pub mod plans;
pub mod probes;

use actix_web::web;

/// Registers every route under `/api/v1/intake`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    probes::configure(cfg);
    plans::configure(cfg);
    dossiers::configure(cfg);
    dashboard::configure(cfg);
}

/// Intake's OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "sangkien intake",
        description = "Plans, dossiers, attachments, confirmation and receipt."
    ),
    paths(
        probes::send_probe,
        probes::get_probe,
        plans::list_plans,
        plans::create_plan,
        plans::get_plan,
        plans::update_plan,
        plans::publish_plan,
        plans::amend_plan,
        plans::list_amendments,
        dossiers::drafts::create_dossier,
        dossiers::drafts::list_dossiers,
        dossiers::register::download_register,
        dossiers::drafts::get_dossier,
        dossiers::drafts::update_dossier,
        dossiers::lifecycle::submit,
        dossiers::lifecycle::confirm,
        dossiers::lifecycle::return_to_author,
        dossiers::lifecycle::register,
        dossiers::lifecycle::request_correction,
        dossiers::lifecycle::withdraw,
        dossiers::lifecycle::reopen_window,
        dossiers::lifecycle::receipt,
        dossiers::lifecycle::receipt_docx,
        dossiers::versions::list_versions,
        dossiers::versions::get_version,
        dossiers::versions::history,
        dossiers::attachments::upload,
        dossiers::attachments::list,
        dossiers::attachments::download,
        dossiers::attachments::remove,
        dossiers::shared::shared_attachments,
        dossiers::shared::shared_download,
        dashboard::dashboard,
    ),
    components(schemas(
        dossiers::shared::SharedAttachment,
        probes::ProbeCreate,
        probes::ProbeView,
        plans::PlanInput,
        plans::PlanAmendment,
        plans::PlanView,
        plans::PlanPage,
        plans::AmendmentView,
        crate::domain::plan::FieldSpec,
        crate::domain::plan::Stage,
        crate::domain::plan::StageKind,
        crate::domain::window::Window,
        crate::domain::form::Form,
        crate::domain::form::Author,
        crate::domain::form::Participant,
        crate::domain::form::InitiativeKind,
        crate::domain::lifecycle::Status,
        dossiers::DossierView,
        dossiers::AttachmentView,
        dossiers::drafts::DossierCreate,
        dossiers::drafts::DossierSummary,
        dossiers::drafts::DossierPage,
        dossiers::lifecycle::Reason,
        dossiers::lifecycle::CorrectionRequest,
        dossiers::lifecycle::WindowExceptionInput,
        dossiers::lifecycle::Receipt,
        dossiers::versions::VersionView,
        dossiers::versions::HistoryEntry,
        dashboard::Dashboard,
        dashboard::FieldCounts,
        sangkien_proto::Problem,
        sangkien_proto::ErrorCode,
        sangkien_proto::FieldError
    ))
)]
pub struct ApiDoc;
