//! `/healthz` (the process answers), `/readyz` (its database and event transport answer)
//! and `/metrics` (Prometheus text 0.0.4, or OpenMetrics when the scraper asks for it).

use actix_web::{HttpResponse, web};
use serde_json::json;
use std::time::Duration;

use sangkien_proto::ErrorCode;

use crate::{error::ApiError, service::ServiceContext};

/// Registers the three endpoints.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(healthz))
        .route("/readyz", web::get().to(readyz))
        .route("/metrics", web::get().to(metrics));
}

async fn healthz(ctx: web::Data<ServiceContext>) -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok", "service": ctx.name }))
}

async fn readyz(ctx: web::Data<ServiceContext>) -> Result<HttpResponse, ApiError> {
    let db = tokio::time::timeout(Duration::from_secs(2), ctx.db.ping()).await;
    let events = tokio::time::timeout(Duration::from_secs(3), ctx.transport.check()).await;
    let db_ok = matches!(db, Ok(Ok(())));
    let events_ok = matches!(events, Ok(Ok(())));
    if db_ok && events_ok {
        return Ok(HttpResponse::Ok().json(json!({
            "status": "ready",
            "service": ctx.name,
            "checks": { "database": "ok", "events": "ok" }
        })));
    }
    let failing: Vec<&str> = [("database", db_ok), ("events", events_ok)]
        .into_iter()
        .filter(|(_, ok)| !ok)
        .map(|(n, _)| n)
        .collect();
    let list = failing.join(", ");
    Err(ApiError::new(ErrorCode::ServiceUnavailable).with_detail(
        format!(
            "Dịch vụ {} chưa sẵn sàng: không kết nối được {list}",
            ctx.name
        ),
        format!("Service {} is not ready: cannot reach {list}", ctx.name),
    ))
}

async fn metrics(ctx: web::Data<ServiceContext>, req: actix_web::HttpRequest) -> HttpResponse {
    let accept = req
        .headers()
        .get(actix_web::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok());
    let (content_type, body) = ctx.metrics.scrape(accept).await;
    HttpResponse::Ok().content_type(content_type).body(body)
}
