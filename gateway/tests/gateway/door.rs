//! The door on its own: bodies stream both ways with bounded memory; slow services give 504;
//! oversized bodies 413; rate limits key on the real client; CORS answers the configured
//! origins; the OpenAPI document is valid.

use futures::StreamExt;
use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use sangkien_kit::auth::RoleGrant;
use sangkien_proto::Role;

use crate::harness::{GatewayProcess, fake_intake};

const MIB: u64 = 1024 * 1024;

fn token(gw: &GatewayProcess, role: Role) -> String {
    gw.keys
        .token(
            uuid::Uuid::now_v7(),
            uuid::Uuid::now_v7(),
            vec![RoleGrant {
                role,
                unit: uuid::Uuid::now_v7(),
            }],
        )
        .unwrap()
}

/// Samples the gateway's resident memory until told to stop; returns the peak.
fn sample_peak(gw: &GatewayProcess, stop: Arc<AtomicBool>) -> tokio::task::JoinHandle<u64> {
    let path = format!("/proc/{}/status", gw.child.id());
    tokio::spawn(async move {
        let peak = AtomicU64::new(0);
        while !stop.load(Ordering::SeqCst) {
            let rss = std::fs::read_to_string(&path)
                .unwrap_or_default()
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0);
            peak.fetch_max(rss, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        peak.load(Ordering::SeqCst)
    })
}

#[tokio::test]
async fn a_200_mb_upload_and_download_stream_through_with_bounded_memory() {
    let (intake, fake) = fake_intake();
    let gw = GatewayProcess::start(&intake, "").await;
    let author = token(&gw, Role::Author);
    let client = reqwest::Client::new();
    // Warm up the connection pools and allocator first, then measure.
    let warm = client
        .post(format!("{}/api/v1/intake/dossiers/1/attachments", gw.url))
        .bearer_auth(&author)
        .body(vec![0u8; 4 * MIB as usize])
        .send()
        .await
        .unwrap();
    assert_eq!(warm.status(), 201);
    let baseline = gw.rss_kib();
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = sample_peak(&gw, stop.clone());

    let size_mib = 200;
    let body = futures::stream::iter(
        (0..size_mib).map(|_| Ok::<_, std::io::Error>(bytes::Bytes::from(vec![7u8; MIB as usize]))),
    );
    let started = Instant::now();
    let res = client
        .post(format!("{}/api/v1/intake/dossiers/1/attachments", gw.url))
        .bearer_auth(&author)
        .header("content-type", "application/pdf")
        .body(reqwest::Body::wrap_stream(body))
        .send()
        .await
        .unwrap();
    let upload_secs = started.elapsed().as_secs_f64();
    assert_eq!(res.status(), 201);
    let answer: serde_json::Value = res.json().await.unwrap();
    assert_eq!(answer["received"], size_mib * MIB, "every byte arrived");

    let started = Instant::now();
    let res = client
        .get(format!(
            "{}/api/v1/intake/dossiers/1/attachments/{size_mib}",
            gw.url
        ))
        .bearer_auth(token(&gw, Role::ReceivingOffice))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.content_length(), Some(size_mib * MIB));
    let mut stream = res.bytes_stream();
    let mut got = 0u64;
    while let Some(chunk) = stream.next().await {
        got += chunk.unwrap().len() as u64;
    }
    let download_secs = started.elapsed().as_secs_f64();
    assert_eq!(got, size_mib * MIB);

    stop.store(true, Ordering::SeqCst);
    let peak = sampler.await.unwrap();
    let growth_mib = peak.saturating_sub(baseline) as f64 / 1024.0;
    eprintln!(
        "gateway RSS: baseline {:.1} MiB, peak {:.1} MiB (+{growth_mib:.1} MiB) while streaming {size_mib} MiB up ({:.0} MiB/s) and down ({:.0} MiB/s)",
        baseline as f64 / 1024.0,
        peak as f64 / 1024.0,
        size_mib as f64 / upload_secs,
        size_mib as f64 / download_secs,
    );
    assert!(
        growth_mib < 32.0,
        "the gateway buffered the body: +{growth_mib:.1} MiB"
    );
    gw.stop();
    fake.stop(false).await;
}

#[tokio::test]
async fn a_slow_service_gives_504_within_the_timeout_and_oversized_bodies_413() {
    let (intake, fake) = fake_intake();
    let gw = GatewayProcess::start(&intake, "max_body_bytes = 1024").await;
    let admin = token(&gw, Role::Admin);
    let client = reqwest::Client::new();
    let started = Instant::now();
    let res = client
        .get(format!(
            "{}/api/v1/intake/probes/{}",
            gw.url,
            uuid::Uuid::now_v7()
        ))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    let waited = started.elapsed();
    assert_eq!(res.status(), 504);
    assert_eq!(
        res.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["code"], "upstream_timeout");
    assert!(waited < Duration::from_secs(5), "answered after {waited:?}");

    // Declared too large: refused before anything is sent on.
    let res = client
        .post(format!("{}/api/v1/intake/probes", gw.url))
        .bearer_auth(&admin)
        .body(vec![b'x'; 4096])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    // Undeclared (chunked) and too large: cut on the way.
    let chunks = futures::stream::iter(
        (0..8).map(|_| Ok::<_, std::io::Error>(bytes::Bytes::from(vec![b'x'; 1024]))),
    );
    let res = client
        .post(format!("{}/api/v1/intake/dossiers/1/attachments", gw.url))
        .bearer_auth(token(&gw, Role::Author))
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        201,
        "the upload route has its own, larger limit"
    );
    gw.stop();
    fake.stop(false).await;
}

