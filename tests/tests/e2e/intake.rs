//! Intake through the gateway, on the services' manual clock: the 2022 plan is published,
//! an education dossier with a co-author and a PDF is submitted inside the window, confirmed
//! by the unit head and registered by the Education Office with its receipt; a late one is
//! refused until the office reopens the window; a returned and corrected one keeps every
//! version.

use chrono::{TimeZone, Utc};
use reqwest::Method;
use serde_json::{Value, json};
use std::sync::Arc;

use sangkien_e2e::TestSystem;
use sangkien_kit::ManualClock;

/// Local time in Vĩnh Tường (UTC+7) as UTC.
pub(crate) fn local(y: i32, m: u32, d: u32, h: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap() - chrono::Duration::hours(7)
}

pub(crate) struct People {
    pub(crate) tenant: uuid::Uuid,
    pub(crate) secretariat: String,
    pub(crate) office: String,
    pub(crate) head: String,
    pub(crate) author: String,
    pub(crate) education_office: Value,
    pub(crate) economy_office: Value,
    pub(crate) school: Value,
}

pub(crate) async fn post(
    sys: &TestSystem,
    path: &str,
    token: &str,
    body: Value,
) -> sangkien_e2e::Answer {
    sys.call(Method::POST, path, Some(token), Some(body))
        .await
        .unwrap()
}

pub(crate) async fn get(sys: &TestSystem, path: &str, token: &str) -> sangkien_e2e::Answer {
    sys.call(Method::GET, path, Some(token), None)
        .await
        .unwrap()
}

/// The admin sets up Vĩnh Tường's offices, a school and the people of this story.
pub(crate) async fn people(sys: &TestSystem) -> People {
    let admin = sys.admin_token().await.unwrap();
    let tenant = post(
        sys,
        "/api/v1/directory/tenants",
        &admin,
        json!({ "code": "vinh-tuong", "name": "Ủy ban nhân dân huyện Vĩnh Tường" }),
    )
    .await;
    assert_eq!(tenant.status, 201, "{}", tenant.body);
    let t = tenant.body["id"].clone();
    let mut units = Vec::new();
    for (code, name, kind) in [
        ("phong-gddt", "Phòng Giáo dục và Đào tạo", "office"),
        ("phong-ktht", "Phòng Kinh tế và Hạ tầng", "office"),
        ("thcs-ly-tu-trong", "Trường THCS Lý Tự Trọng", "school"),
    ] {
        let u = post(
            sys,
            "/api/v1/directory/units",
            &admin,
            json!({ "tenant_id": t, "code": code, "name": name, "kind": kind }),
        )
        .await;
        assert_eq!(u.status, 201, "{}", u.body);
        units.push(u.body);
    }
    let mut tokens = Vec::new();
    for (username, name, role, unit) in [
        (
            "thuong.truc",
            "Phạm Văn Thường",
            "council_secretariat",
            &units[1],
        ),
        ("phong.gd", "Lê Thị Giáo", "receiving_office", &units[0]),
        ("hieu.truong", "Đỗ Văn Hiệu", "unit_head", &units[2]),
        ("gv.hoa", "Nguyễn Thị Hoa", "author", &units[2]),
    ] {
        let u = post(
            sys,
            "/api/v1/directory/users",
            &admin,
            json!({
                "tenant_id": t, "username": username, "full_name": name,
                "password": "mat-khau-thu-nghiem",
                "grants": [{ "role": role, "unit_id": unit["id"] }],
            }),
        )
        .await;
        assert_eq!(u.status, 201, "{}", u.body);
        let pair = sys.sign_in(username, "mat-khau-thu-nghiem").await.unwrap();
        tokens.push(pair["access_token"].as_str().unwrap().to_owned());
    }
    People {
        tenant: t.as_str().unwrap().parse().unwrap(),
        secretariat: tokens[0].clone(),
        office: tokens[1].clone(),
        head: tokens[2].clone(),
        author: tokens[3].clone(),
        education_office: units[0].clone(),
        economy_office: units[1].clone(),
        school: units[2].clone(),
    }
}

