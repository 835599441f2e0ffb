//! A fresh database, transport and recording handler per test.

use async_trait::async_trait;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, Statement,
};
use sea_orm_migration::prelude::*;
use std::{
    collections::HashSet,
    path::PathBuf,
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use sangkien_kit::{
    SystemClock,
    clock::SharedClock,
    db,
    events::{
        Consumer, EventHandler, Outbox, OutboxRelay, QueueSpec, SharedTransport,
        amqp::AmqpTransport, names::Names,
    },
    metrics::Metrics,
    service::build_transport,
    settings::Settings,
    testing::{self, Backend, ChaosProxy, TestKeys},
};
use sangkien_proto::{Envelope, events::ProbeSent};

/// The queue the tests consume.
pub const QUEUE: &str = "kit-test";

/// Kit migrations plus an `effects` table the test handler writes to.
pub struct TestMigrator;

#[async_trait]
impl MigratorTrait for TestMigrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        let mut m = sangkien_kit::store::migrations::kit_migrations();
        m.push(Box::new(sangkien_kit::diagnostics::CreateProbeReceipts));
        m.push(Box::new(CreateEffects));
        m
    }
}

struct CreateEffects;

impl MigrationName for CreateEffects {
    fn name(&self) -> &str {
        "m_test_effects"
    }
}

#[async_trait]
impl MigrationTrait for CreateEffects {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE TABLE effects (id TEXT PRIMARY KEY, event_id TEXT NOT NULL, note TEXT NOT NULL)",
            )
            .await?;
        Ok(())
    }
}

/// Handler that writes one `effects` row per event and fails for chosen notes.
#[derive(Default)]
pub struct Recorder {
    pub calls: AtomicUsize,
    pub failing: Mutex<HashSet<String>>,
}

impl Recorder {
    pub fn fail_on(&self, note: &str) {
        self.failing.lock().unwrap().insert(note.to_owned());
    }

    pub fn heal(&self) {
        self.failing.lock().unwrap().clear();
    }
}

#[async_trait]
impl EventHandler for Recorder {
    async fn handle(&self, txn: &DatabaseTransaction, env: &Envelope) -> anyhow::Result<()> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let probe: ProbeSent = env.decode()?;
        if self.failing.lock().unwrap().contains(&probe.note) {
            anyhow::bail!("handler refuses {}", probe.note);
        }
        insert_effect(txn, env.id, &probe.note).await?;
        Ok(())
    }
}

pub async fn insert_effect<C: ConnectionTrait>(
    db: &C,
    event_id: Uuid,
    note: &str,
) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => "INSERT INTO effects (id, event_id, note) VALUES ($1, $2, $3)",
        _ => "INSERT INTO effects (id, event_id, note) VALUES (?, ?, ?)",
    };
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        sql,
        vec![
            Uuid::now_v7().to_string().into(),
            event_id.to_string().into(),
            note.into(),
        ],
    ))
    .await?;
    Ok(())
}

pub async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

pub async fn effects(db: &DatabaseConnection) -> i64 {
    count(db, "SELECT COUNT(*) FROM effects").await
}

/// One test's world.
pub struct Env {
    pub backend: Backend,
    pub dir: PathBuf,
    pub settings: Settings,
    pub db: DatabaseConnection,
    pub transport: SharedTransport,
    pub clock: SharedClock,
    pub metrics: Arc<Metrics>,
    pub outbox: Outbox,
    pub cancel: CancellationToken,
    pub proxy: Option<Arc<ChaosProxy>>,
}

impl Env {
    pub async fn new() -> Env {
        Self::build(false).await
    }

    /// On RabbitMQ, the transport goes through a proxy the test can cut.
    pub async fn with_proxy() -> Env {
        Self::build(true).await
    }

    async fn build(proxied: bool) -> Env {
        sangkien_kit::install_crypto_provider();
        sangkien_kit::telemetry::init_for_tests();
        let backend = Backend::from_env();
        let dir = testing::scratch_dir("sk-kit");
        let keys = TestKeys::generate().unwrap();
        let mut settings = testing::settings(backend, &dir, &keys).await.unwrap();
        let proxy = if proxied && backend == Backend::Distributed {
            let proxy = ChaosProxy::start("127.0.0.1:5672".parse().unwrap())
                .await
                .unwrap();
            settings.events.amqp_url = format!("amqp://guest:guest@{}/%2f", proxy.addr);
            Some(Arc::new(proxy))
        } else {
            None
        };
        let db = db::connect(&settings.database_url("intake"), &settings.database)
            .await
            .unwrap();
        db::migrate::<TestMigrator>(&db, "kit-test").await.unwrap();
        let transport = build_transport(&settings).await.unwrap();
        transport
            .declare(&[QueueSpec {
                service: QUEUE.into(),
                bindings: vec!["probe.sent".into()],
            }])
            .await
            .unwrap();
        Env {
            backend,
            dir,
            settings,
            db,
            transport,
            clock: Arc::new(SystemClock),
            metrics: Arc::new(Metrics::new("kit-test")),
            outbox: Outbox::new(),
            cancel: CancellationToken::new(),
            proxy,
        }
    }

    pub fn probe(&self, note: &str) -> Envelope {
        let p = ProbeSent {
            probe_id: Uuid::now_v7(),
            note: note.to_owned(),
            sent_by: Uuid::now_v7(),
        };
        Envelope::new(&p, Uuid::now_v7(), chrono::Utc::now(), "test-request", None).unwrap()
    }

    /// Writes `envelope` to the outbox in its own transaction, as a service does.
    pub async fn write_event(&self, envelope: &Envelope) {
        use sea_orm::TransactionTrait;
        let txn = self.db.begin().await.unwrap();
        self.outbox
            .enqueue(&txn, envelope, self.clock.now())
            .await
            .unwrap();
        self.outbox.commit(txn).await.unwrap();
    }

    pub fn relay_with(&self, transport: SharedTransport) -> OutboxRelay {
        OutboxRelay::new(
            self.db.clone(),
            transport,
            self.outbox.clone(),
            self.clock.clone(),
            self.metrics.clone(),
            Duration::from_millis(200),
            Duration::from_millis(1000),
        )
    }

    pub fn consumer(&self, handler: Arc<dyn EventHandler>) -> Arc<Consumer> {
        Arc::new(Consumer::new(
            QUEUE,
            self.db.clone(),
            handler,
            self.outbox.clone(),
            self.clock.clone(),
            self.metrics.clone(),
        ))
    }

    pub fn start_consumer(&self, handler: Arc<dyn sangkien_kit::events::DeliveryHandler>) {
        let transport = self.transport.clone();
        let token = self.cancel.child_token();
        tokio::spawn(async move {
            transport
                .run_consumer(
                    QueueSpec {
                        service: QUEUE.into(),
                        bindings: vec!["probe.sent".into()],
                    },
                    handler,
                    token,
                )
                .await;
        });
    }

    pub async fn cleanup(self) {
        self.cancel.cancel();
        tokio::time::sleep(Duration::from_millis(100)).await;
        if self.backend == Backend::Distributed {
            let amqp = AmqpTransport::new(
                testing::amqp_url(),
                Names::new(self.settings.events.exchange.clone()),
                3,
                8,
                Duration::from_secs(1),
            );
            let _ = amqp
                .delete_topology(&[QUEUE, "intake", "appraisal", "decision"])
                .await;
        }
        let _ = self.db.close_by_ref().await;
        testing::drop_databases(&[
            self.settings.database_url("intake"),
            self.settings.database_url("appraisal"),
            self.settings.database_url("decision"),
        ])
        .await;
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
