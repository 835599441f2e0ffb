//! The app under test: intake alone on port 0 with test keys and a tenant.

use std::sync::Arc;

use reqwest::Response;
use serde_json::Value;
use uuid::Uuid;

use sangkien_kit::{
    SystemClock,
    auth::RoleGrant,
    service::{RunningService, Shared},
    testing::{self, Backend, TestKeys},
};
use sangkien_proto::Role;

/// Intake running alone, and who acts on it.
pub struct App {
    /// Kept so the service runs as long as the test.
    _service: RunningService,
    pub keys: TestKeys,
    pub http: reqwest::Client,
    pub tenant: Uuid,
    pub base: String,
    _dir: std::path::PathBuf,
}

impl App {
    /// Starts intake on a fresh SQLite database and the in-process transport.
    pub async fn start() -> Self {
        sangkien_kit::install_crypto_provider();
        sangkien_kit::telemetry::init_for_tests();
        let dir = testing::scratch_dir("sk-intake");
        let keys = TestKeys::generate().expect("keys");
        let settings = testing::settings(Backend::Standalone, &dir, &keys)
            .await
            .expect("settings");
        let shared = Shared::from_settings(&settings, Arc::new(SystemClock))
            .await
            .expect("shared");
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
        let service = sangkien_intake::start(&settings, &shared, listener)
            .await
            .expect("intake starts");
        let base = format!("{}/api/v1/intake", service.url());
        Self {
            _service: service,
            keys,
            http: reqwest::Client::new(),
            tenant: Uuid::now_v7(),
            base,
            _dir: dir,
        }
    }

    /// A token for a new user of `tenant` holding `roles`.
    pub fn token_in(&self, tenant: Uuid, roles: &[Role]) -> String {
        let grants = roles
            .iter()
            .map(|r| RoleGrant {
                role: *r,
                unit: Uuid::nil(),
            })
            .collect();
        self.keys
            .token(Uuid::now_v7(), tenant, grants)
            .expect("token")
    }

    /// A token for a new user of the test's tenant.
    pub fn token(&self, roles: &[Role]) -> String {
        self.token_in(self.tenant, roles)
    }

    /// Sends `method path` with `token`, an optional JSON body and extra headers.
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Response {
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
        r.send().await.expect("request")
    }
}

/// The `code` of a problem answer.
pub async fn code_of(r: Response) -> String {
    let body: Value = r.json().await.expect("problem body");
    body["code"].as_str().unwrap_or_default().to_owned()
}
