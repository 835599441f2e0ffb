//! Tenants: the recognising bodies. Only admins of the root tenant create and change them.

use actix_web::{HttpRequest, HttpResponse, web};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use sangkien_kit::{
    ApiError,
    audit::{self, AuditEntry},
    auth::Caller,
    db::begin_write,
    error::Issues,
    http::paging::{PageQuery, etag, next_cursor, require_if_match},
    text::{fold, like},
};
use sangkien_proto::{ErrorCode, Role};

use super::{checked_code, require_admin_or_hidden, unique_or};
use crate::{
    api::views::{TenantPage, TenantView},
    state::GatewayState,
    store::entities::tenant,
};

/// Registers the tenant routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/tenants", web::get().to(list_tenants))
        .route("/tenants", web::post().to(create_tenant))
        .route("/tenants/{id}", web::get().to(get_tenant))
        .route("/tenants/{id}", web::patch().to(update_tenant));
}

/// A new tenant.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TenantCreate {
    /// Short code, `a-z 0-9 - _ .` (`vinh-tuong`).
    pub code: String,
    /// Full name (`Ủy ban nhân dân huyện Vĩnh Tường`).
    pub name: String,
}

/// Changes to a tenant; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TenantUpdate {
    /// New name.
    pub name: Option<String>,
    /// False to deactivate.
    pub active: Option<bool>,
}

fn not_root_admin() -> ApiError {
    ApiError::new(ErrorCode::Forbidden).with_detail(
        "Chỉ quản trị hệ thống mới quản lý các cơ quan",
        "Only system admins manage tenants",
    )
}

fn require_root_admin(state: &GatewayState, caller: &Caller) -> Result<(), ApiError> {
    caller.require_any(&[Role::Admin])?;
    if caller.tenant == state.root_tenant {
        Ok(())
    } else {
        Err(not_root_admin())
    }
}

fn code_taken(code: &str) -> ApiError {
    ApiError::new(ErrorCode::CodeTaken).with_detail(
        format!("Mã cơ quan «{code}» đã được dùng"),
        format!("The tenant code «{code}» is taken"),
    )
}