/// The 2022 plan drafted and published by the secretariat; its id.
pub(crate) async fn published_plan(sys: &TestSystem, p: &People) -> String {
    let plan = post(sys, "/api/v1/intake/plans", &p.secretariat, plan_163(p)).await;
    assert_eq!(plan.status, 201, "{}", plan.body);
    let plan_id = plan.body["id"].as_str().unwrap().to_owned();
    let published = sys
        .http
        .post(sys.at(&format!("/api/v1/intake/plans/{plan_id}/publish")))
        .bearer_auth(&p.secretariat)
        .header("If-Match", plan.header("etag").unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(published.status(), 200);
    plan_id
}

pub(crate) fn plan_163(p: &People) -> Value {
    json!({
        "symbol": "163/KH-UBND",
        "title": "Triển khai công tác sáng kiến năm 2022",
        "issued_on": "2022-01-18",
        "year": 2022,
        "fields": [
            {
                "code": "education",
                "name": "Giáo dục và Đào tạo",
                "receiving_unit_id": p.education_office["id"],
                "receive": { "from": "2022-02-01", "to": "2022-02-28" },
                "stages": [
                    { "kind": "appraisal_team", "window": { "from": "2022-03-01", "to": "2022-03-10" }, "rubric": "education-20" },
                    { "kind": "council", "window": { "from": "2022-03-10", "to": "2022-03-20" }, "rubric": "education-20" }
                ]
            },
            {
                "code": "socio_economic",
                "name": "Kinh tế - xã hội",
                "receiving_unit_id": p.economy_office["id"],
                "receive": { "from": "2022-08-01", "to": "2022-08-31" },
                "stages": [
                    { "kind": "council", "window": { "from": "2022-09-01", "to": "2022-09-10" }, "rubric": "general-100" }
                ]
            }
        ]
    })
}

pub(crate) fn form(name: &str) -> Value {
    json!({
        "authors": [
            { "full_name": "Nguyễn Thị Hoa", "date_of_birth": "1985-04-12", "workplace": "Trường THCS Lý Tự Trọng",
              "title": "Giáo viên", "qualification": "Thạc sĩ Toán học", "contribution_percent": 60 },
            { "full_name": "Trần Văn Nam", "date_of_birth": "1990-09-01", "workplace": "Trường THCS Lý Tự Trọng",
              "title": "Giáo viên", "qualification": "Cử nhân Sư phạm", "contribution_percent": 40 }
        ],
        "name": name,
        "application_area": "Giáo dục và Đào tạo",
        "kind": "operational",
        "first_applied_on": "2021-09-06",
        "essence": "Tổ chức học nhóm theo năng lực, phiếu học tập phân hóa, kiểm tra 10 phút mỗi tuần.",
        "applied_where": "Lớp 9A, 9B năm học 2021–2022",
        "confidential_info": "Bộ đề kiểm tra gốc",
        "conditions": "Giáo viên được tập huấn dạy học phân hóa",
        "participants": [
            { "full_name": "Lê Văn Bình", "date_of_birth": "1982-01-01", "workplace": "Trường THCS Lý Tự Trọng",
              "title": "Tổ trưởng", "qualification": "Cử nhân", "role_in_application": "Dạy thử nghiệm lớp 9B" }
        ],
        "benefits_by_author": "Tỷ lệ học sinh khá giỏi môn Toán tăng từ 42% lên 57%",
        "benefits_by_participants": "Học sinh tự tin hơn khi giải bài tập khó",
        "declaration": true
    })
}

pub(crate) async fn upload(
    sys: &TestSystem,
    token: &str,
    dossier: &str,
    name: &str,
    bytes: Vec<u8>,
) -> sangkien_e2e::Answer {
    let res = sys
        .http
        .post(sys.at(&format!(
            "/api/v1/intake/dossiers/{dossier}/attachments?name={name}"
        )))
        .bearer_auth(token)
        .body(bytes)
        .send()
        .await
        .unwrap();
    sangkien_e2e::Answer::read(res).await.unwrap()
}

pub(crate) fn pdf(size: usize) -> Vec<u8> {
    let mut b = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    b.resize(size, b' ');
    b
}

#[tokio::test]
async fn an_education_dossier_goes_from_draft_to_registered_with_its_receipt() {
    let clock = ManualClock::new(local(2022, 1, 20, 9));
    let sys = TestSystem::start_with_clock(Arc::new(clock.clone()))
        .await
        .unwrap();
    let p = people(&sys).await;

    // The secretariat drafts and publishes the plan; an author cannot.
    let refused = post(&sys, "/api/v1/intake/plans", &p.author, plan_163(&p)).await;
    assert_eq!(refused.status, 403);
    let plan = post(&sys, "/api/v1/intake/plans", &p.secretariat, plan_163(&p)).await;
    assert_eq!(plan.status, 201, "{}", plan.body);
    let plan_id = plan.body["id"].as_str().unwrap().to_owned();
    let published = sys
        .http
        .post(sys.at(&format!("/api/v1/intake/plans/{plan_id}/publish")))
        .bearer_auth(&p.secretariat)
        .header("If-Match", plan.header("etag").unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(published.status(), 200);

    // Too early: the window opens on 01/02.
    let created = post(
        &sys,
        "/api/v1/intake/dossiers",
        &p.author,
        json!({ "plan_id": plan_id, "field": "education", "form": form("Một số biện pháp nâng cao chất lượng dạy học môn Toán lớp 9") }),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    assert_eq!(created.body["status"], "draft");
    let exe = upload(
        &sys,
        &p.author,
        &id,
        "virus.pdf",
        b"MZ\x90\x00not a pdf".to_vec(),
    )
    .await;
    assert_eq!(exe.status, 415, "{}", exe.body);
    assert!(exe.body["detail"].as_str().unwrap().contains("PDF"));
    let file = upload(&sys, &p.author, &id, "bao-cao-mo-ta.pdf", pdf(300 * 1024)).await;
    assert_eq!(file.status, 201, "{}", file.body);
    assert_eq!(file.body["content_type"], "application/pdf");
    assert_eq!(file.body["sha256"].as_str().unwrap().len(), 64);
    let early = post(
        &sys,
        &format!("/api/v1/intake/dossiers/{id}/submit"),
        &p.author,
        json!({}),
    )
    .await;
    assert_eq!(early.status, 409);
    assert_eq!(early.body["code"], "window_closed");
    assert!(
        early.body["detail"]
            .as_str()
            .unwrap()
            .contains("01/02/2022–28/02/2022")
    );

    // Inside the window; the Idempotency-Key makes a retry harmless.
    clock.set(local(2022, 2, 10, 8));
    let submit = |key: &'static str| {
        sys.http
            .post(sys.at(&format!("/api/v1/intake/dossiers/{id}/submit")))
            .bearer_auth(&p.author)
            .header("Idempotency-Key", key)
            .send()
    };
    let first = submit("nop-lan-1").await.unwrap();
    assert_eq!(first.status(), 200);
    let again = submit("nop-lan-1").await.unwrap();
    assert_eq!(again.status(), 200);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let d: Value = again.json().await.unwrap();
    assert_eq!(d["status"], "submitted");
    assert_eq!(d["submissions"], 1);

    // The office cannot register before the unit head confirms.
    let too_soon = post(
        &sys,
        &format!("/api/v1/intake/dossiers/{id}/register"),
        &p.office,
        json!({}),
    )
    .await;
    assert_eq!(
        too_soon.status, 404,
        "the office does not see unconfirmed dossiers"
    );
    let confirmed = post(
        &sys,
        &format!("/api/v1/intake/dossiers/{id}/confirm"),
        &p.head,
        json!({}),
    )
    .await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    assert_eq!(confirmed.body["status"], "confirmed");

    clock.set(local(2022, 2, 15, 14));
    let receipt = post(
        &sys,
        &format!("/api/v1/intake/dossiers/{id}/register"),
        &p.office,
        json!({}),
    )
    .await;
    assert_eq!(receipt.status, 200, "{}", receipt.body);
    assert_eq!(receipt.body["register_number"], 1);
    assert_eq!(receipt.body["received_on"], "2022-02-15");
    assert_eq!(receipt.body["decision_due_on"], "2022-05-15");
    assert!(
        receipt.body["text_vi"]
            .as_str()
            .unwrap()
            .contains("15/05/2022")
    );

    // The author sees it received; the confidential part is there for the assessors.
    let seen = sys
        .call(
            Method::GET,
            &format!("/api/v1/intake/dossiers/{id}"),
            Some(&p.author),
            None,
        )
        .await
        .unwrap();
    assert!(
        ["received", "in_appraisal"].contains(&seen.body["status"].as_str().unwrap()),
        "{}",
        seen.body["status"]
    );
    assert_eq!(
        seen.body["unit_name"], "Trường THCS Lý Tự Trọng",
        "names from directory events"
    );
    assert_eq!(seen.body["owner_name"], "Nguyễn Thị Hoa");
    let office_view = sys
        .call(
            Method::GET,
            &format!("/api/v1/intake/dossiers/{id}"),
            Some(&p.office),
            None,
        )
        .await
        .unwrap();
    assert_eq!(
        office_view.body["form"]["confidential_info"],
        "Bộ đề kiểm tra gốc"
    );

    // `dossier.received` reached appraisal, which opened the case at its first stage.
    let case = sangkien_kit::testing::eventually(std::time::Duration::from_secs(15), || async {
        let c = sys
            .call(
                Method::GET,
                &format!("/api/v1/appraisal/cases/{id}"),
                Some(&p.secretariat),
                None,
            )
            .await
            .unwrap();
        (c.status == 200).then_some(c.body)
    })
    .await
    .expect("the case is opened in appraisal");
    assert_eq!(case["register_number"], 1);
    assert_eq!(case["stages"][0]["kind"], "appraisal_team");
    assert_eq!(case["authors"][1]["full_name"], "Trần Văn Nam");

    // Appraisal's `case.opened` shows the dossier in appraisal to its author; the
    // conclusion and the signed decision (published here as appraisal and decision will)
    // show the outcome with its reason.
    let status_of = |wanted: &'static str| {
        let sys = &sys;
        let id = id.clone();
        let token = p.author.clone();
        async move {
            sangkien_kit::testing::eventually(std::time::Duration::from_secs(15), || async {
                let d = sys
                    .call(
                        Method::GET,
                        &format!("/api/v1/intake/dossiers/{id}"),
                        Some(&token),
                        None,
                    )
                    .await
                    .unwrap();
                (d.body["status"] == wanted).then_some(d.body)
            })
            .await
            .unwrap_or_else(|| panic!("dossier never became {wanted}"))
        }
    };
    let in_appraisal = status_of("in_appraisal").await;
    assert_eq!(in_appraisal["status_label"], "Đang thẩm định");
    let system = sys.system.as_ref().unwrap();
    let intake = system.services.iter().find(|s| s.name == "intake").unwrap();
    let transport = intake.context.transport.clone();
    let dossier_id: uuid::Uuid = id.parse().unwrap();
    let send = |event: sangkien_proto::Envelope| {
        let transport = transport.clone();
        async move { transport.publish(&[event]).await.unwrap() }
    };
    send(
        sangkien_proto::Envelope::new(
            &sangkien_proto::events::CaseConcluded {
                dossier_id,
                plan_id: seen.body["plan_id"].as_str().unwrap().parse().unwrap(),
                field: "education".into(),
                stage: "council".into(),
                recommended: true,
                reason: "Hội đồng biểu quyết 7/9 đồng ý công nhận".into(),
                average_score: Some(17.5),
                grade: Some("A".into()),
                grounds: None,
            },
            p.tenant,
            Utc::now(),
            "e2e",
            None,
        )
        .unwrap(),
    )
    .await;
    let concluded = status_of("concluded").await;
    assert_eq!(
        concluded["last_reason"],
        "Hội đồng biểu quyết 7/9 đồng ý công nhận"
    );
    send(
        sangkien_proto::Envelope::new(
            &sangkien_proto::events::DecisionIssued {
                decision_id: uuid::Uuid::now_v7(),
                number: "05/QĐ-UBND".into(),
                signed_on: chrono::NaiveDate::from_ymd_opt(2022, 4, 5).unwrap(),
                outcomes: vec![sangkien_proto::events::DossierOutcome {
                    dossier_id,
                    recognised: true,
                    reason: "Đạt loại A".into(),
                }],
            },
            p.tenant,
            Utc::now(),
            "e2e",
            None,
        )
        .unwrap(),
    )
    .await;
    let recognised = status_of("recognised").await;
    assert_eq!(recognised["status_label"], "Được công nhận");
    assert_eq!(recognised["last_reason"], "Đạt loại A (05/QĐ-UBND)");
    let _ = p.school;
    sys.stop().await;
}

#[tokio::test]
async fn late_returned_and_corrected_dossiers_follow_the_rules() {
    let clock = ManualClock::new(local(2022, 2, 20, 9));
    let sys = TestSystem::start_with_clock(Arc::new(clock.clone()))
        .await
        .unwrap();
    let p = people(&sys).await;
    let plan_id = published_plan(&sys, &p).await;

    // Incomplete: every gap listed at once.
    let created = post(
        &sys,
        "/api/v1/intake/dossiers",
        &p.author,
        json!({ "plan_id": plan_id, "field": "education", "form": { "name": "Sáng kiến dở dang" } }),
    )
    .await;
    let id = created.body["id"].as_str().unwrap().to_owned();
    let incomplete = post(
        &sys,
        &format!("/api/v1/intake/dossiers/{id}/submit"),
        &p.author,
        json!({}),
    )
    .await;
    assert_eq!(incomplete.status, 422);
    assert!(
        incomplete.body["errors"].as_array().unwrap().len() >= 8,
        "{}",
        incomplete.body
    );

    // Complete it with If-Match and a file.
    let etag = created.header("etag").unwrap().to_owned();
    let saved = sys
        .http
        .put(sys.at(&format!("/api/v1/intake/dossiers/{id}")))
        .bearer_auth(&p.author)
        .header("If-Match", &etag)
        .json(&form("Ứng dụng bản đồ tư duy trong dạy học Ngữ văn"))
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), 200);
    let stale = sys
        .http
        .put(sys.at(&format!("/api/v1/intake/dossiers/{id}")))
        .bearer_auth(&p.author)
        .header("If-Match", &etag)
        .json(&form("Ghi đè"))
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 412);
    upload(&sys, &p.author, &id, "mo-ta.pdf", pdf(50 * 1024)).await;

    // Late: the window closed on 28/02 (local); the office reopens it for this dossier.
    clock.set(local(2022, 3, 1, 0));
    let late = post(
        &sys,
        &format!("/api/v1/intake/dossiers/{id}/submit"),
        &p.author,
        json!({}),
    )
    .await;
    assert_eq!(late.status, 409);
    assert_eq!(late.body["code"], "window_closed");
    let reopened = post(
        &sys,
        &format!("/api/v1/intake/dossiers/{id}/window-exception"),
        &p.office,
        json!({ "reason": "Trường báo mất điện ngày 28/02", "until": "2022-03-03" }),
    )
    .await;
    assert_eq!(reopened.status, 201, "{}", reopened.body);
    let ok = post(
        &sys,
        &format!("/api/v1/intake/dossiers/{id}/submit"),
        &p.author,
        json!({}),
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.body);

    // Returned by the head, resubmitted, confirmed; the office asks for a correction.
    let returned = post(
        &sys,
        &format!("/api/v1/intake/dossiers/{id}/return"),
        &p.head,
        json!({ "reason": "Bổ sung số liệu lớp đối chứng" }),
    )
    .await;
    assert_eq!(returned.body["status"], "returned");
    assert_eq!(
        returned.body["last_reason"],
        "Bổ sung số liệu lớp đối chứng"
    );
    let again = post(
        &sys,
        &format!("/api/v1/intake/dossiers/{id}/submit"),
        &p.author,
        json!({}),
    )
    .await;
    assert_eq!(again.status, 200, "{}", again.body);
    post(
        &sys,
        &format!("/api/v1/intake/dossiers/{id}/confirm"),
        &p.head,
        json!({}),
    )
    .await;
    let correction = post(
        &sys,
        &format!("/api/v1/intake/dossiers/{id}/request-correction"),
        &p.office,
        json!({ "reason": "Thiếu xác nhận của người áp dụng thử", "deadline": "2022-03-15" }),
    )
    .await;
    assert_eq!(correction.status, 200, "{}", correction.body);
    assert_eq!(correction.body["correction_due_on"], "2022-03-15");
    let corrected = post(
        &sys,
        &format!("/api/v1/intake/dossiers/{id}/submit"),
        &p.author,
        json!({}),
    )
    .await;
    assert_eq!(
        corrected.body["status"], "confirmed",
        "back to the office directly"
    );
    let receipt = post(
        &sys,
        &format!("/api/v1/intake/dossiers/{id}/register"),
        &p.office,
        json!({}),
    )
    .await;
    assert_eq!(receipt.status, 200);

    // Every submitted version is kept; the history names each step and reason.
    let versions = sys
        .call(
            Method::GET,
            &format!("/api/v1/intake/dossiers/{id}/versions"),
            Some(&p.author),
            None,
        )
        .await
        .unwrap();
    assert_eq!(versions.body.as_array().unwrap().len(), 3);
    assert_eq!(versions.body[0]["attachments"][0]["name"], "mo-ta.pdf");
    let history = sys
        .call(
            Method::GET,
            &format!("/api/v1/intake/dossiers/{id}/history"),
            Some(&p.office),
            None,
        )
        .await
        .unwrap();
    let actions: Vec<&str> = history
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    for a in [
        "dossier.window_reopened",
        "dossier.returned",
        "dossier.correction_requested",
        "dossier.registered",
    ] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }

    // Withdrawal before the conclusion.
    let gone = post(
        &sys,
        &format!("/api/v1/intake/dossiers/{id}/withdraw"),
        &p.author,
        json!({ "reason": "Tác giả chuyển công tác" }),
    )
    .await;
    assert_eq!(gone.body["status"], "withdrawn");
    let closed = sangkien_kit::testing::eventually(std::time::Duration::from_secs(15), || async {
        let c = sys
            .call(
                Method::GET,
                &format!("/api/v1/appraisal/cases/{id}"),
                Some(&p.secretariat),
                None,
            )
            .await
            .unwrap();
        (c.body["status"] == "withdrawn").then_some(c.body)
    })
    .await
    .expect("appraisal closed the case");
    assert_eq!(closed["closed_reason"], "Tác giả chuyển công tác");
    let twice = post(
        &sys,
        &format!("/api/v1/intake/dossiers/{id}/withdraw"),
        &p.author,
        json!({ "reason": "Lần nữa" }),
    )
    .await;
    assert_eq!(twice.status, 409);
    assert_eq!(twice.body["code"], "invalid_transition");
    sys.stop().await;
}

