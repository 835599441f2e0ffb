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
async fn a_service_that_is_down_gives_a_502_problem_not_a_hang() {
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
    assert_eq!(res.status(), 502);
    assert!(started.elapsed().as_secs() < 10);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["code"], "upstream_unavailable");
    assert!(body["detail"].as_str().unwrap().contains("decision"));
    let res = sys.http.get(sys.at("/readyz")).send().await.unwrap();
    assert_eq!(res.status(), 503);
    sys.stop().await;
}