#[tokio::test]
async fn cors_answers_only_the_configured_origins() {
    let (intake, fake) = fake_intake();
    let gw = GatewayProcess::start(
        &intake,
        r#"cors_origins = ["https://sangkien.vinhphuc.gov.vn"]"#,
    )
    .await;
    let client = reqwest::Client::new();
    let preflight = |origin: &'static str| {
        client
            .request(
                reqwest::Method::OPTIONS,
                format!("{}/api/v1/auth/login", gw.url),
            )
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "content-type")
            .send()
    };
    let ok = preflight("https://sangkien.vinhphuc.gov.vn").await.unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(
        ok.headers()["access-control-allow-origin"],
        "https://sangkien.vinhphuc.gov.vn"
    );
    let other = preflight("https://evil.example").await.unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
    gw.stop();
    fake.stop(false).await;
}

#[tokio::test]
async fn the_openapi_document_passes_a_real_validator() {
    let (intake, fake) = fake_intake();
    let gw = GatewayProcess::start(&intake, "").await;
    let doc = reqwest::get(format!("{}/api/openapi.json", gw.url))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let parsed: serde_json::Value = serde_json::from_str(&doc).unwrap();
    assert_eq!(parsed["openapi"], "3.1.0");
    for path in [
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
        "/api/v1/directory/users",
        "/.well-known/jwks.json",
        "/api/v1/intake/probes",
    ] {
        assert!(parsed["paths"].get(path).is_some(), "{path} documented");
    }
    let file = std::env::temp_dir().join(format!("sangkien-openapi-{}.json", uuid::Uuid::now_v7()));
    std::fs::write(&file, &doc).unwrap();
    let out =
        sangkien_kit::testing::python_with("openapi_spec_validator", "openapi-spec-validator")
            .unwrap()
            .args(["-m", "openapi_spec_validator"])
            .arg(&file)
            .output()
            .expect("python3 is needed to validate the OpenAPI document");
    let _ = std::fs::remove_file(&file);
    assert!(
        out.status.success(),
        "openapi-spec-validator refused the document (pip install openapi-spec-validator):\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // The docs page is served from the binary, with no internet.
    let page = reqwest::get(format!("{}/docs/", gw.url)).await.unwrap();
    assert_eq!(page.status(), 200);
    let js = reqwest::get(format!("{}/docs/swagger-ui-bundle.js", gw.url))
        .await
        .unwrap();
    assert_eq!(js.status(), 200);
    gw.stop();
    fake.stop(false).await;
}

#[tokio::test]
async fn rate_limits_key_on_the_client_behind_a_trusted_proxy() {
    let (intake, fake) = fake_intake();
    let gw = GatewayProcess::start(
        &intake,
        "rate_per_address_per_minute = 5\nrate_per_user_per_minute = 3\ntrusted_proxies = [\"127.0.0.1\"]",
    )
    .await;
    let client = reqwest::Client::new();
    let jwks = |forwarded: &'static str| {
        client
            .get(format!("{}/.well-known/jwks.json", gw.url))
            .header("X-Forwarded-For", forwarded)
            .send()
    };
    for _ in 0..5 {
        assert_eq!(jwks("203.0.113.1").await.unwrap().status(), 200);
    }
    let limited = jwks("203.0.113.1").await.unwrap();
    assert_eq!(limited.status(), 429);
    assert!(limited.headers().get("retry-after").is_some());
    let body: serde_json::Value = limited.json().await.unwrap();
    assert_eq!(body["code"], "rate_limited");
    // Another client behind the same proxy has its own allowance; a spoofed left-most
    // address does not change who the proxy says is calling.
    assert_eq!(jwks("203.0.113.2").await.unwrap().status(), 200);
    assert_eq!(
        jwks("198.51.100.9, 203.0.113.1").await.unwrap().status(),
        429
    );

    // Per user, whatever the address.
    let author = token(&gw, Role::Author);
    let upload = |ip: &'static str| {
        client
            .post(format!("{}/api/v1/intake/dossiers/1/attachments", gw.url))
            .bearer_auth(&author)
            .header("X-Forwarded-For", ip)
            .body("x")
            .send()
    };
    for ip in ["192.0.2.1", "192.0.2.2", "192.0.2.3"] {
        assert_eq!(upload(ip).await.unwrap().status(), 201);
    }
    assert_eq!(upload("192.0.2.4").await.unwrap().status(), 429);
    gw.stop();
    fake.stop(false).await;
}
