//! Sign-in, token refresh with reuse detection, sign-out, password change, client
//! credentials for machine clients, the caller's own profile, and the public keys.

use actix_web::{HttpMessage, HttpRequest, HttpResponse, http::header, web};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, EntityTrait, IntoActiveModel, QueryFilter,
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
    http::RequestId,
};
use sangkien_proto::ErrorCode;

use crate::{
    api::views::{TokenPair, UserView},
    domain::password_policy::check_password,
    keys::Jwks,
    limits::client_address,
    passwords::{dummy_hash, hash_password, verify_password},
    sessions::{self, Exchange},
    state::GatewayState,
    store::entities::{refresh_token, user},
};

/// Registers the routes under `/api/v1/auth`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/login", web::post().to(login))
        .route("/refresh", web::post().to(refresh))
        .route("/logout", web::post().to(logout))
        .route("/token", web::post().to(client_token))
        .route("/password", web::post().to(change_password))
        .route("/me", web::get().to(me));
}

/// Sign-in with a user name or e-mail and a password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// User name or e-mail address.
    pub login: String,
    /// Password.
    pub password: String,
}

/// A refresh token to exchange or end.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// The refresh token received at sign-in or at the last refresh.
    pub refresh_token: String,
}

/// Client credentials of a service account (the provincial system).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientCredentials {
    /// Always `client_credentials`.
    pub grant_type: String,
    /// The service account's client id.
    pub client_id: String,
    /// Its secret.
    pub client_secret: String,
}

/// A new password for oneself.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    /// The current password.
    pub current_password: String,
    /// The new one (at least 10 characters, not the user name).
    pub new_password: String,
}

/// Facts of the request that sign-in needs.
struct Origin {
    ip: Option<std::net::IpAddr>,
    request_id: String,
    lang: sangkien_proto::Lang,
}

impl Origin {
    fn of(req: &HttpRequest, state: &GatewayState) -> Self {
        Self {
            ip: client_address(
                req.peer_addr().map(|a| a.ip()),
                req.headers()
                    .get("x-forwarded-for")
                    .and_then(|v| v.to_str().ok()),
                &state.settings.gateway.trusted_proxies,
            ),
            request_id: req
                .extensions()
                .get::<RequestId>()
                .map(|r| r.0.clone())
                .unwrap_or_default(),
            lang: sangkien_kit::http::problems::lang_of(req),
        }
    }

    /// The acting user, for the audit log of actions taken before any token exists.
    fn caller(&self, user: &user::Model) -> Caller {
        Caller {
            user: user.id,
            tenant: user.tenant_id,
            roles: Vec::new(),
            name: Some(user.full_name.clone()),
            request_id: self.request_id.clone(),
            lang: self.lang,
        }
    }
}

fn throttled(secs: u64) -> ApiError {
    ApiError::new(ErrorCode::RateLimited)
        .with_detail(
            format!("Đăng nhập sai quá nhiều lần; thử lại sau {secs} giây"),
            format!("Too many failed sign-ins; retry in {secs} seconds"),
        )
        .with_retry_after(secs)
}

fn no_store(body: &impl serde::Serialize) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body)
}

/// Verifies a password off the async threads (argon2 is deliberately slow).
async fn password_matches(password: String, hash: String) -> Result<bool, ApiError> {
    crate::passwords::hashing(move || verify_password(&password, &hash))
        .await
        .map_err(ApiError::internal)
}

