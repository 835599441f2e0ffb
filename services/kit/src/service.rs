//! Assembling a service: one function that production binaries, the standalone process and
//! the tests all call, so they start exactly the same thing.

use actix_web::{
    App, HttpServer,
    body::MessageBody,
    dev::{ServerHandle, ServiceFactory, ServiceRequest, ServiceResponse},
    middleware::{DefaultHeaders, from_fn},
    web,
};
use sea_orm::DatabaseConnection;
use sea_orm_migration::MigratorTrait;
use std::{
    net::{SocketAddr, TcpListener},
    sync::Arc,
    time::Duration,
};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use crate::{
    auth::Verifier,
    clock::SharedClock,
    db,
    events::Transport,
    events::{
        Consumer, EventHandler, Outbox, OutboxRelay, QueueSpec, SharedTransport,
        amqp::AmqpTransport, in_process::InProcessTransport, names::Names,
    },
    http::{self, health, problems::not_found},
    local::LocalUpstream,
    metrics::Metrics,
    settings::{Settings, TransportKind},
};

pub use crate::context::ServiceContext;

/// What is shared by every service of one process.
#[derive(Clone)]
pub struct Shared {
    /// The event transport.
    pub transport: SharedTransport,
    /// The clock.
    pub clock: SharedClock,
    /// The token verifier.
    pub verifier: Arc<Verifier>,
    /// The process's metric families: each part takes a handle labelled with its name
    /// ([`Metrics::for_service`]), so the standalone `/metrics` shows every part.
    pub metrics: Arc<Metrics>,
}

impl Shared {
    /// Builds the transport and verifier the settings ask for, with the given clock.
    pub async fn from_settings(settings: &Settings, clock: SharedClock) -> anyhow::Result<Self> {
        Ok(Self {
            transport: build_transport(settings).await?,
            clock,
            verifier: Arc::new(Verifier::new(&settings.auth)?),
            metrics: Arc::new(Metrics::new("process")),
        })
    }
}

/// The transport the settings ask for: RabbitMQ, or the in-process queue file.
pub async fn build_transport(settings: &Settings) -> anyhow::Result<SharedTransport> {
    let e = &settings.events;
    Ok(match e.transport {
        TransportKind::Amqp => Arc::new(AmqpTransport::new(
            e.amqp_url.clone(),
            Names::new(e.exchange.clone()),
            e.delivery_limit,
            e.prefetch,
            Duration::from_millis(e.max_backoff_ms),
        )),
        TransportKind::InProcess => {
            let url = e
                .queue_database_url
                .clone()
                .unwrap_or_else(|| settings.sqlite_url("events"));
            let queue_db = db::connect(&url, &settings.database).await?;
            let transport = InProcessTransport::open(
                queue_db,
                e.delivery_limit,
                e.prefetch,
                Duration::from_millis(e.poll_interval_ms),
            )
            .await?;
            // Every service queue exists from the start, so an event published before its
            // consumer first runs is kept for it, as RabbitMQ's declared queues do.
            transport.declare(&crate::events::topology()).await?;
            Arc::new(transport)
        }
    })
}

/// Registers a service's routes (and any data of its own, such as a file store).
pub type Routes = Arc<dyn Fn(&mut web::ServiceConfig) + Send + Sync>;

/// A service's description, given by its crate.
pub struct ServiceSpec {
    /// Name: the URL segment, database file and queue name (`intake`).
    pub name: &'static str,
    /// Registers the routes under `/api/v1/<name>`.
    pub routes: Routes,
    /// The event handler, for a service that consumes events.
    pub handler: Option<Arc<dyn EventHandler>>,
    /// The settings section of the service.
    pub max_body_bytes: usize,
}

/// A started service.
pub struct RunningService {
    /// Its name.
    pub name: String,
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its context (tests read its database through it).
    pub context: ServiceContext,
    /// Its application for callers in the same process (the standalone gateway), which
    /// then skip its HTTP server.
    pub local: LocalUpstream,
    stopped: CancellationToken,
    server: ServerHandle,
    server_task: JoinHandle<std::io::Result<()>>,
    cancel: CancellationToken,
    tasks: Vec<JoinHandle<()>>,
}

