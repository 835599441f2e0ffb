//! Decision's HTTP API.

use actix_web::web;

use sangkien_kit::diagnostics;

/// Registers every route under `/api/v1/decision`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    diagnostics::configure(cfg);
    crate::decisions::configure(cfg);
    crate::budget::configure(cfg);
    crate::nominations::configure(cfg);
}

/// Decision's OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "sangkien decision",
        description = "Recognition decisions, certificates, provincial nominations and the Circular 03/2019 budget."
    ),
    components(schemas(
        sangkien_proto::Problem,
        sangkien_proto::ErrorCode,
        sangkien_proto::FieldError
    ))
)]
pub struct ApiDoc;