#[tokio::test]
async fn attachments_are_capped_typed_by_their_bytes_and_stream_back() {
    let clock = ManualClock::new(local(2022, 2, 5, 9));
    let mut sys = TestSystem::start_with_clock(Arc::new(clock.clone()))
        .await
        .unwrap();
    sys.restart_with(|s| {
        s.files.max_file_bytes = 2 * 1024 * 1024;
        s.files.max_dossier_bytes = 3 * 1024 * 1024;
    })
    .await
    .unwrap();
    let p = people(&sys).await;
    let plan_id = published_plan(&sys, &p).await;
    let created = post(
        &sys,
        "/api/v1/intake/dossiers",
        &p.author,
        json!({ "plan_id": plan_id, "field": "education", "form": form("Tệp đính kèm") }),
    )
    .await;
    let id = created.body["id"].as_str().unwrap().to_owned();

    let too_big = upload(&sys, &p.author, &id, "lon.pdf", pdf(2 * 1024 * 1024 + 1)).await;
    assert_eq!(too_big.status, 413, "{}", too_big.body);
    let png = {
        let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
        b.resize(1700 * 1024, 0);
        b
    };
    let first = upload(&sys, &p.author, &id, "../../anh chup.png", png.clone()).await;
    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(
        first.body["name"], "anh chup.png",
        "a name never becomes a path"
    );
    assert_eq!(first.body["content_type"], "image/png");
    let second = upload(&sys, &p.author, &id, "anh-2.png", png.clone()).await;
    assert_eq!(
        second.status, 413,
        "the dossier holds 3 MiB: {}",
        second.body
    );
    let zip = upload(
        &sys,
        &p.author,
        &id,
        "tai-lieu.docx",
        b"PK\x03\x04\x14\x00\x00\x00\x00\x00notes.txt".to_vec(),
    )
    .await;
    assert_eq!(zip.status, 415);

    // Bytes left by an upload whose row never committed (a crash between the two) are swept
    // after an hour; the attachment's own bytes and objects under other keys stay.
    let aid = first.body["id"].as_str().unwrap();
    sweep_leaves_only_what_rows_name(&sys, aid).await;

    // Back as it went up, with its digest and name.
    let res = sys
        .http
        .get(sys.at(&format!("/api/v1/intake/dossiers/{id}/attachments/{aid}")))
        .bearer_auth(&p.author)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("filename*=UTF-8''anh%20chup.png")
    );
    let bytes = res.bytes().await.unwrap();
    assert_eq!(bytes.len(), png.len());
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");

    // The attack: a PDF that is also an HTML page, uploaded as `poly.html`. It comes back as
    // the PDF its bytes are, saved as `poly.pdf`, and no browser may sniff it into a page.
    let mut polyglot = pdf(32);
    polyglot.extend_from_slice(b"<html><script>alert(document.cookie)</script></html>");
    let poly = upload(&sys, &p.author, &id, "poly.html", polyglot).await;
    assert_eq!(poly.status, 201, "{}", poly.body);
    assert_eq!(
        poly.body["name"], "poly.html",
        "the client's name stays the label"
    );
    let res = sys
        .http
        .get(sys.at(&format!(
            "/api/v1/intake/dossiers/{id}/attachments/{}",
            poly.body["id"].as_str().unwrap()
        )))
        .bearer_auth(&p.author)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    let saved_as = res.headers()["content-disposition"].to_str().unwrap();
    assert!(saved_as.contains("filename=\"poly.pdf\""), "{saved_as}");
    assert!(!saved_as.contains("html"), "{saved_as}");
    let poly_removed = sys
        .call(
            Method::DELETE,
            &format!(
                "/api/v1/intake/dossiers/{id}/attachments/{}",
                poly.body["id"].as_str().unwrap()
            ),
            Some(&p.author),
            None,
        )
        .await
        .unwrap();
    assert_eq!(poly_removed.status, 204);

    // Others cannot read it; the author removes it from the draft.
    let stranger = sys
        .call(
            Method::GET,
            &format!("/api/v1/intake/dossiers/{id}/attachments/{aid}"),
            Some(&p.office),
            None,
        )
        .await
        .unwrap();
    assert_eq!(stranger.status, 404);
    let removed = sys
        .call(
            Method::DELETE,
            &format!("/api/v1/intake/dossiers/{id}/attachments/{aid}"),
            Some(&p.author),
            None,
        )
        .await
        .unwrap();
    assert_eq!(removed.status, 204);
    let listed = sys
        .call(
            Method::GET,
            &format!("/api/v1/intake/dossiers/{id}/attachments"),
            Some(&p.author),
            None,
        )
        .await
        .unwrap();
    assert_eq!(listed.body.as_array().unwrap().len(), 0);
    sys.stop().await;
}

