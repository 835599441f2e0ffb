//! Appraisal through the gateway: rubrics are data, checked when saved, versioned.

use reqwest::Method;
use serde_json::json;

use sangkien_e2e::TestSystem;
use sangkien_proto::Role;

fn rubric(pass_total: f64) -> serde_json::Value {
    json!({
        "code": "truong-thcs-10",
        "name": "Phiếu chấm của trường (thang 10)",
        "max": 10, "step": 0.5,
        "criteria": [
            { "code": "moi", "name": "Tính mới", "max": 4, "min_to_pass": 2,
              "bands": [ { "from": 0, "to": 1.5, "label": "Thấp" }, { "from": 2, "to": 4, "label": "Đạt" } ] },
            { "code": "hieu_qua", "name": "Hiệu quả", "max": 6,
              "sub_items": [ { "code": "a", "name": "Học sinh", "max": 3 }, { "code": "b", "name": "Giáo viên", "max": 3 } ] }
        ],
        "pass_total": pass_total
    })
}

#[tokio::test]
async fn rubrics_ship_two_defaults_and_a_body_adds_checked_versions() {
    let sys = TestSystem::start().await.unwrap();
    let secretariat = sys.token(Role::CouncilSecretariat).unwrap();
    let list = sys
        .call(
            Method::GET,
            "/api/v1/appraisal/rubrics",
            Some(&sys.token(Role::Reviewer).unwrap()),
            None,
        )
        .await
        .unwrap();
    assert_eq!(list.status, 200);
    let codes: Vec<&str> = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rubric"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["general-100", "education-20"]);
    let edu = sys
        .call(
            Method::GET,
            "/api/v1/appraisal/rubrics/education-20",
            Some(&secretariat),
            None,
        )
        .await
        .unwrap();
    assert_eq!(edu.body["rubric"]["grades"][0]["label"], "A");

    let mut bad = rubric(12.0);
    bad["criteria"][0]["bands"][1]["from"] = json!(3);
    bad["criteria"][1]["sub_items"][1]["max"] = json!(2);
    let refused = sys
        .call(
            Method::POST,
            "/api/v1/appraisal/rubrics",
            Some(&secretariat),
            Some(bad),
        )
        .await
        .unwrap();
    assert_eq!(refused.status, 422);
    let fields: Vec<String> = refused.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}:{}",
                e["field"].as_str().unwrap(),
                e["code"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        fields,
        [
            "criteria[0].bands:gap",
            "criteria[1].sub_items:sum_mismatch",
            "pass_total:unreachable"
        ]
    );

    let author = sys
        .call(
            Method::POST,
            "/api/v1/appraisal/rubrics",
            Some(&sys.token(Role::Author).unwrap()),
            Some(rubric(6.0)),
        )
        .await
        .unwrap();
    assert_eq!(author.status, 403);
    let v1 = sys
        .call(
            Method::POST,
            "/api/v1/appraisal/rubrics",
            Some(&secretariat),
            Some(rubric(6.0)),
        )
        .await
        .unwrap();
    assert_eq!(v1.status, 201, "{}", v1.body);
    assert_eq!(v1.body["version"], 1);
    let v2 = sys
        .call(
            Method::POST,
            "/api/v1/appraisal/rubrics",
            Some(&secretariat),
            Some(rubric(7.0)),
        )
        .await
        .unwrap();
    assert_eq!(v2.body["version"], 2);
    let first = sys
        .call(
            Method::GET,
            "/api/v1/appraisal/rubrics/truong-thcs-10?version=1",
            Some(&secretariat),
            None,
        )
        .await
        .unwrap();
    assert_eq!(first.body["rubric"]["pass_total"], 6.0);
    let shipped_code = sys
        .call(
            Method::POST,
            "/api/v1/appraisal/rubrics",
            Some(&secretariat),
            Some({
                let mut r = rubric(6.0);
                r["code"] = json!("general-100");
                r
            }),
        )
        .await
        .unwrap();
    assert_eq!(shipped_code.status, 409);
    sys.stop().await;
}

