//! Helpers for tests of every crate: which backend to run against, fresh databases,
//! isolated broker names, signed tokens, a TCP proxy that cuts the broker away, and
//! waiting for something to become true.
//!
//! Tests run against SQLite and the in-process transport by default, and against the real
//! PostgreSQL and RabbitMQ with `SK_TEST_BACKEND=distributed` (`SK_TEST_PG_URL`,
//! `SK_TEST_AMQP_URL` override their addresses). Nothing here is used by production code.

use std::{
    future::Future,
    net::SocketAddr,
    path::PathBuf,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use ed25519_dalek::{
    SigningKey,
    pkcs8::{EncodePrivateKey, EncodePublicKey, spki::der::pem::LineEnding},
};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use sea_orm::{ConnectionTrait, Database};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::{
    auth::{Claims, RoleGrant},
    settings::{PublicKeySetting, Settings, TransportKind},
};

/// Where tests run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite files and the in-process transport.
    Standalone,
    /// PostgreSQL and RabbitMQ.
    Distributed,
}

impl Backend {
    /// From `SK_TEST_BACKEND` (`standalone` by default, or `distributed`).
    pub fn from_env() -> Self {
        match std::env::var("SK_TEST_BACKEND").as_deref() {
            Ok("distributed") => Backend::Distributed,
            _ => Backend::Standalone,
        }
    }
}

/// PostgreSQL server URL without a database.
pub fn pg_server_url() -> String {
    std::env::var("SK_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// RabbitMQ URL.
pub fn amqp_url() -> String {
    std::env::var("SK_TEST_AMQP_URL")
        .unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672/%2f".into())
}

/// A unique, short, lowercase name for this test's databases and exchange.
pub fn unique_name(prefix: &str) -> String {
    format!("{prefix}_{}", Uuid::now_v7().simple())
}

/// A scratch directory for this test.
pub fn scratch_dir(prefix: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(unique_name(prefix));
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// Creates an empty database for `name` and returns its URL: a SQLite file under `dir`, or
/// a new PostgreSQL database.
pub async fn fresh_database(
    backend: Backend,
    dir: &std::path::Path,
    name: &str,
) -> anyhow::Result<String> {
    match backend {
        Backend::Standalone => Ok(format!("sqlite://{}/{name}.db?mode=rwc", dir.display())),
        Backend::Distributed => {
            let server = pg_server_url();
            let admin = Database::connect(format!("{server}/postgres")).await?;
            let db_name = unique_name(&format!("sk_{name}"));
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{db_name}\""))
                .await?;
            admin.close().await?;
            Ok(format!("{server}/{db_name}"))
        }
    }
}

/// Drops the PostgreSQL databases among `urls` (SQLite files go with their directory).
pub async fn drop_databases(urls: &[String]) {
    let server = pg_server_url();
    let Ok(admin) = Database::connect(format!("{server}/postgres")).await else {
        return;
    };
    for url in urls.iter().filter(|u| u.starts_with("postgres")) {
        if let Some(name) = url.rsplit('/').next() {
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await;
        }
    }
    let _ = admin.close().await;
}

/// A signing key and the matching public key for tokens in tests.
pub struct TestKeys {
    /// Key id.
    pub kid: String,
    encoding: EncodingKey,
    /// The public key in PEM, for `auth.public_keys`.
    pub public_pem: String,
    /// The private key in PEM, for `gateway.signing_keys`.
    pub private_pem: String,
}

impl TestKeys {
    /// A fresh Ed25519 key pair.
    pub fn generate() -> anyhow::Result<Self> {
        let signing = SigningKey::from_bytes(&rand::random::<[u8; 32]>());
        let private_pem = signing
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let public_pem = signing
            .verifying_key()
            .to_public_key_pem(LineEnding::LF)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(Self {
            kid: unique_name("test-key"),
            encoding: EncodingKey::from_ed_pem(private_pem.as_bytes())?,
            public_pem,
            private_pem: private_pem.to_string(),
        })
    }

    /// The key as a setting.
    pub fn setting(&self) -> PublicKeySetting {
        PublicKeySetting {
            kid: self.kid.clone(),
            pem: self.public_pem.clone(),
        }
    }

    /// The key as the gateway's signing key.
    pub fn signing_setting(&self) -> crate::settings::SigningKeySetting {
        crate::settings::SigningKeySetting {
            kid: self.kid.clone(),
            pem: self.private_pem.clone().into(),
        }
    }

    /// A token for `user` in `tenant` with `roles`, valid for an hour.
    pub fn token(&self, user: Uuid, tenant: Uuid, roles: Vec<RoleGrant>) -> anyhow::Result<String> {
        let now = chrono::Utc::now().timestamp();
        self.sign(&Claims {
            sub: user,
            tenant,
            roles,
            name: Some("Người kiểm thử".into()),
            iss: "sangkien".into(),
            aud: "sangkien".into(),
            exp: now + 3600,
            iat: now,
            jti: Uuid::now_v7().to_string(),
        })
    }

    /// Signs any JSON as claims (a token with a claim missing).
    pub fn sign_json(&self, claims: &serde_json::Value) -> anyhow::Result<String> {
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.kid.clone());
        Ok(jsonwebtoken::encode(&header, claims, &self.encoding)?)
    }

    /// Signs arbitrary claims (expired, wrong audience…).
    pub fn sign(&self, claims: &Claims) -> anyhow::Result<String> {
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.kid.clone());
        Ok(jsonwebtoken::encode(&header, claims, &self.encoding)?)
    }
}

