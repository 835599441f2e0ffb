//! The gateway: the only door of sangkien.
//!
//! It routes `/api/v1/<service>/**` to the services with streamed bodies both ways, adds the
//! request id, answers a service that is down or slow with a 502/504 problem instead of
//! hanging, serves the merged OpenAPI document and its offline docs page, and reports its
//! own health and the readiness of everything behind it. Identity, tokens and rate limits
//! come with the gateway issue.

pub mod openapi;
pub mod proxy;

use actix_web::{App, HttpResponse, HttpServer, dev::ServerHandle, middleware::from_fn, web};
use std::{
    net::{SocketAddr, TcpListener},
    sync::Arc,
    time::Duration,
};
use tokio::task::JoinHandle;

use sangkien_kit::{ApiError, Settings, http, metrics::Metrics};
use sangkien_proto::ErrorCode;

/// Where each service answers.
#[derive(Debug, Clone)]
pub struct Upstreams {
    /// `(service name, base URL)`.
    pub services: Vec<(String, String)>,
}

impl Upstreams {
    /// The upstreams named in the settings (distributed mode).
    pub fn from_settings(settings: &Settings) -> Self {
        Self {
            services: vec![
                ("intake".into(), settings.intake.url.clone()),
                ("appraisal".into(), settings.appraisal.url.clone()),
                ("decision".into(), settings.decision.url.clone()),
            ],
        }
    }

    /// The base URL of `service`.
    pub fn get(&self, service: &str) -> Option<&str> {
        self.services
            .iter()
            .find(|(name, _)| name == service)
            .map(|(_, url)| url.trim_end_matches('/'))
    }
}

/// The gateway's state.
pub struct GatewayState {
    /// Upstream services.
    pub upstreams: Upstreams,
    /// The client used to reach them.
    pub client: reqwest::Client,
    /// How long to wait for a service's answer to begin.
    pub upstream_timeout: Duration,
}

/// A started gateway.
pub struct RunningGateway {
    /// Where it listens.
    pub addr: SocketAddr,
    server: ServerHandle,
    task: JoinHandle<std::io::Result<()>>,
}

impl RunningGateway {
    /// Base URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting requests and lets those in progress finish.
    pub async fn stop(self) {
        self.server.stop(true).await;
        let _ = self.task.await;
    }
}

/// Starts the gateway on `listener`.
pub async fn start(
    settings: &Settings,
    upstreams: Upstreams,
    listener: TcpListener,
) -> anyhow::Result<RunningGateway> {
    sangkien_kit::install_crypto_provider();
    let g = &settings.gateway;
    let client = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(g.upstream_connect_timeout_secs.max(1)))
        .read_timeout(Duration::from_secs(g.upstream_timeout_secs.max(1)))
        .pool_idle_timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let state = web::Data::new(GatewayState {
        upstreams,
        client,
        upstream_timeout: Duration::from_secs(g.upstream_timeout_secs.max(1)),
    });
    let metrics = web::Data::new(Arc::new(Metrics::new("gateway")));
    let doc = openapi::merged();
    let addr = listener.local_addr()?;
    let server = HttpServer::new(move || {
        let (json, path, query, payload) = http::extractor_configs(64 * 1024);
        App::new()
            .app_data(state.clone())
            .app_data(metrics.clone())
            .app_data(json)
            .app_data(path)
            .app_data(query)
            .app_data(payload)
            .wrap(from_fn(http::problems))
            .wrap(from_fn(http::request_id))
            .route("/healthz", web::get().to(healthz))
            .route("/readyz", web::get().to(readyz))
            .route("/metrics", web::get().to(metrics_text))
            .service(
                utoipa_swagger_ui::SwaggerUi::new("/docs/{_:.*}")
                    .url("/api/openapi.json", doc.clone()),
            )
            .route("/docs", web::get().to(docs_redirect))
            .route(
                "/api/v1/{service}/{tail:.*}",
                web::route().to(proxy::forward),
            )
            .default_service(web::to(http::problems::not_found))
    })
    .workers(2)
    .disable_signals()
    .shutdown_timeout(10)
    .listen(listener)?
    .run();
    let handle = server.handle();
    let task = tokio::spawn(server);
    tracing::info!(%addr, "gateway listening");
    Ok(RunningGateway {
        addr,
        server: handle,
        task,
    })
}

async fn docs_redirect() -> HttpResponse {
    HttpResponse::Found()
        .insert_header(("Location", "/docs/"))
        .finish()
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok", "service": "gateway" }))
}

async fn metrics_text(metrics: web::Data<Arc<Metrics>>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(metrics.render())
}

/// Ready when every service behind the gateway says it is ready.
async fn readyz(state: web::Data<GatewayState>) -> Result<HttpResponse, ApiError> {
    let checks = state.upstreams.services.iter().map(|(name, url)| {
        let client = state.client.clone();
        let url = format!("{}/readyz", url.trim_end_matches('/'));
        let name = name.clone();
        async move {
            let ok = tokio::time::timeout(Duration::from_secs(5), client.get(url).send())
                .await
                .is_ok_and(|r| r.is_ok_and(|r| r.status().is_success()));
            (name, ok)
        }
    });
    let results = futures::future::join_all(checks).await;
    let failing: Vec<String> = results
        .iter()
        .filter(|(_, ok)| !ok)
        .map(|(n, _)| n.clone())
        .collect();
    if failing.is_empty() {
        let services: serde_json::Map<String, serde_json::Value> = results
            .into_iter()
            .map(|(n, _)| (n, serde_json::json!("ready")))
            .collect();
        return Ok(
            HttpResponse::Ok().json(serde_json::json!({ "status": "ready", "services": services }))
        );
    }
    let list = failing.join(", ");
    Err(ApiError::new(ErrorCode::ServiceUnavailable).with_detail(
        format!("Các dịch vụ chưa sẵn sàng: {list}"),
        format!("Services not ready: {list}"),
    ))
}
