//! `/healthz` (the process answers: liveness), `/readyz` (its database answers, so it can
//! serve its own requests: readiness; the event transport is reported, not required) and
//! `/metrics` (Prometheus text 0.0.4, or OpenMetrics when the scraper asks for it).

use actix_web::{HttpResponse, web};
use serde_json::json;
use std::time::Duration;

use sangkien_proto::ErrorCode;

use crate::{context::ServiceContext, error::ApiError};

/// Registers the three endpoints.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(healthz))
        .route("/readyz", web::get().to(readyz))
        .route("/metrics", web::get().to(metrics));
}

async fn healthz(ctx: web::Data<ServiceContext>) -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok", "service": ctx.name }))
}

/// Ready when the service can serve its own requests: its database answers. The event
/// transport is reported but does not decide: while the broker is away writes still commit
/// through the outbox and reach it later, so a broker blip must not take every pod out of
/// rotation.
async fn readyz(ctx: web::Data<ServiceContext>) -> Result<HttpResponse, ApiError> {
    let db = tokio::time::timeout(Duration::from_secs(2), ctx.db.ping()).await;
    let events = tokio::time::timeout(Duration::from_secs(2), ctx.transport.check()).await;
    let db_ok = matches!(db, Ok(Ok(())));
    let events = if matches!(events, Ok(Ok(()))) {
        "ok"
    } else {
        "unreachable"
    };
    if db_ok {
        return Ok(HttpResponse::Ok().json(json!({
            "status": "ready",
            "service": ctx.name,
            "checks": { "database": "ok", "events": events }
        })));
    }
    Err(ApiError::new(ErrorCode::ServiceUnavailable)
        .with_detail(
            format!(
                "Dịch vụ {} chưa sẵn sàng: không kết nối được cơ sở dữ liệu",
                ctx.name
            ),
            format!(
                "Service {} is not ready: cannot reach its database",
                ctx.name
            ),
        )
        .with_retry_after(crate::outage::RETRY_AFTER_SECS))
}

async fn metrics(ctx: web::Data<ServiceContext>, req: actix_web::HttpRequest) -> HttpResponse {
    let accept = req
        .headers()
        .get(actix_web::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok());
    let (content_type, body) = ctx.metrics.scrape(accept).await;
    HttpResponse::Ok().content_type(content_type).body(body)
}
