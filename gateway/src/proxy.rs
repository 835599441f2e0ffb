//! Streaming reverse proxy to the services.
//!
//! Request and response bodies flow through in chunks (a bounded channel on the way in), so
//! a large upload or download never sits whole in the gateway's memory. Hop-by-hop headers
//! are dropped, the request id and forwarding headers are added. A service that refuses the
//! connection gives `upstream_unavailable` (503 with `Retry-After`, like any dependency outage), one that does not begin answering in time
//! gives `upstream_timeout` (504).
//!
//! In the standalone binary the services run in the gateway's process and the request is
//! handed to their application directly ([`forward_local`]) with the same rules.

use actix_http::{BoxedPayloadStream, error::PayloadError};
use actix_web::{
    HttpMessage, HttpRequest, HttpResponse,
    dev::Service,
    http::{
        StatusCode,
        header::{HeaderName, HeaderValue},
    },
    web,
};
use futures::StreamExt;
use tokio_stream::wrappers::ReceiverStream;

use sangkien_kit::{
    ApiError,
    http::RequestId,
    local::{LocalUpstream, VerifiedClaims},
};
use sangkien_proto::ErrorCode;

use std::{
    cell::Cell,
    rc::Rc,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
};

use crate::{GatewayState, guard::BodyLimit};

const HOP_BY_HOP: [&str; 9] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
];

fn is_hop_by_hop(name: &str) -> bool {
    HOP_BY_HOP.contains(&name)
}

