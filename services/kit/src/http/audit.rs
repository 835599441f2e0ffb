//! `GET /api/v1/<service>/audit`: every service's own audit log, read by the tenant's admins
//! (who assigned, scored, voted, signed, changed a budget line — and when, in which role).

use actix_web::{HttpResponse, web};
use sangkien_proto::Role;

use crate::{
    ApiError,
    audit::{AuditFilter, page},
    auth::Caller,
    context::ServiceContext,
    http::paging::PageQuery,
};

/// Lists the caller's tenant's actions recorded by this service, oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/{service}/audit",
    tag = "audit",
    params(
        ("service" = String, Path, description = "`intake`, `appraisal` or `decision`"),
        PageQuery,
        AuditFilter
    ),
    responses(
        (status = 200, description = "A page of recorded actions", body = crate::audit::AuditPage),
        (status = 403, description = "Not an admin", body = sangkien_proto::Problem)
    ),
    security(("bearer" = []))
)]
pub async fn list(
    caller: Caller,
    ctx: web::Data<ServiceContext>,
    query: web::Query<PageQuery>,
    filter: web::Query<AuditFilter>,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(&[Role::Admin])?;
    Ok(HttpResponse::Ok().json(page(&ctx.db, caller.tenant, &query, &filter).await?))
}
