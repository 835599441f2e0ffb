//! Reading the directory's audit log: who changed which account, unit or tenant, and every
//! sign-in and credential change.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use sangkien_kit::{
    ApiError,
    audit::{self, AuditFilter},
    auth::Caller,
    http::paging::PageQuery,
};

use super::require_admin_of;
use crate::state::GatewayState;

/// Registers the audit route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/audit", web::get().to(list_audit));
}

/// The tenant whose directory log to read.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TenantFilter {
    /// The tenant; the caller's own when absent.
    pub tenant_id: Option<Uuid>,
}

/// Lists the audit log of a tenant.
#[utoipa::path(
    get,
    path = "/api/v1/directory/audit",
    tag = "directory",
    params(PageQuery, TenantFilter, AuditFilter),
    responses((status = 200, description = "A page of recorded actions", body = sangkien_kit::audit::AuditPage)),
    security(("bearer" = []))
)]
pub async fn list_audit(
    caller: Caller,
    state: web::Data<GatewayState>,
    page: web::Query<PageQuery>,
    tenant: web::Query<TenantFilter>,
    filter: web::Query<AuditFilter>,
) -> Result<HttpResponse, ApiError> {
    let tenant = tenant.tenant_id.unwrap_or(caller.tenant);
    require_admin_of(&state, &caller, tenant)?;
    Ok(HttpResponse::Ok().json(audit::page(&state.db, tenant, &page, &filter).await?))
}