/// The bootstrap admin's password in tests.
pub const TEST_ADMIN_PASSWORD: &str = "kiem-thu-quan-tri-2026";

/// Settings for a test: every service on its own fresh database, the transport of
/// `backend` with a unique exchange (or a queue file under `dir`), fast polling.
pub async fn settings(
    backend: Backend,
    dir: &std::path::Path,
    keys: &TestKeys,
) -> anyhow::Result<Settings> {
    let mut s = Settings {
        data_dir: dir.to_path_buf(),
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        ..Settings::default()
    };
    s.auth.public_keys = vec![keys.setting()];
    s.gateway.signing_keys = vec![keys.signing_setting()];
    s.admin_password = Some(TEST_ADMIN_PASSWORD.into());
    s.events.poll_interval_ms = 200;
    s.events.max_backoff_ms = 1000;
    s.events.delivery_limit = 3;
    s.events.exchange = unique_name("sk-test");
    s.intake.database_url = Some(fresh_database(backend, dir, "intake").await?);
    s.appraisal.database_url = Some(fresh_database(backend, dir, "appraisal").await?);
    s.decision.database_url = Some(fresh_database(backend, dir, "decision").await?);
    s.gateway.database_url = Some(fresh_database(backend, dir, "gateway").await?);
    match backend {
        Backend::Standalone => {
            s.events.transport = TransportKind::InProcess;
            s.events.queue_database_url =
                Some(format!("sqlite://{}/events.db?mode=rwc", dir.display()));
        }
        Backend::Distributed => {
            s.events.transport = TransportKind::Amqp;
            s.events.amqp_url = amqp_url();
        }
    }
    Ok(s)
}

