//! Organisational units: a tree under each tenant (offices, schools, communes, the council).

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use sangkien_kit::{
    ApiError,
    audit::{self, AuditEntry},
    auth::Caller,
    db::begin_write,
    error::Issues,
    events::Origin,
    http::paging::{PageQuery, etag, next_cursor, require_if_match},
    text::{fold, like},
};
use sangkien_proto::{ErrorCode, Role, events::UnitChanged};

use super::{
    admin_tenant, checked_code, nullable, require_admin_of, require_admin_or_hidden, unique_or,
};
use crate::{
    api::views::{UnitPage, UnitView},
    domain::{names::UnitKind, unit_tree::would_create_cycle},
    state::GatewayState,
    store::{
        entities::unit,
        writes::{self, UnitChanges},
    },
};

/// Registers the unit routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/units", web::get().to(list_units))
        .route("/units", web::post().to(create_unit))
        .route("/units/{id}", web::get().to(get_unit))
        .route("/units/{id}", web::patch().to(update_unit));
}

/// A new unit.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitCreate {
    /// The tenant; the caller's own when absent.
    pub tenant_id: Option<Uuid>,
    /// The parent unit, in the same tenant; a root of the tree when absent.
    pub parent_id: Option<Uuid>,
    /// Code unique in the tenant (`phong-gd`).
    pub code: String,
    /// Name (`Phòng Giáo dục và Đào tạo`).
    pub name: String,
    /// The unit's kind (a cooperative is `enterprise`).
    #[schema(value_type = UnitKind)]
    pub kind: String,
}

/// Changes to a unit; absent fields stay as they are, `parent_id: null` makes it a root.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitUpdate {
    /// New parent (`null` for none).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub parent_id: Option<Option<Uuid>>,
    /// New name.
    pub name: Option<String>,
    /// New kind.
    #[schema(value_type = Option<UnitKind>)]
    pub kind: Option<String>,
    /// False to deactivate.
    pub active: Option<bool>,
}

/// Filters of the unit list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitFilter {
    /// The tenant; the caller's own when absent.
    pub tenant_id: Option<Uuid>,
    /// Only the children of this unit.
    pub parent_id: Option<Uuid>,
    /// Only this kind.
    pub kind: Option<String>,
}

fn kind_issue(issues: &mut Issues, kind: &str) {
    if UnitKind::parse(kind).is_none() {
        let allowed = UnitKind::ALL
            .iter()
            .map(|k| k.code())
            .collect::<Vec<_>>()
            .join(", ");
        issues.push(
            "kind",
            "invalid",
            format!("Loại đơn vị phải là một trong: {allowed}"),
            format!("kind must be one of: {allowed}"),
        );
    }
}

/// The unit `id` of `tenant`, or `unit_not_found`.
pub async fn unit_of_tenant<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    id: Uuid,
) -> Result<unit::Model, ApiError> {
    unit::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|u| u.tenant_id == tenant)
        .ok_or_else(|| ApiError::new(ErrorCode::UnitNotFound))
}

fn changed(u: &unit::Model) -> UnitChanged {
    UnitChanged {
        unit_id: u.id,
        parent_id: u.parent_id,
        code: u.code.clone(),
        name: u.name.clone(),
        kind: u.kind.clone(),
        active: u.active,
    }
}

/// Lists the units of a tenant, searchable by code and name (with or without marks).
#[utoipa::path(
    get,
    path = "/api/v1/directory/units",
    tag = "directory",
    params(PageQuery, UnitFilter),
    responses((status = 200, description = "A page of units", body = UnitPage)),
    security(("bearer" = []))
)]
pub async fn list_units(
    caller: Caller,
    state: web::Data<GatewayState>,
    page: web::Query<PageQuery>,
    filter: web::Query<UnitFilter>,
) -> Result<HttpResponse, ApiError> {
    let tenant = filter.tenant_id.unwrap_or(caller.tenant);
    require_admin_of(&state, &caller, tenant)?;
    let limit = page.limit()?;
    let mut query = unit::Entity::find()
        .filter(unit::Column::TenantId.eq(tenant))
        .order_by_asc(unit::Column::Id);
    if let Some(p) = filter.parent_id {
        query = query.filter(unit::Column::ParentId.eq(p));
    }
    if let Some(k) = &filter.kind {
        query = query.filter(unit::Column::Kind.eq(k.clone()));
    }
    if let Some(c) = page.cursor()? {
        query = query.filter(unit::Column::Id.gt(c));
    }
    if let Some(q) = page.search() {
        query = query.filter(unit::Column::Search.like(like(&q)));
    }
    let rows = query.limit(limit).all(&state.db).await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    Ok(HttpResponse::Ok().json(UnitPage {
        next_cursor: next_cursor(&ids, limit),
        items: rows.into_iter().map(UnitView::from).collect(),
    }))
}

