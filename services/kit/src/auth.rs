//! Access-token verification and the [`Caller`] extractor.
//!
//! Every service verifies the token again, whatever the gateway checked: EdDSA signatures
//! against keys from configuration or the gateway's JWKS, with `exp`, `iss` and `aud`
//! required. A token naming an unknown `kid` makes the verifier fetch the JWKS again (at most
//! once every few seconds), so a rotated key is picked up without restarting anything.
//!
//! A verified token is remembered for a few seconds, keyed by its SHA-256 (never beyond its
//! `exp`), so a process that sees the same token again — the standalone binary's services
//! behind its gateway, or a client's next request — checks the Ed25519 signature once, not on
//! every request. Only the signature and claims check is skipped: the gateway still looks up
//! the account's standing for every request.

use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, http::header, web};
use futures::future::LocalBoxFuture;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, jwk::JwkSet};
use serde::{Deserialize, Serialize};
use std::{
    collections::HashMap,
    sync::{Arc, RwLock},
    time::{Duration, Instant},
};
use uuid::Uuid;

use sangkien_proto::{ErrorCode, Lang, Role};

use crate::{error::ApiError, http::RequestId, settings::AuthSettings};

/// A role granted on an organisational unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RoleGrant {
    /// The role.
    pub role: Role,
    /// The unit it is granted on.
    pub unit: Uuid,
}

/// The claims the gateway verified for this request, handed to the service in the same
/// process with the request, so the token's signature is checked once. Only the in-process
/// hand-off sets it (an extension, never a header), so no caller from outside can.
#[derive(Debug, Clone)]
pub struct VerifiedClaims(pub Claims);

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The user or service account id.
    pub sub: Uuid,
    /// The tenant (recognising body).
    pub tenant: Uuid,
    /// Roles and the units they are granted on.
    #[serde(default)]
    pub roles: Vec<RoleGrant>,
    /// Display name, for audit lines.
    #[serde(default)]
    pub name: Option<String>,
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// Expiry (seconds since the epoch).
    pub exp: i64,
    /// Issued at.
    pub iat: i64,
    /// Token id.
    pub jti: String,
}

/// Who is calling: passed explicitly into every service function.
#[derive(Debug, Clone)]
pub struct Caller {
    /// User or service account id.
    pub user: Uuid,
    /// Tenant.
    pub tenant: Uuid,
    /// Roles with their units.
    pub roles: Vec<RoleGrant>,
    /// Display name if the token carries one.
    pub name: Option<String>,
    /// The request id.
    pub request_id: String,
    /// The language of the request.
    pub lang: Lang,
}

impl Caller {
    /// True when the caller holds `role` on any unit.
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.iter().any(|g| g.role == role)
    }

    /// True when the caller holds `role` on `unit`.
    pub fn has_role_on(&self, role: Role, unit: Uuid) -> bool {
        self.roles.iter().any(|g| g.role == role && g.unit == unit)
    }

    /// The units on which the caller holds `role`.
    pub fn units_with(&self, role: Role) -> Vec<Uuid> {
        self.roles
            .iter()
            .filter(|g| g.role == role)
            .map(|g| g.unit)
            .collect()
    }

    /// Fails with `forbidden` unless the caller holds one of `roles`; returns the first held.
    pub fn require_any(&self, roles: &[Role]) -> Result<Role, ApiError> {
        roles
            .iter()
            .copied()
            .find(|r| self.has_role(*r))
            .ok_or_else(|| {
                let names = roles
                    .iter()
                    .map(|r| r.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                ApiError::new(ErrorCode::Forbidden).with_detail(
                    format!("Thao tác này cần một trong các vai trò: {names}"),
                    format!("This needs one of the roles: {names}"),
                )
            })
    }
}

/// Why a token was refused.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// No bearer token.
    #[error("no bearer token")]
    Missing,
    /// The token is expired, badly signed, for someone else, or malformed.
    #[error("invalid token: {0}")]
    Invalid(String),
    /// The keys could not be fetched.
    #[error("keys unavailable: {0}")]
    KeysUnavailable(String),
}

