//! Token verification and the problem+json plumbing.

use actix_web::{App, HttpResponse, test, web};
use std::sync::Arc;
use uuid::Uuid;

use sangkien_kit::{
    ApiError,
    auth::{Caller, Claims, RoleGrant, Verifier},
    http,
    settings::AuthSettings,
    testing::TestKeys,
};
use sangkien_proto::Role;

fn verifier(keys: &TestKeys) -> Verifier {
    sangkien_kit::install_crypto_provider();
    Verifier::new(&AuthSettings {
        public_keys: vec![keys.setting()],
        ..AuthSettings::default()
    })
    .unwrap()
}

fn claims(exp_offset: i64, aud: &str) -> Claims {
    let now = chrono::Utc::now().timestamp();
    Claims {
        sub: Uuid::now_v7(),
        tenant: Uuid::now_v7(),
        roles: vec![RoleGrant {
            role: Role::Admin,
            unit: Uuid::now_v7(),
        }],
        name: None,
        iss: "sangkien".into(),
        aud: aud.into(),
        exp: now + exp_offset,
        iat: now,
        jti: "j".into(),
    }
}

#[tokio::test]
async fn a_valid_token_is_accepted_and_expired_or_foreign_ones_are_refused() {
    let keys = TestKeys::generate().unwrap();
    let v = verifier(&keys);
    let ok = keys.sign(&claims(600, "sangkien")).unwrap();
    assert_eq!(v.verify(&ok).await.unwrap().roles[0].role, Role::Admin);
    let expired = keys.sign(&claims(-3600, "sangkien")).unwrap();
    assert!(v.verify(&expired).await.is_err());
    let other_audience = keys.sign(&claims(600, "someone-else")).unwrap();
    assert!(v.verify(&other_audience).await.is_err());
    let stranger = TestKeys::generate().unwrap();
    let unknown_key = stranger.sign(&claims(600, "sangkien")).unwrap();
    assert!(v.verify(&unknown_key).await.is_err());
    assert!(v.verify("not.a.token").await.is_err());
}

#[tokio::test]
async fn a_remembered_token_is_served_again_but_a_tampered_copy_and_withdrawn_keys_are_not() {
    let keys = TestKeys::generate().unwrap();
    let v = Verifier::new(&AuthSettings::default()).unwrap();
    let local = |k: &TestKeys| {
        vec![(
            k.kid.clone(),
            jsonwebtoken::DecodingKey::from_ed_pem(k.public_pem.as_bytes()).unwrap(),
        )]
    };
    v.set_local_keys(local(&keys));
    let ok = keys.sign(&claims(600, "sangkien")).unwrap();
    let first = v.verify(&ok).await.unwrap();
    let again = v.verify(&ok).await.unwrap();
    assert_eq!(first.sub, again.sub);
    assert_eq!(again.roles[0].role, Role::Admin);
    // The same header and claims with another signature: not the remembered token.
    let (signed, _) = ok.rsplit_once('.').unwrap();
    let tampered = format!("{signed}.{}", "A".repeat(86));
    assert!(v.verify(&tampered).await.is_err());
    // Keys replaced (the gateway restarted with new keys): the remembered token is refused.
    let next = TestKeys::generate().unwrap();
    v.set_local_keys(local(&next));
    assert!(v.verify(&ok).await.is_err());
}

async fn whoami(caller: Caller) -> Result<HttpResponse, ApiError> {
    caller.require_any(&[Role::Admin])?;
    Ok(HttpResponse::Ok()
        .json(serde_json::json!({ "user": caller.user, "request_id": caller.request_id })))
}

async fn echo(body: web::Json<serde_json::Value>) -> HttpResponse {
    HttpResponse::Ok().json(body.into_inner())
}

