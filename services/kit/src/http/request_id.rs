//! The request id: taken from `X-Request-Id` when the caller (the gateway) sent a sane one,
//! otherwise a new UUIDv7; put in the request's extensions, the response header, the log
//! span, and the correlation id of every event the request causes.

use actix_web::{
    Error, HttpMessage,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::header::{HeaderName, HeaderValue},
    middleware::Next,
    web,
};
use std::{sync::Arc, time::Instant};
use tracing::Instrument;

use crate::metrics::Metrics;

/// The header that carries the request id.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The id of the request being served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

impl RequestId {
    /// The id from a header value, if it is short and plain enough to log and forward.
    pub fn parse(value: &str) -> Option<Self> {
        let ok = !value.is_empty()
            && value.len() <= 64
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'));
        ok.then(|| RequestId(value.to_owned()))
    }

    /// A fresh id.
    pub fn generate() -> Self {
        RequestId(uuid::Uuid::now_v7().to_string())
    }
}

/// The route template a handler measured its request under when the router's own pattern is
/// too coarse (the gateway's catch-all proxy route names the policy's template instead).
#[derive(Debug, Clone, Copy)]
pub struct RouteTemplate(pub &'static str);

/// Middleware: assigns the request id, opens the request span, logs and measures the
/// request under its route pattern.
pub async fn request_id(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, Error> {
    let id = req
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(RequestId::parse)
        .unwrap_or_else(RequestId::generate);
    req.extensions_mut().insert(id.clone());
    let metrics = req
        .app_data::<web::Data<Arc<Metrics>>>()
        .map(|m| m.get_ref().clone());
    let method = req.method().to_string();
    let span = tracing::info_span!("request", request_id = %id.0, %method, path = %req.path());
    let started = Instant::now();
    let mut res = next.call(req).instrument(span.clone()).await?;
    let status = res.status().as_u16();
    let template = res
        .request()
        .extensions()
        .get::<RouteTemplate>()
        .map(|t| t.0);
    let route = template
        .map(str::to_owned)
        .or_else(|| res.request().match_pattern())
        .unwrap_or_else(|| "unmatched".to_owned());
    let elapsed = started.elapsed();
    if let Some(m) = metrics {
        m.observe_request(&method, &route, status, elapsed.as_secs_f64());
    }
    span.in_scope(|| {
        if status >= 500 {
            tracing::warn!(
                status,
                elapsed_ms = elapsed.as_millis() as u64,
                "request failed"
            );
        } else {
            tracing::debug!(
                status,
                elapsed_ms = elapsed.as_millis() as u64,
                "request served"
            );
        }
    });
    if let Ok(v) = HeaderValue::from_str(&id.0) {
        res.headers_mut()
            .insert(HeaderName::from_static(REQUEST_ID_HEADER), v);
    }
    Ok(res)
}
