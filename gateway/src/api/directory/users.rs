//! Users and service accounts, their role grants, password resets and client secrets.
//!
//! Deactivating an account, resetting its password or rotating its secret revokes its
//! refresh tokens in the same transaction; its access token lapses within its short life.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect, sea_query::Query,
};
use serde::Deserialize;
use std::collections::HashMap;
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
use sangkien_proto::{
    ErrorCode, Role,
    events::{GrantInfo, UserChanged},
};

use super::{
    admin_tenant, checked_login, nullable, require_admin_of, require_admin_or_hidden, unique_or,
    units::unit_of_tenant,
};
use crate::{
    api::{
        auth::{password_issues, set_password},
        views::{CreatedUser, GrantView, UserPage, UserView},
    },
    domain::{names::is_valid_email, password_policy::generate_password},
    passwords::hash_password,
    sessions,
    state::GatewayState,
    store::{
        entities::{grant, user},
        writes::{self, UserChanges},
    },
};

/// Registers the user, grant and service-account routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/users", web::get().to(list_users))
        .route("/users", web::post().to(create_user))
        .route("/users/{id}", web::get().to(get_user))
        .route("/users/{id}", web::patch().to(update_user))
        .route("/users/{id}/password", web::post().to(reset_password))
        .route("/users/{id}/grants", web::post().to(add_grant))
        .route(
            "/users/{id}/grants/{grant_id}",
            web::delete().to(remove_grant),
        )
        .route("/service-accounts", web::post().to(create_service_account))
        .route(
            "/service-accounts/{id}/secret",
            web::post().to(rotate_secret),
        );
}

/// A role to grant on a unit.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantCreate {
    /// The role.
    pub role: Role,
    /// The unit, in the user's tenant.
    pub unit_id: Uuid,
}

/// A new user.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserCreate {
    /// The tenant; the caller's own when absent.
    pub tenant_id: Option<Uuid>,
    /// Sign-in name, 3–64 of `a-z 0-9 - _ .` (stored lowercase).
    pub username: String,
    /// E-mail, also usable to sign in.
    pub email: Option<String>,
    /// Full name as it appears on documents.
    pub full_name: String,
    /// Initial password; a random one is generated and shown once when absent.
    pub password: Option<String>,
    /// Roles to grant at once.
    #[serde(default)]
    pub grants: Vec<GrantCreate>,
}

/// A new service account (a machine client such as the provincial system).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceAccountCreate {
    /// The tenant; the caller's own when absent.
    pub tenant_id: Option<Uuid>,
    /// Client id, 3–64 of `a-z 0-9 - _ .`.
    pub client_id: String,
    /// What the client is (`Hệ thống sáng kiến tỉnh Vĩnh Phúc`).
    pub name: String,
    /// Roles (`province` on the body's unit, typically).
    #[serde(default)]
    pub grants: Vec<GrantCreate>,
}

/// Changes to a user; absent fields stay, `email: null` removes the address.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserUpdate {
    /// New full name.
    pub full_name: Option<String>,
    /// New e-mail (`null` for none).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    /// False to deactivate (ends every session at once).
    pub active: Option<bool>,
}

/// A password set by an admin.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordReset {
    /// The new password; a random one is generated and shown once when absent.
    pub password: Option<String>,
}

/// Filters of the user list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserFilter {
    /// The tenant; the caller's own when absent.
    pub tenant_id: Option<Uuid>,
    /// `person` or `service`.
    pub kind: Option<String>,
    /// Only holders of a role on this unit.
    pub unit_id: Option<Uuid>,
    /// Only holders of this role.
    pub role: Option<Role>,
    /// Only active (`true`) or inactive (`false`) accounts.
    pub active: Option<bool>,
}

fn user_changed(u: &user::Model, grants: &[grant::Model]) -> UserChanged {
    UserChanged {
        user_id: u.id,
        kind: u.kind.clone(),
        username: u.username.clone(),
        full_name: u.full_name.clone(),
        active: u.active,
        grants: grants
            .iter()
            .filter_map(|g| {
                Some(GrantInfo {
                    role: g.role.parse().ok()?,
                    unit_id: g.unit_id,
                })
            })
            .collect(),
    }
}

