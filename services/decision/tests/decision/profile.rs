//! The body profile: set by the admin, then changed only with the ETag last read; every
//! problem of a bad profile listed at once; read only inside its tenant.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use sangkien_proto::Role;

use crate::helpers::{self, code_of, fields_of};

fn profile(place: &str) -> Value {
    json!({
        "full_name": "ỦY BAN NHÂN DÂN XÃ TÂN TIẾN",
        "superior_name": "ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ",
        "place_name": place,
        "document_symbol": "UBND",
        "decision_type": "QĐ",
        "legal_bases": ["Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025"],
        "recipients": ["Như Điều 3"],
        "archive_line": "Lưu: VT.",
        "signers": [{ "user_id": Uuid::now_v7(), "titles": ["CHỦ TỊCH"], "name": "Bùi Văn Tiến" }],
    })
}

#[tokio::test]
async fn a_profile_is_set_once_then_changed_only_with_the_etag_last_read() {
    let app = helpers::start().await;
    let admin = app.token(&[Role::Admin]).unwrap();
    let put = |body: Value, headers: &'static [(&'static str, &'static str)]| {
        app.call(Method::PUT, "/body-profile", &admin, Some(body), headers)
    };

    let r = app
        .call(Method::GET, "/body-profile", &admin, None, &[])
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // The first profile needs no If-Match.
    let r = put(profile("Tân Tiến"), &[]).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["etag"], "\"1\"");

    // Once it exists: 428 without If-Match, 412 with a stale one, 200 with the current.
    let r = put(profile("Xã Tân Tiến"), &[]).await.unwrap();
    assert_eq!(r.status(), StatusCode::PRECONDITION_REQUIRED);
    let r = put(profile("Xã Tân Tiến"), &[("If-Match", "\"7\"")])
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED);
    let r = put(profile("Xã Tân Tiến"), &[("If-Match", "\"1\"")])
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["etag"], "\"2\"");

    let r = app
        .call(
            Method::GET,
            "/body-profile",
            &app.token(&[Role::Signer]).unwrap(),
            None,
            &[],
        )
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let read: Value = r.json().await.unwrap();
    assert_eq!(read["version"], 2);
    assert_eq!(read["profile"]["place_name"], "Xã Tân Tiến");
}

#[tokio::test]
async fn a_bad_profile_lists_every_problem_and_stores_nothing() {
    let app = helpers::start().await;
    let admin = app.token(&[Role::Admin]).unwrap();
    let mut bad = profile("");
    bad["archive_line"] = json!("VT");
    bad["signers"] = json!([]);
    let r = app
        .call(Method::PUT, "/body-profile", &admin, Some(bad), &[])
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let fields = fields_of(r).await;
    for field in ["place_name", "archive_line", "signers"] {
        assert!(
            fields.iter().any(|f| f.contains(field)),
            "{field} in {fields:?}"
        );
    }
    let r = app
        .call(Method::GET, "/body-profile", &admin, None, &[])
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn only_the_admin_sets_it_and_another_tenant_does_not_see_it() {
    let app = helpers::start().await;
    let r = app
        .call(
            Method::PUT,
            "/body-profile",
            &app.token(&[Role::CouncilSecretariat]).unwrap(),
            Some(profile("Tân Tiến")),
            &[],
        )
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(code_of(r).await, "forbidden");

    let r = app
        .call(
            Method::PUT,
            "/body-profile",
            &app.token(&[Role::Admin]).unwrap(),
            Some(profile("Tân Tiến")),
            &[],
        )
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let elsewhere = app
        .token_as(Uuid::now_v7(), Uuid::now_v7(), &[Role::Admin])
        .unwrap();
    let r = app
        .call(Method::GET, "/body-profile", &elsewhere, None, &[])
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}
