//! End-to-end harness: the whole system started in this process on the test backend
//! (SQLite and in-process events, or PostgreSQL and RabbitMQ with
//! `SK_TEST_BACKEND=distributed`), or the distributed topology of separate processes started
//! by `tests/topology.sh` (`SK_TOPOLOGY_URL`), driven only through the gateway's HTTP API.

pub mod clock;
pub mod contract;
pub mod fake_province;

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

/// An HTTP answer as tests look at it.
#[derive(Debug)]
pub struct Answer {
    /// Status code.
    pub status: u16,
    /// Body as JSON (`null` when empty or not JSON).
    pub body: serde_json::Value,
    /// Headers.
    pub headers: reqwest::header::HeaderMap,
}

impl Answer {
    /// Reads a response.
    pub async fn read(res: reqwest::Response) -> anyhow::Result<Self> {
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let bytes = res.bytes().await?;
        let body = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
        Ok(Self {
            status,
            body,
            headers,
        })
    }

    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

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
    /// The services' clock.
    pub clock: sangkien_kit::clock::SharedClock,
    /// The same clock, when the test may move it in this process.
    manual: Option<sangkien_kit::ManualClock>,
    /// The separate processes of `tests/topology.sh`, when the test runs against them.
    topology: Option<Topology>,
    dir: std::path::PathBuf,
}

/// The distributed topology started by `tests/topology.sh`: where to reach it, the file its
/// services read the time from, and the script that restarts one of its processes.
#[derive(Debug, Clone)]
pub struct Topology {
    /// The clock file (`SK_TOPOLOGY_CLOCK`).
    pub clock_file: std::path::PathBuf,
    /// The control script (`SK_TOPOLOGY_CONTROL`).
    pub control: String,
}

impl Topology {
    /// The topology this test process was started inside, if any.
    pub fn from_env() -> Option<(String, Self)> {
        let url = std::env::var("SK_TOPOLOGY_URL").ok()?;
        Some((
            url,
            Self {
                clock_file: std::env::var("SK_TOPOLOGY_CLOCK").ok()?.into(),
                control: std::env::var("SK_TOPOLOGY_CONTROL").ok()?,
            },
        ))
    }
}

impl TestSystem {
    /// Starts the system on fresh databases, on the real clock.
    pub async fn start() -> anyhow::Result<Self> {
        Self::start_with_clock(Arc::new(SystemClock)).await
    }