fn taken(msg: &str, username: &str) -> ApiError {
    if msg.contains("email") {
        ApiError::new(ErrorCode::EmailTaken)
    } else {
        ApiError::new(ErrorCode::UsernameTaken).with_detail(
            format!("Tên đăng nhập «{username}» đã được dùng"),
            format!("The sign-in name «{username}» is taken"),
        )
    }
}

fn check_grants(issues: &mut Issues, grants: &[GrantCreate]) {
    let mut seen = std::collections::HashSet::new();
    for (i, g) in grants.iter().enumerate() {
        if !seen.insert((g.role, g.unit_id)) {
            issues.push(
                format!("grants[{i}]"),
                "duplicate",
                "Vai trò này đã có trong danh sách",
                "This grant is listed twice",
            );
        }
    }
}

/// Inserts `grants` for `user_id`, checking each unit belongs to `tenant`.
async fn insert_grants<C: ConnectionTrait>(
    db: &C,
    tenant: Uuid,
    user_id: Uuid,
    grants: &[GrantCreate],
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<grant::Model>, ApiError> {
    let mut out = Vec::new();
    for g in grants {
        unit_of_tenant(db, tenant, g.unit_id).await?;
        let m = grant::Model {
            id: Uuid::now_v7(),
            user_id,
            role: g.role.as_str().to_owned(),
            unit_id: g.unit_id,
            created_at: now,
            created_by: by,
        };
        grant::Entity::insert(m.clone().into_active_model())
            .exec_without_returning(db)
            .await
            .map_err(|e| unique_or(e, |_| ApiError::new(ErrorCode::GrantExists)))?;
        out.push(m);
    }
    Ok(out)
}

/// The account `id`, which the caller must administer.
async fn account<C: ConnectionTrait>(
    db: &C,
    state: &GatewayState,
    caller: &Caller,
    id: Uuid,
) -> Result<user::Model, ApiError> {
    let u = user::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::UserNotFound))?;
    require_admin_or_hidden(state, caller, u.tenant_id, ErrorCode::UserNotFound)?;
    Ok(u)
}

fn search_text(username: &str, email: Option<&str>, full_name: &str) -> String {
    fold(&format!(
        "{username} {} {full_name}",
        email.unwrap_or_default()
    ))
}

async fn hashed(secret: String) -> Result<String, ApiError> {
    crate::passwords::hashing(move || hash_password(&secret))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)
}

/// What creating a person or a service account needs once validated.
struct NewAccount {
    tenant_id: Option<Uuid>,
    kind: &'static str,
    username: String,
    email: Option<String>,
    full_name: String,
    secret: String,
    generated: bool,
    grants: Vec<GrantCreate>,
}

