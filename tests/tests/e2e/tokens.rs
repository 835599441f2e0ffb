//! The token matrix: every malformed, forged or misused token is answered 401, by the
//! gateway and by a service called directly, and leaves nothing behind.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::Method;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

use sangkien_e2e::TestSystem;
use sangkien_kit::testing::{TEST_ADMIN_PASSWORD, TestKeys};

fn claims(tenant: &str) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({
        "sub": uuid::Uuid::now_v7(),
        "tenant": tenant,
        "roles": [{ "role": "admin", "unit": uuid::Uuid::now_v7() }],
        "iss": "sangkien",
        "aud": "sangkien",
        "exp": now + 600,
        "iat": now,
        "jti": uuid::Uuid::now_v7().to_string(),
    })
}

fn with(mut c: Value, key: &str, value: Option<Value>) -> Value {
    match value {
        Some(v) => c[key] = v,
        None => {
            c.as_object_mut().unwrap().remove(key);
        }
    }
    c
}

fn b64(v: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap())
}

#[tokio::test]
async fn every_bad_token_is_refused_with_401_and_no_side_effect() {
    let sys = TestSystem::start().await.unwrap();
    let keys = &sys.keys;
    let tenant = sys.tenant.to_string();
    let base = claims(&tenant);
    let valid = keys.sign_json(&base).unwrap();

    let alg_none = format!(
        "{}.{}.",
        b64(&json!({ "alg": "none", "typ": "JWT", "kid": keys.kid })),
        b64(&base)
    );
    let mut hs = Header::new(Algorithm::HS256);
    hs.kid = Some(keys.kid.clone());
    let hs256_with_public_key = jsonwebtoken::encode(
        &hs,
        &base,
        &EncodingKey::from_secret(keys.public_pem.as_bytes()),
    )
    .unwrap();
    let now = chrono::Utc::now().timestamp();
    let expired = keys
        .sign_json(&with(base.clone(), "exp", Some(json!(now - 3600))))
        .unwrap();
    let no_exp = keys.sign_json(&with(base.clone(), "exp", None)).unwrap();
    let wrong_iss = keys
        .sign_json(&with(base.clone(), "iss", Some(json!("someone-else"))))
        .unwrap();
    let wrong_aud = keys
        .sign_json(&with(base.clone(), "aud", Some(json!("another-app"))))
        .unwrap();
    let no_aud = keys.sign_json(&with(base.clone(), "aud", None)).unwrap();
    let stranger = TestKeys::generate().unwrap();
    let unknown_kid = stranger.sign_json(&base).unwrap();
    let mut h = Header::new(Algorithm::EdDSA);
    h.kid = Some(keys.kid.clone());
    let known_kid_wrong_key = {
        let parts: Vec<&str> = unknown_kid.split('.').collect();
        format!(
            "{}.{}.{}",
            b64(&serde_json::to_value(&h).unwrap()),
            parts[1],
            parts[2]
        )
    };
    let tampered = {
        let parts: Vec<&str> = valid.split('.').collect();
        let changed = with(
            base.clone(),
            "roles",
            Some(json!([{ "role": "signer", "unit": uuid::Uuid::now_v7() }])),
        );
        format!("{}.{}.{}", parts[0], b64(&changed), parts[2])
    };

    let cases = [
        ("alg none", alg_none),
        ("HS256 signed with the public key", hs256_with_public_key),
        ("expired", expired),
        ("no exp", no_exp),
        ("wrong iss", wrong_iss),
        ("wrong aud", wrong_aud),
        ("missing aud", no_aud),
        ("unknown kid", unknown_kid),
        ("known kid, other key", known_kid_wrong_key),
        ("payload changed after signing", tampered),
        ("not a JWT", "abc.def".to_owned()),
    ];
    let system = sys.system.as_ref().unwrap();
    let intake = system.services.iter().find(|s| s.name == "intake").unwrap();
    for (name, token) in &cases {
        let through_gateway = sys
            .call(
                Method::POST,
                "/api/v1/intake/probes",
                Some(token),
                Some(json!({ "note": name })),
            )
            .await
            .unwrap();
        assert_eq!(through_gateway.status, 401, "gateway, {name}");
        assert_eq!(through_gateway.body["code"], "unauthenticated", "{name}");
        let direct = sys
            .http
            .post(format!("{}/api/v1/intake/probes", intake.url()))
            .bearer_auth(token)
            .json(&json!({ "note": name }))
            .send()
            .await
            .unwrap();
        assert_eq!(direct.status(), 401, "service, {name}");
        let me = sys
            .call(Method::GET, "/api/v1/auth/me", Some(token), None)
            .await
            .unwrap();
        assert_eq!(me.status, 401, "gateway's own route, {name}");
    }
    let probes = sangkien_intake::store::probe::Entity::find()
        .count(&intake.context.db)
        .await
        .unwrap();
    assert_eq!(probes, 0, "no refused request left anything behind");

    // The valid token works, so the refusals above were about the tokens.
    let ok = sys
        .call(
            Method::POST,
            "/api/v1/intake/probes",
            Some(&valid),
            Some(json!({ "note": "hợp lệ" })),
        )
        .await
        .unwrap();
    assert_eq!(ok.status, 201);

    // A refresh token used twice: the second use fails and the family is revoked.
    let pair = sys.sign_in("admin", TEST_ADMIN_PASSWORD).await.unwrap();
    let refresh = json!({ "refresh_token": pair["refresh_token"] });
    let first = sys
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(refresh.clone()),
        )
        .await
        .unwrap();
    assert_eq!(first.status, 200);
    let second = sys
        .call(Method::POST, "/api/v1/auth/refresh", None, Some(refresh))
        .await
        .unwrap();
    assert_eq!(second.status, 401);
    let successor = json!({ "refresh_token": first.body["refresh_token"] });
    let revoked = sys
        .call(Method::POST, "/api/v1/auth/refresh", None, Some(successor))
        .await
        .unwrap();
    assert_eq!(revoked.status, 401, "the whole family is revoked");
    sys.stop().await;
}