const JWKS_REFRESH_MIN_INTERVAL: Duration = Duration::from_secs(5);

/// How long a verified token is remembered at most: short, so a key withdrawn from the JWKS
/// stops being honoured for a cached token within seconds too.
pub const VERIFIED_TTL: Duration = Duration::from_secs(30);

/// How many verified tokens a process remembers: a few MiB at most, more than the people
/// signed in to one district at once.
pub const VERIFIED_CAPACITY: u64 = 10_000;

/// How long a token verified at `now` (seconds since the epoch) with expiry `exp` may be
/// remembered: at most `max`, and never past its `exp` (the leeway of the check itself is not
/// extended to the cache); `None` when it must not be remembered at all.
pub fn verified_ttl(exp: i64, now: i64, max: Duration) -> Option<Duration> {
    let left = u64::try_from(exp.checked_sub(now)?).ok()?;
    let ttl = Duration::from_secs(left).min(max);
    (!ttl.is_zero()).then_some(ttl)
}

/// Claims of a verified token and until when they may be served from the cache.
#[derive(Clone)]
struct Verified {
    claims: Arc<Claims>,
    /// The key that verified it: a hit counts only while that key is still known.
    kid: String,
    until: Instant,
}

/// Lets each cached token expire at its own `until`.
struct UntilDeadline;

impl moka::Expiry<[u8; 32], Verified> for UntilDeadline {
    fn expire_after_create(
        &self,
        _key: &[u8; 32],
        value: &Verified,
        created_at: Instant,
    ) -> Option<Duration> {
        Some(value.until.saturating_duration_since(created_at))
    }
}

fn token_key(token: &str) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(token.as_bytes()).into()
}

type KeyMap = HashMap<String, Arc<DecodingKey>>;

/// Keys fetched from the JWKS and when.
#[derive(Default)]
struct Fetched {
    keys: KeyMap,
    at: Option<Instant>,
}

/// Verifies access tokens.
///
/// Keys come from three places: the configuration (fixed), the gateway in the same process
/// ([`Verifier::set_local_keys`], replaced whenever the gateway starts) and the gateway's
/// JWKS (replaced whole at each fetch, at the latest every `jwks_cache_secs`), so a key the
/// gateway stops publishing stops being accepted without a restart.
pub struct Verifier {
    validation: Validation,
    configured: KeyMap,
    local: RwLock<KeyMap>,
    fetched: RwLock<Fetched>,
    jwks_url: Option<String>,
    jwks_ttl: Duration,
    last_fetch: tokio::sync::Mutex<Option<Instant>>,
    http: reqwest::Client,
    verified: moka::sync::Cache<[u8; 32], Verified>,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("jwks_url", &self.jwks_url)
            .finish_non_exhaustive()
    }
}