/// Finds the active account `login` of `kind` and checks its secret; the same answer, in
/// about the same time, whichever of the two was wrong.
async fn authenticate(
    state: &GatewayState,
    origin: &Origin,
    kind: &str,
    login: &str,
    secret: &str,
) -> Result<user::Model, ApiError> {
    let login = login.trim().to_lowercase();
    if let Err(secs) = state.logins.check(&login, origin.ip) {
        return Err(throttled(secs));
    }
    let found = user::Entity::find()
        .filter(user::Column::Kind.eq(kind))
        .filter(
            Condition::any()
                .add(user::Column::Username.eq(login.clone()))
                .add(user::Column::Email.eq(login.clone())),
        )
        .one(&state.db)
        .await?;
    let hash = found
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| dummy_hash().to_owned());
    let matches = password_matches(secret.to_owned(), hash).await?;
    match found {
        Some(u) if matches && u.active => {
            state.logins.succeeded(&login, origin.ip);
            Ok(u)
        }
        other => {
            state.logins.failed(&login, origin.ip);
            if let Some(u) = other {
                let txn = begin_write(&state.db).await?;
                audit::record(
                    &txn,
                    &origin.caller(&u),
                    state.clock.now(),
                    AuditEntry {
                        action: "auth.sign_in_failed",
                        subject_type: "user",
                        subject_id: u.id,
                        role: "self",
                        details: serde_json::json!({
                            "address": origin.ip.map(|i| i.to_string()),
                            "inactive": !u.active,
                        }),
                    },
                )
                .await?;
                txn.commit().await?;
            }
            Err(ApiError::new(ErrorCode::InvalidCredentials))
        }
    }
}

