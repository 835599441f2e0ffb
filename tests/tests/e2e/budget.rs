//! The Circular 03/2019/TT-BTC budget through the gateway: the estimate drafted from the
//! published plan and its council, edited by the secretariat, a rate above the cap refused,
//! appraised and approved by the finance office and then locked; a council sitting held in
//! appraisal booked to the đồng; vouchers, over-line spending and the settlement that closes
//! the year; and a redelivered `sitting.held` booked once.

use std::{sync::Arc, time::Duration};

use calamine::{Data, Reader, Xlsx};
use reqwest::Method;
use serde_json::{Value, json};

use crate::intake::{People, form, get, local, pdf, people, post, published_plan, upload};
use crate::sittings::matched;
use sangkien_e2e::TestSystem;
use sangkien_kit::{ManualClock, testing::eventually};
use sangkien_proto::Role;

const B: &str = "/api/v1/decision/budget";

/// A user of the test's tenant holding `role` on `unit`; their token and id.
async fn user(
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
        json!({
        "tenant_id": p.tenant, "username": username, "full_name": format!("Ông/Bà {username}"),
        "password": "mat-khau-ngan-sach", "grants": [{ "role": role, "unit_id": unit["id"] }] }),
    )
    .await;
    assert_eq!(u.status, 201, "{}", u.body);
    let token = sys.sign_in(username, "mat-khau-ngan-sach").await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    (token, u.body["id"].as_str().unwrap().to_owned())
}

/// Downloads an XLSX report and reads its first sheet back.
async fn xlsx(sys: &TestSystem, path: &str, token: &str) -> calamine::Range<Data> {
    let res = sys
        .http
        .get(sys.at(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(".xlsx")
    );
    let bytes = res.bytes().await.unwrap().to_vec();
    // The settlement is a report of its own; each sheet is named in Vietnamese.
    let sheet = if path.contains("settlement") {
        "Quyết toán"
    } else {
        "Thực hiện dự toán"
    };
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(wb.sheet_names(), [sheet]);
    wb.worksheet_range(sheet).unwrap()
}

/// The row labelled "Tổng cộng": (estimated, spent, remaining).
fn totals_row(range: &calamine::Range<Data>) -> (f64, f64, f64) {
    for row in range.rows() {
        if row.get(1) == Some(&Data::String("Tổng cộng".into())) {
            let n = |c: usize| match &row[c] {
                Data::Float(f) => *f,
                other => panic!("{other:?}"),
            };
            return (n(3), n(4), n(5));
        }
    }
    panic!("no total row");
}

fn line<'a>(report: &'a Value, code: &str, role: Option<&str>) -> &'a Value {
    report["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["line_code"] == code && l["payee_role"] == json!(role))
        .unwrap_or_else(|| panic!("no {code} {role:?} in {report}"))
}