impl Verifier {
    /// A verifier with the configured keys; fails on a key that does not parse.
    pub fn new(settings: &AuthSettings) -> Result<Self, AuthError> {
        crate::install_crypto_provider();
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_issuer(&[settings.issuer.as_str()]);
        validation.set_audience(&[settings.audience.as_str()]);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        validation.leeway = settings.leeway_secs;
        let mut configured = HashMap::new();
        for k in &settings.public_keys {
            let key = DecodingKey::from_ed_pem(k.pem.as_bytes())
                .map_err(|e| AuthError::Invalid(format!("public key {}: {e}", k.kid)))?;
            configured.insert(k.kid.clone(), Arc::new(key));
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .connect_timeout(Duration::from_secs(2))
            .build()
            .map_err(|e| AuthError::KeysUnavailable(e.to_string()))?;
        Ok(Self {
            validation,
            configured,
            local: RwLock::new(HashMap::new()),
            fetched: RwLock::new(Fetched::default()),
            jwks_url: settings.jwks_url.clone(),
            jwks_ttl: Duration::from_secs(settings.jwks_cache_secs.max(1)),
            last_fetch: tokio::sync::Mutex::new(None),
            http,
            verified: moka::sync::Cache::builder()
                .max_capacity(VERIFIED_CAPACITY)
                .expire_after(UntilDeadline)
                .build(),
        })
    }

    /// Replaces the keys handed over by the gateway running in the same process.
    pub fn set_local_keys(&self, keys: Vec<(String, DecodingKey)>) {
        if let Ok(mut local) = self.local.write() {
            *local = keys.into_iter().map(|(k, v)| (k, Arc::new(v))).collect();
        }
        self.forget_verified();
    }

    fn key(&self, kid: &str) -> Option<Arc<DecodingKey>> {
        if let Some(k) = self.configured.get(kid) {
            return Some(k.clone());
        }
        if let Some(k) = self.local.read().ok().and_then(|l| l.get(kid).cloned()) {
            return Some(k);
        }
        self.fetched
            .read()
            .ok()
            .and_then(|f| f.keys.get(kid).cloned())
    }

    fn jwks_stale(&self) -> bool {
        self.jwks_url.is_some()
            && self
                .fetched
                .read()
                .map(|f| f.at.is_none_or(|at| at.elapsed() >= self.jwks_ttl))
                .unwrap_or(true)
    }

    /// Fetches the JWKS again (at most once every few seconds) and replaces the fetched keys.
    async fn refresh(&self) -> Result<(), AuthError> {
        let Some(url) = &self.jwks_url else {
            return Ok(());
        };
        let mut last = self.last_fetch.lock().await;
        if last.is_some_and(|t| t.elapsed() < JWKS_REFRESH_MIN_INTERVAL.min(self.jwks_ttl)) {
            return Ok(());
        }
        *last = Some(Instant::now());
        let set: JwkSet = self
            .http
            .get(url)
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .map_err(|e| AuthError::KeysUnavailable(e.to_string()))?
            .json()
            .await
            .map_err(|e| AuthError::KeysUnavailable(e.to_string()))?;
        let keys: KeyMap = set
            .keys
            .iter()
            .filter_map(|jwk| {
                let kid = jwk.common.key_id.clone()?;
                DecodingKey::from_jwk(jwk).ok().map(|k| (kid, Arc::new(k)))
            })
            .collect();
        let mut changed = false;
        if let Ok(mut fetched) = self.fetched.write() {
            let mut before: Vec<&String> = fetched.keys.keys().collect();
            let mut after: Vec<&String> = keys.keys().collect();
            before.sort();
            after.sort();
            changed = before != after;
            *fetched = Fetched {
                keys,
                at: Some(Instant::now()),
            };
        }
        if changed {
            // A withdrawn key must not live on in the cache of verified tokens.
            self.forget_verified();
        }
        Ok(())
    }

    /// Verifies `token` and returns its claims: from the cache of verified tokens when it was
    /// verified in the last [`VERIFIED_TTL`] and has not expired since, else by checking its
    /// signature and claims (and then remembering it).
    pub async fn verify(&self, token: &str) -> Result<Claims, AuthError> {
        let key = token_key(token);
        let now = Instant::now();
        // Keys first, so a key withdrawn from the JWKS empties the cache before it is read.
        if self.jwks_stale()
            && let Err(e) = self.refresh().await
        {
            tracing::warn!(error = %e, "could not refresh the JWKS; keeping the cached keys");
        }
        if let Some(hit) = self.verified.get(&key)
            && hit.until > now
            && self.key(&hit.kid).is_some()
        {
            return Ok(hit.claims.as_ref().clone());
        }
        let (claims, kid) = self.check(token).await?;
        if let Some(ttl) = verified_ttl(claims.exp, chrono::Utc::now().timestamp(), VERIFIED_TTL) {
            self.verified.insert(
                key,
                Verified {
                    claims: Arc::new(claims.clone()),
                    kid,
                    until: now + ttl,
                },
            );
        }
        Ok(claims)
    }

    /// Forgets every verified token (after the keys changed).
    fn forget_verified(&self) {
        self.verified.invalidate_all();
    }

    /// Checks the signature and the claims of `token`; the claims and the key id.
    async fn check(&self, token: &str) -> Result<(Claims, String), AuthError> {
        let header =
            jsonwebtoken::decode_header(token).map_err(|e| AuthError::Invalid(e.to_string()))?;
        if header.alg != Algorithm::EdDSA {
            return Err(AuthError::Invalid("algorithm must be EdDSA".into()));
        }
        let kid = header
            .kid
            .ok_or_else(|| AuthError::Invalid("token has no kid".into()))?;
        if self.jwks_stale()
            && let Err(e) = self.refresh().await
        {
            // Keep the keys we have: the gateway being briefly unreachable must not sign
            // everyone out of a service.
            tracing::warn!(error = %e, "could not refresh the JWKS; keeping the cached keys");
        }
        let key = match self.key(&kid) {
            Some(k) => k,
            None => {
                self.refresh().await?;
                self.key(&kid)
                    .ok_or_else(|| AuthError::Invalid(format!("unknown key {kid}")))?
            }
        };
        jsonwebtoken::decode::<Claims>(token, &key, &self.validation)
            .map(|d| (d.claims, kid))
            .map_err(|e| AuthError::Invalid(e.to_string()))
    }
}

/// The bearer token of a request, if any.
pub fn bearer_token(req: &HttpRequest) -> Option<&str> {
    req.headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
}

fn unauthenticated(detail_vi: &str, detail_en: &str) -> ApiError {
    ApiError::new(ErrorCode::Unauthenticated).with_detail(detail_vi, detail_en)
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let verifier = req
            .app_data::<web::Data<Arc<Verifier>>>()
            .map(|v| v.get_ref().clone());
        let token = bearer_token(req).map(str::to_owned);
        let request_id = req
            .extensions()
            .get::<RequestId>()
            .map(|r| r.0.clone())
            .unwrap_or_default();
        let lang = crate::http::problems::lang_of(req);
        // Handed over in process by the gateway that just verified this request's token
        // (`VerifiedClaims`, never set from outside the process): checked once.
        let verified = req
            .extensions()
            .get::<VerifiedClaims>()
            .map(|v| v.0.clone());
        if let Some(claims) = verified {
            return Box::pin(std::future::ready(Ok(Caller {
                user: claims.sub,
                tenant: claims.tenant,
                roles: claims.roles,
                name: claims.name,
                request_id,
                lang,
            })));
        }
        Box::pin(async move {
            let verifier = verifier
                .ok_or_else(|| ApiError::internal(anyhow::anyhow!("no verifier configured")))?;
            let token = token.ok_or_else(|| {
                unauthenticated(
                    "Cần đăng nhập (thiếu mã truy cập)",
                    "Sign-in required (no bearer token)",
                )
            })?;
            let claims = verifier.verify(&token).await.map_err(|e| match e {
                AuthError::KeysUnavailable(_) => ApiError::new(ErrorCode::ServiceUnavailable)
                    .with_detail(
                        "Không lấy được khóa xác thực",
                        "Signing keys are unavailable",
                    ),
                other => {
                    tracing::debug!(error = %other, "token refused");
                    unauthenticated(
                        "Mã truy cập không hợp lệ hoặc đã hết hạn",
                        "The access token is invalid or expired",
                    )
                }
            })?;
            Ok(Caller {
                user: claims.sub,
                tenant: claims.tenant,
                roles: claims.roles,
                name: claims.name,
                request_id,
                lang,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verified_ttl_is_short_and_never_past_the_tokens_expiry() {
        let max = Duration::from_secs(30);
        assert_eq!(verified_ttl(1_000, 100, max), Some(max));
        assert_eq!(verified_ttl(110, 100, max), Some(Duration::from_secs(10)));
        assert_eq!(verified_ttl(100, 100, max), None);
        // Accepted within the leeway after its expiry, but never remembered.
        assert_eq!(verified_ttl(90, 100, max), None);
        assert_eq!(verified_ttl(i64::MIN, 100, max), None);
    }
}