/// Lists tenants: all for system admins, one's own otherwise.
#[utoipa::path(
    get,
    path = "/api/v1/directory/tenants",
    tag = "directory",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of tenants", body = TenantPage),
        (status = 403, description = "Not an admin", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn list_tenants(
    caller: Caller,
    state: web::Data<GatewayState>,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(&[Role::Admin])?;
    let limit = page.limit()?;
    let mut query = tenant::Entity::find().order_by_asc(tenant::Column::Id);
    if caller.tenant != state.root_tenant {
        query = query.filter(tenant::Column::Id.eq(caller.tenant));
    }
    if let Some(c) = page.cursor()? {
        query = query.filter(tenant::Column::Id.gt(c));
    }
    if let Some(q) = page.search() {
        query = query.filter(tenant::Column::Search.like(like(&q)));
    }
    let rows = query.limit(limit).all(&state.db).await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    Ok(HttpResponse::Ok().json(TenantPage {
        next_cursor: next_cursor(&ids, limit),
        items: rows.into_iter().map(TenantView::from).collect(),
    }))
}

/// Creates a tenant.
#[utoipa::path(
    post,
    path = "/api/v1/directory/tenants",
    tag = "directory",
    request_body = TenantCreate,
    responses(
        (status = 201, description = "Created", body = TenantView, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"), ("Location" = String, description = "The path of what was created (or of the list it joined): follow it to read it"))),
        (status = 403, description = "Not a system admin", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Code taken", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, all listed", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn create_tenant(
    caller: Caller,
    state: web::Data<GatewayState>,
    body: web::Json<TenantCreate>,
) -> Result<HttpResponse, ApiError> {
    require_root_admin(&state, &caller)?;
    let mut issues = Issues::new();
    let code = checked_code(&mut issues, "code", &body.code);
    let name = issues.text("name", &body.name, 300);
    issues.finish()?;
    let now = state.clock.now();
    let model = tenant::Model {
        id: Uuid::now_v7(),
        search: fold(&format!("{code} {name}")),
        code: code.clone(),
        name,
        is_root: false,
        active: true,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let txn = begin_write(&state.db).await?;
    tenant::Entity::insert(model.clone().into_active_model())
        .exec_without_returning(&txn)
        .await
        .map_err(|e| unique_or(e, |_| code_taken(&code)))?;
    audit::record_in(
        &txn,
        &caller,
        model.id,
        now,
        AuditEntry {
            action: "directory.tenant_created",
            subject_type: "tenant",
            subject_id: model.id,
            role: Role::Admin.as_str(),
            details: serde_json::json!({ "code": model.code, "name": model.name }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(HttpResponse::Created()
        .insert_header(("ETag", etag(model.version)))
        .insert_header((
            "Location",
            format!("/api/v1/directory/tenants/{}", model.id),
        ))
        .json(TenantView::from(model)))
}

/// Reads a tenant.
#[utoipa::path(
    get,
    path = "/api/v1/directory/tenants/{id}",
    tag = "directory",
    params(("id" = Uuid, Path, description = "Tenant id")),
    responses(
        (status = 200, description = "The tenant; ETag is its version", body = TenantView, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"))),
        (status = 404, description = "No such tenant", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn get_tenant(
    caller: Caller,
    state: web::Data<GatewayState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    require_admin_or_hidden(&state, &caller, id, ErrorCode::TenantNotFound)?;
    let t = tenant::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::TenantNotFound))?;
    Ok(HttpResponse::Ok()
        .insert_header(("ETag", etag(t.version)))
        .json(TenantView::from(t)))
}

/// Renames or deactivates a tenant (`If-Match` required).
#[utoipa::path(
    patch,
    path = "/api/v1/directory/tenants/{id}",
    tag = "directory",
    params(sangkien_kit::http::contract::IfMatch, ("id" = Uuid, Path, description = "Tenant id")),
    request_body = TenantUpdate,
    responses(
        (status = 200, description = "Updated", body = TenantView, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"))),
        (status = 412, description = "Changed since read", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn update_tenant(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<GatewayState>,
    id: web::Path<Uuid>,
    body: web::Json<TenantUpdate>,
) -> Result<HttpResponse, ApiError> {
    require_root_admin(&state, &caller)?;
    let mut issues = Issues::new();
    let name = body.name.as_deref().map(|n| issues.text("name", n, 300));
    issues.finish()?;
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let t = tenant::Entity::find_by_id(id.into_inner())
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::TenantNotFound))?;
    require_if_match(&req, t.version)?;
    if t.is_root && body.active == Some(false) {
        return Err(ApiError::new(ErrorCode::Conflict).with_detail(
            "Không thể ngừng hoạt động cơ quan gốc",
            "The root tenant cannot be deactivated",
        ));
    }
    let before = TenantView::from(t.clone());
    let mut m = t.clone().into_active_model();
    if let Some(n) = &name {
        m.name = Set(n.clone());
        m.search = Set(fold(&format!("{} {n}", t.code)));
    }
    if let Some(a) = body.active {
        m.active = Set(a);
    }
    m.version = Set(t.version + 1);
    m.updated_at = Set(now);
    let updated = tenant::Entity::update(m).exec(&txn).await?;
    audit::record_in(
        &txn,
        &caller,
        updated.id,
        now,
        AuditEntry {
            action: "directory.tenant_updated",
            subject_type: "tenant",
            subject_id: updated.id,
            role: Role::Admin.as_str(),
            details: serde_json::json!({
                "before": { "name": before.name, "active": before.active },
                "after": { "name": updated.name, "active": updated.active },
            }),
        },
    )
    .await?;
    txn.commit().await?;
    state.accounts.forget_all();
    Ok(HttpResponse::Ok()
        .insert_header(("ETag", etag(updated.version)))
        .json(TenantView::from(updated)))
}