/// Forwards the request to the service named in the path.
pub async fn forward(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<GatewayState>,
) -> Result<HttpResponse, ApiError> {
    let service = req
        .match_info()
        .get("service")
        .unwrap_or_default()
        .to_owned();
    let Some(base) = state.upstreams.get(&service) else {
        return Err(ApiError::new(ErrorCode::NotFound).with_detail(
            format!("Không có dịch vụ «{service}»"),
            format!("There is no service «{service}»"),
        ));
    };
    // Measured under the policy's template of the route (`/api/v1/intake/dossiers/{id}`),
    // not the catch-all proxy route.
    if let Some(rule) =
        crate::domain::policy::find_rule(&state.policy, req.method().as_str(), req.path())
    {
        req.extensions_mut()
            .insert(sangkien_kit::http::RouteTemplate(rule.pattern));
    }
    if let Some(local) = state.upstreams.local(&service) {
        return forward_local(req, payload, &state, &service, local).await;
    }
    let mut url = format!("{base}{}", req.uri().path());
    if let Some(q) = req.uri().query() {
        url.push('?');
        url.push_str(q);
    }
    let method = reqwest::Method::from_bytes(req.method().as_str().as_bytes())
        .map_err(|_| ApiError::new(ErrorCode::MethodNotAllowed))?;
    let mut upstream = state.client.request(method, &url);
    for (name, value) in req.headers() {
        if !is_hop_by_hop(name.as_str()) && name.as_str() != "x-request-id" {
            upstream = upstream.header(name.as_str(), value.as_bytes());
        }
    }
    upstream = upstream.header("x-request-id", request_id_of(&req));
    if let Some(peer) = req.peer_addr() {
        upstream = upstream.header("x-forwarded-for", peer.ip().to_string());
    }
    upstream = upstream.header(
        "x-forwarded-proto",
        req.connection_info().scheme().to_owned(),
    );
    upstream = upstream.header("x-forwarded-host", req.connection_info().host().to_owned());

    // actix's payload is tied to this worker thread; a bounded channel carries it to reqwest.
    // A body of undeclared length is counted on the way and cut at the route's limit.
    let limit = body_limit_of(&req, &state);
    let too_large = Arc::new(AtomicBool::new(false));
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<bytes::Bytes, std::io::Error>>(8);
    let flag = too_large.clone();
    let mut payload = payload;
    actix_web::rt::spawn(async move {
        let mut seen: u64 = 0;
        while let Some(chunk) = payload.next().await {
            let item = chunk.map_err(|e| std::io::Error::other(e.to_string()));
            if let Ok(bytes) = &item {
                seen += bytes.len() as u64;
                if seen > limit {
                    flag.store(true, Ordering::SeqCst);
                    let _ = tx.send(Err(std::io::Error::other("body too large"))).await;
                    break;
                }
            }
            let failed = item.is_err();
            if tx.send(item).await.is_err() || failed {
                break;
            }
        }
    });
    upstream = upstream.body(reqwest::Body::wrap_stream(ReceiverStream::new(rx)));

    let response = match tokio::time::timeout(state.upstream_timeout, upstream.send()).await {
        Err(_) => return Err(upstream_timeout(&service)),
        Ok(Err(e)) if e.is_timeout() => return Err(upstream_timeout(&service)),
        Ok(Err(_)) if too_large.load(Ordering::SeqCst) => return Err(too_large_problem(limit)),
        Ok(Err(e)) => {
            tracing::warn!(service = %service, error = %e, "service unreachable");
            return Err(upstream_unavailable(&service));
        }
        Ok(Ok(r)) => r,
    };
    let status =
        StatusCode::from_u16(response.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let mut out = HttpResponse::build(status);
    for (name, value) in response.headers() {
        if !is_hop_by_hop(name.as_str())
            && name.as_str() != "content-length"
            && let Ok(n) = HeaderName::from_bytes(name.as_str().as_bytes())
        {
            out.append_header((n, value.as_bytes()));
        }
    }
    if let Some(len) = response.content_length() {
        out.no_chunking(len);
    }
    let body = response
        .bytes_stream()
        .map(|chunk| chunk.map_err(|e| actix_web::error::ErrorBadGateway(e.to_string())));
    Ok(out.streaming(body))
}

fn upstream_timeout(service: &str) -> ApiError {
    ApiError::new(ErrorCode::UpstreamTimeout).with_detail(
        format!("Dịch vụ {service} phản hồi quá chậm"),
        format!("The {service} service answered too slowly"),
    )
}

fn upstream_unavailable(service: &str) -> ApiError {
    ApiError::new(ErrorCode::UpstreamUnavailable)
        .with_detail(
            format!("Dịch vụ {service} không phản hồi"),
            format!("The {service} service did not answer"),
        )
        .with_retry_after(sangkien_kit::outage::RETRY_AFTER_SECS)
}

fn too_large_problem(limit: u64) -> ApiError {
    ApiError::new(ErrorCode::PayloadTooLarge).with_detail(
        format!("Dữ liệu gửi lên vượt quá {limit} byte cho phép"),
        format!("The body is larger than the {limit} bytes allowed here"),
    )
}

fn request_id_of(req: &HttpRequest) -> String {
    req.extensions()
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default()
}

/// The route's body limit noted by the door check, else the gateway's default.
fn body_limit_of(req: &HttpRequest, state: &GatewayState) -> u64 {
    req.extensions()
        .get::<BodyLimit>()
        .map(|l| l.0)
        .unwrap_or(state.settings.gateway.max_body_bytes)
}

/// The in-process hand-off (standalone): the request goes to the service's own application
/// on this thread, as the proxy would send it — the same header filtering and forwarding
/// headers, the request id, the body streamed and cut at the route's limit, the same
/// timeout, 503 when the service was stopped — with the caller the door check verified, and
/// its answer streams back the same way, without a second HTTP connection or parse.
async fn forward_local(
    req: HttpRequest,
    payload: web::Payload,
    state: &GatewayState,
    service: &str,
    local: &LocalUpstream,
) -> Result<HttpResponse, ApiError> {
    if local.is_down() {
        local.forget();
        return Err(upstream_unavailable(service));
    }
    let app = local
        .service()
        .await
        .map_err(|()| upstream_unavailable(service))?;
    let limit = body_limit_of(&req, state);
    let too_large = Rc::new(Cell::new(false));
    let flag = too_large.clone();
    let mut seen: u64 = 0;
    let body = payload.map(move |chunk| {
        let bytes = chunk?;
        seen += bytes.len() as u64;
        if seen > limit {
            flag.set(true);
            return Err(PayloadError::Overflow);
        }
        Ok(bytes)
    });
    let stream: BoxedPayloadStream = Box::pin(body);
    let mut inner =
        actix_http::Request::with_payload(actix_http::Payload::Stream { payload: stream });
    {
        let head = inner.head_mut();
        head.method = req.method().clone();
        head.uri = req.uri().clone();
        head.version = req.version();
        head.peer_addr = req.peer_addr();
        for (name, value) in req.headers() {
            if !is_hop_by_hop(name.as_str()) && name.as_str() != "x-request-id" {
                head.headers.append(name.clone(), value.clone());
            }
        }
        let mut add = |name: &'static str, value: String| {
            if let Ok(v) = HeaderValue::from_str(&value) {
                head.headers.insert(HeaderName::from_static(name), v);
            }
        };
        add("x-request-id", request_id_of(&req));
        if let Some(peer) = req.peer_addr() {
            add("x-forwarded-for", peer.ip().to_string());
        }
        let info = req.connection_info();
        add("x-forwarded-proto", info.scheme().to_owned());
        add("x-forwarded-host", info.host().to_owned());
    }
    if let Some(verified) = req.extensions().get::<VerifiedClaims>().cloned() {
        inner.extensions_mut().insert(verified);
    }
    let answer = match tokio::time::timeout(state.upstream_timeout, app.call(inner)).await {
        Err(_) => return Err(upstream_timeout(service)),
        Ok(answer) => answer,
    };
    if too_large.get() {
        return Err(too_large_problem(limit));
    }
    let response = match answer {
        Ok(answer) => answer.into_parts().1,
        // What the service's HTTP server would have answered for an error out of its
        // middleware.
        Err(e) => HttpResponse::from_error(e),
    };
    let mut out = HttpResponse::build(response.status());
    for (name, value) in response.headers() {
        if !is_hop_by_hop(name.as_str()) && name.as_str() != "content-length" {
            out.append_header((name.clone(), value.clone()));
        }
    }
    Ok(out.body(response.into_body()))
}
