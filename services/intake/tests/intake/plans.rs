//! Plans: drafted by the secretariat or the admin with every problem listed at once,
//! published only with the ETag last read, and seen by others only once published.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use sangkien_proto::Role;

use crate::helpers::{self, code_of};

fn plan(year: i32) -> Value {
    json!({
        "symbol": "12/KH-UBND",
        "title": "Triển khai công tác sáng kiến năm 2026",
        "issued_on": "2026-01-10",
        "year": year,
        "fields": [{
            "code": "education",
            "name": "Giáo dục và Đào tạo",
            "receiving_unit_id": Uuid::now_v7(),
            "receive": { "from": "2026-02-01", "to": "2026-02-28" },
            "stages": [
                { "kind": "council", "window": { "from": "2026-03-01", "to": "2026-03-10" }, "rubric": "education-20" }
            ]
        }]
    })
}

#[tokio::test]
async fn a_bad_plan_lists_every_problem_and_a_good_one_says_where_it_is() {
    let app = helpers::start().await;
    let secretariat = app.token(&[Role::CouncilSecretariat]).unwrap();
    let mut bad = plan(1999);
    bad["symbol"] = json!("");
    let r = app
        .call(Method::POST, "/plans", &secretariat, Some(bad), &[])
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = r.json().await.unwrap();
    let errors = problem["errors"].as_array().unwrap();
    assert!(
        errors
            .iter()
            .any(|e| e["field"] == "year" && e["code"] == "out_of_range"),
        "{problem}"
    );
    assert!(errors.iter().any(|e| e["field"] == "symbol"), "{problem}");

    let r = app
        .call(Method::POST, "/plans", &secretariat, Some(plan(2026)), &[])
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(r.headers()["etag"], "\"1\"");
    let created: Value = r.json().await.unwrap();
    assert_eq!(
        location,
        format!("/api/v1/intake/plans/{}", created["id"].as_str().unwrap())
    );
    assert_eq!(created["status"], "draft");
}

#[tokio::test]
async fn a_draft_is_published_only_with_its_etag_and_only_then_seen_by_authors() {
    let app = helpers::start().await;
    let secretariat = app.token(&[Role::CouncilSecretariat]).unwrap();
    let author = app.token(&[Role::Author]).unwrap();
    let r = app
        .call(Method::POST, "/plans", &secretariat, Some(plan(2026)), &[])
        .await
        .unwrap();
    let id = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let listed = |token: String, query: &'static str| {
        let app = &app;
        async move {
            let r = app
                .call(Method::GET, &format!("/plans{query}"), &token, None, &[])
                .await
                .unwrap();
            (r.status(), r.json::<Value>().await.unwrap_or_default())
        }
    };
    let (_, page) = listed(author.clone(), "").await;
    assert_eq!(page["items"].as_array().map(Vec::len), Some(0), "{page}");
    let (_, page) = listed(secretariat.clone(), "?status=draft").await;
    assert_eq!(page["items"][0]["id"], id.as_str());
    let (status, _) = listed(secretariat.clone(), "?status=archived").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let path = format!("/plans/{id}/publish");
    let publish = |headers: &'static [(&'static str, &'static str)]| {
        app.call(Method::POST, &path, &secretariat, Some(json!({})), headers)
    };
    assert_eq!(
        publish(&[]).await.unwrap().status(),
        StatusCode::PRECONDITION_REQUIRED
    );
    let r = publish(&[("If-Match", "\"9\"")]).await.unwrap();
    assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED);
    let r = publish(&[("If-Match", "\"1\"")]).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = publish(&[("If-Match", "\"2\"")]).await.unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT, "published twice");

    let (_, page) = listed(author.clone(), "").await;
    assert_eq!(page["items"][0]["status"], "published");
    let (_, page) = listed(secretariat.clone(), "?status=draft").await;
    assert_eq!(page["items"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn an_author_cannot_draft_a_plan_and_another_tenant_does_not_see_it() {
    let app = helpers::start().await;
    let r = app
        .call(
            Method::POST,
            "/plans",
            &app.token(&[Role::Author]).unwrap(),
            Some(plan(2026)),
            &[],
        )
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(code_of(r).await, "forbidden");
    let r = app
        .call(
            Method::POST,
            "/plans",
            &app.token(&[Role::Admin]).unwrap(),
            Some(plan(2026)),
            &[],
        )
        .await
        .unwrap();
    let id = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let elsewhere = app
        .token_as(Uuid::now_v7(), Uuid::now_v7(), &[Role::Admin])
        .unwrap();
    let r = app
        .call(Method::GET, &format!("/plans/{id}"), &elsewhere, None, &[])
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}
