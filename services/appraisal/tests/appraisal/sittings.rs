//! Sittings: scheduled inside the stage's window for dossiers at the panel's stage.

use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

use crate::helpers::{App, Person, fields_of};

#[tokio::test]
async fn a_sitting_outside_the_stage_window_or_for_an_unknown_dossier_names_each_field() {
    let app = App::start().await;
    let plan = Uuid::now_v7();
    let id = app.receive(plan, Person::new()).await;
    let panel = app
        .team(plan, Person::new(), &[Person::new(), Person::new()])
        .await;
    let far = chrono::Utc::now().date_naive() + chrono::Duration::days(200);
    let r = app
        .post(
            "/sittings",
            &app.secretariat(),
            json!({ "panel_id": panel["id"], "held_on": far, "place": "Hội trường",
                    "dossier_ids": [id, Uuid::now_v7()] }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let fields = fields_of(r).await;
    assert!(fields.contains(&"held_on".to_owned()), "{fields:?}");
    assert!(fields.contains(&"dossier_ids[1]".to_owned()), "{fields:?}");
}

#[tokio::test]
async fn a_team_sitting_inside_the_window_is_scheduled_with_its_version_as_etag() {
    let app = App::start().await;
    let plan = Uuid::now_v7();
    let id = app.receive(plan, Person::new()).await;
    let panel = app
        .team(plan, Person::new(), &[Person::new(), Person::new()])
        .await;
    let today = chrono::Utc::now().date_naive();
    let r = app
        .post(
            "/sittings",
            &app.secretariat(),
            json!({ "panel_id": panel["id"], "held_on": today, "place": "Hội trường",
                    "dossier_ids": [id] }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(
        r.headers().get("ETag").and_then(|v| v.to_str().ok()),
        Some("\"1\"")
    );
    let s: serde_json::Value = r.json().await.unwrap();
    assert_eq!(s["status"], "scheduled");
    assert_eq!(s["kind"], "appraisal_team");
}
