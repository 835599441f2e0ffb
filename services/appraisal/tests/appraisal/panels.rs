//! Panels and assignment: members checked, changes conditional on the version, reviewers
//! assigned only from the panel and never against the conflict rules.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use sangkien_proto::Role;

use crate::helpers::{App, Person, code_of, fields_of, member};

#[tokio::test]
async fn a_panel_without_a_name_or_a_chair_is_refused_naming_each_field() {
    let app = App::start().await;
    let r = app
        .post(
            "/panels",
            &app.secretariat(),
            json!({ "plan_id": Uuid::now_v7(), "field": "education", "kind": "appraisal_team",
                    "name": "", "members": [member(Person::new(), "member")] }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let fields = fields_of(r).await;
    assert!(fields.contains(&"name".to_owned()), "{fields:?}");
    assert!(fields.contains(&"members".to_owned()), "{fields:?}");
}

#[tokio::test]
async fn a_reviewer_may_not_set_up_a_panel() {
    let app = App::start().await;
    let r = app
        .post(
            "/panels",
            &app.token(Uuid::now_v7(), &[Role::Reviewer]),
            json!({ "plan_id": Uuid::now_v7(), "field": "education", "kind": "appraisal_team",
                    "name": "Tổ", "members": [] }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn changing_a_panel_needs_its_current_version_in_if_match() {
    let app = App::start().await;
    let panel = app
        .team(
            Uuid::now_v7(),
            Person::new(),
            &[Person::new(), Person::new()],
        )
        .await;
    let id = panel["id"].as_str().unwrap();
    let members = json!({ "members": panel["members"] });
    let path = format!("/panels/{id}");
    let token = app.secretariat();
    let put = |headers: &'static [(&'static str, &'static str)]| {
        app.alone.call(
            reqwest::Method::PUT,
            &path,
            &token,
            Some(members.clone()),
            headers,
        )
    };
    let missing = put(&[]).await.unwrap();
    assert_eq!(missing.status(), StatusCode::PRECONDITION_REQUIRED);
    let stale = put(&[("If-Match", "\"7\"")]).await.unwrap();
    assert_eq!(stale.status(), StatusCode::PRECONDITION_FAILED);
    let current = put(&[("If-Match", "\"1\"")]).await.unwrap();
    assert_eq!(current.status(), StatusCode::OK);
    let saved: Value = current.json().await.unwrap();
    assert_eq!(saved["version"], 2);
}

#[tokio::test]
async fn only_a_scoring_member_of_the_stage_s_panel_is_assigned() {
    let app = App::start().await;
    let plan = Uuid::now_v7();
    let id = app.receive(plan, Person::new()).await;
    app.team(plan, Person::new(), &[Person::new(), Person::new()])
        .await;
    let r = app
        .post(
            &format!("/cases/{id}/assignments"),
            &app.secretariat(),
            json!({ "reviewer": Uuid::now_v7() }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields_of(r).await, vec!["reviewer".to_owned()]);
}

#[tokio::test]
async fn a_member_of_the_author_s_unit_is_refused_with_conflict_of_interest() {
    let app = App::start().await;
    let plan = Uuid::now_v7();
    let author = Person::new();
    let id = app.receive(plan, author).await;
    let colleague = Person {
        user: Uuid::now_v7(),
        unit: author.unit,
    };
    app.team(plan, Person::new(), &[colleague, Person::new()])
        .await;
    let r = app
        .post(
            &format!("/cases/{id}/assignments"),
            &app.secretariat(),
            json!({ "reviewer": colleague.user }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(code_of(r).await, "conflict_of_interest");
    let list: Value = app
        .get(&format!("/cases/{id}/assignments"), &app.secretariat())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn auto_assign_gives_two_unconflicted_reviewers_named_as_on_the_panel() {
    let app = App::start().await;
    let plan = Uuid::now_v7();
    let author = Person::new();
    let id = app.receive(plan, author).await;
    let colleague = Person {
        user: Uuid::now_v7(),
        unit: author.unit,
    };
    let (a, b) = (Person::new(), Person::new());
    let panel = app.team(plan, a, &[colleague, b]).await;
    let r = app
        .post(
            &format!("/panels/{}/auto-assign", panel["id"].as_str().unwrap()),
            &app.secretariat(),
            json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let list: Value = app
        .get(&format!("/cases/{id}/assignments"), &app.secretariat())
        .await
        .json()
        .await
        .unwrap();
    let mut reviewers: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["reviewer"].as_str().unwrap())
        .collect();
    reviewers.sort();
    let mut expected = vec![a.user.to_string(), b.user.to_string()];
    expected.sort();
    assert_eq!(reviewers, expected);
    assert!(list[0]["reviewer_name"].as_str().is_some());
}

#[tokio::test]
async fn an_unassigned_reviewer_may_not_save_a_sheet() {
    let app = App::start().await;
    let plan = Uuid::now_v7();
    let id = app.receive(plan, Person::new()).await;
    let reviewer = Person::new();
    app.team(plan, Person::new(), &[reviewer, Person::new()])
        .await;
    let r = app
        .call(
            Method::PUT,
            &format!("/cases/{id}/sheet"),
            &app.token(reviewer.user, &[Role::Reviewer]),
            Some(json!({ "scores": [], "submit": false })),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}