/// The attack: 40 uploads to one draft at once, which beat a count checked only before the
/// bytes streamed. The count is decided under the dossier's lock in the write transaction.
#[tokio::test]
async fn forty_parallel_uploads_to_one_draft_store_exactly_twenty_files() {
    let clock = ManualClock::new(local(2022, 2, 5, 9));
    let sys = TestSystem::start_with_clock(Arc::new(clock.clone()))
        .await
        .unwrap();
    let p = people(&sys).await;
    let plan_id = published_plan(&sys, &p).await;
    let created = post(
        &sys,
        "/api/v1/intake/dossiers",
        &p.author,
        json!({ "plan_id": plan_id, "field": "education", "form": form("Bốn mươi tệp") }),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    let uploads = (0..40).map(|i| {
        let (sys, token, id) = (&sys, p.author.clone(), id.clone());
        async move { upload(sys, &token, &id, &format!("tep-{i}.pdf"), pdf(64 * 1024)).await }
    });
    let answers = futures::future::join_all(uploads).await;
    let accepted = answers.iter().filter(|a| a.status == 201).count();
    assert_eq!(accepted, 20, "exactly the cap is accepted");
    for refused in answers.iter().filter(|a| a.status != 201) {
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert_eq!(refused.body["code"], "validation_failed");
        assert!(
            refused.body["detail"].as_str().unwrap().contains("20"),
            "{}",
            refused.body
        );
    }
    let listed = get(
        &sys,
        &format!("/api/v1/intake/dossiers/{id}/attachments"),
        &p.author,
    )
    .await;
    assert_eq!(listed.body.as_array().unwrap().len(), 20);
    sys.stop().await;
}

#[tokio::test]
async fn register_numbers_have_no_gap_and_no_repeat_under_concurrency() {
    let clock = ManualClock::new(local(2022, 2, 14, 9));
    let sys = TestSystem::start_with_clock(Arc::new(clock.clone()))
        .await
        .unwrap();
    let p = people(&sys).await;
    let plan_id = published_plan(&sys, &p).await;
    let mut ids = Vec::new();
    for i in 0..8 {
        let created = post(
            &sys,
            "/api/v1/intake/dossiers",
            &p.author,
            json!({ "plan_id": plan_id, "field": "education", "form": form(&format!("Sáng kiến số {i}")) }),
        )
        .await;
        let id = created.body["id"].as_str().unwrap().to_owned();
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
        ids.push(id);
    }
    let registrations = ids.iter().map(|id| {
        let sys = &sys;
        let office = &p.office;
        async move {
            post(
                sys,
                &format!("/api/v1/intake/dossiers/{id}/register"),
                office,
                json!({}),
            )
            .await
        }
    });
    let answers = futures::future::join_all(registrations).await;
    let mut numbers: Vec<i64> = answers
        .iter()
        .map(|a| {
            assert_eq!(a.status, 200, "{}", a.body);
            a.body["register_number"].as_i64().unwrap()
        })
        .collect();
    numbers.sort();
    assert_eq!(numbers, (1..=8).collect::<Vec<i64>>());
    sys.stop().await;
}

/// An S3-compatible server for the test (the Python `moto` server: `pip install
/// 'moto[s3,server]'`), killed when dropped.
struct S3Server {
    child: std::process::Child,
    url: String,
}

impl S3Server {
    async fn start() -> Self {
        sangkien_kit::install_crypto_provider();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = sangkien_kit::testing::python_with("moto.server", "moto[s3,server]")
            .unwrap()
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("python3 with moto is needed for the S3 test (pip install 'moto[s3,server]')");
        // Owned at once, so the server is killed and waited for on every path.
        let server = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let http = reqwest::Client::new();
        for _ in 0..100 {
            if http
                .put(format!("{}/sangkien", server.url))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return server;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!(
            "the S3 test server did not start (is moto installed? pip install 'moto[s3,server]')"
        );
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn attachments_can_live_in_an_s3_compatible_bucket() {
    let s3 = S3Server::start().await;
    let clock = ManualClock::new(local(2022, 2, 5, 9));
    let mut sys = TestSystem::start_with_clock(Arc::new(clock.clone()))
        .await
        .unwrap();
    let endpoint = s3.url.clone();
    sys.restart_with(|s| {
        s.files.store_url = Some("s3://sangkien/ho-so".into());
        s.files.s3_endpoint = Some(endpoint);
        s.files.s3_allow_http = true;
        s.files.s3_access_key_id = Some("kiem-thu".into());
        s.files.s3_secret_access_key = Some("kiem-thu-bi-mat".into());
    })
    .await
    .unwrap();
    let p = people(&sys).await;
    let plan_id = published_plan(&sys, &p).await;
    let created = post(
        &sys,
        "/api/v1/intake/dossiers",
        &p.author,
        json!({ "plan_id": plan_id, "field": "education", "form": form("Lưu trên S3") }),
    )
    .await;
    let id = created.body["id"].as_str().unwrap().to_owned();
    // 12 MiB: several multipart parts.
    let body = pdf(12 * 1024 * 1024);
    let stored = upload(&sys, &p.author, &id, "bao-cao.pdf", body.clone()).await;
    assert_eq!(stored.status, 201, "{}", stored.body);
    let aid = stored.body["id"].as_str().unwrap().to_owned();
    let listing = reqwest::get(format!("{}/sangkien?list-type=2&prefix=ho-so/", s3.url))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        listing.contains(&aid),
        "the object is in the bucket under the prefix: {listing}"
    );
    let back = sys
        .http
        .get(sys.at(&format!("/api/v1/intake/dossiers/{id}/attachments/{aid}")))
        .bearer_auth(&p.author)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(back.len(), body.len());
    assert!(back == body, "the same bytes come back");
    sys.stop().await;
}

/// Plants an orphan next to attachment `aid`'s bytes and a file under a key that is not an
/// attachment's, ages the three by two hours, sweeps, and checks that only the orphan went.
async fn sweep_leaves_only_what_rows_name(sys: &TestSystem, aid: &str) {
    use sangkien_intake::files::{FileStore, sweep};
    let sangkien_kit::settings::FilesLocation::Local(dir) = sys.settings.files_location().unwrap()
    else {
        panic!("local files expected");
    };
    let stored = walk(&dir)
        .into_iter()
        .find(|p| p.file_name().is_some_and(|n| n == aid))
        .expect("the attachment's bytes are stored under its id");
    let orphan = stored.with_file_name(uuid::Uuid::now_v7().to_string());
    std::fs::write(&orphan, b"%PDF-1.7 left by a crash").unwrap();
    let other = dir.join("README.txt");
    std::fs::write(&other, b"not an attachment").unwrap();
    let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
    for p in [&stored, &orphan, &other] {
        std::fs::File::options()
            .write(true)
            .open(p)
            .unwrap()
            .set_modified(two_hours_ago)
            .unwrap();
    }
    let files = FileStore::from_settings(&sys.settings).unwrap();
    let db = &sys
        .system
        .as_ref()
        .unwrap()
        .services
        .iter()
        .find(|s| s.name == "intake")
        .unwrap()
        .context
        .db;
    let swept = sweep::sweep_orphans(&files, db, chrono::Utc::now() - sweep::ORPHAN_AFTER)
        .await
        .unwrap();
    assert_eq!((swept.examined, swept.deleted), (2, 1), "{swept:?}");
    assert!(!orphan.exists(), "the orphan is deleted");
    assert!(
        stored.exists() && other.exists(),
        "named and foreign objects stay"
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}