    /// Starts the system with the services on `clock` (a `ManualClock` moves through the
    /// year); the gateway keeps the real time for tokens.
    pub async fn start_with_clock(clock: sangkien_kit::clock::SharedClock) -> anyhow::Result<Self> {
        sangkien_kit::install_crypto_provider();
        sangkien_kit::telemetry::init_for_tests();
        let backend = Backend::from_env();
        let dir = testing::scratch_dir("sk-e2e");
        let keys = TestKeys::generate()?;
        let settings = testing::settings(backend, &dir, &keys).await?;
        let shared = Shared::from_settings(&settings, clock.clone()).await?;
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
            clock,
            manual: None,
            topology: None,
            dir,
        })
    }

    /// A system in this process on a `ManualClock` starting at `at`, with its settings changed
    /// by `change` first (a fake province's URL, short backoffs). Not for the topology of
    /// separate processes, whose settings the test does not choose.
    pub async fn start_at_with(
        at: chrono::DateTime<chrono::Utc>,
        change: impl FnOnce(&mut Settings),
    ) -> anyhow::Result<Self> {
        if Topology::from_env().is_some() {
            // Separate processes take their settings from the script's environment
            // (tests/topology.sh sets what the tests need there).
            return Self::start_at(at).await;
        }
        let manual = sangkien_kit::ManualClock::new(at);
        let clock: sangkien_kit::clock::SharedClock = Arc::new(manual.clone());
        sangkien_kit::install_crypto_provider();
        sangkien_kit::telemetry::init_for_tests();
        let backend = Backend::from_env();
        let dir = testing::scratch_dir("sk-e2e");
        let keys = TestKeys::generate()?;
        let mut settings = testing::settings(backend, &dir, &keys).await?;
        change(&mut settings);
        let shared = Shared::from_settings(&settings, clock.clone()).await?;
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
            clock,
            manual: Some(manual),
            topology: None,
            dir,
        })
    }

    /// A system whose time the test moves, starting at `at`: the distributed topology of
    /// separate processes when `tests/topology.sh` started this test (`SK_TOPOLOGY_URL`),
    /// else the whole system in this process on a `ManualClock`.
    pub async fn start_at(at: chrono::DateTime<chrono::Utc>) -> anyhow::Result<Self> {
        let Some((url, topology)) = Topology::from_env() else {
            let manual = sangkien_kit::ManualClock::new(at);
            let mut sys = Self::start_with_clock(Arc::new(manual.clone())).await?;
            sys.manual = Some(manual);
            return Ok(sys);
        };
        sangkien_kit::install_crypto_provider();
        sangkien_kit::telemetry::init_for_tests();
        clock::FileClock::set(&topology.clock_file, at)?;
        Ok(Self {
            backend: Backend::Distributed,
            settings: Settings::default(),
            system: None,
            keys: TestKeys::generate()?,
            url,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()?,
            tenant: Uuid::now_v7(),
            clock: Arc::new(clock::FileClock::new(&topology.clock_file)),
            manual: None,
            topology: Some(topology),
            dir: testing::scratch_dir("sk-topology"),
        })
    }

    /// True when the test drives separate processes.
    pub fn is_topology(&self) -> bool {
        self.topology.is_some()
    }

    /// Moves the services' time to `at` (a system started with [`Self::start_at`]).
    pub fn set_time(&self, at: chrono::DateTime<chrono::Utc>) -> anyhow::Result<()> {
        match (&self.manual, &self.topology) {
            (Some(m), _) => m.set(at),
            (None, Some(t)) => clock::FileClock::set(&t.clock_file, at)?,
            (None, None) => anyhow::bail!("this system runs on the real clock"),
        }
        Ok(())
    }

    /// Kills one process of the topology (`intake`, `appraisal`, `decision`, `gateway`) and
    /// starts it again; in one process, restarts the whole system on the same databases.
    pub async fn restart_service(&mut self, name: &str) -> anyhow::Result<()> {
        let Some(t) = &self.topology else {
            return self.restart_with(|_| {}).await;
        };
        let (control, name_owned) = (t.control.clone(), name.to_owned());
        let status = tokio::task::spawn_blocking(move || {
            std::process::Command::new("bash")
                .arg(control)
                .arg("restart")
                .arg(name_owned)
                .status()
        })
        .await??;
        anyhow::ensure!(status.success(), "restarting {name} failed: {status}");
        Ok(())
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

    /// Signs in and returns the token pair (panics on failure, as tests want).
    pub async fn sign_in(&self, login: &str, password: &str) -> anyhow::Result<serde_json::Value> {
        let res = self
            .http
            .post(self.at("/api/v1/auth/login"))
            .json(&serde_json::json!({ "login": login, "password": password }))
            .send()
            .await?;
        anyhow::ensure!(res.status() == 200, "sign-in failed: {}", res.status());
        Ok(res.json().await?)
    }

    /// An access token of the bootstrap admin.
    pub async fn admin_token(&self) -> anyhow::Result<String> {
        let pair = self.sign_in("admin", testing::TEST_ADMIN_PASSWORD).await?;
        pair["access_token"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| anyhow::anyhow!("no access token"))
    }

    /// Sends `method path` with an optional token and JSON body; returns status, body (JSON
    /// or null) and headers.
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<serde_json::Value>,
    ) -> anyhow::Result<Answer> {
        self.call_with(method, path, token, body, &[]).await
    }

    /// [`Self::call`] with extra request headers (`If-Match`, `Idempotency-Key`, …).
    pub async fn call_with(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<serde_json::Value>,
        headers: &[(&str, &str)],
    ) -> anyhow::Result<Answer> {
        let method_name = method.as_str().to_owned();
        let mut req = self.http.request(method, self.at(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let answer = Answer::read(req.send().await?).await?;
        contract::check(&method_name, path, answer.status, &answer.headers)?;
        Ok(answer)
    }

    /// Stops the system, changes its settings and starts it again on the same databases.
    pub async fn restart_with(&mut self, change: impl FnOnce(&mut Settings)) -> anyhow::Result<()> {
        if let Some(system) = self.system.take() {
            system.stop().await;
        }
        change(&mut self.settings);
        let shared = Shared::from_settings(&self.settings, self.clock.clone()).await?;
        let system = system::start(&self.settings, &shared).await?;
        self.url = system.gateway.url();
        self.system = Some(system);
        Ok(())
    }

    /// The gateway URL of `path`.
    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    /// Stops everything and removes its databases and broker names (the topology script
    /// does that for its own processes).
    pub async fn stop(mut self) {
        if self.topology.is_some() {
            return;
        }
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
            let _ = amqp
                .delete_topology(&["intake", "appraisal", "decision"])
                .await;
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