#[tokio::test]
async fn panels_assign_two_reviewers_and_never_a_conflicted_one() {
    use crate::intake::{form, local, pdf, people, post, published_plan, upload};
    use sangkien_kit::ManualClock;
    use std::sync::Arc;

    let clock = ManualClock::new(local(2022, 2, 10, 9));
    let sys = TestSystem::start_with_clock(Arc::new(clock.clone()))
        .await
        .unwrap();
    let p = people(&sys).await;
    let admin = sys.admin_token().await.unwrap();
    let mut reviewers = Vec::new();
    for (username, unit) in [
        ("to.truong", &p.education_office),
        ("thanh.vien.kt", &p.economy_office),
        ("gv.cung.truong", &p.school),
    ] {
        let u = post(
            &sys,
            "/api/v1/directory/users",
            &admin,
            json!({ "tenant_id": p.tenant, "username": username, "full_name": username,
                    "password": "mat-khau-nguoi-cham", "grants": [{ "role": "reviewer", "unit_id": unit["id"] }] }),
        )
        .await;
        assert_eq!(u.status, 201, "{}", u.body);
        let token = sys.sign_in(username, "mat-khau-nguoi-cham").await.unwrap()["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        reviewers.push((
            u.body["id"].as_str().unwrap().to_owned(),
            unit["id"].clone(),
            token,
        ));
    }
    // Two received dossiers of the school.
    let plan_id = published_plan(&sys, &p).await;
    let mut ids = Vec::new();
    for i in 0..2 {
        let d = post(
            &sys,
            "/api/v1/intake/dossiers",
            &p.author,
            json!({ "plan_id": plan_id, "field": "education", "form": form(&format!("Sáng kiến {i}")) }),
        )
        .await;
        let id = d.body["id"].as_str().unwrap().to_owned();
        upload(&sys, &p.author, &id, "mo-ta.pdf", pdf(4096)).await;
        post(
            &sys,
            &format!("/api/v1/intake/dossiers/{id}/submit"),
            &p.author,
            json!({}),
        )
        .await;
        post(
            &sys,
            &format!("/api/v1/intake/dossiers/{id}/confirm"),
            &p.head,
            json!({}),
        )
        .await;
        post(
            &sys,
            &format!("/api/v1/intake/dossiers/{id}/register"),
            &p.office,
            json!({}),
        )
        .await;
        ids.push(id);
    }
    for id in &ids {
        sangkien_kit::testing::eventually(std::time::Duration::from_secs(15), || async {
            let c = sys
                .call(
                    Method::GET,
                    &format!("/api/v1/appraisal/cases/{id}"),
                    Some(&p.office),
                    None,
                )
                .await
                .unwrap();
            (c.status == 200).then_some(())
        })
        .await
        .expect("case opened");
    }

    // The Education Office sets up its appraisal team.
    let members: Vec<serde_json::Value> = reviewers
        .iter()
        .zip(["chair", "member", "member"])
        .map(|((id, unit, _), role)| json!({ "user_id": id, "full_name": "Thành viên", "unit_id": unit, "role": role }))
        .collect();
    let bad = post(
        &sys,
        "/api/v1/appraisal/panels",
        &p.office,
        json!({ "plan_id": plan_id, "field": "education", "kind": "appraisal_team", "name": "Tổ thẩm định", "members": [members[1]] }),
    )
    .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    let panel = post(
        &sys,
        "/api/v1/appraisal/panels",
        &p.office,
        json!({ "plan_id": plan_id, "field": "education", "kind": "appraisal_team",
                "name": "Tổ thẩm định SKKN ngành GD&ĐT năm 2022", "members": members }),
    )
    .await;
    assert_eq!(panel.status, 201, "{}", panel.body);
    let panel_id = panel.body["id"].as_str().unwrap();

    // A colleague of the authors cannot be assigned; the reason is given.
    let (colleague, _, colleague_token) = &reviewers[2];
    let refused = post(
        &sys,
        &format!("/api/v1/appraisal/cases/{}/assignments", ids[0]),
        &p.office,
        json!({ "reviewer": colleague }),
    )
    .await;
    assert_eq!(refused.status, 403);
    assert_eq!(refused.body["code"], "conflict_of_interest");
    assert!(
        refused.body["detail"]
            .as_str()
            .unwrap()
            .contains("cùng đơn vị")
    );

    // Automatic assignment: two unconflicted reviewers each.
    let report = post(
        &sys,
        &format!("/api/v1/appraisal/panels/{panel_id}/auto-assign"),
        &p.office,
        json!({}),
    )
    .await;
    assert_eq!(report.status, 200, "{}", report.body);
    assert_eq!(report.body["assigned"].as_array().unwrap().len(), 2);
    assert!(report.body["short"].as_array().unwrap().is_empty());
    for a in report.body["assigned"].as_array().unwrap() {
        let chosen: Vec<&str> = a["reviewers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        assert_eq!(chosen.len(), 2);
        assert!(!chosen.contains(&colleague.as_str()));
    }

    // The conflicted colleague cannot open the dossier; an assigned reviewer can.
    let blocked = sys
        .call(
            Method::GET,
            &format!("/api/v1/appraisal/cases/{}", ids[0]),
            Some(colleague_token),
            None,
        )
        .await
        .unwrap();
    assert_eq!(blocked.status, 403);
    assert_eq!(blocked.body["code"], "conflict_of_interest");
    let (_, _, chair_token) = &reviewers[0];
    let open = sys
        .call(
            Method::GET,
            &format!("/api/v1/appraisal/cases/{}", ids[0]),
            Some(chair_token),
            None,
        )
        .await
        .unwrap();
    assert_eq!(open.status, 200);

    // The two assigned reviewers score case 1 on the education rubric.
    let (_, _, second_token) = &reviewers[1];
    let sheet =
        |scores: serde_json::Value, submit: bool| json!({ "scores": scores, "submit": submit });
    let url = format!("/api/v1/appraisal/cases/{}/sheet", ids[1]);
    let put = |token: String, body: serde_json::Value| {
        let sys = &sys;
        let url = url.clone();
        async move {
            sys.call(Method::PUT, &url, Some(&token), Some(body))
                .await
                .unwrap()
        }
    };
    let draft = put(
        chair_token.clone(),
        sheet(
            json!([{ "item": "main_content", "points": 12.5, "comment": "Giải pháp rõ ràng" }]),
            false,
        ),
    )
    .await;
    assert_eq!(draft.status, 200, "{}", draft.body);
    assert_eq!(draft.body["status"], "draft");
    let incomplete = put(
        chair_token.clone(),
        sheet(json!([{ "item": "main_content", "points": 12.3 }]), true),
    )
    .await;
    assert_eq!(incomplete.status, 422);
    assert_eq!(
        incomplete.body["errors"].as_array().unwrap().len(),
        4,
        "off step and three items missing"
    );
    let full = json!([
        { "item": "introduction", "points": 1.75 }, { "item": "main_content", "points": 12.5 },
        { "item": "conclusion", "points": 1.5 }, { "item": "presentation", "points": 2 }
    ]);
    let submitted = put(chair_token.clone(), sheet(full.clone(), true)).await;
    assert_eq!(submitted.status, 200, "{}", submitted.body);
    assert_eq!(submitted.body["grade"], "A");
    assert_eq!(submitted.body["total"], 17.75);
    // The second reviewer sees only their own until they submit.
    let before = sys
        .call(
            Method::GET,
            &format!("/api/v1/appraisal/cases/{}/sheets", ids[1]),
            Some(second_token),
            None,
        )
        .await
        .unwrap();
    assert_eq!(before.body.as_array().unwrap().len(), 0);
    let theirs = put(second_token.clone(), sheet(full, true)).await;
    assert_eq!(theirs.status, 200, "{}", theirs.body);
    let after = sys
        .call(
            Method::GET,
            &format!("/api/v1/appraisal/cases/{}/sheets", ids[1]),
            Some(second_token),
            None,
        )
        .await
        .unwrap();
    let all = sys
        .call(
            Method::GET,
            &format!("/api/v1/appraisal/cases/{}/sheets", ids[1]),
            Some(&p.office),
            None,
        )
        .await
        .unwrap();
    assert_eq!(
        after.body.as_array().unwrap().len(),
        2,
        "{} / all: {} / chair sheet {}",
        after.body,
        all.body,
        submitted.body["reviewer"]
    );
    let outsider = put(colleague_token.clone(), sheet(json!([]), false)).await;
    assert_eq!(
        outsider.status, 403,
        "the conflicted colleague cannot score"
    );

    // A reviewer declares a conflict: taken off the case.
    let (member, _, member_token) = &reviewers[1];
    let declared = post(
        &sys,
        &format!("/api/v1/appraisal/cases/{}/conflicts", ids[0]),
        member_token,
        json!({ "reason": "Là người hướng dẫn tác giả" }),
    )
    .await;
    assert_eq!(declared.status, 201, "{}", declared.body);
    let left = sys
        .call(
            Method::GET,
            &format!("/api/v1/appraisal/cases/{}/assignments", ids[0]),
            Some(&p.office),
            None,
        )
        .await
        .unwrap();
    let now: Vec<&str> = left
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["reviewer"].as_str().unwrap())
        .collect();
    assert!(!now.contains(&member.as_str()));
    assert_eq!(now.len(), 1);
    sys.stop().await;
}

