//! Appraisal to conclusion through the gateway: two reviewers disagree and a third is asked,
//! the chair decides on the three, a sheet after the stage closes is refused, the council sits
//! with attendance, the quorum is enforced, the vote follows the two-thirds rule, the minutes
//! download as DOCX, and intake shows each dossier concluded.

use std::{collections::HashMap, io::Read, sync::Arc, time::Duration};

use reqwest::Method;
use serde_json::{Value, json};

use crate::intake::{People, form, local, pdf, people, post, published_plan, upload};
use sangkien_e2e::{Answer, TestSystem};
use sangkien_kit::ManualClock;

/// A user holding `role` on `unit`: (id, token).
pub(crate) async fn person(
    sys: &TestSystem,
    p: &People,
    username: &str,
    role: &str,
    unit: &Value,
) -> (String, String) {
    let admin = sys.admin_token().await.unwrap();
    let u = post(
        sys,
        "/api/v1/directory/users",
        &admin,
        json!({ "tenant_id": p.tenant, "username": username, "full_name": format!("Ông/Bà {username}"),
                "password": "mat-khau-hoi-dong", "grants": [{ "role": role, "unit_id": unit["id"] }] }),
    )
    .await;
    assert_eq!(u.status, 201, "{}", u.body);
    let token = sys.sign_in(username, "mat-khau-hoi-dong").await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    (u.body["id"].as_str().unwrap().to_owned(), token)
}

/// A call with `If-Match`.
pub(crate) async fn matched(
    sys: &TestSystem,
    method: Method,
    path: &str,
    token: &str,
    etag: &str,
    body: Value,
) -> Answer {
    let res = sys
        .http
        .request(method, sys.at(path))
        .bearer_auth(token)
        .header("If-Match", etag)
        .json(&body)
        .send()
        .await
        .unwrap();
    Answer::read(res).await.unwrap()
}

