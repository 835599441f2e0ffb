//! One real event between services.

use std::time::Duration;

use sangkien_e2e::TestSystem;
use sangkien_kit::testing::eventually;
use sangkien_proto::Role;

#[tokio::test]
async fn a_probe_sent_to_intake_reaches_appraisal_and_decision_through_the_event_path() {
    let sys = TestSystem::start().await.unwrap();
    let admin = sys.token(Role::Admin).unwrap();
    let res = sys
        .http
        .post(sys.at("/api/v1/intake/probes"))
        .bearer_auth(&admin)
        .header("X-Request-Id", "probe-e2e-1")
        .json(&serde_json::json!({ "note": "kiểm tra đường truyền sự kiện" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    assert_eq!(res.headers()["x-request-id"], "probe-e2e-1");
    let probe: serde_json::Value = res.json().await.unwrap();
    let id = probe["id"].as_str().unwrap().to_owned();

    for service in ["appraisal", "decision"] {
        let receipt = eventually(Duration::from_secs(20), || {
            let url = sys.at(&format!("/api/v1/{service}/probes/{id}"));
            let req = sys.http.get(url).bearer_auth(&admin);
            async move {
                let res = req.send().await.ok()?;
                if res.status() == 200 {
                    res.json::<serde_json::Value>().await.ok()
                } else {
                    None
                }
            }
        })
        .await;
        let receipt = receipt.unwrap_or_else(|| panic!("the probe never reached {service}"));
        assert_eq!(receipt["probe_id"], id.as_str());
        assert_eq!(receipt["note"], "kiểm tra đường truyền sự kiện");
    }

    // Another tenant cannot see it.
    let stranger = sys
        .keys
        .token(
            uuid::Uuid::now_v7(),
            uuid::Uuid::now_v7(),
            vec![sangkien_kit::auth::RoleGrant {
                role: Role::Admin,
                unit: uuid::Uuid::now_v7(),
            }],
        )
        .unwrap();
    let res = sys
        .http
        .get(sys.at(&format!("/api/v1/appraisal/probes/{id}")))
        .bearer_auth(&stranger)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    sys.stop().await;
}

#[tokio::test]
async fn a_probe_with_a_bad_note_is_refused_and_nothing_is_sent() {
    let sys = TestSystem::start().await.unwrap();
    let admin = sys.token(Role::Admin).unwrap();
    let res = sys
        .http
        .post(sys.at("/api/v1/intake/probes"))
        .bearer_auth(&admin)
        .header("Accept-Language", "en")
        .json(&serde_json::json!({ "note": "x".repeat(501) }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["code"], "validation_failed");
    assert_eq!(body["errors"][0]["field"], "note");
    assert_eq!(body["errors"][0]["code"], "too_long");

    let res = sys
        .http
        .post(sys.at("/api/v1/intake/probes"))
        .bearer_auth(&admin)
        .json(&serde_json::json!({ "note": "ok", "unexpected": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400, "unknown fields are refused");

    let author = sys.token(Role::Author).unwrap();
    let res = sys
        .http
        .post(sys.at("/api/v1/intake/probes"))
        .bearer_auth(&author)
        .json(&serde_json::json!({ "note": "ok" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);

    let intake = sys
        .system
        .as_ref()
        .unwrap()
        .services
        .iter()
        .find(|s| s.name == "intake")
        .unwrap();
    let pending = sangkien_kit::events::outbox::pending_count(&intake.context.db)
        .await
        .unwrap();
    assert_eq!(pending, 0, "no event was written for a refused request");
    sys.stop().await;
}