#[tokio::test]
async fn the_same_dossier_received_delivered_twice_opens_one_case() {
    use sangkien_proto::{Envelope, events::DossierReceived, events::StageInfo};

    let sys = TestSystem::start().await.unwrap();
    let system = sys.system.as_ref().unwrap();
    let transport = system
        .services
        .iter()
        .find(|s| s.name == "intake")
        .unwrap()
        .context
        .transport
        .clone();
    let dossier_id = uuid::Uuid::now_v7();
    let date = |m, d| chrono::NaiveDate::from_ymd_opt(2022, m, d).unwrap();
    let event = DossierReceived {
        dossier_id,
        plan_id: uuid::Uuid::now_v7(),
        field: "education".into(),
        register_number: 1,
        name: "Sáng kiến gửi hai lần".into(),
        kind: "operational".into(),
        owner: uuid::Uuid::now_v7(),
        unit_id: uuid::Uuid::now_v7(),
        confirmed_by: None,
        authors: vec![],
        version: 1,
        received_on: date(2, 15),
        decision_due_on: date(5, 15),
        stages: vec![StageInfo {
            kind: "appraisal_team".into(),
            from: date(3, 1),
            to: date(3, 10),
            rubric: "education-20".into(),
        }],
    };
    let first = Envelope::new(&event, sys.tenant, chrono::Utc::now(), "e2e", None).unwrap();
    // The same envelope redelivered, and a second envelope about the same dossier.
    let again = first.clone();
    let other = Envelope::new(&event, sys.tenant, chrono::Utc::now(), "e2e", None).unwrap();
    for e in [first, again, other] {
        transport.publish(&[e]).await.unwrap();
    }
    let secretariat = sys.token(Role::CouncilSecretariat).unwrap();
    let case = sangkien_kit::testing::eventually(std::time::Duration::from_secs(15), || async {
        let c = sys
            .call(
                Method::GET,
                &format!("/api/v1/appraisal/cases/{dossier_id}"),
                Some(&secretariat),
                None,
            )
            .await
            .unwrap();
        (c.status == 200).then_some(c.body)
    })
    .await
    .expect("case opened");
    assert_eq!(case["name"], "Sáng kiến gửi hai lần");
    // Give the duplicates time to arrive, then count.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let list = sys
        .call(
            Method::GET,
            "/api/v1/appraisal/cases?limit=100",
            Some(&secretariat),
            None,
        )
        .await
        .unwrap();
    let same: Vec<_> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["id"] == dossier_id.to_string())
        .collect();
    assert_eq!(same.len(), 1);
    sys.stop().await;
}