async fn create_account(
    state: &GatewayState,
    caller: &Caller,
    new: NewAccount,
) -> Result<HttpResponse, ApiError> {
    let hash = hashed(new.secret.clone()).await?;
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let tenant = admin_tenant(&txn, state, caller, new.tenant_id).await?;
    let model = user::Model {
        id: Uuid::now_v7(),
        tenant_id: tenant.id,
        kind: new.kind.to_owned(),
        search: search_text(&new.username, new.email.as_deref(), &new.full_name),
        username: new.username.clone(),
        email: new.email,
        full_name: new.full_name,
        password_hash: hash,
        active: true,
        version: 1,
        created_at: now,
        updated_at: now,
        password_changed_at: now,
    };
    user::Entity::insert(model.clone().into_active_model())
        .exec_without_returning(&txn)
        .await
        .map_err(|e| unique_or(e, |msg| taken(msg, &new.username)))?;
    let grants = insert_grants(&txn, tenant.id, model.id, &new.grants, caller.user, now).await?;
    audit::record_in(
        &txn,
        caller,
        tenant.id,
        now,
        AuditEntry {
            action: if new.kind == "service" {
                "directory.service_account_created"
            } else {
                "directory.user_created"
            },
            subject_type: "user",
            subject_id: model.id,
            role: Role::Admin.as_str(),
            details: serde_json::json!({
                "username": model.username,
                "full_name": model.full_name,
                "grants": new.grants.iter().map(|g| serde_json::json!({"role": g.role, "unit_id": g.unit_id})).collect::<Vec<_>>(),
                "secret_generated": new.generated,
            }),
        },
    )
    .await?;
    let origin = Origin::from(caller).in_tenant(tenant.id);
    state
        .outbox
        .publish(
            &txn,
            state.clock.now(),
            origin,
            &user_changed(&model, &grants),
        )
        .await?;
    state.outbox.commit(txn).await?;
    Ok(HttpResponse::Created()
        .insert_header(("ETag", etag(model.version)))
        .insert_header(("Location", format!("/api/v1/directory/users/{}", model.id)))
        .insert_header(("Cache-Control", "no-store"))
        .json(CreatedUser {
            user: UserView::new(model, grants),
            generated_secret: new.generated.then_some(new.secret),
        }))
}

