//! The intake dashboard through the gateway: a plan's dossiers counted by field and status,
//! every field for the secretariat, the office's own field for a receiving office, nothing
//! for an author.

use reqwest::Method;
use serde_json::json;
use std::sync::Arc;

use crate::intake::{form, local, pdf, people, post, published_plan, upload};
use sangkien_e2e::TestSystem;
use sangkien_kit::ManualClock;

#[tokio::test]
async fn the_dashboard_counts_a_plans_dossiers_by_field_and_status() {
    let clock = ManualClock::new(local(2022, 2, 10, 9));
    let sys = TestSystem::start_with_clock(Arc::new(clock.clone()))
        .await
        .unwrap();
    let p = people(&sys).await;
    let plan_id = published_plan(&sys, &p).await;
    let mut ids = Vec::new();
    for i in 0..3 {
        let d = post(
            &sys,
            "/api/v1/intake/dossiers",
            &p.author,
            json!({ "plan_id": plan_id, "field": "education", "form": form(&format!("Sáng kiến số {i}")) }),
        )
        .await;
        assert_eq!(d.status, 201, "{}", d.body);
        ids.push(d.body["id"].as_str().unwrap().to_owned());
    }
    // One stays a draft, one is submitted, one is confirmed and registered.
    for id in &ids[1..] {
        let f = upload(&sys, &p.author, id, "mo-ta.pdf", pdf(4096)).await;
        assert_eq!(f.status, 201, "{}", f.body);
        let s = post(
            &sys,
            &format!("/api/v1/intake/dossiers/{id}/submit"),
            &p.author,
            json!({}),
        )
        .await;
        assert_eq!(s.status, 200, "{}", s.body);
    }
    let c = post(
        &sys,
        &format!("/api/v1/intake/dossiers/{}/confirm", ids[2]),
        &p.head,
        json!({}),
    )
    .await;
    assert_eq!(c.status, 200, "{}", c.body);
    let r = post(
        &sys,
        &format!("/api/v1/intake/dossiers/{}/register", ids[2]),
        &p.office,
        json!({}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);

    let path = format!("/api/v1/intake/dashboard?plan_id={plan_id}");
    let all = sys
        .call(Method::GET, &path, Some(&p.secretariat), None)
        .await
        .unwrap();
    assert_eq!(all.status, 200, "{}", all.body);
    assert_eq!(all.body["total"], 3);
    assert_eq!(all.body["fields"][0]["field"], "education");
    let by_status = &all.body["fields"][0]["by_status"];
    assert_eq!(by_status["draft"], 1, "{by_status}");
    assert_eq!(by_status["submitted"], 1, "{by_status}");
    // The registered one is `received` until appraisal opens its case, then `in_appraisal`.
    let registered = by_status["received"].as_i64().unwrap_or(0)
        + by_status["in_appraisal"].as_i64().unwrap_or(0);
    assert_eq!(registered, 1, "{by_status}");
    assert_eq!(all.body["fields"][1]["field"], "socio_economic");
    assert_eq!(all.body["fields"][1]["total"], 0);

    // The Education Office sees its own field only.
    let office = sys
        .call(Method::GET, &path, Some(&p.office), None)
        .await
        .unwrap();
    assert_eq!(office.status, 200, "{}", office.body);
    assert_eq!(office.body["fields"].as_array().unwrap().len(), 1);
    assert_eq!(office.body["fields"][0]["total"], 3);

    // An author is refused at the gateway; an unknown plan is 404.
    let author = sys
        .call(Method::GET, &path, Some(&p.author), None)
        .await
        .unwrap();
    assert_eq!(author.status, 403);
    let unknown = sys
        .call(
            Method::GET,
            &format!("/api/v1/intake/dashboard?plan_id={}", uuid::Uuid::now_v7()),
            Some(&p.secretariat),
            None,
        )
        .await
        .unwrap();
    assert_eq!(unknown.status, 404);
    sys.stop().await;
}
