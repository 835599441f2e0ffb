//! The gateway: the only door of sangkien.
//!
//! It signs people and machine clients in and issues their tokens, keeps the directory of
//! tenants, units, users and role grants, publishes its public keys, checks the route
//! policy and rate limits at the door, routes `/api/v1/<service>/**` to the services with
//! streamed bodies both ways, and serves the merged OpenAPI document and its offline docs.

pub mod accounts;
pub mod api;
pub mod bootstrap;
pub mod console;
pub mod domain;
pub mod guard;
pub mod keys;
pub mod limits;
pub mod openapi;
pub mod openapi_summaries;
pub mod passwords;
pub mod proxy;
pub mod sessions;
pub mod state;
pub mod store;

pub use state::GatewayState;

use actix_cors::Cors;
use actix_web::{
    App, HttpResponse, HttpServer,
    dev::ServerHandle,
    http::{Method, header},
    middleware::{Condition, from_fn},
    web,
};
use sea_orm::DatabaseConnection;
use std::{
    net::{SocketAddr, TcpListener},
    sync::Arc,
    time::Duration,
};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use sangkien_kit::{
    ApiError, ExposeSecret, Settings,
    events::{Outbox, OutboxRelay},
    http,
    local::LocalUpstream,
    metrics::Metrics,
    service::{Shared, open_database},
};
use sangkien_proto::ErrorCode;

use crate::{
    domain::policy::POLICY,
    keys::KeyRing,
    limits::{LoginThrottle, RateLimits},
};

/// Where each service answers.
#[derive(Clone)]
pub struct Upstreams {
    /// `(service name, base URL)`.
    pub services: Vec<(String, String)>,
    /// Services in this process (the standalone binary), called directly instead of over
    /// their URL; empty in the distributed topology.
    pub local: Vec<(String, LocalUpstream)>,
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
            local: Vec::new(),
        }
    }

    /// The in-process application of `service`, if it runs in this process.
    pub fn local(&self, service: &str) -> Option<&LocalUpstream> {
        self.local
            .iter()
            .find(|(name, _)| name == service)
            .map(|(_, l)| l)
    }

    /// The base URL of `service`.
    pub fn get(&self, service: &str) -> Option<&str> {
        self.services
            .iter()
            .find(|(name, _)| name == service)
            .map(|(_, url)| url.trim_end_matches('/'))
    }
}

/// A started gateway.
pub struct RunningGateway {
    /// Where it listens.
    pub addr: SocketAddr,
    /// The identity store (tests read it).
    pub db: DatabaseConnection,
    /// The admin created at this start, with the generated password if any.
    pub created_admin: Option<(String, Option<String>)>,
    server: ServerHandle,
    task: JoinHandle<std::io::Result<()>>,
    cancel: CancellationToken,
    relay: JoinHandle<()>,
}

impl RunningGateway {
    /// Base URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting requests, lets those in progress finish, stops the relay.
    pub async fn stop(self) {
        self.server.stop(true).await;
        let _ = self.task.await;
        self.cancel.cancel();
        let _ = self.relay.await;
    }
}

/// Opens the identity store and runs its migrations (also the `migrate` command).
pub async fn open_store(settings: &Settings) -> anyhow::Result<DatabaseConnection> {
    open_database::<store::Migrator>("gateway", settings).await
}

fn cors(settings: &Settings) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::ACCEPT_LANGUAGE,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            header::HeaderName::from_static("idempotency-key"),
            header::HeaderName::from_static("x-request-id"),
        ])
        .expose_headers([
            header::ETAG,
            header::LOCATION,
            header::RETRY_AFTER,
            header::CONTENT_DISPOSITION,
            header::HeaderName::from_static("x-request-id"),
        ])
        .max_age(3600);
    for origin in &settings.gateway.cors_origins {
        cors = cors.allowed_origin(origin);
    }
    cors
}

