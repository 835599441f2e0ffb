//! Key rotation: while the old and the new key are both published, tokens of either pass,
//! at the gateway and at a service that reads the gateway's JWKS; once the old key is
//! removed, its tokens get 401 everywhere, without restarting the service.

use reqwest::Method;
use serde_json::json;
use std::{sync::Arc, time::Duration};

use sangkien_e2e::TestSystem;
use sangkien_kit::{
    SystemClock,
    service::{Shared, ephemeral_listener},
    testing::{TEST_ADMIN_PASSWORD, TestKeys},
};

async fn direct(sys: &TestSystem, intake: &str, token: &str) -> u16 {
    sys.http
        .post(format!("{intake}/api/v1/intake/probes"))
        .bearer_auth(token)
        .json(&json!({ "note": "xoay khóa" }))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn me(sys: &TestSystem, token: &str) -> u16 {
    sys.call(Method::GET, "/api/v1/auth/me", Some(token), None)
        .await
        .unwrap()
        .status
}

#[tokio::test]
async fn tokens_of_a_removed_key_are_refused_after_rotation() {
    let mut sys = TestSystem::start().await.unwrap();
    let (old, new) = (TestKeys::generate().unwrap(), TestKeys::generate().unwrap());
    // A fixed gateway port, so the service's JWKS address survives the restarts.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    sys.restart_with(|s| {
        s.listen = ([127, 0, 0, 1], port).into();
        s.auth.public_keys.clear();
        s.gateway.signing_keys = vec![old.signing_setting()];
    })
    .await
    .unwrap();
    let token_of = |pair: serde_json::Value| pair["access_token"].as_str().unwrap().to_owned();
    let old_token = token_of(sys.sign_in("admin", TEST_ADMIN_PASSWORD).await.unwrap());

    // An intake that knows no key and reads the gateway's JWKS, refreshed every second.
    let mut remote = sys.settings.clone();
    remote.auth.jwks_url = Some(format!("{}/.well-known/jwks.json", sys.url));
    remote.auth.jwks_cache_secs = 1;
    let shared = Shared::from_settings(&remote, Arc::new(SystemClock))
        .await
        .unwrap();
    let intake = sangkien_intake::start(&remote, &shared, ephemeral_listener().unwrap())
        .await
        .unwrap();
    let intake_url = intake.url();
    assert_eq!(me(&sys, &old_token).await, 200);
    assert_eq!(direct(&sys, &intake_url, &old_token).await, 201);

    // Both published: the new key signs, the old one still verifies.
    sys.restart_with(|s| {
        s.gateway.signing_keys = vec![new.signing_setting(), old.signing_setting()];
    })
    .await
    .unwrap();
    let new_token = token_of(sys.sign_in("admin", TEST_ADMIN_PASSWORD).await.unwrap());
    let jwks: serde_json::Value = sys
        .http
        .get(sys.at("/.well-known/jwks.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let kids: Vec<&str> = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap())
        .collect();
    assert_eq!(kids, [new.kid.as_str(), old.kid.as_str()]);
    assert_eq!(me(&sys, &old_token).await, 200);
    assert_eq!(me(&sys, &new_token).await, 200);
    // A service looks a new key up at most once a second (here), so a flood of tokens
    // with made-up key ids cannot make it hammer the gateway.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(direct(&sys, &intake_url, &new_token).await, 201);
    assert_eq!(direct(&sys, &intake_url, &old_token).await, 201);

    // The old key removed: its tokens are refused, the new ones pass.
    sys.restart_with(|s| s.gateway.signing_keys = vec![new.signing_setting()])
        .await
        .unwrap();
    assert_eq!(me(&sys, &old_token).await, 401);
    assert_eq!(me(&sys, &new_token).await, 200);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(
        direct(&sys, &intake_url, &old_token).await,
        401,
        "the service dropped the old key"
    );
    assert_eq!(direct(&sys, &intake_url, &new_token).await, 201);
    intake.stop().await;
    sys.stop().await;
}
