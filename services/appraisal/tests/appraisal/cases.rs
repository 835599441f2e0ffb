//! Cases: opened by `dossier.received`, read only inside their tenant and by those who may.

use reqwest::StatusCode;
use serde_json::Value;
use uuid::Uuid;

use sangkien_proto::Role;

use crate::helpers::{App, Person, code_of};

#[tokio::test]
async fn a_received_dossier_opens_a_case_the_secretariat_reads_at_its_first_stage() {
    let app = App::start().await;
    let id = app.receive(Uuid::now_v7(), Person::new()).await;
    let r = app.get(&format!("/cases/{id}"), &app.secretariat()).await;
    assert_eq!(r.status(), StatusCode::OK);
    let case: Value = r.json().await.unwrap();
    assert_eq!(case["status"], "open");
    assert_eq!(case["stage"], 0);
    assert_eq!(case["stages"][0]["kind"], "appraisal_team");
}

#[tokio::test]
async fn a_case_of_another_tenant_is_not_found_not_forbidden() {
    let app = App::start().await;
    let id = app.receive(Uuid::now_v7(), Person::new()).await;
    let other = app.token_in(Uuid::now_v7(), Uuid::now_v7(), &[Role::CouncilSecretariat]);
    let r = app.get(&format!("/cases/{id}"), &other).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let list: Value = app.get("/cases", &other).await.json().await.unwrap();
    assert_eq!(list["items"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn an_author_may_not_list_the_tenant_s_cases() {
    let app = App::start().await;
    let author = Person::new();
    app.receive(Uuid::now_v7(), author).await;
    let r = app
        .get("/cases", &app.token(author.user, &[Role::Author]))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_author_reads_her_outcome_while_another_author_gets_404() {
    let app = App::start().await;
    let author = Person::new();
    let id = app.receive(Uuid::now_v7(), author).await;
    let mine = app
        .get(
            &format!("/cases/{id}/outcome"),
            &app.token(author.user, &[Role::Author]),
        )
        .await;
    assert_eq!(mine.status(), StatusCode::OK);
    let outcome: Value = mine.json().await.unwrap();
    assert_eq!(outcome["status"], "open");
    assert!(outcome["recommended"].is_null());
    let stranger = app
        .get(
            &format!("/cases/{id}/outcome"),
            &app.token(Uuid::now_v7(), &[Role::Author]),
        )
        .await;
    assert_eq!(stranger.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_result_before_any_sheet_is_refused_as_an_invalid_transition() {
    let app = App::start().await;
    let plan = Uuid::now_v7();
    let id = app.receive(plan, Person::new()).await;
    app.team(plan, Person::new(), &[Person::new(), Person::new()])
        .await;
    let r = app
        .post(
            &format!("/cases/{id}/result"),
            &app.secretariat(),
            serde_json::json!({ "reason": "Đạt" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(code_of(r).await, "invalid_transition");
}