/// Waits until `check` returns `Some`, polling every 50 ms, at most `timeout`.
pub async fn eventually<T, F, Fut>(timeout: Duration, mut check: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Some(v) = check().await {
            return Some(v);
        }
        if tokio::time::Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A TCP proxy in front of a server that a test can cut (every connection dropped, new ones
/// refused) and restore, to play a broker outage without stopping the shared broker.
pub struct ChaosProxy {
    /// Where clients connect.
    pub addr: SocketAddr,
    up: Arc<AtomicBool>,
    cut: Arc<std::sync::Mutex<CancellationToken>>,
    stop: CancellationToken,
}

impl ChaosProxy {
    /// A proxy to `upstream` on a free loopback port.
    pub async fn start(upstream: SocketAddr) -> anyhow::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let up = Arc::new(AtomicBool::new(true));
        let cut = Arc::new(std::sync::Mutex::new(CancellationToken::new()));
        let stop = CancellationToken::new();
        let (up2, cut2, stop2) = (up.clone(), cut.clone(), stop.clone());
        tokio::spawn(async move {
            loop {
                let accepted = tokio::select! {
                    _ = stop2.cancelled() => return,
                    a = listener.accept() => a,
                };
                let Ok((mut client, _)) = accepted else {
                    continue;
                };
                if !up2.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let token = cut2.lock().map(|t| t.clone()).unwrap_or_default();
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    tokio::select! {
                        _ = token.cancelled() => {}
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                    }
                });
            }
        });
        Ok(Self {
            addr,
            up,
            cut,
            stop,
        })
    }

    /// Drops every open connection and refuses new ones.
    pub fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        if let Ok(mut t) = self.cut.lock() {
            t.cancel();
            *t = CancellationToken::new();
        }
    }

    /// Accepts connections again.
    pub fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

impl Drop for ChaosProxy {
    fn drop(&mut self) {
        self.stop.cancel();
        if let Ok(t) = self.cut.lock() {
            t.cancel();
        }
    }
}