#[tokio::test]
async fn the_year_from_estimate_to_settlement_follows_circular_03_2019() {
    let clock = ManualClock::new(local(2022, 1, 20, 9));
    let sys = TestSystem::start_with_clock(Arc::new(clock.clone()))
        .await
        .unwrap();
    let p = people(&sys).await;
    let plan_id = published_plan(&sys, &p).await;
    let (finance, _) = user(&sys, &p, "tc.kh", "finance_office", &p.economy_office).await;
    let (tenant_admin, _) = user(&sys, &p, "qt.vt", "admin", &p.economy_office).await;
    let (econ_office, _) = user(
        &sys,
        &p,
        "phong.ktht",
        "receiving_office",
        &p.economy_office,
    )
    .await;

    // The body's place in the rate tables.
    let prof = sys
        .call(
            Method::PUT,
            &format!("{B}/profile"),
            Some(&tenant_admin),
            Some(json!({ "jurisdiction": "vinh-phuc", "council_tier": "district" })),
        )
        .await
        .unwrap();
    assert_eq!(prof.status, 200, "{}", prof.body);

    // The socio-economic council: chair, six paid as members (vice-chair, secretary, members, expert, trade union).
    let mut council = Vec::new();
    let mut chair_token = String::new();
    let mut ids = Vec::new();
    for (name, role, panel_role) in [
        ("kt.chu.tich", "council_chair", "chair"),
        ("kt.pho", "reviewer", "vice_chair"),
        ("kt.thu.ky", "reviewer", "secretary"),
        ("kt.uv1", "reviewer", "member"),
        ("kt.uv2", "reviewer", "expert"),
        ("kt.uv3", "reviewer", "member"),
        ("kt.uv4", "reviewer", "trade_union"),
    ] {
        let (token, id) = user(&sys, &p, name, role, &p.economy_office).await;
        if panel_role == "chair" {
            chair_token = token;
        }
        council.push(json!({ "user_id": id, "full_name": name, "unit_id": p.economy_office["id"], "role": panel_role }));
        ids.push(id);
    }
    let panel = post(&sys, "/api/v1/appraisal/panels", &p.secretariat, json!({ "plan_id": plan_id, "field": "socio_economic",
        "kind": "council", "name": "Hội đồng sáng kiến huyện Vĩnh Tường năm 2022", "members": council })).await;
    assert_eq!(panel.status, 201, "{}", panel.body);
    let council_id = panel.body["id"].as_str().unwrap().to_owned();

    // Decision knows the plan and the council; the secretariat drafts the estimate from them.
    eventually(Duration::from_secs(15), || async {
        (get(&sys, &format!("{B}/plans/{plan_id}/execution"), &finance)
            .await
            .status
            == 200)
            .then_some(())
    })
    .await
    .expect("plan reached decision");
    tokio::time::sleep(Duration::from_millis(800)).await;
    // Two secretaries draft at the same moment: one estimate, and a 409 for the other.
    let estimates_path = format!("{B}/plans/{plan_id}/estimates");
    let (one, other) = tokio::join!(
        post(&sys, &estimates_path, &p.secretariat, json!({})),
        post(&sys, &estimates_path, &p.secretariat, json!({}))
    );
    let mut statuses = [one.status, other.status];
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409], "{} / {}", one.body, other.body);
    let (est, twin) = if one.status == 201 {
        (one, other)
    } else {
        (other, one)
    };
    assert_eq!(twin.body["code"], "conflict", "{}", twin.body);
    let est_id = est.body["id"].as_str().unwrap().to_owned();
    let figures: Vec<(String, Value, i64, i64, i64)> = est.body["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["line_code"].as_str().unwrap().to_owned(),
                l["payee_role"].clone(),
                l["quantity"].as_i64().unwrap(),
                l["unit_amount"].as_i64().unwrap(),
                l["amount"].as_i64().unwrap(),
            )
        })
        .collect();
    // 01/09–10/09: two sittings expected; 1 chair at 500,000 and 6 at 200,000 each sitting.
    assert_eq!(
        figures,
        vec![
            (
                "council_sitting".into(),
                json!("chair"),
                2,
                500_000,
                1_000_000
            ),
            (
                "council_sitting".into(),
                json!("member"),
                12,
                200_000,
                2_400_000
            ),
            ("council_documents".into(), Value::Null, 2, 0, 0),
            ("training".into(), Value::Null, 1, 0, 0),
            ("training".into(), Value::Null, 1, 0, 0),
        ]
    );
    let lines: Vec<String> = est.body["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap().to_owned())
        .collect();
    let mut etag = est.header("etag").unwrap().to_owned();

    // The secretariat prices the documents.
    let edited = matched(&sys, Method::PUT, &format!("{B}/estimates/{est_id}/lines/{}", lines[2]), &p.secretariat, &etag,
        json!({ "line_code": "council_documents", "description": "Tài liệu, văn phòng phẩm cho 2 phiên họp", "quantity": 2, "unit_amount": 250_000 })).await;
    assert_eq!(edited.status, 200, "{}", edited.body);
    assert_eq!(edited.body["total"], 3_900_000);
    etag = edited.header("etag").unwrap().to_owned();
    // A chair's fee above 500,000 is refused, naming the rule.
    let above = matched(&sys, Method::POST, &format!("{B}/estimates/{est_id}/lines"), &p.secretariat, &etag,
        json!({ "line_code": "council_sitting", "payee_role": "chair", "description": "Phiên bổ sung", "quantity": 1, "unit_amount": 600_000 })).await;
    assert_eq!(above.status, 422, "{}", above.body);
    assert_eq!(above.body["code"], "rate_above_cap");
    let detail = above.body["detail"].as_str().unwrap();
    assert!(
        detail.contains("Thông tư 03/2019/TT-BTC")
            && detail.contains("500.000")
            && detail.contains("03/03/2019"),
        "{detail}"
    );
    // Only the secretariat edits.
    let by_finance = matched(&sys, Method::PUT, &format!("{B}/estimates/{est_id}/lines/{}", lines[2]), &finance, &etag,
        json!({ "line_code": "council_documents", "description": "x", "quantity": 1, "unit_amount": 1 })).await;
    assert_eq!(by_finance.status, 403);

    // The finance office adjusts the members' line with a reason and approves the rest.
    let no_reason = matched(
        &sys,
        Method::PUT,
        &format!("{B}/estimates/{est_id}/lines/{}/appraisal", lines[1]),
        &finance,
        &etag,
        json!({ "decision": "adjust", "amount": 2_000_000 }),
    )
    .await;
    assert_eq!(no_reason.status, 422, "{}", no_reason.body);
    for (i, l) in lines.iter().enumerate() {
        let body = if i == 1 {
            json!({ "decision": "adjust", "amount": 2_000_000, "reason": "Dự kiến bình quân 5 thành viên dự mỗi phiên" })
        } else {
            json!({ "decision": "approve" })
        };
        let a = matched(
            &sys,
            Method::PUT,
            &format!("{B}/estimates/{est_id}/lines/{l}/appraisal"),
            &finance,
            &etag,
            body,
        )
        .await;
        assert_eq!(a.status, 200, "{}", a.body);
        etag = a.header("etag").unwrap().to_owned();
    }
    let approved = matched(
        &sys,
        Method::POST,
        &format!("{B}/estimates/{est_id}/approve"),
        &finance,
        &etag,
        json!({}),
    )
    .await;
    assert_eq!(approved.status, 200, "{}", approved.body);
    assert_eq!(
        (
            approved.body["status"].clone(),
            approved.body["approved_total"].clone()
        ),
        (json!("approved"), json!(3_500_000))
    );
    etag = approved.header("etag").unwrap().to_owned();
    let late_edit = matched(&sys, Method::PUT, &format!("{B}/estimates/{est_id}/lines/{}", lines[2]), &p.secretariat, &etag,
        json!({ "line_code": "council_documents", "description": "Thêm tài liệu", "quantity": 3, "unit_amount": 250_000 })).await;
    assert_eq!(late_edit.status, 409, "{}", late_edit.body);
    assert_eq!(late_edit.body["code"], "estimate_locked");

    // The estimate as papers: none without the body's profile, then the DOCX in the Decree 30
    // layout with the appraised amounts, the adjustment's reason and the totals in words, and
    // the same as XLSX.
    let document = format!("{B}/estimates/{est_id}/document");
    let missing = get(&sys, &document, &finance).await;
    assert_eq!(missing.status, 409, "{}", missing.body);
    assert_eq!(missing.body["code"], "body_profile_missing");
    let (_, chair) = user(&sys, &p, "ct.ubnd", "signer", &p.economy_office).await;
    let body_profile = sys
        .call(
            Method::PUT,
            "/api/v1/decision/body-profile",
            Some(&tenant_admin),
            Some(json!({
                "full_name": "ỦY BAN NHÂN DÂN HUYỆN VĨNH TƯỜNG",
                "superior_name": "UBND TỈNH VĨNH PHÚC",
                "place_name": "Vĩnh Tường",
                "document_symbol": "UBND",
                "decision_type": "QĐ",
                "legal_bases": ["Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015"],
                "recipients": ["CT, các PCT UBND huyện"],
                "archive_line": "Lưu: VT, TC-KH.",
                "signers": [{ "user_id": chair, "titles": ["CHỦ TỊCH"], "name": "Nguyễn Văn Toàn" }]
            })),
        )
        .await
        .unwrap();
    assert_eq!(body_profile.status, 200, "{}", body_profile.body);
    let res = sys
        .http
        .get(sys.at(&document))
        .bearer_auth(&finance)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let docx = res.bytes().await.unwrap().to_vec();
    assert_eq!(
        sangkien_papers::check::layout_problems(&docx),
        Vec::<String>::new()
    );
    let text = sangkien_papers::check::plain_text(&docx);
    for expected in [
        "DỰ TOÁN KINH PHÍ",
        "CHI HỌP HỘI ĐỒNG SÁNG KIẾN",
        "Bằng chữ: Ba triệu năm trăm nghìn đồng.",
        "lý do: Dự kiến bình quân 5 thành viên dự mỗi phiên.",
    ] {
        assert!(
            text.contains(expected),
            "the estimate lacks {expected:?}: {text}"
        );
    }
    let res = sys
        .http
        .get(sys.at(&format!("{document}.xlsx")))
        .bearer_auth(&finance)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let mut wb: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(res.bytes().await.unwrap().to_vec()))
            .unwrap();
    let sheet = wb.worksheet_range("Dự toán").unwrap();
    assert!(
        sheet
            .used_cells()
            .any(|(_, _, d)| d == &Data::Float(3_500_000.0)),
        "the appraised total as a number"
    );

    // A socio-economic dossier reaches the council, which sits on 05/09 with all seven.
    clock.set(local(2022, 8, 10, 9));
    let d = post(&sys, "/api/v1/intake/dossiers", &p.author, json!({ "plan_id": plan_id, "field": "socio_economic", "form": form("Quy trình số hóa hồ sơ một cửa") })).await;
    assert_eq!(d.status, 201, "{}", d.body);
    let dossier = d.body["id"].as_str().unwrap().to_owned();
    upload(&sys, &p.author, &dossier, "mo-ta.pdf", pdf(2048)).await;
    for (step, token) in [
        ("submit", &p.author),
        ("confirm", &p.head),
        ("register", &econ_office),
    ] {
        let r = post(
            &sys,
            &format!("/api/v1/intake/dossiers/{dossier}/{step}"),
            token,
            json!({}),
        )
        .await;
        assert_eq!(r.status, 200, "{step}: {}", r.body);
    }
    eventually(Duration::from_secs(15), || async {
        (get(
            &sys,
            &format!("/api/v1/appraisal/cases/{dossier}"),
            &p.secretariat,
        )
        .await
        .status
            == 200)
            .then_some(())
    })
    .await
    .expect("case opened");
    clock.set(local(2022, 9, 5, 8));
    let s = post(
        &sys,
        "/api/v1/appraisal/sittings",
        &p.secretariat,
        json!({ "panel_id": council_id, "held_on": "2022-09-05",
        "place": "Hội trường UBND huyện", "dossier_ids": [dossier] }),
    )
    .await;
    assert_eq!(s.status, 201, "{}", s.body);
    let sid = s.body["id"].as_str().unwrap().to_owned();
    let a = matched(
        &sys,
        Method::PUT,
        &format!("/api/v1/appraisal/sittings/{sid}/attendance"),
        &p.secretariat,
        s.header("etag").unwrap(),
        json!({ "present": ids }),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let v = matched(
        &sys,
        Method::PUT,
        &format!("/api/v1/appraisal/sittings/{sid}/votes/{dossier}"),
        &p.secretariat,
        a.header("etag").unwrap(),
        json!({ "method": "show_of_hands", "in_favour": 7, "against": 0, "abstaining": 0 }),
    )
    .await;
    assert_eq!(v.status, 200, "{}", v.body);
    clock.set(local(2022, 9, 5, 11));
    let held = matched(
        &sys,
        Method::POST,
        &format!("/api/v1/appraisal/sittings/{sid}/close"),
        &chair_token,
        v.header("etag").unwrap(),
        json!({}),
    )
    .await;
    assert_eq!(held.status, 200, "{}", held.body);

    // The execution report shows the sitting to the đồng: 500,000 + 6 × 200,000.
    let report = eventually(Duration::from_secs(15), || async {
        let r = get(&sys, &format!("{B}/plans/{plan_id}/execution"), &finance).await;
        (r.body["totals"]["spent"] == 1_700_000).then_some(r.body)
    })
    .await
    .expect("sitting booked");
    println!("execution after the sitting: {}", report["totals"]);
    assert_eq!(
        (
            line(&report, "council_sitting", Some("chair"))["spent"].clone(),
            line(&report, "council_sitting", Some("chair"))["estimated"].clone()
        ),
        (json!(500_000), json!(1_000_000))
    );
    assert_eq!(
        line(&report, "council_sitting", Some("member"))["spent"],
        1_200_000
    );
    assert_eq!(
        report["totals"],
        json!({ "estimated": 3_500_000, "spent": 1_700_000, "remaining": 1_800_000 })
    );
    let sheet = xlsx(
        &sys,
        &format!("{B}/plans/{plan_id}/execution.xlsx"),
        &finance,
    )
    .await;
    assert_eq!(totals_row(&sheet), (3_500_000.0, 1_700_000.0, 1_800_000.0));

    // Vouchers: within the line, then beyond it (flagged, needs a reason), then a repeated number.
    let expense = |voucher: &str, amount: i64, reason: Option<&str>| {
        json!({ "plan_id": plan_id, "line_code": "council_documents",
        "voucher_number": voucher, "spent_on": "2022-09-05", "quantity": 1, "unit_amount": amount,
        "description": "Văn phòng phẩm phiên họp 05/09", "reason": reason })
    };
    let first = post(
        &sys,
        &format!("{B}/expenses"),
        &p.secretariat,
        expense("PC-2022-001", 450_000, None),
    )
    .await;
    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(first.body["over_line"], false);
    let beyond = post(
        &sys,
        &format!("{B}/expenses"),
        &p.secretariat,
        expense("PC-2022-002", 100_000, None),
    )
    .await;
    assert_eq!(beyond.status, 422, "{}", beyond.body);
    assert_eq!(
        beyond.body["errors"][0]["code"],
        "over_line_reason_required"
    );
    let flagged = post(
        &sys,
        &format!("{B}/expenses"),
        &finance,
        expense("PC-2022-002", 100_000, Some("Phát sinh tài liệu in thêm")),
    )
    .await;
    assert_eq!(flagged.status, 201, "{}", flagged.body);
    assert_eq!(flagged.body["over_line"], true);
    let again = post(
        &sys,
        &format!("{B}/expenses"),
        &finance,
        expense("PC-2022-002", 100_000, Some("lặp")),
    )
    .await;
    assert_eq!(again.status, 409, "{}", again.body);
    assert_eq!(again.body["code"], "voucher_taken");

    // The settlement closes the year, while six more vouchers of 10,000 arrive at the same
    // moment: each is either booked and counted in the settlement, or refused as too late.
    let settlement_path = format!("{B}/plans/{plan_id}/settlement");
    let expenses_path = format!("{B}/expenses");
    let settling = post(
        &sys,
        &settlement_path,
        &finance,
        json!({ "note": "Quyết toán năm 2022" }),
    );
    let racing = futures::future::join_all((1..=6).map(|i| {
        post(
            &sys,
            &expenses_path,
            &finance,
            expense(
                &format!("PC-2022-1{i:02}"),
                10_000,
                Some("Chi cùng lúc quyết toán"),
            ),
        )
    }));
    let (settled, raced) = tokio::join!(settling, racing);
    assert_eq!(settled.status, 201, "{}", settled.body);
    let mut booked = 0;
    for r in &raced {
        match r.status {
            201 => booked += 1,
            409 => assert_eq!(r.body["code"], "year_settled", "{}", r.body),
            other => panic!("an expense racing the settlement got {other}: {}", r.body),
        }
    }
    println!(
        "settlement: estimated {} spent {} ({booked} of 6 racing vouchers booked before it)",
        settled.body["estimated"], settled.body["spent"]
    );
    let spent = 2_250_000 + 10_000 * booked;
    assert_eq!(
        (
            settled.body["estimated"].clone(),
            settled.body["spent"].clone()
        ),
        (json!(3_500_000), json!(spent)),
        "every voucher booked is in the settlement"
    );
    let after_settling = get(&sys, &format!("{B}/plans/{plan_id}/execution"), &finance).await;
    assert_eq!(
        after_settling.body["totals"]["spent"], spent,
        "nothing booked after the settlement"
    );
    assert_eq!(
        line(&settled.body["report"], "council_documents", None)["over"],
        true
    );
    let sheet = xlsx(
        &sys,
        &format!("{B}/plans/{plan_id}/settlement.xlsx"),
        &finance,
    )
    .await;
    assert_eq!(
        totals_row(&sheet),
        (3_500_000.0, spent as f64, (3_500_000 - spent) as f64)
    );
    let after = post(
        &sys,
        &format!("{B}/expenses"),
        &finance,
        expense("PC-2022-003", 10_000, Some("sau quyết toán")),
    )
    .await;
    assert_eq!(after.status, 409, "{}", after.body);
    assert_eq!(after.body["code"], "year_settled");
    sys.stop().await;
}