/// A received dossier of the school's author; its id.
pub(crate) async fn received(sys: &TestSystem, p: &People, plan_id: &str, name: &str) -> String {
    let d = post(
        sys,
        "/api/v1/intake/dossiers",
        &p.author,
        json!({ "plan_id": plan_id, "field": "education", "form": form(name) }),
    )
    .await;
    assert_eq!(d.status, 201, "{}", d.body);
    let id = d.body["id"].as_str().unwrap().to_owned();
    upload(sys, &p.author, &id, "mo-ta.pdf", pdf(2048)).await;
    for (step, token) in [
        ("submit", &p.author),
        ("confirm", &p.head),
        ("register", &p.office),
    ] {
        let r = post(
            sys,
            &format!("/api/v1/intake/dossiers/{id}/{step}"),
            token,
            json!({}),
        )
        .await;
        assert_eq!(r.status, 200, "{step}: {}", r.body);
    }
    sangkien_kit::testing::eventually(Duration::from_secs(15), || async {
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
    id
}

pub(crate) fn sheet_a() -> Value {
    json!({ "submit": true, "scores": [
        { "item": "introduction", "points": 1.75 }, { "item": "main_content", "points": 12.5 },
        { "item": "conclusion", "points": 1.5 }, { "item": "presentation", "points": 2 } ] })
}

fn sheet_b() -> Value {
    json!({ "submit": true, "scores": [
        { "item": "introduction", "points": 1.5 }, { "item": "main_content", "points": 9.5 },
        { "item": "conclusion", "points": 1.5 }, { "item": "presentation", "points": 1.5 } ] })
}

pub(crate) async fn reviewers_of(sys: &TestSystem, p: &People, case: &str) -> Vec<String> {
    let a = sys
        .call(
            Method::GET,
            &format!("/api/v1/appraisal/cases/{case}/assignments"),
            Some(&p.office),
            None,
        )
        .await
        .unwrap();
    assert_eq!(a.status, 200, "{}", a.body);
    a.body
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["reviewer"].as_str().unwrap().to_owned())
        .collect()
}

pub(crate) async fn score(sys: &TestSystem, token: &str, case: &str, body: Value) -> Answer {
    sys.call(
        Method::PUT,
        &format!("/api/v1/appraisal/cases/{case}/sheet"),
        Some(token),
        Some(body),
    )
    .await
    .unwrap()
}

pub(crate) fn docx_text(bytes: &[u8]) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    archive
        .by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

#[tokio::test]
async fn disagreement_brings_a_third_reviewer_and_the_council_concludes_by_two_thirds() {
    let clock = ManualClock::new(local(2022, 2, 10, 9));
    let sys = TestSystem::start_with_clock(Arc::new(clock.clone()))
        .await
        .unwrap();
    let p = people(&sys).await;
    let plan_id = published_plan(&sys, &p).await;
    let (x, y, z) = (
        received(&sys, &p, &plan_id, "Dạy học phân hóa môn Toán 9").await,
        received(&sys, &p, &plan_id, "Câu lạc bộ đọc sách buổi sáng").await,
        received(&sys, &p, &plan_id, "Sổ tay điện tử chủ nhiệm").await,
    );

    // The appraisal team: four who score, none from the authors' school.
    let mut tokens: HashMap<String, String> = HashMap::new();
    let mut team = Vec::new();
    for (i, (name, unit)) in [
        ("tt.truong", &p.education_office),
        ("tt.an", &p.economy_office),
        ("tt.binh", &p.education_office),
        ("tt.cuong", &p.economy_office),
    ]
    .into_iter()
    .enumerate()
    {
        let (id, token) = person(&sys, &p, name, "reviewer", unit).await;
        tokens.insert(id.clone(), token);
        team.push(json!({ "user_id": id, "full_name": name, "unit_id": unit["id"], "role": if i == 0 { "chair" } else { "member" } }));
    }
    let team_chair = team[0]["user_id"].as_str().unwrap().to_owned();
    let panel = post(
        &sys,
        "/api/v1/appraisal/panels",
        &p.office,
        json!({ "plan_id": plan_id, "field": "education", "kind": "appraisal_team", "name": "Tổ thẩm định SKKN ngành GD&ĐT năm 2022", "members": team }),
    )
    .await;
    assert_eq!(panel.status, 201, "{}", panel.body);
    let team_id = panel.body["id"].as_str().unwrap().to_owned();
    let auto = post(
        &sys,
        &format!("/api/v1/appraisal/panels/{team_id}/auto-assign"),
        &p.office,
        json!({}),
    )
    .await;
    assert_eq!(auto.status, 200, "{}", auto.body);

    // Scoring opens with the stage.
    clock.set(local(2022, 3, 2, 9));
    let on_x = reviewers_of(&sys, &p, &x).await;
    assert_eq!(on_x.len(), 2);
    assert_eq!(
        score(&sys, &tokens[&on_x[0]], &x, sheet_a()).await.status,
        200
    );
    let second = score(&sys, &tokens[&on_x[1]], &x, sheet_b()).await;
    assert_eq!(second.status, 200, "{}", second.body);
    assert_eq!(second.body["grade"], "B");
    // A and B disagree: a third reviewer is assigned automatically, never one already on it.
    let now_on_x = reviewers_of(&sys, &p, &x).await;
    assert_eq!(now_on_x.len(), 3, "a third reviewer is asked");
    let third = now_on_x.iter().find(|r| !on_x.contains(r)).unwrap().clone();
    let progress = sys
        .call(
            Method::GET,
            &format!("/api/v1/appraisal/panels/{team_id}/progress"),
            Some(&p.office),
            None,
        )
        .await
        .unwrap();
    assert_eq!(progress.status, 200, "{}", progress.body);
    let x_progress = progress.body["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["case_id"] == x.as_str())
        .unwrap()
        .clone();
    assert_eq!(x_progress["label"], "2/3 phiếu đã nộp");
    // Until the third sheet is in, nobody records a result.
    let early = post(
        &sys,
        &format!("/api/v1/appraisal/cases/{x}/result"),
        &tokens[&team_chair],
        json!({ "passed": true, "grade": "B", "reason": "Tổ thống nhất" }),
    )
    .await;
    assert_eq!(early.status, 409, "{}", early.body);
    assert_eq!(
        score(&sys, &tokens[&third], &x, sheet_b()).await.status,
        200
    );
    // The sheets disagree: only the chair decides, and on one of the three outcomes.
    let not_chair = post(
        &sys,
        &format!("/api/v1/appraisal/cases/{x}/result"),
        &p.office,
        json!({ "reason": "Theo đa số" }),
    )
    .await;
    assert_eq!(not_chair.status, 403, "{}", not_chair.body);
    let invented = post(
        &sys,
        &format!("/api/v1/appraisal/cases/{x}/result"),
        &tokens[&team_chair],
        json!({ "passed": true, "grade": "C", "reason": "Xếp loại C" }),
    )
    .await;
    assert_eq!(invented.status, 422, "{}", invented.body);
    let decided = post(&sys, &format!("/api/v1/appraisal/cases/{x}/result"), &tokens[&team_chair], json!({ "passed": true, "grade": "B", "reason": "Hai trong ba phiếu xếp loại B; tổ trưởng kết luận loại B" })).await;
    assert_eq!(decided.status, 201, "{}", decided.body);
    assert_eq!(decided.body["method"], "chair");
    assert_eq!(decided.body["average"], 15.25);

    // Y: both reviewers agree on A; the office records it.
    for r in reviewers_of(&sys, &p, &y).await {
        assert_eq!(score(&sys, &tokens[&r], &y, sheet_a()).await.status, 200);
    }
    let agreed = post(
        &sys,
        &format!("/api/v1/appraisal/cases/{y}/result"),
        &p.office,
        json!({ "reason": "Hai phiếu thống nhất loại A" }),
    )
    .await;
    assert_eq!(agreed.status, 201, "{}", agreed.body);
    assert_eq!(agreed.body["method"], "agreed");

    // Z is not scored in time: after 10/03 its sheets are refused.
    clock.set(local(2022, 3, 11, 9));
    let on_z = reviewers_of(&sys, &p, &z).await;
    let late = score(&sys, &tokens[&on_z[0]], &z, sheet_a()).await;
    assert_eq!(late.status, 409, "{}", late.body);
    assert_eq!(late.body["code"], "stage_closed");
    let progress = sys
        .call(
            Method::GET,
            &format!("/api/v1/appraisal/panels/{team_id}/progress"),
            Some(&p.office),
            None,
        )
        .await
        .unwrap();
    let overdue: u64 = progress.body["reviewers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["overdue"].as_u64().unwrap())
        .sum();
    assert_eq!(
        overdue, 2,
        "Z's two reviewers are overdue: {}",
        progress.body
    );

    // The council: seven members.
    let mut council = Vec::new();
    let mut council_tokens = Vec::new();
    for (name, role, panel_role) in [
        ("hd.chu.tich", "council_chair", "chair"),
        ("hd.pho", "reviewer", "vice_chair"),
        ("hd.thu.ky", "reviewer", "secretary"),
        ("hd.uv1", "reviewer", "member"),
        ("hd.uv2", "reviewer", "expert"),
        ("hd.uv3", "reviewer", "member"),
        ("hd.uv4", "reviewer", "trade_union"),
    ] {
        let (id, token) = person(&sys, &p, name, role, &p.economy_office).await;
        council.push(json!({ "user_id": id, "full_name": name, "unit_id": p.economy_office["id"], "role": panel_role }));
        council_tokens.push(token);
    }
    let ids: Vec<String> = council
        .iter()
        .map(|m| m["user_id"].as_str().unwrap().to_owned())
        .collect();
    let cpanel = post(
        &sys,
        "/api/v1/appraisal/panels",
        &p.secretariat,
        json!({ "plan_id": plan_id, "field": "education", "kind": "council", "name": "Hội đồng sáng kiến huyện Vĩnh Tường năm 2022", "members": council }),
    )
    .await;
    assert_eq!(cpanel.status, 201, "{}", cpanel.body);
    let council_id = cpanel.body["id"].as_str().unwrap();

    // Scheduled inside the council's stage, only for dossiers at that stage.
    let outside = post(&sys, "/api/v1/appraisal/sittings", &p.secretariat,
        json!({ "panel_id": council_id, "held_on": "2022-03-25", "place": "Hội trường UBND huyện", "dossier_ids": [x, y, z] })).await;
    assert_eq!(outside.status, 422, "{}", outside.body);
    let problems: Vec<String> = outside.body["errors"]
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
        problems,
        [
            "dossier_ids[2]:not_at_this_stage",
            "held_on:outside_stage_window"
        ]
    );
    let sitting = post(&sys, "/api/v1/appraisal/sittings", &p.secretariat,
        json!({ "panel_id": council_id, "held_on": "2022-03-15", "place": "Hội trường UBND huyện", "dossier_ids": [x, y],
            "starts_at": "08:00:00", "ends_at": "11:30:00", "body_name": "ỦY BAN NHÂN DÂN HUYỆN VĨNH TƯỜNG",
            "superior_name": "UBND TỈNH VĨNH PHÚC", "locality": "Vĩnh Tường" })).await;
    assert_eq!(sitting.status, 201, "{}", sitting.body);
    let sid = sitting.body["id"].as_str().unwrap().to_owned();
    let mut etag = sitting.header("etag").unwrap().to_owned();
    let mut step = |answer: &Answer| {
        if let Some(e) = answer.header("etag") {
            etag = e.to_owned();
        }
        etag.clone()
    };

    // Four present, no secretary: the quorum is not met, and the refusal names both rules.
    let a = matched(
        &sys,
        Method::PUT,
        &format!("/api/v1/appraisal/sittings/{sid}/attendance"),
        &p.secretariat,
        &step(&sitting),
        json!({ "present": [ids[0], ids[3], ids[4], ids[5]] }),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    clock.set(local(2022, 3, 15, 15));
    let short = matched(
        &sys,
        Method::POST,
        &format!("/api/v1/appraisal/sittings/{sid}/close"),
        &council_tokens[0],
        &step(&a),
        json!({}),
    )
    .await;
    assert_eq!(short.status, 409, "{}", short.body);
    assert_eq!(short.body["code"], "quorum_not_met");
    let rules: Vec<&str> = short.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["secretary_present", "two_thirds_present"]);

    // Six present, with the secretary.
    let a = matched(
        &sys,
        Method::PUT,
        &format!("/api/v1/appraisal/sittings/{sid}/attendance"),
        &p.secretariat,
        &step(&a),
        json!({ "present": [ids[0], ids[2], ids[3], ids[4], ids[5], ids[6]] }),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["attendance"][1]["role"], "secretary");
    let too_many = matched(
        &sys,
        Method::PUT,
        &format!("/api/v1/appraisal/sittings/{sid}/votes/{x}"),
        &p.secretariat,
        &step(&a),
        json!({ "method": "show_of_hands", "in_favour": 6, "against": 1, "abstaining": 0 }),
    )
    .await;
    assert_eq!(too_many.status, 422, "{}", too_many.body);
    // X: 5 of 7 in favour (5 needed); Y: 4 of 7 (not enough).
    let v = matched(
        &sys,
        Method::PUT,
        &format!("/api/v1/appraisal/sittings/{sid}/votes/{x}"),
        &p.secretariat,
        &step(&a),
        json!({ "method": "show_of_hands", "in_favour": 5, "against": 1, "abstaining": 0 }),
    )
    .await;
    assert_eq!(v.status, 200, "{}", v.body);
    assert_eq!(v.body["votes"][&x]["required"], 5);
    assert_eq!(v.body["votes"][&x]["carried"], true);
    let v = matched(
        &sys,
        Method::PUT,
        &format!("/api/v1/appraisal/sittings/{sid}/votes/{y}"),
        &p.secretariat,
        &step(&v),
        json!({ "method": "secret_ballot", "in_favour": 4, "against": 2, "abstaining": 0 }),
    )
    .await;
    assert_eq!(v.body["votes"][&y]["carried"], false);
    let held = matched(
        &sys,
        Method::POST,
        &format!("/api/v1/appraisal/sittings/{sid}/close"),
        &council_tokens[0],
        &step(&v),
        json!({}),
    )
    .await;
    assert_eq!(held.status, 200, "{}", held.body);
    assert_eq!(held.body["status"], "held");
    let again = matched(
        &sys,
        Method::PUT,
        &format!("/api/v1/appraisal/sittings/{sid}/votes/{y}"),
        &p.secretariat,
        &step(&held),
        json!({ "method": "show_of_hands", "in_favour": 7, "against": 0, "abstaining": 0 }),
    )
    .await;
    assert_eq!(again.status, 409, "a held sitting's record is final");

    // Intake shows both dossiers concluded, with the vote as the reason.
    for (id, words) in [(&x, "5/7"), (&y, "4/7")] {
        let d = sangkien_kit::testing::eventually(Duration::from_secs(15), || async {
            let d = sys
                .call(
                    Method::GET,
                    &format!("/api/v1/intake/dossiers/{id}"),
                    Some(&p.author),
                    None,
                )
                .await
                .unwrap();
            (d.body["status"] == "concluded").then_some(d.body)
        })
        .await
        .expect("concluded in intake");
        assert!(
            d["last_reason"].as_str().unwrap().contains(words),
            "{}",
            d["last_reason"]
        );
    }
    // The author sees the conclusion and the average, never the sheets.
    let seen = sys
        .call(
            Method::GET,
            &format!("/api/v1/appraisal/cases/{x}/outcome"),
            Some(&p.author),
            None,
        )
        .await
        .unwrap();
    assert_eq!(seen.status, 200, "{}", seen.body);
    assert_eq!(
        (
            seen.body["recommended"].clone(),
            seen.body["grade"].clone(),
            seen.body["average"].clone()
        ),
        (json!(true), json!("B"), json!(15.25))
    );
    let sheets = sys
        .call(
            Method::GET,
            &format!("/api/v1/appraisal/cases/{x}/sheets"),
            Some(&p.author),
            None,
        )
        .await
        .unwrap();
    assert_eq!(sheets.status, 403);

    // The minutes, as DOCX, from what was recorded.
    let res = sys
        .http
        .get(sys.at(&format!("/api/v1/appraisal/sittings/{sid}/minutes")))
        .bearer_auth(&p.secretariat)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("wordprocessingml")
    );
    let minutes = res.bytes().await.unwrap();
    assert_eq!(
        sangkien_papers::check::layout_problems(&minutes),
        Vec::<String>::new()
    );
    let text = sangkien_papers::check::plain_text(&minutes);
    for expected in [
        "ỦY BAN NHÂN DÂN HUYỆN VĨNH TƯỜNG",
        "Số: 01/BB-HĐSK",
        "Vĩnh Tường, ngày 15 tháng 3 năm 2022",
        "Thời gian: từ 08 giờ 00 đến 11 giờ 30, ngày 15 tháng 3 năm 2022.",
        "Địa điểm: Hội trường UBND huyện.",
        "cần 5/7 thành viên",
        "THƯ KÝ",
        "CHỦ TỊCH HỘI ĐỒNG",
    ] {
        assert!(text.contains(expected), "minutes lack {expected:?}: {text}");
    }
    assert!(
        !text.contains("Hội trường UBND huyện, ngày"),
        "the place, never the room"
    );
    let xml = docx_text(&minutes);
    for expected in [
        "BIÊN BẢN",
        "Hội đồng sáng kiến huyện Vĩnh Tường năm 2022",
        "ngày 15 tháng 3 năm 2022",
        "Có mặt 6/7 thành viên",
        "hd.pho (Phó Chủ tịch)",
        "Dạy học phân hóa môn Toán 9",
        "5/7 tán thành (cần 5)",
        "Không đề nghị công nhận",
        "15,25",
    ] {
        assert!(xml.contains(expected), "minutes lack {expected:?}");
    }
    sys.stop().await;
}