/// Starts the gateway on `listener`: identity store, keys (handed to `shared.verifier`, so
/// services in the same process accept them), first admin, directory events, HTTP.
pub async fn start(
    settings: &Settings,
    shared: &Shared,
    upstreams: Upstreams,
    listener: TcpListener,
) -> anyhow::Result<RunningGateway> {
    sangkien_kit::install_crypto_provider();
    let g = &settings.gateway;
    let db = open_store(settings).await?;
    // Identity runs on the real time, whatever clock the services are given: every verifier
    // checks token lifetimes against the real time.
    let clock: sangkien_kit::clock::SharedClock = Arc::new(sangkien_kit::SystemClock);
    let now = clock.now();
    let keys = KeyRing::load(&g.signing_keys, &db, now).await?;
    keys.install(&shared.verifier)?;
    let outbox = Outbox::new();
    let admin_password = settings
        .admin_password
        .as_ref()
        .map(|p| p.expose_secret())
        .filter(|p| !p.is_empty());
    let boot = bootstrap::ensure(&db, &outbox, admin_password, now).await?;
    if let Some((name, generated)) = &boot.created_admin {
        match generated {
            Some(password) => {
                println!("sangkien: first start — created user `{name}` with password: {password}");
                println!("sangkien: this password is shown only once; sign in and change it.");
            }
            None => println!(
                "sangkien: first start — created user `{name}` with the password in SANGKIEN_ADMIN_PASSWORD"
            ),
        }
        tracing::warn!(user = %name, "bootstrap admin created");
    }
    let metrics = Arc::new(shared.metrics.for_service("gateway"));
    let cancel = CancellationToken::new();
    let relay = OutboxRelay::new(
        db.clone(),
        shared.transport.clone(),
        outbox.clone(),
        clock.clone(),
        metrics.clone(),
        Duration::from_millis(settings.events.poll_interval_ms),
        Duration::from_millis(settings.events.max_backoff_ms),
    );
    let relay = tokio::spawn(
        relay
            .run(cancel.child_token())
            .instrument(tracing::info_span!("outbox_relay", service = "gateway")),
    );
    let client = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(g.upstream_connect_timeout_secs.max(1)))
        .read_timeout(Duration::from_secs(g.upstream_timeout_secs.max(1)))
        .pool_idle_timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let state = web::Data::new(GatewayState {
        settings: settings.clone(),
        db: db.clone(),
        outbox,
        clock,
        keys,
        verifier: shared.verifier.clone(),
        upstreams,
        client,
        upstream_timeout: Duration::from_secs(g.upstream_timeout_secs.max(1)),
        rates: RateLimits::new(g),
        logins: LoginThrottle::new(
            g.login_failures_per_account,
            Duration::from_secs(g.login_window_secs),
        ),
        policy: POLICY.to_vec(),
        root_tenant: boot.root_tenant,
        accounts: accounts::AccountGate::default(),
    });
    let verifier = web::Data::new(shared.verifier.clone());
    let metrics = web::Data::new(metrics);
    // Serialised once and shared: the document's structure is several MiB, and each worker
    // (and the server's factory) would otherwise keep its own copy.
    let doc = web::Data::new(OpenApiJson(web::Bytes::from(
        serde_json::to_vec(&openapi::merged().map_err(std::io::Error::other)?)
            .map_err(std::io::Error::other)?,
    )));
    let addr = listener.local_addr()?;
    let cors_settings = settings.clone();
    let with_cors = !settings.gateway.cors_origins.is_empty();
    let server = HttpServer::new(move || {
        let (json, path, query, payload) = http::extractor_configs(64 * 1024);
        App::new()
            .app_data(state.clone())
            .app_data(verifier.clone())
            .app_data(metrics.clone())
            .app_data(doc.clone())
            .app_data(json)
            .app_data(path)
            .app_data(query)
            .app_data(payload)
            .wrap(from_fn(http::whole_numbers::whole_numbers))
            .wrap(from_fn(guard::check))
            .wrap(from_fn(http::problems))
            .wrap(from_fn(http::request_id))
            .wrap(Condition::new(with_cors, cors(&cors_settings)))
            .route("/healthz", web::get().to(healthz))
            .route("/readyz", web::get().to(readyz))
            .route("/metrics", web::get().to(metrics_text))
            .route("/api/openapi.json", web::get().to(openapi_json))
            .service(
                utoipa_swagger_ui::SwaggerUi::new("/docs/{_:.*}")
                    .config(utoipa_swagger_ui::Config::new(["/api/openapi.json"])),
            )
            .route("/docs", web::get().to(docs_redirect))
            .configure(api::configure)
            .route(
                "/api/v1/{service}/{tail:.*}",
                web::route().to(proxy::forward),
            )
            .default_service(web::to(console::serve))
    })
    .on_connect(http::no_delay)
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
        db,
        created_admin: boot.created_admin,
        server: handle,
        task,
        cancel,
        relay,
    })
}

/// The merged OpenAPI document, serialised at start.
struct OpenApiJson(web::Bytes);

async fn openapi_json(doc: web::Data<OpenApiJson>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(doc.0.clone())
}

async fn docs_redirect() -> HttpResponse {
    HttpResponse::Found()
        .insert_header(("Location", "/docs/"))
        .finish()
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok", "service": "gateway" }))
}

/// Every part of the process: in standalone the services' series too, each labelled with its
/// service (they share the process's families).
async fn metrics_text(
    metrics: web::Data<Arc<Metrics>>,
    req: actix_web::HttpRequest,
) -> HttpResponse {
    let accept = req
        .headers()
        .get(actix_web::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok());
    let (content_type, body) = metrics.scrape(accept).await;
    HttpResponse::Ok().content_type(content_type).body(body)
}

/// Ready when the gateway can serve its own requests: its identity store answers. The
/// services behind it are reported (`ready` / `not_ready`) but do not decide: a service that
/// is down answers 503 on its own routes only, and must not take every gateway pod (and with
/// them the healthy services) out of rotation.
async fn readyz(state: web::Data<GatewayState>) -> Result<HttpResponse, ApiError> {
    let store_ok = tokio::time::timeout(Duration::from_secs(2), state.db.ping())
        .await
        .is_ok_and(|r| r.is_ok());
    let checks = state.upstreams.services.iter().map(|(name, url)| {
        let client = state.client.clone();
        let url = format!("{}/readyz", url.trim_end_matches('/'));
        let name = name.clone();
        async move {
            let ok = tokio::time::timeout(Duration::from_secs(2), client.get(url).send())
                .await
                .is_ok_and(|r| r.is_ok_and(|r| r.status().is_success()));
            (name, ok)
        }
    });
    let results = futures::future::join_all(checks).await;
    if store_ok {
        let services: serde_json::Map<String, serde_json::Value> = results
            .into_iter()
            .map(|(n, ok)| (n, serde_json::json!(if ok { "ready" } else { "not_ready" })))
            .collect();
        return Ok(
            HttpResponse::Ok().json(serde_json::json!({ "status": "ready", "services": services }))
        );
    }
    Err(ApiError::new(ErrorCode::ServiceUnavailable)
        .with_detail(
            "Cổng chưa sẵn sàng: không kết nối được kho định danh",
            "The gateway is not ready: cannot reach its identity store",
        )
        .with_retry_after(sangkien_kit::outage::RETRY_AFTER_SECS))
}