#[actix_web::test]
async fn errors_are_problems_in_the_callers_language_with_the_request_id() {
    let keys = TestKeys::generate().unwrap();
    let v = web::Data::new(Arc::new(verifier(&keys)));
    let (json, path, query, payload) = http::extractor_configs(64);
    let app = test::init_service(
        App::new()
            .app_data(v)
            .app_data(json)
            .app_data(path)
            .app_data(query)
            .app_data(payload)
            .wrap(actix_web::middleware::from_fn(http::problems))
            .wrap(actix_web::middleware::from_fn(http::request_id))
            .route("/whoami", web::get().to(whoami))
            .route("/echo", web::post().to(echo))
            .route(
                "/ids/{id}",
                web::get().to(|id: web::Path<Uuid>| async move {
                    HttpResponse::Ok().body(id.to_string())
                }),
            )
            .default_service(web::to(http::problems::not_found)),
    )
    .await;

    // No token: 401 in Vietnamese by default.
    let res = test::call_service(&app, test::TestRequest::get().uri("/whoami").to_request()).await;
    assert_eq!(res.status(), 401);
    assert_eq!(
        res.headers().get("content-type").unwrap(),
        "application/problem+json"
    );
    let body: serde_json::Value = test::read_body_json(res).await;
    assert_eq!(body["code"], "unauthenticated");
    assert!(body["title"].as_str().unwrap().contains("xác thực"));

    // A role the caller lacks: 403 in English on request, with the caller's request id.
    let mut c = claims(600, "sangkien");
    c.roles = vec![RoleGrant {
        role: Role::Author,
        unit: Uuid::now_v7(),
    }];
    let token = keys.sign(&c).unwrap();
    let res = test::call_service(
        &app,
        test::TestRequest::get()
            .uri("/whoami")
            .insert_header(("Authorization", format!("Bearer {token}")))
            .insert_header(("Accept-Language", "en-GB,en;q=0.9"))
            .insert_header(("X-Request-Id", "req-42"))
            .to_request(),
    )
    .await;
    assert_eq!(res.status(), 403);
    assert_eq!(res.headers().get("x-request-id").unwrap(), "req-42");
    let body: serde_json::Value = test::read_body_json(res).await;
    assert_eq!(body["code"], "forbidden");
    assert_eq!(body["request_id"], "req-42");
    assert!(body["detail"].as_str().unwrap().contains("admin"));

    // Malformed JSON, oversized body, wrong content type, bad path, unknown route.
    let cases = [
        (
            test::TestRequest::post()
                .uri("/echo")
                .insert_header(("content-type", "application/json"))
                .set_payload("{nope")
                .to_request(),
            400,
            "malformed_body",
        ),
        (
            test::TestRequest::post()
                .uri("/echo")
                .insert_header(("content-type", "application/json"))
                .set_payload(format!("{{\"x\":\"{}\"}}", "a".repeat(200)))
                .to_request(),
            413,
            "payload_too_large",
        ),
        (
            test::TestRequest::post()
                .uri("/echo")
                .insert_header(("content-type", "text/plain"))
                .set_payload("{}")
                .to_request(),
            415,
            "unsupported_media_type",
        ),
        (
            test::TestRequest::get().uri("/ids/not-a-uuid").to_request(),
            400,
            "invalid_path",
        ),
        (
            test::TestRequest::get().uri("/nowhere").to_request(),
            404,
            "not_found",
        ),
        (
            test::TestRequest::delete().uri("/echo").to_request(),
            404,
            "not_found",
        ),
    ];
    for (req, status, code) in cases {
        let res = test::call_service(&app, req).await;
        assert_eq!(res.status().as_u16(), status, "{code}");
        assert_eq!(
            res.headers().get("content-type").unwrap(),
            "application/problem+json",
            "{code}"
        );
        let body: serde_json::Value = test::read_body_json(res).await;
        assert_eq!(body["code"], code);
        assert!(body["request_id"].is_string());
    }
}

/// An integer field of a request.
#[derive(serde::Deserialize, serde::Serialize)]
struct Count {
    count: u32,
    share: f64,
}

/// JSON Schema 2020-12, which OpenAPI 3.1 uses, counts `5.0` as an integer: a body valid by
/// the document with `"count": 5.0` is read like `"count": 5`, and a real fraction is still
/// refused as a malformed body.
#[actix_web::test]
async fn a_whole_number_written_with_a_fraction_is_an_integer_json_schema_2020_12() {
    let (json, ..) = http::extractor_configs(64 * 1024);
    let app = test::init_service(
        App::new()
            .app_data(json)
            .wrap(actix_web::middleware::from_fn(
                http::whole_numbers::whole_numbers,
            ))
            .wrap(actix_web::middleware::from_fn(http::problems))
            .route(
                "/count",
                web::post().to(|b: web::Json<Count>| async move {
                    HttpResponse::Ok().json(b.into_inner())
                }),
            ),
    )
    .await;
    let post = |body: &'static str| {
        test::TestRequest::post()
            .uri("/count")
            .insert_header(("content-type", "application/json"))
            .set_payload(body)
            .to_request()
    };
    let res = test::call_service(&app, post(r#"{"count": 5.0, "share": 2.5}"#)).await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = test::read_body_json(res).await;
    assert_eq!(body, serde_json::json!({ "count": 5, "share": 2.5 }));

    let res = test::call_service(&app, post(r#"{"count": 5e1, "share": 1}"#)).await;
    assert_eq!(res.status(), 200);

    let res = test::call_service(&app, post(r#"{"count": 5.5, "share": 1}"#)).await;
    assert_eq!(res.status(), 400);
    let body: serde_json::Value = test::read_body_json(res).await;
    assert_eq!(body["code"], "malformed_body");
}
