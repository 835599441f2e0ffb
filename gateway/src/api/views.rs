//! What the gateway's API answers with.

use crate::domain::names::UnitKind;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use sangkien_proto::Role;

use crate::store::entities::{grant, tenant, unit, user};

/// Tokens after sign-in or refresh.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenPair {
    /// The access token (JWT, EdDSA), sent as `Authorization: Bearer …`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// The refresh token; exchange it once at `/api/v1/auth/refresh`. Absent for service
    /// accounts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// Seconds until the refresh token expires.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_expires_in: Option<u64>,
}

/// A tenant.
#[derive(Debug, Serialize, ToSchema)]
pub struct TenantView {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub is_root: bool,
    pub active: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<tenant::Model> for TenantView {
    fn from(m: tenant::Model) -> Self {
        Self {
            id: m.id,
            code: m.code,
            name: m.name,
            is_root: m.is_root,
            active: m.active,
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// A unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitView {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub code: String,
    pub name: String,
    #[schema(value_type = UnitKind)]
    pub kind: String,
    pub active: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<unit::Model> for UnitView {
    fn from(m: unit::Model) -> Self {
        Self {
            id: m.id,
            tenant_id: m.tenant_id,
            parent_id: m.parent_id,
            code: m.code,
            name: m.name,
            kind: m.kind,
            active: m.active,
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// A role held on a unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct GrantView {
    pub id: Uuid,
    pub role: Role,
    pub unit_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub created_by: Uuid,
}

impl GrantView {
    /// The view of a stored grant (a role name the code no longer knows is skipped).
    pub fn from_model(m: grant::Model) -> Option<Self> {
        Some(Self {
            id: m.id,
            role: m.role.parse().ok()?,
            unit_id: m.unit_id,
            created_at: m.created_at,
            created_by: m.created_by,
        })
    }
}

/// A user or service account, never with its password hash.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: Uuid,
    pub tenant_id: Uuid,
    /// `person` or `service`.
    pub kind: String,
    pub username: String,
    pub email: Option<String>,
    pub full_name: String,
    pub active: bool,
    pub version: i32,
    pub grants: Vec<GrantView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub password_changed_at: DateTime<Utc>,
}

impl UserView {
    /// The view of `m` with its grants.
    pub fn new(m: user::Model, grants: Vec<grant::Model>) -> Self {
        Self {
            id: m.id,
            tenant_id: m.tenant_id,
            kind: m.kind,
            username: m.username,
            email: m.email,
            full_name: m.full_name,
            active: m.active,
            version: m.version,
            grants: grants
                .into_iter()
                .filter_map(GrantView::from_model)
                .collect(),
            created_at: m.created_at,
            updated_at: m.updated_at,
            password_changed_at: m.password_changed_at,
        }
    }
}

/// A user just created, or whose secret was just set, with the generated secret shown once.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedUser {
    /// The user.
    #[serde(flatten)]
    pub user: UserView,
    /// The generated password or client secret; shown only in this answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generated_secret: Option<String>,
}

/// A page of tenants.
#[derive(Debug, Serialize, ToSchema)]
pub struct TenantPage {
    pub items: Vec<TenantView>,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<String>,
}

/// A page of units.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitPage {
    pub items: Vec<UnitView>,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<String>,
}

/// A page of users.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserPage {
    pub items: Vec<UserView>,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<String>,
}
