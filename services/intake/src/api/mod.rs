//! Intake's HTTP API.

pub mod probes;

use actix_web::web;

/// Registers every route under `/api/v1/intake`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    probes::configure(cfg);
}

/// Intake's OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "sangkien intake",
        description = "Plans, dossiers, attachments, confirmation and receipt."
    ),
    paths(probes::send_probe, probes::get_probe),
    components(schemas(
        probes::ProbeCreate,
        probes::ProbeView,
        sangkien_proto::Problem,
        sangkien_proto::ErrorCode,
        sangkien_proto::FieldError
    ))
)]
pub struct ApiDoc;
