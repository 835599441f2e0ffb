//! A `sangkien-gateway` process and a fake intake service it routes to.

use actix_web::{App, HttpResponse, HttpServer, web};
use futures::StreamExt;
use std::{
    io::Write,
    net::TcpListener,
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use sangkien_kit::testing::{TEST_ADMIN_PASSWORD, TestKeys, scratch_dir};

/// Counts an upload's bytes without keeping them.
async fn upload(mut body: web::Payload) -> HttpResponse {
    let mut n: u64 = 0;
    while let Some(chunk) = body.next().await {
        match chunk {
            Ok(c) => n += c.len() as u64,
            Err(_) => return HttpResponse::BadRequest().finish(),
        }
    }
    HttpResponse::Created().json(serde_json::json!({ "received": n }))
}

/// Streams `MiB` mebibytes of zeros.
async fn download(path: web::Path<(String, u64)>) -> HttpResponse {
    let mib = path.1;
    let chunks = futures::stream::iter(
        (0..mib).map(|_| Ok::<_, std::io::Error>(bytes::Bytes::from(vec![0u8; 1024 * 1024]))),
    );
    HttpResponse::Ok()
        .content_type("application/pdf")
        .no_chunking(mib * 1024 * 1024)
        .streaming(chunks)
}

/// Never answers in time.
async fn slow() -> HttpResponse {
    tokio::time::sleep(Duration::from_secs(30)).await;
    HttpResponse::Ok().finish()
}

/// The fake intake: uploads counted, downloads generated, one slow route.
pub fn fake_intake() -> (String, actix_web::dev::ServerHandle) {
    sangkien_kit::install_crypto_provider();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = HttpServer::new(|| {
        App::new()
            .app_data(web::PayloadConfig::new(usize::MAX))
            .route(
                "/api/v1/intake/dossiers/{id}/attachments",
                web::post().to(upload),
            )
            .route(
                "/api/v1/intake/dossiers/{id}/attachments/{mib}",
                web::get().to(download),
            )
            .route("/api/v1/intake/probes/{id}", web::get().to(slow))
    })
    .workers(1)
    .disable_signals()
    .listen(listener)
    .unwrap()
    .run();
    let handle = server.handle();
    tokio::spawn(server);
    (url, handle)
}

/// A running gateway process.
pub struct GatewayProcess {
    pub child: Child,
    pub url: String,
    pub keys: TestKeys,
    dir: PathBuf,
}

impl GatewayProcess {
    /// Starts the gateway binary routing intake to `intake_url`; `extra` holds more lines
    /// of its `[gateway]` settings.
    pub async fn start(intake_url: &str, extra: &str) -> Self {
        let dir = scratch_dir("sk-gw");
        let keys = TestKeys::generate().unwrap();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let config = dir.join("gateway.toml");
        let mut f = std::fs::File::create(&config).unwrap();
        write!(
            f,
            r#"listen = "127.0.0.1:{port}"
data_dir = "{dir}"
admin_password = "{TEST_ADMIN_PASSWORD}"

[events]
transport = "in_process"

[intake]
url = "{intake_url}"

[gateway]
upstream_timeout_secs = 2
body_limits = [{{ pattern = "/api/v1/intake/dossiers/{{id}}/attachments", max_bytes = 300000000 }}]
{extra}

[[gateway.signing_keys]]
kid = "{kid}"
pem = """
{pem}"""
"#,
            dir = dir.display(),
            kid = keys.kid,
            pem = keys.private_pem.trim(),
        )
        .unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_sangkien-gateway"))
            .env("SANGKIEN_CONFIG", &config)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let url = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        let started = Instant::now();
        loop {
            if client
                .get(format!("{url}/healthz"))
                .send()
                .await
                .is_ok_and(|r| r.status() == 200)
            {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "gateway did not start"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Self {
            child,
            url,
            keys,
            dir,
        }
    }

    /// Resident memory of the process, in KiB.
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    /// Stops the process and removes its files.
    pub fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
