//! The directory's admin API: tenants, units, users and service accounts, role grants, and
//! the audit log. Admins of the root tenant manage every tenant; an admin of another tenant
//! manages only their own. Every change is audited and published as an event.

pub mod audit_log;
pub mod tenants;
pub mod units;
pub mod users;

use actix_web::web;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, SqlErr};
use uuid::Uuid;

use sangkien_kit::{ApiError, auth::Caller, error::Issues};
use sangkien_proto::{ErrorCode, Role};

use crate::{state::GatewayState, store::entities::tenant};

/// Registers the routes under `/api/v1/directory`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    tenants::configure(cfg);
    units::configure(cfg);
    users::configure(cfg);
    audit_log::configure(cfg);
}

/// Fails unless the caller is an admin of `tenant` or of the root tenant.
pub fn require_admin_of(
    state: &GatewayState,
    caller: &Caller,
    tenant: Uuid,
) -> Result<(), ApiError> {
    caller.require_any(&[Role::Admin])?;
    if caller.tenant == tenant || caller.tenant == state.root_tenant {
        Ok(())
    } else {
        Err(ApiError::new(ErrorCode::Forbidden).with_detail(
            "Chỉ quản trị của cơ quan này mới được thao tác",
            "Only an admin of this tenant may do this",
        ))
    }
}

/// Fails unless the caller is an admin of `tenant` or of the root tenant, answering an admin
/// of another tenant with `not_found`: the answer to an id that does not exist, so a foreign
/// tenant's ids (users, units, tenants) reveal nothing about what exists. A caller who is no
/// admin at all still gets 403.
pub fn require_admin_or_hidden(
    state: &GatewayState,
    caller: &Caller,
    tenant: Uuid,
    not_found: ErrorCode,
) -> Result<(), ApiError> {
    caller.require_any(&[Role::Admin])?;
    require_admin_of(state, caller, tenant).map_err(|_| ApiError::new(not_found))
}

/// The tenant a request is about: the one named, else the caller's; it must exist and the
/// caller must administer it (`tenant_not_found` for both, see [`require_admin_or_hidden`]).
pub async fn admin_tenant<C: ConnectionTrait>(
    db: &C,
    state: &GatewayState,
    caller: &Caller,
    named: Option<Uuid>,
) -> Result<tenant::Model, ApiError> {
    let id = named.unwrap_or(caller.tenant);
    require_admin_or_hidden(state, caller, id, ErrorCode::TenantNotFound)?;
    tenant::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::TenantNotFound))
}

/// Maps a unique-index violation to `taken`, other errors to internal.
pub fn unique_or(err: DbErr, taken: impl FnOnce(&str) -> ApiError) -> ApiError {
    match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(msg)) => taken(&msg),
        _ => ApiError::internal(err),
    }
}

/// Checks a tenant or unit code; returns it lowercase.
pub fn checked_code(issues: &mut Issues, field: &str, code: &str) -> String {
    let code = code.trim().to_lowercase();
    if !crate::domain::names::is_valid_code(&code) {
        issues.push(
            field,
            "invalid",
            "Mã gồm 2–64 ký tự a-z, 0-9, '-', '_', '.'",
            "The code has 2–64 characters of a-z, 0-9, '-', '_', '.'",
        );
    }
    code
}

/// Checks a sign-in name or client id; returns it lowercase.
pub fn checked_login(issues: &mut Issues, field: &str, login: &str) -> String {
    let login = login.trim().to_lowercase();
    if !crate::domain::names::is_valid_username(&login) {
        issues.push(
            field,
            "invalid",
            format!("{field} gồm 3–64 ký tự a-z, 0-9, '-', '_', '.'"),
            format!("{field} has 3–64 characters of a-z, 0-9, '-', '_', '.'"),
        );
    }
    login
}

/// Deserialises a field that may be absent (`None`), `null` (`Some(None)`) or a value.
pub fn nullable<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(d).map(Some)
}