impl RunningService {
    /// Base URL (`http://127.0.0.1:port`).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting requests, lets those in progress finish, stops the relay and the
    /// consumers (an event being handled is rolled back and delivered again later).
    pub async fn stop(self) {
        self.stopped.cancel();
        self.server.stop(true).await;
        let _ = self.server_task.await;
        self.cancel.cancel();
        for t in self.tasks {
            let _ = t.await;
        }
    }

    /// Runs a background task of the service (the nominations sender) until the service
    /// stops: it gets a token that is cancelled by [`Self::stop`], which then waits for it.
    pub fn spawn<F, Fut>(&mut self, task: F)
    where
        F: FnOnce(CancellationToken) -> Fut,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        let fut = task(self.cancel.child_token())
            .instrument(tracing::info_span!("task", service = %self.name));
        self.tasks.push(tokio::spawn(fut));
    }

    /// Waits until the HTTP server ends.
    pub async fn wait(&mut self) {
        let _ = (&mut self.server_task).await;
    }
}

/// Connects the service's database and runs its migrations `M`.
pub async fn open_database<M: MigratorTrait>(
    name: &str,
    settings: &Settings,
) -> anyhow::Result<DatabaseConnection> {
    let url = settings.database_url(name);
    let db = db::connect(&url, &settings.database)
        .await
        .map_err(|e| anyhow::anyhow!("{name}: cannot open database: {e}"))?;
    if settings.migrate_on_start {
        db::migrate::<M>(&db, name)
            .await
            .map_err(|e| anyhow::anyhow!("{name}: migrations failed: {e}"))?;
    }
    Ok(db)
}

