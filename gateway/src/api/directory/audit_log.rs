//! Reading the directory's audit log: who changed which account, unit or tenant, and every
//! sign-in and credential change.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use sangkien_kit::{
    ApiError,
    auth::Caller,
    http::paging::{PageQuery, next_cursor},
    store::audit_log,
};

use super::require_admin_of;
use crate::state::GatewayState;

/// Registers the audit route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/audit", web::get().to(list_audit));
}

/// Filters of the audit list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditFilter {
    /// The tenant; the caller's own when absent.
    pub tenant_id: Option<Uuid>,
    /// Only actions on this subject (a user, unit or tenant id).
    pub subject_id: Option<Uuid>,
    /// Only actions by this actor.
    pub actor: Option<Uuid>,
    /// Only this action (`auth.sign_in`).
    pub action: Option<String>,
}

/// One recorded action.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditView {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub actor: Uuid,
    pub actor_role: String,
    pub action: String,
    pub subject_type: String,
    pub subject_id: Uuid,
    pub request_id: String,
    /// Facts recorded with the action (before and after, reasons).
    pub details: serde_json::Value,
}

/// A page of the audit log, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditView>,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<String>,
}

/// Lists the audit log of a tenant.
#[utoipa::path(
    get,
    path = "/api/v1/directory/audit",
    tag = "directory",
    params(PageQuery, AuditFilter),
    responses((status = 200, description = "A page of recorded actions", body = AuditPage)),
    security(("bearer" = []))
)]
pub async fn list_audit(
    caller: Caller,
    state: web::Data<GatewayState>,
    page: web::Query<PageQuery>,
    filter: web::Query<AuditFilter>,
) -> Result<HttpResponse, ApiError> {
    let tenant = filter.tenant_id.unwrap_or(caller.tenant);
    require_admin_of(&state, &caller, tenant)?;
    let limit = page.limit()?;
    let mut query = audit_log::Entity::find()
        .filter(audit_log::Column::Tenant.eq(tenant))
        .order_by_asc(audit_log::Column::Id);
    if let Some(s) = filter.subject_id {
        query = query.filter(audit_log::Column::SubjectId.eq(s));
    }
    if let Some(a) = filter.actor {
        query = query.filter(audit_log::Column::Actor.eq(a));
    }
    if let Some(a) = &filter.action {
        query = query.filter(audit_log::Column::Action.eq(a.clone()));
    }
    if let Some(c) = page.cursor()? {
        query = query.filter(audit_log::Column::Id.gt(c));
    }
    let rows = query.limit(limit).all(&state.db).await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    Ok(HttpResponse::Ok().json(AuditPage {
        next_cursor: next_cursor(&ids, limit),
        items: rows
            .into_iter()
            .map(|r| AuditView {
                id: r.id,
                at: r.at,
                actor: r.actor,
                actor_role: r.actor_role,
                action: r.action,
                subject_type: r.subject_type,
                subject_id: r.subject_id,
                request_id: r.request_id,
                details: serde_json::from_str(&r.details).unwrap_or(serde_json::Value::Null),
            })
            .collect(),
    }))
}