/// Creates a user, with a generated password shown once unless one is given.
#[utoipa::path(
    post,
    path = "/api/v1/directory/users",
    tag = "directory",
    request_body = UserCreate,
    responses(
        (status = 201, description = "Created", body = CreatedUser, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"), ("Location" = String, description = "The path of what was created (or of the list it joined): follow it to read it"))),
        (status = 404, description = "Tenant or a grant's unit not found", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Sign-in name or e-mail taken", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, all listed", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn create_user(
    caller: Caller,
    state: web::Data<GatewayState>,
    body: web::Json<UserCreate>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let mut issues = Issues::new();
    let username = checked_login(&mut issues, "username", &body.username);
    let email = body
        .email
        .as_deref()
        .map(|e| e.trim().to_lowercase())
        .filter(|e| !e.is_empty());
    if let Some(e) = &email
        && !is_valid_email(e)
    {
        issues.push(
            "email",
            "invalid",
            "Địa chỉ e-mail không hợp lệ",
            "The e-mail address is not valid",
        );
    }
    let full_name = issues.text("full_name", &body.full_name, 200);
    if let Some(p) = &body.password {
        password_issues(&mut issues, "password", p, &username);
    }
    check_grants(&mut issues, &body.grants);
    issues.finish()?;
    let generated = body.password.is_none();
    create_account(
        &state,
        &caller,
        NewAccount {
            tenant_id: body.tenant_id,
            kind: "person",
            username,
            email,
            full_name,
            secret: body.password.unwrap_or_else(generate_password),
            generated,
            grants: body.grants,
        },
    )
    .await
}

/// Creates a service account; its client secret is generated and shown once.
#[utoipa::path(
    post,
    path = "/api/v1/directory/service-accounts",
    tag = "directory",
    request_body = ServiceAccountCreate,
    responses(
        (status = 201, description = "Created, with the client secret", body = CreatedUser, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"), ("Location" = String, description = "The path of what was created (or of the list it joined): follow it to read it"))),
        (status = 409, description = "Client id taken", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, all listed", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn create_service_account(
    caller: Caller,
    state: web::Data<GatewayState>,
    body: web::Json<ServiceAccountCreate>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let mut issues = Issues::new();
    let client_id = checked_login(&mut issues, "client_id", &body.client_id);
    let name = issues.text("name", &body.name, 200);
    check_grants(&mut issues, &body.grants);
    issues.finish()?;
    create_account(
        &state,
        &caller,
        NewAccount {
            tenant_id: body.tenant_id,
            kind: "service",
            username: client_id,
            email: None,
            full_name: name,
            secret: format!("{}{}", generate_password(), generate_password()),
            generated: true,
            grants: body.grants,
        },
    )
    .await
}

/// Lists users and service accounts, searchable by sign-in name, e-mail and full name (with
/// or without Vietnamese marks).
#[utoipa::path(
    get,
    path = "/api/v1/directory/users",
    tag = "directory",
    params(PageQuery, UserFilter),
    responses((status = 200, description = "A page of users", body = UserPage)),
    security(("bearer" = []))
)]
pub async fn list_users(
    caller: Caller,
    state: web::Data<GatewayState>,
    page: web::Query<PageQuery>,
    filter: web::Query<UserFilter>,
) -> Result<HttpResponse, ApiError> {
    let tenant = filter.tenant_id.unwrap_or(caller.tenant);
    require_admin_of(&state, &caller, tenant)?;
    let limit = page.limit()?;
    let mut query = user::Entity::find()
        .filter(user::Column::TenantId.eq(tenant))
        .order_by_asc(user::Column::Id);
    if let Some(k) = &filter.kind {
        query = query.filter(user::Column::Kind.eq(k.clone()));
    }
    if let Some(a) = filter.active {
        query = query.filter(user::Column::Active.eq(a));
    }
    if filter.unit_id.is_some() || filter.role.is_some() {
        let mut holders = Query::select();
        holders.column(grant::Column::UserId).from(grant::Entity);
        if let Some(u) = filter.unit_id {
            holders.and_where(grant::Column::UnitId.eq(u));
        }
        if let Some(r) = filter.role {
            holders.and_where(grant::Column::Role.eq(r.as_str()));
        }
        query = query.filter(user::Column::Id.in_subquery(holders.to_owned()));
    }
    if let Some(c) = page.cursor()? {
        query = query.filter(user::Column::Id.gt(c));
    }
    if let Some(q) = page.search() {
        query = query.filter(user::Column::Search.like(like(&q)));
    }
    let rows = query.limit(limit).all(&state.db).await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut grants: HashMap<Uuid, Vec<grant::Model>> = HashMap::new();
    for g in grant::Entity::find()
        .filter(grant::Column::UserId.is_in(ids.clone()))
        .order_by_asc(grant::Column::Id)
        .all(&state.db)
        .await?
    {
        grants.entry(g.user_id).or_default().push(g);
    }
    Ok(HttpResponse::Ok().json(UserPage {
        next_cursor: next_cursor(&ids, limit),
        items: rows
            .into_iter()
            .map(|u| {
                let g = grants.remove(&u.id).unwrap_or_default();
                UserView::new(u, g)
            })
            .collect(),
    }))
}

/// Reads a user with their grants.
#[utoipa::path(
    get,
    path = "/api/v1/directory/users/{id}",
    tag = "directory",
    params(("id" = Uuid, Path, description = "User id")),
    responses(
        (status = 200, description = "The user; ETag is its version", body = UserView, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"))),
        (status = 404, description = "No such user", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn get_user(
    caller: Caller,
    state: web::Data<GatewayState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let u = account(&state.db, &state, &caller, id.into_inner()).await?;
    let grants = crate::store::queries::grants_of(&state.db, u.id).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("ETag", etag(u.version)))
        .json(UserView::new(u, grants)))
}

/// Renames, changes the e-mail of, or (de)activates a user (`If-Match` required).
/// Deactivation revokes every refresh token at once.
#[utoipa::path(
    patch,
    path = "/api/v1/directory/users/{id}",
    tag = "directory",
    params(sangkien_kit::http::contract::IfMatch, ("id" = Uuid, Path, description = "User id")),
    request_body = UserUpdate,
    responses(
        (status = 200, description = "Updated", body = UserView, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"))),
        (status = 409, description = "E-mail taken, or one's own deactivation", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since read", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn update_user(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<GatewayState>,
    id: web::Path<Uuid>,
    body: web::Json<UserUpdate>,
) -> Result<HttpResponse, ApiError> {
    let (full_name, email) = check_update(&body)?;
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let u = account(&txn, &state, &caller, id.into_inner()).await?;
    require_if_match(&req, u.version)?;
    if u.id == caller.user && body.active == Some(false) {
        return Err(ApiError::new(ErrorCode::Conflict).with_detail(
            "Không thể tự ngừng hoạt động tài khoản của mình",
            "You cannot deactivate your own account",
        ));
    }
    let new_name = full_name.clone().unwrap_or_else(|| u.full_name.clone());
    let new_email = email.clone().unwrap_or_else(|| u.email.clone());
    let changes = UserChanges {
        search: search_text(&u.username, new_email.as_deref(), &new_name),
        full_name,
        email,
        active: body.active,
    };
    let updated = writes::update_user(&txn, &u, changes, now)
        .await
        .map_err(|e| unique_or(e, |msg| taken(msg, &u.username)))?;
    let revoked = if !updated.active {
        sessions::revoke_user(&txn, updated.id, now).await?
    } else {
        0
    };
    audit_updated(&txn, &caller, &u, &updated, revoked, now).await?;
    let grants = publish_changed(&txn, &state, &caller, &updated).await?;
    state.outbox.commit(txn).await?;
    state.accounts.forget(updated.id);
    Ok(HttpResponse::Ok()
        .insert_header(("ETag", etag(updated.version)))
        .json(UserView::new(updated, grants)))
}

/// The full name and e-mail of a user's changes, checked and cleaned, every problem at once.
fn check_update(body: &UserUpdate) -> Result<(Option<String>, Option<Option<String>>), ApiError> {
    let mut issues = Issues::new();
    let full_name = body
        .full_name
        .as_deref()
        .map(|n| issues.text("full_name", n, 200));
    let email = body
        .email
        .clone()
        .map(|e| e.map(|e| e.trim().to_lowercase()).filter(|e| !e.is_empty()));
    if let Some(Some(e)) = &email
        && !is_valid_email(e)
    {
        issues.push(
            "email",
            "invalid",
            "Địa chỉ e-mail không hợp lệ",
            "The e-mail address is not valid",
        );
    }
    issues.finish()?;
    Ok((full_name, email))
}

/// Audits a user's change from `before` to `updated`, so the handler names the step.
async fn audit_updated<C: ConnectionTrait>(
    txn: &C,
    caller: &Caller,
    before: &user::Model,
    updated: &user::Model,
    revoked: u64,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    audit::record_in(
        txn,
        caller,
        updated.tenant_id,
        now,
        AuditEntry {
            action: "directory.user_updated",
            subject_type: "user",
            subject_id: updated.id,
            role: Role::Admin.as_str(),
            details: serde_json::json!({
                "before": { "full_name": before.full_name, "email": before.email, "active": before.active },
                "after": { "full_name": updated.full_name, "email": updated.email, "active": updated.active },
                "refresh_tokens_revoked": revoked,
            }),
        },
    )
    .await?;
    Ok(())
}

/// Publishes `user.changed` for `u` (copies follow) and returns its grants for the answer.
async fn publish_changed<C: ConnectionTrait>(
    txn: &C,
    state: &GatewayState,
    caller: &Caller,
    u: &user::Model,
) -> Result<Vec<grant::Model>, ApiError> {
    let grants = crate::store::queries::grants_of(txn, u.id).await?;
    let origin = Origin::from(caller).in_tenant(u.tenant_id);
    state
        .outbox
        .publish(txn, state.clock.now(), origin, &user_changed(u, &grants))
        .await?;
    Ok(grants)
}

/// Sets a person's password (given, or generated and shown once); ends their sessions.
#[utoipa::path(
    post,
    path = "/api/v1/directory/users/{id}/password",
    tag = "directory",
    params(("id" = Uuid, Path, description = "User id")),
    request_body = PasswordReset,
    responses(
        (status = 200, description = "Set; sessions ended", body = CreatedUser, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change"))),
        (status = 409, description = "One's own account (change it with the current password), or a service account", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 422, description = "The password breaks the policy", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn reset_password(
    caller: Caller,
    state: web::Data<GatewayState>,
    id: web::Path<Uuid>,
    body: web::Json<PasswordReset>,
) -> Result<HttpResponse, ApiError> {
    let u = account(&state.db, &state, &caller, id.into_inner()).await?;
    if u.id == caller.user {
        // A stolen access token must not become a permanent takeover: one's own password
        // changes only with the current one.
        return Err(ApiError::new(ErrorCode::Conflict).with_detail(
            "Không thể tự đặt lại mật khẩu của mình; hãy đổi mật khẩu tại /api/v1/auth/password với mật khẩu hiện tại",
            "You cannot reset your own password; change it at /api/v1/auth/password with the current one",
        ));
    }
    if u.kind != "person" {
        return Err(ApiError::new(ErrorCode::Conflict).with_detail(
            "Tài khoản dịch vụ dùng khóa bí mật, không dùng mật khẩu",
            "Service accounts have a client secret, not a password",
        ));
    }
    let mut issues = Issues::new();
    if let Some(p) = &body.password {
        password_issues(&mut issues, "password", p, &u.username);
    }
    issues.finish()?;
    let generated = body.password.is_none();
    let secret = body.password.clone().unwrap_or_else(generate_password);
    secret_changed(
        &state,
        &caller,
        u,
        secret,
        generated,
        "directory.password_reset",
    )
    .await
}

/// Replaces a service account's client secret (shown once); the old one stops working.
#[utoipa::path(
    post,
    path = "/api/v1/directory/service-accounts/{id}/secret",
    tag = "directory",
    params(("id" = Uuid, Path, description = "Service account id")),
    responses((status = 200, description = "The new secret", body = CreatedUser, headers(("ETag" = String, description = "The version just read or written (`W/\"<version>\"`): send it as `If-Match` with the next change")))),
    security(("bearer" = []))
)]
pub async fn rotate_secret(
    caller: Caller,
    state: web::Data<GatewayState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let u = account(&state.db, &state, &caller, id.into_inner()).await?;
    if u.kind != "service" {
        return Err(ApiError::new(ErrorCode::UserNotFound)
            .with_detail("Không có tài khoản dịch vụ này", "No such service account"));
    }
    let secret = format!("{}{}", generate_password(), generate_password());
    secret_changed(&state, &caller, u, secret, true, "directory.secret_rotated").await
}

async fn secret_changed(
    state: &GatewayState,
    caller: &Caller,
    u: user::Model,
    secret: String,
    generated: bool,
    action: &str,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    // Every refresh token ends here, and the access tokens issued before now stop standing
    // at the gateway (the password change time), so the person's sessions are over at once.
    let u = set_password(&txn, u, secret.clone(), now).await?;
    let grants = crate::store::queries::grants_of(&txn, u.id).await?;
    let of_admin = grants.iter().any(|g| g.role == Role::Admin.as_str());
    audit::record_in(
        &txn,
        caller,
        u.tenant_id,
        now,
        AuditEntry {
            action,
            subject_type: "user",
            subject_id: u.id,
            role: Role::Admin.as_str(),
            details: serde_json::json!({
                "generated": generated, "of_admin": of_admin, "sessions_ended": true,
            }),
        },
    )
    .await?;
    txn.commit().await?;
    state.accounts.forget(u.id);
    Ok(HttpResponse::Ok()
        .insert_header(("ETag", etag(u.version)))
        .insert_header(("Cache-Control", "no-store"))
        .json(CreatedUser {
            user: UserView::new(u, grants),
            generated_secret: generated.then_some(secret),
        }))
}

/// Bumps the user's version after a grant change and publishes the new grants.
async fn grants_changed<C: ConnectionTrait>(
    txn: &C,
    state: &GatewayState,
    caller: &Caller,
    u: user::Model,
    now: DateTime<Utc>,
) -> Result<UserView, ApiError> {
    let version = u.version + 1;
    let mut m = u.into_active_model();
    m.version = Set(version);
    m.updated_at = Set(now);
    let u = user::Entity::update(m).exec(txn).await?;
    let grants = crate::store::queries::grants_of(txn, u.id).await?;
    let origin = Origin::from(caller).in_tenant(u.tenant_id);
    state
        .outbox
        .publish(txn, state.clock.now(), origin, &user_changed(&u, &grants))
        .await?;
    Ok(UserView::new(u, grants))
}

/// Grants a role on a unit; it appears in the user's next access token.
#[utoipa::path(
    post,
    path = "/api/v1/directory/users/{id}/grants",
    tag = "directory",
    params(("id" = Uuid, Path, description = "User id")),
    request_body = GrantCreate,
    responses(
        (status = 201, description = "Granted", body = GrantView, headers(("Location" = String, description = "The path of what was created (or of the list it joined): follow it to read it"))),
        (status = 404, description = "User or unit not found", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already granted", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn add_grant(
    caller: Caller,
    state: web::Data<GatewayState>,
    id: web::Path<Uuid>,
    body: web::Json<GrantCreate>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let u = account(&txn, &state, &caller, id.into_inner()).await?;
    let inserted = insert_grants(
        &txn,
        u.tenant_id,
        u.id,
        std::slice::from_ref(&body),
        caller.user,
        now,
    )
    .await?;
    audit::record_in(
        &txn,
        &caller,
        u.tenant_id,
        now,
        AuditEntry {
            action: "directory.role_granted",
            subject_type: "user",
            subject_id: u.id,
            role: Role::Admin.as_str(),
            details: serde_json::json!({ "role": body.role, "unit_id": body.unit_id }),
        },
    )
    .await?;
    let user_id = u.id;
    let location = format!("/api/v1/directory/users/{user_id}");
    grants_changed(&txn, &state, &caller, u, now).await?;
    state.outbox.commit(txn).await?;
    // Tokens carrying a role no longer granted stop standing now, not at their expiry.
    state.accounts.forget(user_id);
    let view = inserted
        .into_iter()
        .next()
        .and_then(GrantView::from_model)
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("grant not stored")))?;
    Ok(sangkien_kit::http::with_location(
        HttpResponse::Created().json(view),
        &location,
    ))
}

/// Takes a role away; access tokens carrying it stop working at once (a refresh gives one
/// without it).
#[utoipa::path(
    delete,
    path = "/api/v1/directory/users/{id}/grants/{grant_id}",
    tag = "directory",
    params(
        ("id" = Uuid, Path, description = "User id"),
        ("grant_id" = Uuid, Path, description = "Grant id"),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "No such grant", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn remove_grant(
    caller: Caller,
    state: web::Data<GatewayState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (user_id, grant_id) = path.into_inner();
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let u = account(&txn, &state, &caller, user_id).await?;
    let g = grant::Entity::find_by_id(grant_id)
        .one(&txn)
        .await?
        .filter(|g| g.user_id == u.id)
        .ok_or_else(|| ApiError::new(ErrorCode::GrantNotFound))?;
    if u.id == caller.user && g.role == Role::Admin.as_str() {
        return Err(ApiError::new(ErrorCode::Conflict).with_detail(
            "Không thể tự bỏ quyền quản trị của mình",
            "You cannot remove your own admin role",
        ));
    }
    grant::Entity::delete_by_id(g.id).exec(&txn).await?;
    audit::record_in(
        &txn,
        &caller,
        u.tenant_id,
        now,
        AuditEntry {
            action: "directory.role_revoked",
            subject_type: "user",
            subject_id: u.id,
            role: Role::Admin.as_str(),
            details: serde_json::json!({ "role": g.role, "unit_id": g.unit_id, "grant_id": g.id }),
        },
    )
    .await?;
    let user_id = u.id;
    grants_changed(&txn, &state, &caller, u, now).await?;
    state.outbox.commit(txn).await?;
    // Tokens carrying a role no longer granted stop standing now, not at their expiry.
    state.accounts.forget(user_id);
    Ok(HttpResponse::NoContent().finish())
}
