//! A small stand-in for the provincial DOST system, implementing docs/province-api.md:
//! `POST /nominations` takes a package with an `Idempotency-Key`, keeps one copy per key and
//! answers a receipt (the same receipt for a key seen before). Tests switch it down (refusing
//! connections, or answering 503, or taking packages but losing the answer) and back up,
//! read what it received, and make it report a result back through the gateway with a
//! province service-account token.

use std::{
    collections::HashMap,
    net::{SocketAddr, TcpListener},
    sync::{Arc, Mutex},
};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, dev::ServerHandle, web};
use serde_json::{Value, json};

/// How the fake province behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Takes packages and answers receipts.
    Up,
    /// Answers 503 without taking anything.
    Unavailable,
    /// Takes the package, then answers 503 as if the answer were lost on the way.
    LosesAnswers,
    /// Refuses every package with 422 and a reason, as for a package it will never accept.
    Rejects,
}

/// One package that reached the province (including repeats of a key).
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The `Idempotency-Key` header.
    pub idempotency_key: String,
    /// The `Authorization` header, if any.
    pub authorization: Option<String>,
    /// The package.
    pub package: Value,
    /// The receipt answered.
    pub receipt_id: String,
    /// False when the key had been seen before.
    pub first: bool,
}

#[derive(Default)]
struct State {
    mode: Option<Mode>,
    deliveries: Vec<Delivery>,
    receipts: HashMap<String, String>,
    refused: usize,
}

/// The running fake province.
pub struct FakeProvince {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    server: Option<(ServerHandle, tokio::task::JoinHandle<std::io::Result<()>>)>,
}

fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

async fn take(
    req: HttpRequest,
    state: web::Data<Arc<Mutex<State>>>,
    body: web::Bytes,
) -> HttpResponse {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let mut s = lock(&state);
    let mode = s.mode.unwrap_or(Mode::Up);
    if mode == Mode::Unavailable {
        s.refused += 1;
        return HttpResponse::ServiceUnavailable().json(json!({ "error": "maintenance" }));
    }
    if mode == Mode::Rejects {
        s.refused += 1;
        return HttpResponse::UnprocessableEntity()
            .json(json!({ "error": "đơn vị chưa đăng ký với Sở KH&CN" }));
    }
    let Some(key) = header("Idempotency-Key") else {
        return HttpResponse::BadRequest().json(json!({ "error": "Idempotency-Key is required" }));
    };
    let Ok(package) = serde_json::from_slice::<Value>(&body) else {
        return HttpResponse::BadRequest().json(json!({ "error": "the body is not JSON" }));
    };
    if package["nomination_id"].as_str() != Some(key.as_str()) {
        return HttpResponse::UnprocessableEntity()
            .json(json!({ "error": "nomination_id differs from Idempotency-Key" }));
    }
    let first = !s.receipts.contains_key(&key);
    let n = s.receipts.len() + 1;
    let receipt_id = s
        .receipts
        .entry(key.clone())
        .or_insert_with(|| format!("SKHCN-2022-{n:04}"))
        .clone();
    s.deliveries.push(Delivery {
        idempotency_key: key,
        authorization: header("Authorization"),
        package,
        receipt_id: receipt_id.clone(),
        first,
    });
    if mode == Mode::LosesAnswers {
        return HttpResponse::ServiceUnavailable().json(json!({ "error": "answer lost" }));
    }
    let body = json!({ "receipt_id": receipt_id, "received_at": chrono::Utc::now() });
    if first {
        HttpResponse::Created().json(body)
    } else {
        HttpResponse::Ok().json(body)
    }
}

impl FakeProvince {
    /// Starts it on a free loopback port, up.
    pub async fn start() -> anyhow::Result<Self> {
        Self::start_on("127.0.0.1:0").await
    }

    /// Starts it on `addr` (the topology script names the port the services were told).
    pub async fn start_on(addr: &str) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        let mut p = Self {
            addr,
            state: Arc::new(Mutex::new(State::default())),
            server: None,
        };
        p.serve(listener)?;
        Ok(p)
    }

    fn serve(&mut self, listener: TcpListener) -> anyhow::Result<()> {
        let data = web::Data::new(self.state.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .app_data(web::PayloadConfig::new(16 * 1024 * 1024))
                .route("/nominations", web::post().to(take))
        })
        .workers(1)
        .disable_signals()
        .shutdown_timeout(1)
        .listen(listener)?
        .run();
        let handle = server.handle();
        self.server = Some((handle, tokio::spawn(server)));
        Ok(())
    }

    /// Its base URL (`province.base_url`).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Changes how it answers.
    pub fn set_mode(&self, mode: Mode) {
        lock(&self.state).mode = Some(mode);
    }

    /// Stops listening: connections are refused until [`Self::come_up`].
    pub async fn go_down(&mut self) {
        if let Some((handle, task)) = self.server.take() {
            handle.stop(false).await;
            let _ = task.await;
        }
    }

    /// Listens again on the same port.
    pub async fn come_up(&mut self) -> anyhow::Result<()> {
        if self.server.is_none() {
            let listener = TcpListener::bind(self.addr)?;
            self.serve(listener)?;
        }
        self.set_mode(Mode::Up);
        Ok(())
    }

    /// Every package received, repeats included.
    pub fn deliveries(&self) -> Vec<Delivery> {
        lock(&self.state).deliveries.clone()
    }

    /// How many distinct nominations it holds.
    pub fn distinct(&self) -> usize {
        lock(&self.state).receipts.len()
    }

    /// How many sendings it answered 503 or 422 without taking them.
    pub fn refused(&self) -> usize {
        lock(&self.state).refused
    }

    /// Reports a result on a nomination through the gateway at `gateway`, as its service
    /// account holding `token`: `POST /api/v1/decision/nominations/{id}/result`.
    pub async fn report_result(
        &self,
        gateway: &str,
        token: &str,
        nomination_id: &str,
        result: &Value,
    ) -> anyhow::Result<crate::Answer> {
        let res = reqwest::Client::new()
            .post(format!(
                "{}/api/v1/decision/nominations/{nomination_id}/result",
                gateway.trim_end_matches('/')
            ))
            .bearer_auth(token)
            .json(result)
            .send()
            .await?;
        crate::Answer::read(res).await
    }

    /// Stops it.
    pub async fn stop(mut self) {
        self.go_down().await;
    }
}
