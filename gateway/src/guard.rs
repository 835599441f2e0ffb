//! The door check run before any route: rate limits per client address and per user, the
//! route policy (401 without a valid token, 403 without a role the route accepts, 404 for
//! a route that is not published), and the declared body size of the route.

use actix_web::{
    Error, HttpMessage,
    body::{EitherBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::header,
    middleware::Next,
    web,
};

use sangkien_kit::{ApiError, auth::bearer_token};
use sangkien_proto::{ErrorCode, Role};

use crate::{
    domain::{
        policy::{Access, allows, find_rule, published_methods},
        standing::token_stands,
    },
    limits::{body_limit, client_address},
    state::GatewayState,
};

/// Paths that are never limited (probes of the orchestrator).
const UNLIMITED: [&str; 3] = ["/healthz", "/readyz", "/metrics"];

fn too_many(secs: u64) -> ApiError {
    ApiError::new(ErrorCode::RateLimited)
        .with_detail(
            format!("Quá nhiều yêu cầu; thử lại sau {secs} giây"),
            format!("Too many requests; retry in {secs} seconds"),
        )
        .with_retry_after(secs)
}

/// Middleware: checks limits and the policy before the request reaches a handler. A refusal
/// is answered as a response carrying the error (not an `Err`), so the problems middleware
/// around it renders it like any other: in the caller's language, with `instance` and
/// `request_id`.
pub async fn check(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    match admit(&req).await {
        Ok(()) => next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body),
        Err(refusal) => {
            let allow = (refusal.code == ErrorCode::MethodNotAllowed)
                .then(|| {
                    req.app_data::<web::Data<GatewayState>>().map(|state| {
                        // The document's methods for this path when it has them (exact:
                        // a policy pattern may cover a longer path), else the policy's.
                        let documented = crate::openapi::documented_methods(req.path());
                        if documented.is_empty() {
                            published_methods(&state.policy, req.path()).join(", ")
                        } else {
                            documented.join(", ")
                        }
                    })
                })
                .flatten()
                .and_then(|m| header::HeaderValue::from_str(&m).ok());
            let mut res = req.error_response(refusal);
            if let Some(methods) = allow {
                // RFC 9110: a 405 names the methods the route takes.
                res.headers_mut().insert(header::ALLOW, methods);
            }
            Ok(res.map_into_right_body())
        }
    }
}

/// The door's decision for one request: `Ok` lets it through (with its body limit noted),
/// `Err` is the problem it gets instead.
async fn admit(req: &ServiceRequest) -> Result<(), ApiError> {
    let Some(state) = req.app_data::<web::Data<GatewayState>>().cloned() else {
        return Err(ApiError::internal(anyhow::anyhow!("gateway state missing")));
    };
    let path = req.path().to_owned();
    if UNLIMITED.contains(&path.as_str()) {
        return Ok(());
    }
    let ip = client_address(
        req.peer_addr().map(|a| a.ip()),
        req.headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok()),
        &state.settings.gateway.trusted_proxies,
    );
    if let Some(ip) = ip
        && let Err(secs) = state.rates.check_address(ip)
    {
        return Err(too_many(secs));
    }
    if !path.starts_with("/api/v1/") {
        return Ok(());
    }
    let Some(rule) = find_rule(&state.policy, req.method().as_str(), &path) else {
        if !published_methods(&state.policy, &path).is_empty() {
            return Err(ApiError::new(ErrorCode::MethodNotAllowed).with_detail(
                "Đường dẫn này không nhận phương thức này",
                "This route does not take this method",
            ));
        }
        return Err(ApiError::new(ErrorCode::NotFound)
            .with_detail("Không có đường dẫn này", "There is no such route"));
    };
    let limit = body_limit(
        &path,
        state.settings.gateway.max_body_bytes,
        &state.settings.gateway.body_limits,
    );
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(ApiError::new(ErrorCode::PayloadTooLarge).with_detail(
            format!("Dữ liệu gửi lên vượt quá {limit} byte cho phép"),
            format!("The body is larger than the {limit} bytes allowed here"),
        ));
    }
    req.extensions_mut().insert(BodyLimit(limit));
    if rule.access == Access::Public {
        return Ok(());
    }
    if rule.access == Access::Signed
        && crate::domain::policy::has_link_signature(req.query_string())
    {
        return Ok(());
    }
    let claims = match bearer_token(req.request()) {
        None => None,
        Some(token) => state.verifier.verify(token).await.ok(),
    };
    let Some(claims) = claims else {
        return Err(ApiError::new(ErrorCode::Unauthenticated).with_detail(
            "Cần đăng nhập với mã truy cập hợp lệ",
            "Sign in with a valid access token",
        ));
    };
    let standing = state
        .accounts
        .standing(&state.db, claims.sub)
        .await
        .map_err(ApiError::from)?;
    let carried: Vec<(Role, uuid::Uuid)> = claims.roles.iter().map(|g| (g.role, g.unit)).collect();
    if !token_stands(&standing, claims.iat, &carried) {
        return Err(ApiError::new(ErrorCode::Unauthenticated)
            .with_detail(
                "Tài khoản đã ngừng hoạt động, đã đổi mật khẩu hoặc đã đổi quyền; hãy đăng nhập lại hoặc làm mới mã truy cập",
                "The account was deactivated, its password or its roles changed; sign in again or refresh the token",
            )
            );
    }
    let roles: Vec<Role> = claims.roles.iter().map(|g| g.role).collect();
    if !allows(rule, Some(&roles)) {
        return Err(ApiError::new(ErrorCode::Forbidden));
    }
    if let Err(secs) = state.rates.check_user(&claims.sub.to_string()) {
        return Err(too_many(secs));
    }
    // A service in this process takes the verified caller with the request instead of
    // checking the signature again (the HTTP proxy never forwards it).
    req.extensions_mut()
        .insert(sangkien_kit::local::VerifiedClaims(claims));
    Ok(())
}

/// The body limit of the route, for the proxy to enforce on bodies of unknown length.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub u64);