/// Starts a service on `listener`: database and migrations, outbox relay, consumer, HTTP.
pub async fn start<M: MigratorTrait>(
    spec: ServiceSpec,
    settings: &Settings,
    shared: &Shared,
    listener: TcpListener,
) -> anyhow::Result<RunningService> {
    let name = spec.name;
    let db = open_database::<M>(name, settings).await?;
    let metrics = Arc::new(shared.metrics.for_service(name));
    let outbox = Outbox::new();
    let cancel = CancellationToken::new();
    let mut tasks = Vec::new();
    let poll = Duration::from_millis(settings.events.poll_interval_ms);
    let max_backoff = Duration::from_millis(settings.events.max_backoff_ms);

    let relay = OutboxRelay::new(
        db.clone(),
        shared.transport.clone(),
        outbox.clone(),
        shared.clock.clone(),
        metrics.clone(),
        poll,
        max_backoff,
    );
    // Every log line of the background work names its service (the span's field).
    tasks.push(tokio::spawn(
        relay
            .run(cancel.child_token())
            .instrument(tracing::info_span!("outbox_relay", service = name)),
    ));
    tasks.push(tokio::spawn(
        crate::idempotent::purge_expired_periodically(
            db.clone(),
            shared.clock.clone(),
            cancel.child_token(),
        )
        .instrument(tracing::info_span!("idempotency_purge", service = name)),
    ));
    {
        let (db, transport, m) = (db.clone(), shared.transport.clone(), metrics.clone());
        metrics.on_scrape(Arc::new(move || {
            let (db, transport, m) = (db.clone(), transport.clone(), m.clone());
            Box::pin(async move {
                if let Ok(Ok(n)) = tokio::time::timeout(
                    Duration::from_secs(1),
                    transport.dead_letter_count(m.service()),
                )
                .await
                {
                    m.set_dead_letters(n as i64);
                }
                if let Ok(Ok(n)) =
                    tokio::time::timeout(Duration::from_secs(1), transport.queue_depth(m.service()))
                        .await
                {
                    m.set_consumer_lag(n as i64);
                }
                if let Ok(n) = crate::events::outbox::pending_count(&db).await {
                    m.set_outbox_backlog(n as i64);
                }
            })
        }));
    }

    if let Some(handler) = spec.handler {
        let consumer = Arc::new(
            Consumer::new(
                name,
                db.clone(),
                handler,
                outbox.clone(),
                shared.clock.clone(),
                metrics.clone(),
            )
            .with_delivery_limit(settings.events.delivery_limit),
        );
        let bindings = sangkien_proto::events::subscriptions()
            .into_iter()
            .find(|(s, _)| *s == name)
            .map(|(_, keys)| keys.into_iter().map(str::to_owned).collect())
            .unwrap_or_default();
        let queue = QueueSpec {
            service: name.to_owned(),
            bindings,
        };
        let transport = shared.transport.clone();
        let token = cancel.child_token();
        tasks.push(tokio::spawn(
            async move {
                transport.run_consumer(queue, consumer, token).await;
            }
            .instrument(tracing::info_span!("consumer", service = name)),
        ));
    }

    let context = ServiceContext {
        name: name.to_owned(),
        db,
        outbox,
        clock: shared.clock.clone(),
        metrics: metrics.clone(),
        transport: shared.transport.clone(),
    };
    let addr = listener.local_addr()?;
    let parts = AppParts {
        name,
        ctx: web::Data::new(context.clone()),
        verifier: web::Data::new(shared.verifier.clone()),
        metrics: web::Data::new(metrics),
        settings: web::Data::new(settings.clone()),
        routes: spec.routes,
        max_body: spec.max_body_bytes,
    };
    let http_parts = parts.clone();
    let server = HttpServer::new(move || service_app(http_parts.clone()))
        .on_connect(http::no_delay)
        .workers(2)
        .disable_signals()
        .shutdown_timeout(10)
        .listen(listener)?
        .run();
    let stopped = CancellationToken::new();
    let local = LocalUpstream::new(move || service_app(parts.clone()), stopped.clone());
    let handle = server.handle();
    let server_task = tokio::spawn(server);
    tracing::info!(service = name, %addr, "service listening");
    Ok(RunningService {
        name: name.to_owned(),
        addr,
        context,
        local,
        stopped,
        server: handle,
        server_task,
        cancel,
        tasks,
    })
}

/// What a service's application is made of; cloned into every instance of it (each HTTP
/// worker's, each in-process caller thread's).
#[derive(Clone)]
struct AppParts {
    name: &'static str,
    ctx: web::Data<ServiceContext>,
    verifier: web::Data<Arc<Verifier>>,
    metrics: web::Data<Arc<Metrics>>,
    settings: web::Data<Settings>,
    routes: Routes,
    max_body: usize,
}

/// The service's actix application: the one its HTTP server runs and the one the
/// standalone gateway calls in process ([`LocalUpstream`]), so both see the same
/// middleware, extractor limits and routes.
fn service_app(
    p: AppParts,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let (json, path, query, payload) = http::extractor_configs(p.max_body);
    let routes = p.routes;
    App::new()
        .app_data(p.ctx)
        .app_data(p.verifier)
        .app_data(p.metrics)
        .app_data(p.settings)
        .app_data(json)
        .app_data(path)
        .app_data(query)
        .app_data(payload)
        .wrap(from_fn(http::whole_numbers::whole_numbers))
        .wrap(from_fn(http::problems))
        .wrap(from_fn(http::request_id))
        // No browser may second-guess a declared type: a download is what its
        // Content-Type says (the bytes' sniffed type), never a page to render.
        .wrap(DefaultHeaders::new().add(("X-Content-Type-Options", "nosniff")))
        .configure(health::configure)
        .service(
            web::scope(&format!("/api/v1/{}", p.name))
                .route("/audit", web::get().to(http::audit::list))
                .configure(move |cfg| routes(cfg)),
        )
        .default_service(web::to(not_found))
}

/// A loopback listener on a free port.
pub fn ephemeral_listener() -> std::io::Result<TcpListener> {
    TcpListener::bind("127.0.0.1:0")
}
