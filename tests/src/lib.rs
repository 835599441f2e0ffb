//! End-to-end harness: the whole system started in this process on the test backend
//! (SQLite and in-process events, or PostgreSQL and RabbitMQ with
//! `SK_TEST_BACKEND=distributed`), driven only through the gateway's HTTP API.

use std::{sync::Arc, time::Duration};

use sangkien::system::{self, System};
use sangkien_kit::{
    Settings, SystemClock,
    auth::RoleGrant,
    events::{amqp::AmqpTransport, names::Names},
    service::Shared,
    testing::{self, Backend, TestKeys},
};
use sangkien_proto::Role;
use uuid::Uuid;

/// A running system and a client for it.
pub struct TestSystem {
    /// The backend it runs on.
    pub backend: Backend,
    /// Its settings.
    pub settings: Settings,
    /// The running processes' parts.
    pub system: Option<System>,
    /// Keys its services accept.
    pub keys: TestKeys,
    /// Gateway base URL.
    pub url: String,
    /// HTTP client.
    pub http: reqwest::Client,
    /// The tenant of this test.
    pub tenant: Uuid,
    dir: std::path::PathBuf,
}

impl TestSystem {
    /// Starts the system on fresh databases.
    pub async fn start() -> anyhow::Result<Self> {
        sangkien_kit::install_crypto_provider();
        sangkien_kit::telemetry::init_for_tests();
        let backend = Backend::from_env();
        let dir = testing::scratch_dir("sk-e2e");
        let keys = TestKeys::generate()?;
        let settings = testing::settings(backend, &dir, &keys).await?;
        let shared = Shared::from_settings(&settings, Arc::new(SystemClock)).await?;
        let system = system::start(&settings, &shared).await?;
        let url = system.gateway.url();
        Ok(Self {
            backend,
            settings,
            system: Some(system),
            keys,
            url,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()?,
            tenant: Uuid::now_v7(),
            dir,
        })
    }

    /// A token for a new user holding `role` on a new unit of this test's tenant.
    pub fn token(&self, role: Role) -> anyhow::Result<String> {
        self.keys.token(
            Uuid::now_v7(),
            self.tenant,
            vec![RoleGrant {
                role,
                unit: Uuid::now_v7(),
            }],
        )
    }

    /// The gateway URL of `path`.
    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    /// Stops everything and removes its databases and broker names.
    pub async fn stop(mut self) {
        if let Some(system) = self.system.take() {
            system.stop().await;
        }
        if self.backend == Backend::Distributed {
            let amqp = AmqpTransport::new(
                testing::amqp_url(),
                Names::new(self.settings.events.exchange.clone()),
                3,
                8,
                Duration::from_secs(1),
            );
            let _ = amqp.delete_topology(&["appraisal", "decision"]).await;
        }
        testing::drop_databases(&[
            self.settings.database_url("intake"),
            self.settings.database_url("appraisal"),
            self.settings.database_url("decision"),
            self.settings.database_url("gateway"),
        ])
        .await;
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