#[tokio::test]
async fn a_redelivered_sitting_held_books_its_expense_once() {
    use sangkien_proto::{
        Envelope,
        events::{AttendeeInfo, PlanPublished, SittingHeld},
    };

    let sys = TestSystem::start().await.unwrap();
    let transport = sys
        .system
        .as_ref()
        .unwrap()
        .services
        .iter()
        .find(|s| s.name == "appraisal")
        .unwrap()
        .context
        .transport
        .clone();
    let plan_id = uuid::Uuid::now_v7();
    let plan = PlanPublished {
        plan_id,
        symbol: "01/KH-UBND".into(),
        title: "Kế hoạch".into(),
        year: 2022,
        version: 1,
        fields: vec![],
    };
    transport
        .publish(&[Envelope::new(&plan, sys.tenant, chrono::Utc::now(), "e2e", None).unwrap()])
        .await
        .unwrap();
    let attendee = |role: &str| AttendeeInfo {
        user_id: uuid::Uuid::now_v7(),
        full_name: role.into(),
        panel_role: role.into(),
    };
    let held = SittingHeld {
        sitting_id: uuid::Uuid::now_v7(),
        panel_id: uuid::Uuid::now_v7(),
        plan_id,
        field: "education".into(),
        stage: "council".into(),
        held_on: chrono::NaiveDate::from_ymd_opt(2022, 3, 15).unwrap(),
        attendees: vec![
            attendee("chair"),
            attendee("secretary"),
            attendee("member"),
            attendee("other"),
        ],
        dossier_ids: vec![],
    };
    let first = Envelope::new(&held, sys.tenant, chrono::Utc::now(), "e2e", None).unwrap();
    // The same envelope redelivered, and a second envelope about the same sitting.
    let other = Envelope::new(&held, sys.tenant, chrono::Utc::now(), "e2e", None).unwrap();
    for e in [first.clone(), first, other] {
        transport.publish(&[e]).await.unwrap();
    }
    let finance = sys.token(Role::FinanceOffice).unwrap();
    let report = eventually(Duration::from_secs(15), || async {
        let r = get(&sys, &format!("{B}/plans/{plan_id}/execution"), &finance).await;
        (r.status == 200 && r.body["totals"]["spent"] != 0).then_some(r.body)
    })
    .await
    .expect("sitting booked");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let report = {
        let r = get(&sys, &format!("{B}/plans/{plan_id}/execution"), &finance).await;
        assert_eq!(r.status, 200);
        let _ = report;
        r.body
    };
    // 500,000 + 2 × 200,000 + 100,000, once.
    assert_eq!(report["totals"]["spent"], 1_000_000, "{report}");
    let list = get(&sys, &format!("{B}/plans/{plan_id}/expenses"), &finance).await;
    assert_eq!(
        list.body["items"].as_array().unwrap().len(),
        3,
        "{}",
        list.body
    );
    // An expense of the 2022 plan dated in another budget year is refused, naming the field.
    let secretariat = sys.token(Role::CouncilSecretariat).unwrap();
    let voucher = |plan: uuid::Uuid, number: &str, on: &str| {
        json!({
        "plan_id": plan, "line_code": "council_sitting", "payee_role": "chair", "voucher_number": number,
        "spent_on": on, "quantity": 1, "unit_amount": 100_000, "description": "Họp", "reason": "x" })
    };
    let other_year = post(
        &sys,
        &format!("{B}/expenses"),
        &secretariat,
        voucher(plan_id, "PC-2021-01", "2021-12-31"),
    )
    .await;
    assert_eq!(other_year.status, 422, "{}", other_year.body);
    assert_eq!(
        other_year.body["errors"][0]["field"], "spent_on",
        "{}",
        other_year.body
    );
    assert_eq!(
        other_year.body["errors"][0]["code"], "outside_budget_year",
        "{}",
        other_year.body
    );
    // A rate valid only from a date refuses earlier spending: Circular 03/2019 is in force from
    // 03/03/2019, so an expense of a 2019 plan on 02/03/2019 has no cap to go by.
    let plan_2019 = uuid::Uuid::now_v7();
    let published = PlanPublished {
        plan_id: plan_2019,
        year: 2019,
        symbol: "02/KH-UBND".into(),
        ..plan
    };
    transport
        .publish(&[Envelope::new(&published, sys.tenant, chrono::Utc::now(), "e2e", None).unwrap()])
        .await
        .unwrap();
    let early = eventually(Duration::from_secs(15), || async {
        let r = post(
            &sys,
            &format!("{B}/expenses"),
            &secretariat,
            voucher(plan_2019, "PC-2019-01", "2019-03-02"),
        )
        .await;
        (r.status != 404).then_some(r)
    })
    .await
    .expect("the 2019 plan reached decision");
    assert_eq!(early.status, 422, "{}", early.body);
    assert_eq!(early.body["code"], "rate_not_in_force");
    let in_force = post(
        &sys,
        &format!("{B}/expenses"),
        &secretariat,
        voucher(plan_2019, "PC-2019-02", "2019-03-03"),
    )
    .await;
    assert_eq!(in_force.status, 201, "{}", in_force.body);
    sys.stop().await;
}