/// Creates a unit.
#[utoipa::path(
    post,
    path = "/api/v1/directory/units",
    tag = "directory",
    request_body = UnitCreate,
    responses(
        (status = 201, description = "Created", body = UnitView, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"), ("Location" = String, description = "The path of what was created (or of the list it joined): follow it to read it"))),
        (status = 404, description = "Tenant or parent not found", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Code taken in the tenant", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, all listed", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn create_unit(
    caller: Caller,
    state: web::Data<GatewayState>,
    body: web::Json<UnitCreate>,
) -> Result<HttpResponse, ApiError> {
    let (code, name, kind) = check_create(&body)?;
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let tenant = admin_tenant(&txn, &state, &caller, body.tenant_id).await?;
    if let Some(p) = body.parent_id {
        unit_of_tenant(&txn, tenant.id, p).await?;
    }
    let model = unit::Model {
        id: Uuid::now_v7(),
        tenant_id: tenant.id,
        parent_id: body.parent_id,
        search: fold(&format!("{code} {name}")),
        code: code.clone(),
        name,
        kind,
        active: true,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    writes::insert_unit(&txn, &model).await.map_err(|e| {
        unique_or(e, |_| {
            ApiError::new(ErrorCode::CodeTaken).with_detail(
                format!("Mã đơn vị «{code}» đã được dùng"),
                format!("The unit code «{code}» is taken"),
            )
        })
    })?;
    audit_created(&txn, &caller, &model, now).await?;
    publish_changed(&txn, &state, &caller, &model).await?;
    state.outbox.commit(txn).await?;
    Ok(HttpResponse::Created()
        .insert_header(("ETag", etag(model.version)))
        .insert_header(("Location", format!("/api/v1/directory/units/{}", model.id)))
        .json(UnitView::from(model)))
}

/// Checks a new unit's code, name and kind, every problem at once; returns them cleaned.
fn check_create(body: &UnitCreate) -> Result<(String, String, String), ApiError> {
    let mut issues = Issues::new();
    let code = checked_code(&mut issues, "code", &body.code);
    let name = issues.text("name", &body.name, 300);
    let kind = body.kind.trim().to_owned();
    kind_issue(&mut issues, &kind);
    issues.finish()?;
    Ok((code, name, kind))
}

/// Audits the creation of unit `model`, in its tenant's log, so the handler names the step.
async fn audit_created<C: ConnectionTrait>(
    txn: &C,
    caller: &Caller,
    model: &unit::Model,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    audit::record_in(
        txn,
        caller,
        model.tenant_id,
        now,
        AuditEntry {
            action: "directory.unit_created",
            subject_type: "unit",
            subject_id: model.id,
            role: Role::Admin.as_str(),
            details: serde_json::json!({
                "code": model.code, "name": model.name, "kind": model.kind, "parent_id": model.parent_id,
            }),
        },
    )
    .await?;
    Ok(())
}

/// Publishes `unit.changed` for `u` in its tenant, so the services' directory copies follow.
async fn publish_changed<C: ConnectionTrait>(
    txn: &C,
    state: &GatewayState,
    caller: &Caller,
    u: &unit::Model,
) -> Result<(), ApiError> {
    let origin = Origin::from(caller).in_tenant(u.tenant_id);
    state
        .outbox
        .publish(txn, state.clock.now(), origin, &changed(u))
        .await?;
    Ok(())
}

/// Reads a unit.
#[utoipa::path(
    get,
    path = "/api/v1/directory/units/{id}",
    tag = "directory",
    params(("id" = Uuid, Path, description = "Unit id")),
    responses(
        (status = 200, description = "The unit; ETag is its version", body = UnitView, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"))),
        (status = 404, description = "No such unit", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn get_unit(
    caller: Caller,
    state: web::Data<GatewayState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let u = unit::Entity::find_by_id(id.into_inner())
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::UnitNotFound))?;
    require_admin_or_hidden(&state, &caller, u.tenant_id, ErrorCode::UnitNotFound)?;
    Ok(HttpResponse::Ok()
        .insert_header(("ETag", etag(u.version)))
        .json(UnitView::from(u)))
}

/// Moves, renames, re-kinds or deactivates a unit (`If-Match` required).
#[utoipa::path(
    patch,
    path = "/api/v1/directory/units/{id}",
    tag = "directory",
    params(sangkien_kit::http::contract::IfMatch, ("id" = Uuid, Path, description = "Unit id")),
    request_body = UnitUpdate,
    responses(
        (status = 200, description = "Updated", body = UnitView, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"))),
        (status = 409, description = "The new parent is below the unit", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since read", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn update_unit(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<GatewayState>,
    id: web::Path<Uuid>,
    body: web::Json<UnitUpdate>,
) -> Result<HttpResponse, ApiError> {
    let name = check_update(&body)?;
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let u = writes::unit_by_id(&txn, id.into_inner())
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::UnitNotFound))?;
    require_admin_or_hidden(&state, &caller, u.tenant_id, ErrorCode::UnitNotFound)?;
    require_if_match(&req, u.version)?;
    if let Some(Some(parent)) = body.parent_id {
        check_new_parent(&txn, &u, parent).await?;
    }
    let before = UnitView::from(u.clone());
    let changes = UnitChanges {
        parent_id: body.parent_id,
        name,
        kind: body.kind.as_ref().map(|k| k.trim().to_owned()),
        active: body.active,
    };
    let updated = writes::update_unit(&txn, &u, changes, now).await?;
    audit_updated(&txn, &caller, &before, &updated, now).await?;
    publish_changed(&txn, &state, &caller, &updated).await?;
    state.outbox.commit(txn).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("ETag", etag(updated.version)))
        .json(UnitView::from(updated)))
}

/// Checks a unit's changes, every problem at once; returns the new name, if any, cleaned.
fn check_update(body: &UnitUpdate) -> Result<Option<String>, ApiError> {
    let mut issues = Issues::new();
    let name = body.name.as_deref().map(|n| issues.text("name", n, 300));
    if let Some(k) = &body.kind {
        kind_issue(&mut issues, k.trim());
    }
    issues.finish()?;
    Ok(name)
}

/// Refuses a new parent of `u` outside its tenant or below it: the tree must stay a tree.
async fn check_new_parent<C: ConnectionTrait>(
    txn: &C,
    u: &unit::Model,
    parent: Uuid,
) -> Result<(), ApiError> {
    unit_of_tenant(txn, u.tenant_id, parent).await?;
    let parents = writes::parents_in_tenant(txn, u.tenant_id).await?;
    if would_create_cycle(u.id, parent, &parents) {
        return Err(ApiError::new(ErrorCode::Conflict).with_detail(
            "Đơn vị cha mới nằm dưới chính đơn vị này",
            "The new parent lies below this unit",
        ));
    }
    Ok(())
}

/// Audits a unit's change from `before` to `updated`, so the handler names the step.
async fn audit_updated<C: ConnectionTrait>(
    txn: &C,
    caller: &Caller,
    before: &UnitView,
    updated: &unit::Model,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    audit::record_in(
        txn,
        caller,
        updated.tenant_id,
        now,
        AuditEntry {
            action: "directory.unit_updated",
            subject_type: "unit",
            subject_id: updated.id,
            role: Role::Admin.as_str(),
            details: serde_json::json!({
                "before": { "name": before.name, "kind": before.kind, "parent_id": before.parent_id, "active": before.active },
                "after": { "name": updated.name, "kind": updated.kind, "parent_id": updated.parent_id, "active": updated.active },
            }),
        },
    )
    .await?;
    Ok(())
}