/// A `python3` command that can import `module`: when the system's Python lacks it, `pip`
/// installs `requirement` once into a directory under the system's temp dir, put on
/// `PYTHONPATH`. Tests that need a real tool from PyPI (an OpenAPI validator, an
/// S3-compatible server) call this, so `cargo test` needs only Python and the network.
pub fn python_with(module: &str, requirement: &str) -> anyhow::Result<std::process::Command> {
    let importable = |path: Option<&std::path::Path>| {
        let mut check = std::process::Command::new("python3");
        check.args(["-c", &format!("import {module}")]);
        if let Some(p) = path {
            check.env("PYTHONPATH", p);
        }
        check
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if importable(None) {
        return Ok(std::process::Command::new("python3"));
    }
    let dir = std::env::temp_dir().join("sangkien-test-python");
    if !importable(Some(&dir)) {
        let status = std::process::Command::new("python3")
            .args(["-m", "pip", "install", "--quiet", "--target"])
            .arg(&dir)
            .arg(requirement)
            .status()?;
        anyhow::ensure!(
            status.success() && importable(Some(&dir)),
            "python3 cannot import {module}; `pip install '{requirement}'` failed"
        );
    }
    let mut cmd = std::process::Command::new("python3");
    cmd.env("PYTHONPATH", &dir);
    Ok(cmd)
}

/// Checks that a service's OpenAPI document equals the file committed beside its crate
/// (`openapi.json`), so the gateway can merge the committed files without compiling the
/// services, and a change of the code without its file fails the service's own tests.
/// With `SK_UPDATE_OPENAPI=1` the file is rewritten instead.
pub fn assert_committed_openapi(doc: &utoipa::openapi::OpenApi, file: &std::path::Path) {
    let live = serde_json::to_value(doc).unwrap_or_default();
    let mut text = serde_json::to_string_pretty(&live).unwrap_or_default();
    text.push('\n');
    if std::env::var_os("SK_UPDATE_OPENAPI").is_some() {
        if let Err(e) = std::fs::write(file, &text) {
            panic!("cannot write {}: {e}", file.display());
        }
        return;
    }
    let committed: serde_json::Value = std::fs::read_to_string(file)
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default();
    assert!(
        committed == live,
        "{} differs from the crate's OpenAPI document; regenerate it with \
         `SK_UPDATE_OPENAPI=1 cargo test -p <crate> committed_openapi` and commit it",
        file.display()
    );
}

/// The test every service crate carries for [`assert_committed_openapi`]: expands to a
/// `committed_openapi` test module comparing `$doc` with the crate's `openapi.json`.
#[macro_export]
macro_rules! committed_openapi_test {
    ($doc:path) => {
        #[cfg(test)]
        mod committed_openapi {
            /// The gateway merges the committed `openapi.json` without compiling this crate,
            /// so the file must be exactly this crate's document.
            #[test]
            fn the_committed_openapi_json_is_this_crate_s_document() {
                let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
                $crate::testing::assert_committed_openapi(&$doc(), &file);
            }
        }
    };
}

/// One service started alone for its crate's own tests (`tests/<crate>/`): a fresh SQLite
/// database and the in-process transport, test keys, a tenant of its own, and a client for
/// the service's routes under `/api/v1/<name>`. Each service crate calls [`Alone::start`]
/// with its `start` function instead of writing this harness again.
pub struct Alone {
    /// The running service (its context holds the database the test may read).
    pub service: crate::service::RunningService,
    /// The keys its tokens are signed with.
    pub keys: TestKeys,
    /// The client the calls go through.
    pub http: reqwest::Client,
    /// The test's tenant.
    pub tenant: Uuid,
    /// `http://127.0.0.1:<port>/api/v1/<name>`.
    pub base: String,
    _dir: PathBuf,
}

impl Alone {
    /// Starts the service `name` through `start` (the crate's own `start`, given owned
    /// settings and shared state) on port 0.
    pub async fn start<F, Fut>(name: &str, start: F) -> anyhow::Result<Self>
    where
        F: FnOnce(Settings, crate::service::Shared, std::net::TcpListener) -> Fut,
        Fut: Future<Output = anyhow::Result<crate::service::RunningService>>,
    {
        crate::install_crypto_provider();
        crate::telemetry::init_for_tests();
        let dir = scratch_dir(&format!("sk-{name}"));
        let keys = TestKeys::generate()?;
        let settings = self::settings(Backend::Standalone, &dir, &keys).await?;
        let shared =
            crate::service::Shared::from_settings(&settings, Arc::new(crate::SystemClock)).await?;
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        let service = start(settings, shared, listener).await?;
        let base = format!("{}/api/v1/{name}", service.url());
        Ok(Self {
            service,
            keys,
            http: reqwest::Client::new(),
            tenant: Uuid::now_v7(),
            base,
            _dir: dir,
        })
    }

    /// A token for `user` of `tenant` holding each of `roles` (on no particular unit).
    pub fn token_as(
        &self,
        tenant: Uuid,
        user: Uuid,
        roles: &[sangkien_proto::Role],
    ) -> anyhow::Result<String> {
        let grants = roles
            .iter()
            .map(|r| RoleGrant {
                role: *r,
                unit: Uuid::nil(),
            })
            .collect();
        self.keys.token(user, tenant, grants)
    }

    /// A token for someone new of the test's tenant holding `roles`.
    pub fn token(&self, roles: &[sangkien_proto::Role]) -> anyhow::Result<String> {
        self.token_as(self.tenant, Uuid::now_v7(), roles)
    }

    /// Sends `method path` (under [`Self::base`]) with `token`, an optional JSON body and
    /// extra headers (`If-Match`, `Idempotency-Key`).
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<serde_json::Value>,
        headers: &[(&str, &str)],
    ) -> reqwest::Result<reqwest::Response> {
        let mut r = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token);
        for (name, value) in headers {
            r = r.header(*name, *value);
        }
        if let Some(b) = body {
            r = r.json(&b);
        }
        r.send().await
    }
}

/// The `code` of a problem answer (empty when the body is not a problem).
pub async fn code_of(r: reqwest::Response) -> String {
    let body: serde_json::Value = r.json().await.unwrap_or_default();
    body["code"].as_str().unwrap_or_default().to_owned()
}

/// The fields a problem's `errors` name, in order.
pub async fn fields_of(r: reqwest::Response) -> Vec<String> {
    let body: serde_json::Value = r.json().await.unwrap_or_default();
    body["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e["field"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}