/// Signs in and returns an access token and a refresh token.
#[utoipa::path(
    post,
    path = "/api/v1/auth/login",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenPair),
        (status = 401, description = "Wrong sign-in name or password (never says which)", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failures for this account or address", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn login(
    req: HttpRequest,
    state: web::Data<GatewayState>,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let origin = Origin::of(&req, &state);
    let user = authenticate(&state, &origin, "person", &body.login, &body.password).await?;
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let pair = sessions::issue_pair(&txn, &state, &user, Uuid::now_v7(), now)
        .await
        .map_err(ApiError::internal)?;
    audit::record(
        &txn,
        &origin.caller(&user),
        now,
        AuditEntry {
            action: "auth.sign_in",
            subject_type: "user",
            subject_id: user.id,
            role: "self",
            details: serde_json::json!({ "address": origin.ip.map(|i| i.to_string()) }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(no_store(&pair))
}

/// Exchanges a refresh token for a new pair. A token presented twice ends its whole family.
#[utoipa::path(
    post,
    path = "/api/v1/auth/refresh",
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens; the one sent is now spent", body = TokenPair),
        (status = 401, description = "Unknown, expired, revoked or reused refresh token", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn refresh(
    req: HttpRequest,
    state: web::Data<GatewayState>,
    body: web::Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let origin = Origin::of(&req, &state);
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    match sessions::exchange(&txn, body.refresh_token.trim(), now).await? {
        Exchange::Invalid => Err(ApiError::new(ErrorCode::InvalidRefreshToken)),
        Exchange::Reused { user_id, family } => {
            if let Some(u) = user::Entity::find_by_id(user_id).one(&txn).await? {
                audit::record(
                    &txn,
                    &origin.caller(&u),
                    now,
                    AuditEntry {
                        action: "auth.refresh_reused",
                        subject_type: "user",
                        subject_id: u.id,
                        role: "self",
                        details: serde_json::json!({
                            "family": family,
                            "address": origin.ip.map(|i| i.to_string()),
                        }),
                    },
                )
                .await?;
            }
            txn.commit().await?;
            tracing::warn!(%user_id, %family, "refresh token reused; family revoked");
            Err(ApiError::new(ErrorCode::InvalidRefreshToken))
        }
        Exchange::Valid { user_id, family } => {
            let user = user::Entity::find_by_id(user_id).one(&txn).await?;
            let Some(user) = user.filter(|u| u.active) else {
                sessions::revoke_family(&txn, family, now).await?;
                txn.commit().await?;
                return Err(ApiError::new(ErrorCode::InvalidRefreshToken));
            };
            let pair = sessions::issue_pair(&txn, &state, &user, family, now)
                .await
                .map_err(ApiError::internal)?;
            txn.commit().await?;
            Ok(no_store(&pair))
        }
    }
}

/// Signs out: the refresh token's family is revoked. Answers 204 whatever the token was.
#[utoipa::path(
    post,
    path = "/api/v1/auth/logout",
    tag = "auth",
    request_body = RefreshRequest,
    responses((status = 204, description = "Signed out"))
)]
pub async fn logout(
    req: HttpRequest,
    state: web::Data<GatewayState>,
    body: web::Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let origin = Origin::of(&req, &state);
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let row = refresh_token::Entity::find()
        .filter(
            refresh_token::Column::TokenHash
                .eq(crate::passwords::token_digest(body.refresh_token.trim())),
        )
        .one(&txn)
        .await?;
    if let Some(row) = row {
        let revoked = sessions::revoke_family(&txn, row.family_id, now).await?;
        if revoked > 0
            && let Some(u) = user::Entity::find_by_id(row.user_id).one(&txn).await?
        {
            audit::record(
                &txn,
                &origin.caller(&u),
                now,
                AuditEntry {
                    action: "auth.sign_out",
                    subject_type: "user",
                    subject_id: u.id,
                    role: "self",
                    details: serde_json::json!({ "family": row.family_id }),
                },
            )
            .await?;
        }
    }
    txn.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Issues an access token to a service account (OAuth 2 client credentials, JSON body).
#[utoipa::path(
    post,
    path = "/api/v1/auth/token",
    tag = "auth",
    request_body = ClientCredentials,
    responses(
        (status = 200, description = "An access token; no refresh token", body = TokenPair),
        (status = 401, description = "Wrong client id or secret", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 422, description = "grant_type is not client_credentials", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failures", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn client_token(
    req: HttpRequest,
    state: web::Data<GatewayState>,
    body: web::Json<ClientCredentials>,
) -> Result<HttpResponse, ApiError> {
    if body.grant_type != "client_credentials" {
        let mut issues = Issues::new();
        issues.push(
            "grant_type",
            "unsupported",
            "Chỉ hỗ trợ grant_type = client_credentials",
            "Only grant_type = client_credentials is supported",
        );
        issues.finish()?;
    }
    let origin = Origin::of(&req, &state);
    let account = authenticate(
        &state,
        &origin,
        "service",
        &body.client_id,
        &body.client_secret,
    )
    .await?;
    let now = state.clock.now();
    let grants = crate::store::queries::grants_of(&state.db, account.id).await?;
    let access =
        sessions::access_token(&state, &account, &grants, now).map_err(ApiError::internal)?;
    let txn = begin_write(&state.db).await?;
    audit::record(
        &txn,
        &origin.caller(&account),
        now,
        AuditEntry {
            action: "auth.client_token",
            subject_type: "user",
            subject_id: account.id,
            role: "self",
            details: serde_json::json!({ "address": origin.ip.map(|i| i.to_string()) }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(no_store(&TokenPair {
        access_token: access,
        token_type: "Bearer",
        expires_in: state.settings.gateway.access_token_ttl_secs,
        refresh_token: None,
        refresh_expires_in: None,
    }))
}

/// Password problems as field issues.
pub fn password_issues(issues: &mut Issues, field: &str, password: &str, login: &str) {
    use crate::domain::password_policy::{MAX_LEN, MIN_LEN, PasswordProblem};
    for p in check_password(password, login) {
        let (code, vi, en) = match p {
            PasswordProblem::TooShort => (
                "too_short",
                format!("Mật khẩu cần ít nhất {MIN_LEN} ký tự"),
                format!("The password needs at least {MIN_LEN} characters"),
            ),
            PasswordProblem::TooLong => (
                "too_long",
                format!("Mật khẩu dài tối đa {MAX_LEN} ký tự"),
                format!("The password may have at most {MAX_LEN} characters"),
            ),
            PasswordProblem::SameAsLogin => (
                "same_as_login",
                "Mật khẩu không được trùng tên đăng nhập".to_owned(),
                "The password must not be the sign-in name".to_owned(),
            ),
            PasswordProblem::Repetitive => (
                "repetitive",
                "Mật khẩu không được chỉ lặp một ký tự".to_owned(),
                "The password must not repeat one character".to_owned(),
            ),
        };
        issues.push(field, code, vi, en);
    }
}

/// Sets a new password hash on `u`, revokes its sessions; the caller commits.
pub async fn set_password<C: sea_orm::ConnectionTrait>(
    db: &C,
    u: user::Model,
    password: String,
    now: DateTime<Utc>,
) -> Result<user::Model, ApiError> {
    let hash = crate::passwords::hashing(move || hash_password(&password))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    let version = u.version + 1;
    let mut active = u.into_active_model();
    active.password_hash = Set(hash);
    active.password_changed_at = Set(now);
    active.updated_at = Set(now);
    active.version = Set(version);
    let updated = user::Entity::update(active).exec(db).await?;
    sessions::revoke_user(db, updated.id, now).await?;
    Ok(updated)
}

/// Changes one's own password; every session of the user ends and a new pair is returned.
#[utoipa::path(
    post,
    path = "/api/v1/auth/password",
    tag = "auth",
    request_body = PasswordChange,
    responses(
        (status = 200, description = "Changed; other sessions ended; new tokens", body = TokenPair),
        (status = 401, description = "Not signed in, or the current password is wrong", body = sangkien_proto::Problem, content_type = "application/problem+json"),
        (status = 422, description = "The new password breaks the policy", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn change_password(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<GatewayState>,
    body: web::Json<PasswordChange>,
) -> Result<HttpResponse, ApiError> {
    let origin = Origin::of(&req, &state);
    let Some(u) = user::Entity::find_by_id(caller.user)
        .one(&state.db)
        .await?
        .filter(|u| u.active && u.kind == "person")
    else {
        return Err(ApiError::new(ErrorCode::Unauthenticated));
    };
    if let Err(secs) = state.logins.check(&u.username, origin.ip) {
        return Err(throttled(secs));
    }
    if !password_matches(body.current_password.clone(), u.password_hash.clone()).await? {
        state.logins.failed(&u.username, origin.ip);
        return Err(ApiError::new(ErrorCode::InvalidCredentials).with_detail(
            "Mật khẩu hiện tại không đúng",
            "The current password is wrong",
        ));
    }
    let mut issues = Issues::new();
    password_issues(&mut issues, "new_password", &body.new_password, &u.username);
    issues.finish()?;
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let u = set_password(&txn, u, body.new_password.clone(), now).await?;
    audit::record(
        &txn,
        &caller,
        now,
        AuditEntry {
            action: "auth.password_changed",
            subject_type: "user",
            subject_id: u.id,
            role: "self",
            details: serde_json::json!({}),
        },
    )
    .await?;
    let pair = sessions::issue_pair(&txn, &state, &u, Uuid::now_v7(), now)
        .await
        .map_err(ApiError::internal)?;
    txn.commit().await?;
    state.accounts.forget(u.id);
    Ok(no_store(&pair))
}

/// The signed-in user, with their roles.
#[utoipa::path(
    get,
    path = "/api/v1/auth/me",
    tag = "auth",
    responses(
        (status = 200, description = "The caller", body = UserView),
        (status = 401, description = "Not signed in", body = sangkien_proto::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn me(caller: Caller, state: web::Data<GatewayState>) -> Result<HttpResponse, ApiError> {
    let Some(u) = user::Entity::find_by_id(caller.user).one(&state.db).await? else {
        return Err(ApiError::new(ErrorCode::UserNotFound));
    };
    let grants = crate::store::queries::grants_of(&state.db, u.id).await?;
    Ok(HttpResponse::Ok().json(UserView::new(u, grants)))
}

/// The public keys that verify access tokens (RFC 7517, Ed25519 keys of RFC 8037).
#[utoipa::path(
    get,
    path = "/.well-known/jwks.json",
    tag = "auth",
    responses((status = 200, description = "Every published key", body = Jwks))
)]
pub async fn jwks(state: web::Data<GatewayState>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
        .json(state.keys.jwks())
}
