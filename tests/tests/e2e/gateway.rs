//! The gateway: health, readiness, documents, problems, and a service that is down.

use sangkien_e2e::TestSystem;
use sangkien_proto::Role;

#[tokio::test]
async fn health_readiness_metrics_and_the_openapi_document_answer() {
    let sys = TestSystem::start().await.unwrap();
    let res = sys.http.get(sys.at("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let res = sys.http.get(sys.at("/readyz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    for s in ["intake", "appraisal", "decision"] {
        assert_eq!(body["services"][s], "ready");
    }
    let doc: serde_json::Value = sys
        .http
        .get(sys.at("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    for path in [
        "/api/v1/intake/probes",
        "/api/v1/appraisal/probes/{id}",
        "/api/v1/decision/probes/{id}",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} documented");
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    let docs = sys.http.get(sys.at("/docs/")).send().await.unwrap();
    assert_eq!(docs.status(), 200);
    assert!(
        docs.text().await.unwrap().contains("swagger"),
        "docs page served offline"
    );
    let init = sys
        .http
        .get(sys.at("/docs/swagger-initializer.js"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        init.contains("/api/openapi.json"),
        "the docs page reads the one document: {init}"
    );
    let metrics = sys
        .http
        .get(sys.at("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("sangkien_http_requests_total"));
    sys.stop().await;
}

#[tokio::test]
async fn a_service_verifies_the_token_itself_and_refuses_without_one() {
    let sys = TestSystem::start().await.unwrap();
    let system = sys.system.as_ref().unwrap();
    let intake = system.services.iter().find(|s| s.name == "intake").unwrap();
    // Straight to the service, bypassing the gateway.
    let res = sys
        .http
        .post(format!("{}/api/v1/intake/probes", intake.url()))
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let forged = "eyJhbGciOiJFZERTQSIsImtpZCI6Im5vcGUifQ.eyJzdWIiOiJ4In0.c2ln";
    let res = sys
        .http
        .post(format!("{}/api/v1/intake/probes", intake.url()))
        .bearer_auth(forged)
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["code"], "unauthenticated");
    sys.stop().await;
}

#[tokio::test]
async fn a_service_that_is_down_gives_a_503_problem_with_retry_after_not_a_hang() {
    let mut sys = TestSystem::start().await.unwrap();
    let admin = sys.token(Role::Admin).unwrap();
    let mut system = sys.system.take().unwrap();
    let idx = system
        .services
        .iter()
        .position(|s| s.name == "decision")
        .unwrap();
    let decision = system.services.remove(idx);
    decision.stop().await;
    sys.system = Some(system);
    let started = std::time::Instant::now();
    let res = sys
        .http
        .get(sys.at(&format!("/api/v1/decision/probes/{}", uuid::Uuid::now_v7())))
        .bearer_auth(&admin)
        .header("Accept-Language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 503);
    assert!(started.elapsed().as_secs() < 10);
    assert!(
        res.headers().get("retry-after").is_some(),
        "{:?}",
        res.headers()
    );
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["code"], "upstream_unavailable");
    assert!(body["detail"].as_str().unwrap().contains("decision"));
    // Only that service's routes fail: the gateway stays ready (its own store answers), says
    // which service is not, and the others keep serving.
    let res = sys.http.get(sys.at("/readyz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["services"]["decision"], "not_ready");
    assert_eq!(body["services"]["intake"], "ready");
    let res = sys
        .http
        .get(sys.at("/api/v1/intake/plans"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    sys.stop().await;
}

#[tokio::test]
async fn wrong_oversized_and_malformed_bodies_get_problems_in_both_languages() {
    let sys = TestSystem::start().await.unwrap();
    let secretariat = sys.token(Role::CouncilSecretariat).unwrap();
    let big = format!("{{\"symbol\":\"{}\"}}", "x".repeat(2 * 1024 * 1024));
    let res = sys
        .http
        .post(sys.at("/api/v1/intake/plans"))
        .bearer_auth(&secretariat)
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["code"], "payload_too_large");

    let mut titles = Vec::new();
    for lang in ["vi", "en"] {
        let res = sys
            .http
            .post(sys.at("/api/v1/intake/plans"))
            .bearer_auth(&secretariat)
            .header("content-type", "application/json")
            .header("Accept-Language", lang)
            .body("{\"symbol\": ")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400);
        assert_eq!(res.headers()["content-language"], lang);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["code"], "malformed_body");
        titles.push(body["title"].as_str().unwrap().to_owned());
    }
    assert_eq!(
        titles,
        [
            "Nội dung yêu cầu không đúng định dạng",
            "The request body is malformed"
        ]
    );
    let wrong_type = sys
        .http
        .post(sys.at("/api/v1/intake/plans"))
        .bearer_auth(&secretariat)
        .header("Accept-Language", "en")
        .json(&serde_json::json!({ "symbol": "163/KH-UBND", "title": "", "issued_on": "2022-01-18", "year": 1800, "fields": [] }))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_type.status(), 422);
    let body: serde_json::Value = wrong_type.json().await.unwrap();
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["title", "year", "fields"], "every problem listed");
    assert_eq!(body["errors"][0]["message"], "title is required");
    sys.stop().await;
}

/// The gateway's own refusals (401, 403, 404) speak the caller's language like the services'
/// problems do, and name the request (`instance`, `request_id`, `Content-Language`).
#[tokio::test]
async fn the_gateway_s_own_refusals_are_in_the_caller_s_language_with_instance_and_request_id() {
    let sys = TestSystem::start().await.unwrap();
    let author = sys.token(Role::Author).unwrap();
    let cases = [
        ("/api/v1/intake/dossiers", None, 401, "unauthenticated"),
        ("/api/v1/directory/users", Some(&author), 403, "forbidden"),
        ("/api/v1/nowhere", Some(&author), 404, "not_found"),
    ];
    for (path, token, status, code) in cases {
        for (lang, vietnamese) in [("en", false), ("vi", true)] {
            let mut req = sys.http.get(sys.at(path)).header("Accept-Language", lang);
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            let res = req.send().await.unwrap();
            assert_eq!(res.status(), status, "{path} ({lang})");
            assert_eq!(
                res.headers()
                    .get("content-language")
                    .and_then(|v| v.to_str().ok()),
                Some(lang),
                "{path}"
            );
            let body: serde_json::Value = res.json().await.unwrap();
            assert_eq!(body["code"], code, "{body}");
            assert_eq!(body["instance"], path, "{body}");
            assert!(
                body["request_id"].as_str().is_some_and(|r| !r.is_empty()),
                "{body}"
            );
            let text = format!("{} {}", body["title"], body["detail"]);
            let has_vietnamese = text.chars().any(|c| {
                "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹáàãéèíìóòõúùýĐ".contains(c)
            });
            assert_eq!(has_vietnamese, vietnamese, "{path} ({lang}): {text}");
        }
    }
    sys.stop().await;
}

/// The web console is served at `/` without a token: its index for any client-side route
/// (never cached), its hashed assets with their type (cached for good), and `/api/` paths
/// keep their 404 problem.
#[tokio::test]
async fn the_console_is_served_at_the_root_with_its_assets() {
    let sys = TestSystem::start().await.unwrap();
    let mut asset = None;
    for path in ["/", "/dossiers/new"] {
        let res = sys.http.get(sys.at(path)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        assert_eq!(res.headers()["content-type"], "text/html; charset=utf-8");
        assert_eq!(res.headers()["cache-control"], "no-cache");
        let html = res.text().await.unwrap();
        assert!(html.contains("<div id=\"root\">"), "{html}");
        let start = html.find("/assets/").expect("the index names its script");
        let end = start + html[start..].find('"').unwrap();
        asset = Some(html[start..end].to_owned());
    }
    let asset = asset.unwrap();
    let res = sys.http.get(sys.at(&asset)).send().await.unwrap();
    assert_eq!(res.status(), 200, "{asset}");
    assert_eq!(
        res.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert!(
        res.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let missing = sys
        .http
        .get(sys.at("/assets/nope.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    let api = sys.http.get(sys.at("/api/nowhere")).send().await.unwrap();
    assert_eq!(api.status(), 404);
    assert_eq!(api.headers()["content-type"], "application/problem+json");
}
