//! Decision's HTTP API.

use actix_web::{HttpResponse, web};
use uuid::Uuid;

use sangkien_kit::{ApiError, auth::Caller, diagnostics, service::ServiceContext};

/// Registers every route under `/api/v1/decision`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/probes/{id}", web::get().to(get_probe_receipt));
    crate::decisions::configure(cfg);
    crate::budget::configure(cfg);
    crate::nominations::configure(cfg);
}

/// Whether a diagnostic probe sent by intake has reached decision.
#[utoipa::path(
    get,
    path = "/api/v1/decision/probes/{id}",
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

/// Decision's OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "sangkien decision",
        description = "Recognition decisions, certificates, provincial nominations and the Circular 03/2019 budget."
    ),
    paths(get_probe_receipt),
    components(schemas(
        diagnostics::ProbeReceiptView,
        sangkien_proto::Problem,
        sangkien_proto::ErrorCode,
        sangkien_proto::FieldError
    ))
)]
pub struct ApiDoc;
