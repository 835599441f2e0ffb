//! The signed decision: what the provincial DOST system downloads from a nomination package,
//! by a signed expiring link (`sangkien_kit::links`) instead of a token.

use actix_web::{HttpRequest, HttpResponse, web};
use sea_orm::EntityTrait;
use uuid::Uuid;

use sangkien_kit::{ApiError, Settings, links, service::ServiceContext};
use sangkien_proto::ErrorCode;

use crate::decisions::{documents, store::decision};

/// Registers the signed route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/shared/decisions/{id}/document",
        web::get().to(shared_decision_document),
    );
}

/// The issued decision as DOCX, by signed link; the link stands for that decision alone.
#[utoipa::path(
    get,
    path = "/api/v1/decision/shared/decisions/{id}/document",
    tag = "nominations",
    params(("id" = Uuid, Path, description = "Decision id"), links::SignedQuery),
    responses(
        (status = 200, description = "The signed decision", content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", body = inline(sangkien_kit::http::contract::Binary)),
        (status = 403, description = "Signature does not match", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such issued decision", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 410, description = "The link has expired", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn shared_decision_document(
    req: HttpRequest,
    ctx: web::Data<ServiceContext>,
    settings: web::Data<Settings>,
    id: web::Path<Uuid>,
    query: web::Query<links::SignedQuery>,
) -> Result<HttpResponse, ApiError> {
    links::verify_request(&req, &settings, &query, ctx.clock.now())?;
    let id = id.into_inner();
    let not_found = || ApiError::new(ErrorCode::DecisionNotFound);
    let d = decision::Entity::find_by_id(id)
        .one(&ctx.db)
        .await?
        .ok_or_else(not_found)?;
    let (file, bytes) = documents::decision_docx(&ctx.db, d.tenant, id)
        .await
        .map_err(ApiError::internal)?
        .ok_or_else(not_found)?;
    Ok(HttpResponse::Ok()
        .content_type(documents::DOCX)
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{file}\""),
        ))
        .body(bytes))
}
