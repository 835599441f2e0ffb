//! Recognition decisions through the gateway: cases concluded by the real appraisal API, the
//! body profile set by the tenant's admin, the decision drafted by the secretariat, an item
//! moved with a reason, signed by the deputy ("KT. CHỦ TỊCH / PHÓ CHỦ TỊCH") with the next
//! register number, the DOCX and a certificate downloaded, intake showing each outcome; and
//! twenty decisions signed at once taking twenty consecutive numbers.

use std::{collections::HashMap, sync::Arc, time::Duration};

use reqwest::Method;
use sea_orm::TransactionTrait;
use serde_json::{Value, json};

use crate::{
    intake::{People, get, local, people, post, published_plan},
    sittings::{docx_text, matched, person, received, reviewers_of, score, sheet_a},
};
use sangkien_e2e::TestSystem;
use sangkien_kit::{ManualClock, auth::RoleGrant};
use sangkien_proto::{
    Envelope, Role,
    events::{AuthorInfo, CaseConcluded, DossierReceived},
};

fn profile(chair: &str, deputy: &str) -> Value {
    json!({
        "full_name": "ỦY BAN NHÂN DÂN HUYỆN VĨNH TƯỜNG",
        "superior_name": "UBND TỈNH VĨNH PHÚC",
        "place_name": "Vĩnh Tường",
        "document_symbol": "UBND",
        "decision_type": "QĐ",
        "authority": "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN VĨNH TƯỜNG",
        "legal_bases": [
            "Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015",
            "Nghị định số 13/2012/NĐ-CP ngày 02 tháng 3 năm 2012 của Chính phủ ban hành Điều lệ Sáng kiến",
            "Thông tư số 18/2013/TT-BKHCN ngày 01 tháng 8 năm 2013 của Bộ Khoa học và Công nghệ",
            "Kế hoạch số 163/KH-UBND ngày 18 tháng 01 năm 2022 của UBND huyện Vĩnh Tường"
        ],
        "recipients": ["Như Điều 3", "CT, các PCT UBND huyện"],
        "archive_line": "Lưu: VT, KT&HT.",
        "signers": [
            { "user_id": chair, "titles": ["CHỦ TỊCH"], "name": "Nguyễn Văn Toàn" },
            { "user_id": deputy, "titles": ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], "name": "Trần Thị Phương" }
        ]
    })
}

async fn put_profile(sys: &TestSystem, admin: &str, body: Value) -> sangkien_e2e::Answer {
    sys.call(
        Method::PUT,
        "/api/v1/decision/body-profile",
        Some(admin),
        Some(body),
    )
    .await
    .unwrap()
}

async fn bytes(sys: &TestSystem, path: &str, token: &str) -> (u16, Vec<u8>) {
    let res = sys
        .http
        .get(sys.at(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.bytes().await.unwrap().to_vec())
}

/// Three education dossiers through the appraisal team and the council: X and Z carried,
/// Y not (3 of 7).
async fn three_concluded(
    sys: &TestSystem,
    clock: &ManualClock,
    p: &People,
    plan_id: &str,
) -> [String; 3] {
    let ids = [
        received(sys, p, plan_id, "Dạy học phân hóa môn Toán 9").await,
        received(sys, p, plan_id, "Câu lạc bộ đọc sách buổi sáng").await,
        received(sys, p, plan_id, "Sổ tay điện tử chủ nhiệm").await,
    ];
    let mut tokens: HashMap<String, String> = HashMap::new();
    let mut team = Vec::new();
    for (i, (name, unit)) in [
        ("qd.tt1", &p.education_office),
        ("qd.tt2", &p.economy_office),
    ]
    .into_iter()
    .enumerate()
    {
        let (id, token) = person(sys, p, name, "reviewer", unit).await;
        tokens.insert(id.clone(), token);
        team.push(json!({ "user_id": id, "full_name": name, "unit_id": unit["id"], "role": if i == 0 { "chair" } else { "member" } }));
    }
    let panel = post(sys, "/api/v1/appraisal/panels", &p.office,
        json!({ "plan_id": plan_id, "field": "education", "kind": "appraisal_team", "name": "Tổ thẩm định", "members": team })).await;
    assert_eq!(panel.status, 201, "{}", panel.body);
    let team_id = panel.body["id"].as_str().unwrap().to_owned();
    let auto = post(
        sys,
        &format!("/api/v1/appraisal/panels/{team_id}/auto-assign"),
        &p.office,
        json!({}),
    )
    .await;
    assert_eq!(auto.status, 200, "{}", auto.body);
    clock.set(local(2022, 3, 2, 9));
    for id in &ids {
        for r in reviewers_of(sys, p, id).await {
            assert_eq!(score(sys, &tokens[&r], id, sheet_a()).await.status, 200);
        }
        let r = post(
            sys,
            &format!("/api/v1/appraisal/cases/{id}/result"),
            &p.office,
            json!({ "reason": "Hai phiếu thống nhất loại A" }),
        )
        .await;
        assert_eq!(r.status, 201, "{}", r.body);
    }
    let mut council = Vec::new();
    let mut chair_token = String::new();
    for (name, role, panel_role) in [
        ("qd.ct", "council_chair", "chair"),
        ("qd.pho", "reviewer", "vice_chair"),
        ("qd.tk", "reviewer", "secretary"),
        ("qd.uv1", "reviewer", "member"),
        ("qd.uv2", "reviewer", "expert"),
        ("qd.uv3", "reviewer", "member"),
        ("qd.uv4", "reviewer", "trade_union"),
    ] {
        let (id, token) = person(sys, p, name, role, &p.economy_office).await;
        if panel_role == "chair" {
            chair_token = token;
        }
        council.push(json!({ "user_id": id, "full_name": name, "unit_id": p.economy_office["id"], "role": panel_role }));
    }
    let members: Vec<String> = council
        .iter()
        .map(|m| m["user_id"].as_str().unwrap().to_owned())
        .collect();
    let cpanel = post(sys, "/api/v1/appraisal/panels", &p.secretariat,
        json!({ "plan_id": plan_id, "field": "education", "kind": "council", "name": "Hội đồng Sáng kiến huyện Vĩnh Tường năm 2022", "members": council })).await;
    assert_eq!(cpanel.status, 201, "{}", cpanel.body);
    let sitting = post(sys, "/api/v1/appraisal/sittings", &p.secretariat,
        json!({ "panel_id": cpanel.body["id"], "held_on": "2022-03-15", "place": "Hội trường UBND huyện", "dossier_ids": ids,
            "starts_at": "08:00:00", "ends_at": "10:00:00", "body_name": "ỦY BAN NHÂN DÂN HUYỆN VĨNH TƯỜNG", "locality": "Vĩnh Tường" })).await;
    assert_eq!(sitting.status, 201, "{}", sitting.body);
    let sid = sitting.body["id"].as_str().unwrap().to_owned();
    let mut last = matched(
        sys,
        Method::PUT,
        &format!("/api/v1/appraisal/sittings/{sid}/attendance"),
        &p.secretariat,
        sitting.header("etag").unwrap(),
        json!({ "present": members }),
    )
    .await;
    assert_eq!(last.status, 200, "{}", last.body);
    for (id, yes) in [(&ids[0], 6), (&ids[1], 3), (&ids[2], 6)] {
        last = matched(
            sys,
            Method::PUT,
            &format!("/api/v1/appraisal/sittings/{sid}/votes/{id}"),
            &p.secretariat,
            last.header("etag").unwrap(),
            json!({ "method": "show_of_hands", "in_favour": yes, "against": 7 - yes, "abstaining": 0 }),
        )
        .await;
        assert_eq!(last.status, 200, "{}", last.body);
    }
    clock.set(local(2022, 3, 15, 15));
    let held = matched(
        sys,
        Method::POST,
        &format!("/api/v1/appraisal/sittings/{sid}/close"),
        &chair_token,
        last.header("etag").unwrap(),
        json!({}),
    )
    .await;
    assert_eq!(held.status, 200, "{}", held.body);
    ids
}

async fn intake_reason(sys: &TestSystem, p: &People, id: &str, status: &str) -> String {
    let d = sangkien_kit::testing::eventually(Duration::from_secs(15), || async {
        let d = get(sys, &format!("/api/v1/intake/dossiers/{id}"), &p.author).await;
        (d.body["status"] == status).then_some(d.body)
    })
    .await
    .unwrap_or_else(|| panic!("{id} never became {status} in intake"));
    d["last_reason"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn the_council_s_conclusions_become_a_signed_numbered_decision_with_its_documents() {
    let clock = ManualClock::new(local(2022, 2, 10, 9));
    let sys = TestSystem::start_with_clock(Arc::new(clock.clone()))
        .await
        .unwrap();
    let p = people(&sys).await;
    let plan_id = published_plan(&sys, &p).await;
    let [x, y, z] = three_concluded(&sys, &clock, &p, &plan_id).await;
    for id in [&x, &z] {
        intake_reason(&sys, &p, id, "concluded").await;
    }
    intake_reason(&sys, &p, &y, "concluded").await;

    // The tenant's admin configures the body; every problem is listed at once.
    let (_, admin) = person(&sys, &p, "qd.quan.tri", "admin", &p.economy_office).await;
    let (chair, _) = person(&sys, &p, "qd.chu.tich", "signer", &p.economy_office).await;
    let (deputy, deputy_token) =
        person(&sys, &p, "qd.pho.chu.tich", "signer", &p.economy_office).await;
    let (_, stranger) = person(&sys, &p, "qd.ky.thay", "signer", &p.economy_office).await;
    let mut wrong = profile(&chair, &deputy);
    wrong["document_symbol"] = json!("UB ND");
    wrong["legal_bases"] = json!([]);
    wrong["signers"][1]["titles"] = json!([]);
    let refused = put_profile(&sys, &admin, wrong).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    let fields: Vec<&str> = refused.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["document_symbol", "legal_bases", "signers[1].titles"]
    );
    let set = put_profile(&sys, &admin, profile(&chair, &deputy)).await;
    assert_eq!(set.status, 200, "{}", set.body);
    let again = put_profile(&sys, &admin, profile(&chair, &deputy)).await;
    assert_eq!(
        again.status, 428,
        "an existing profile changes only with If-Match"
    );

    // A first draft is deleted (If-Match required, a stale one refused): its dossiers go back
    // to the pending list and the audit log keeps what it held.
    let discarded = sangkien_kit::testing::eventually(Duration::from_secs(15), || async {
        let d = post(
            &sys,
            "/api/v1/decision/decisions",
            &p.secretariat,
            json!({ "plan_id": plan_id, "field": "education", "proposal": "Tờ trình bị thay" }),
        )
        .await;
        (d.status == 201 && d.body["items"].as_array().map(Vec::len) == Some(3)).then_some(d)
    })
    .await
    .expect("a first draft with the three concluded dossiers");
    let discarded_id = discarded.body["id"].as_str().unwrap().to_owned();
    let discarded_path = format!("/api/v1/decision/decisions/{discarded_id}");
    let unmatched = sys
        .call(Method::DELETE, &discarded_path, Some(&p.secretariat), None)
        .await
        .unwrap();
    assert_eq!(unmatched.status, 428, "{}", unmatched.body);
    let stale = matched(
        &sys,
        Method::DELETE,
        &discarded_path,
        &p.secretariat,
        "\"0\"",
        json!({}),
    )
    .await;
    assert_eq!(stale.status, 412, "{}", stale.body);
    let deleted = matched(
        &sys,
        Method::DELETE,
        &discarded_path,
        &p.secretariat,
        discarded.header("etag").unwrap(),
        json!({}),
    )
    .await;
    assert_eq!(deleted.status, 204, "{}", deleted.body);
    assert_eq!(get(&sys, &discarded_path, &p.secretariat).await.status, 404);
    let logged = get(
        &sys,
        &format!("/api/v1/decision/audit?subject_id={discarded_id}"),
        &admin,
    )
    .await;
    assert_eq!(logged.status, 200, "{}", logged.body);
    let entry = logged.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "decision.draft_deleted")
        .unwrap_or_else(|| panic!("deletion audited: {}", logged.body))
        .clone();
    assert_eq!(
        entry["details"]["before"]["items"]
            .as_array()
            .unwrap()
            .len(),
        3
    );

    // The draft: X and Z recognised, Y refused with the council's reason.
    let proposal = "Hội đồng Sáng kiến huyện tại Tờ trình số 12/TTr-HĐSK ngày 16 tháng 3 năm 2022";
    let draft = sangkien_kit::testing::eventually(Duration::from_secs(15), || async {
        let d = post(
            &sys,
            "/api/v1/decision/decisions",
            &p.secretariat,
            json!({ "plan_id": plan_id, "field": "education", "proposal": proposal }),
        )
        .await;
        (d.status == 201 && d.body["items"].as_array().map(Vec::len) == Some(3)).then_some(d)
    })
    .await
    .expect("drafted with the three concluded dossiers");
    let id = draft.body["id"].as_str().unwrap().to_owned();
    let item = |b: &Value, d: &str| {
        b["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["dossier_id"] == d)
            .unwrap()
            .clone()
    };
    assert_eq!(item(&draft.body, &x)["recognised"], true);
    assert_eq!(item(&draft.body, &y)["recognised"], false);
    assert!(
        item(&draft.body, &y)["reason"]
            .as_str()
            .unwrap()
            .contains("3/7")
    );

    // Moving Z needs a reason; a dossier that is not concluded cannot be added.
    let path_z = format!("/api/v1/decision/decisions/{id}/items/{z}");
    let etag = draft.header("etag").unwrap().to_owned();
    let bare = matched(
        &sys,
        Method::PUT,
        &path_z,
        &p.secretariat,
        &etag,
        json!({ "recognised": false, "reason": " " }),
    )
    .await;
    assert_eq!(bare.status, 422, "{}", bare.body);
    let stray = uuid::Uuid::now_v7();
    let added = matched(
        &sys,
        Method::PUT,
        &format!("/api/v1/decision/decisions/{id}/items/{stray}"),
        &p.secretariat,
        &etag,
        json!({ "recognised": true, "reason": "Bổ sung" }),
    )
    .await;
    assert_eq!(added.status, 422, "{}", added.body);
    assert_eq!(added.body["errors"][0]["code"], "not_concluded");
    let moved = matched(
        &sys,
        Method::PUT,
        &path_z,
        &p.secretariat,
        &etag,
        json!({ "recognised": false, "reason": "Trùng với sáng kiến đã được công nhận năm 2021" }),
    )
    .await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    assert_eq!(item(&moved.body, &z)["moved"], true);
    let etag = moved.header("etag").unwrap().to_owned();

    // A signer without a title in the profile cannot sign; the deputy signs on 05/04.
    clock.set(local(2022, 4, 5, 10));
    let sign_path = format!("/api/v1/decision/decisions/{id}/sign");
    let untitled = matched(&sys, Method::POST, &sign_path, &stranger, &etag, json!({})).await;
    assert_eq!(untitled.status, 409, "{}", untitled.body);
    assert_eq!(untitled.body["code"], "signer_not_configured");
    let signed = matched(
        &sys,
        Method::POST,
        &sign_path,
        &deputy_token,
        &etag,
        json!({}),
    )
    .await;
    assert_eq!(signed.status, 200, "{}", signed.body);
    assert_eq!(signed.body["status"], "issued");
    assert_eq!(signed.body["number_text"], "01/QĐ-UBND");
    assert_eq!(signed.body["signed_on"], "2022-04-05");
    let signed_etag = signed.header("etag").unwrap().to_owned();
    let undeletable = matched(
        &sys,
        Method::DELETE,
        &format!("/api/v1/decision/decisions/{id}"),
        &p.secretariat,
        &signed_etag,
        json!({}),
    )
    .await;
    assert_eq!(
        undeletable.status, 409,
        "a signed decision is never deleted: {}",
        undeletable.body
    );
    assert_eq!(undeletable.body["code"], "decision_issued");
    let late = matched(
        &sys,
        Method::PUT,
        &path_z,
        &p.secretariat,
        signed.header("etag").unwrap(),
        json!({ "recognised": true, "reason": "Đổi ý" }),
    )
    .await;
    assert_eq!(late.status, 409, "{}", late.body);
    assert_eq!(late.body["code"], "decision_issued");

    // The DOCX in the Decree 30/2020 layout, the same bytes twice.
    let doc = format!("/api/v1/decision/decisions/{id}/document");
    let (status, first) = bytes(&sys, &doc, &p.secretariat).await;
    assert_eq!(status, 200);
    assert_eq!(first, bytes(&sys, &doc, &deputy_token).await.1);
    let xml = docx_text(&first);
    for expected in [
        "Số: 01/QĐ-UBND",
        "Vĩnh Tường, ngày 05 tháng 4 năm 2022",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Trần Thị Phương",
        "Căn cứ Kế hoạch số 163/KH-UBND",
        proposal,
        "(Kèm theo Quyết định số 01/QĐ-UBND ngày 05 tháng 4 năm 2022",
        "Dạy học phân hóa môn Toán 9",
        "Câu lạc bộ đọc sách buổi sáng",
        "Sổ tay điện tử chủ nhiệm",
        "Trường THCS Lý Tự Trọng",
        "Trùng với sáng kiến đã được công nhận năm 2021",
        "- Lưu: VT, KT&amp;HT.",
    ] {
        assert!(xml.contains(expected), "the decision lacks {expected:?}");
    }
    // The Decree 30 layout read back from the real file, and no English in it: Y was refused
    // by the council's vote (3/7), its grounds printed in Vietnamese only.
    assert_eq!(
        sangkien_papers::check::layout_problems(&first),
        Vec::<String>::new()
    );
    let text = sangkien_papers::check::plain_text(&first);
    assert!(text.contains("3/7 thành viên tán thành"), "{text}");
    assert_eq!(
        sangkien_papers::check::english_words(&text),
        Vec::<String>::new(),
        "{text}"
    );
    assert!(
        text.contains("Như Điều 5"),
        "the execution article is Điều 5: {text}"
    );

    // The author downloads the certificate of X; another author may not.
    let list = get(
        &sys,
        &format!("/api/v1/decision/decisions/{id}/certificates"),
        &p.author,
    )
    .await;
    assert_eq!(list.status, 200, "{}", list.body);
    // One certificate per author of the one recognised initiative she wrote [DOMAIN §6].
    assert_eq!(list.body.as_array().unwrap().len(), 2, "{}", list.body);
    assert_eq!(list.body[1]["holder"], "Trần Văn Nam");
    let href = list.body[0]["href"].as_str().unwrap().to_owned();
    let (status, cert) = bytes(&sys, &href, &p.author).await;
    assert_eq!(status, 200);
    let cert_xml = docx_text(&cert);
    assert_eq!(
        sangkien_papers::check::layout_problems(&cert),
        Vec::<String>::new()
    );
    assert_eq!(cert_xml.matches("Số:").count(), 1, "one number line");
    assert!(
        !cert_xml.contains("Nơi nhận"),
        "a certificate has no recipients"
    );
    assert!(cert_xml.contains("GIẤY CHỨNG NHẬN SÁNG KIẾN"));
    assert!(cert_xml.contains("Dạy học phân hóa môn Toán 9"));
    assert!(
        cert_xml.contains("Ông/Bà: Nguyễn Thị Hoa — tác giả (60%)"),
        "{cert_xml}"
    );
    assert!(cert_xml.contains("Số: 01/QĐ-UBND-01.1"));
    let co = list.body[1]["href"].as_str().unwrap().to_owned();
    let (status, cert) = bytes(&sys, &co, &p.author).await;
    assert_eq!(status, 200);
    assert!(docx_text(&cert).contains("Ông/Bà: Trần Văn Nam — đồng tác giả (40%)"));
    let no_such = co.replace("author=1", "author=2");
    assert_eq!(bytes(&sys, &no_such, &p.author).await.0, 404);
    let (_, other) = person(&sys, &p, "qd.gv.khac", "author", &p.school).await;
    assert_eq!(bytes(&sys, &href, &other).await.0, 403);

    // The author finds the decision on her initiative and downloads it, the same bytes as
    // the secretariat's; an author it does not concern learns nothing of it.
    let hers = get(&sys, "/api/v1/decision/decisions", &p.author).await;
    assert_eq!(hers.status, 200, "{}", hers.body);
    let listed: Vec<&str> = hers.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(listed, [id.as_str()], "{}", hers.body);
    let read = get(&sys, &format!("/api/v1/decision/decisions/{id}"), &p.author).await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(read.body["number_text"], "01/QĐ-UBND");
    let (status, authors_copy) = bytes(&sys, &doc, &p.author).await;
    assert_eq!(status, 200);
    assert_eq!(authors_copy, first);
    let theirs = get(&sys, "/api/v1/decision/decisions", &other).await;
    assert_eq!(theirs.status, 200, "{}", theirs.body);
    assert!(theirs.body["items"].as_array().unwrap().is_empty());
    assert_eq!(
        get(&sys, &format!("/api/v1/decision/decisions/{id}"), &other)
            .await
            .status,
        404
    );
    assert_eq!(bytes(&sys, &doc, &other).await.0, 404);
    // Reviewers and others without a decision role are still refused at the door.
    let reviewer = sys.token(Role::Reviewer).unwrap();
    assert_eq!(bytes(&sys, &doc, &reviewer).await.0, 403);

    // Intake shows each outcome with its reason and the decision's number.
    assert!(
        intake_reason(&sys, &p, &x, "recognised")
            .await
            .contains("01/QĐ-UBND")
    );
    assert!(intake_reason(&sys, &p, &y, "refused").await.contains("3/7"));
    assert!(
        intake_reason(&sys, &p, &z, "refused")
            .await
            .contains("Trùng với sáng kiến")
    );
    sys.stop().await;
}

/// A token for `user` holding `role` in the test's tenant.
fn token(sys: &TestSystem, user: uuid::Uuid, role: Role) -> String {
    sys.keys
        .token(
            user,
            sys.tenant,
            vec![RoleGrant {
                role,
                unit: uuid::Uuid::now_v7(),
            }],
        )
        .unwrap()
}

#[tokio::test]
async fn twenty_decisions_signed_at_once_take_twenty_consecutive_numbers_and_a_draft_is_signed_once()
 {
    let sys = TestSystem::start_with_clock(Arc::new(ManualClock::new(local(2022, 9, 20, 9))))
        .await
        .unwrap();
    let (admin_id, signer_id, secretariat_id) = (
        uuid::Uuid::now_v7(),
        uuid::Uuid::now_v7(),
        uuid::Uuid::now_v7(),
    );
    let admin = token(&sys, admin_id, Role::Admin);
    let signer = token(&sys, signer_id, Role::Signer);
    let secretariat = token(&sys, secretariat_id, Role::CouncilSecretariat);
    // The author of the first (oldest) initiative only: her decision is the last of twenty.
    let author_id = uuid::Uuid::now_v7();
    let author = token(&sys, author_id, Role::Author);
    let set = put_profile(
        &sys,
        &admin,
        profile(&signer_id.to_string(), &uuid::Uuid::now_v7().to_string()),
    )
    .await;
    assert_eq!(set.status, 200, "{}", set.body);

    // Twenty plans, each with one concluded dossier, as the decision service hears of them.
    let db = &sys.system.as_ref().unwrap().services[2].context.db;
    let now = sys.clock.now();
    let mut plans = Vec::new();
    for i in 0..20 {
        let (plan_id, dossier_id) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
        let received = DossierReceived {
            dossier_id,
            plan_id,
            field: "socio_economic".into(),
            register_number: 1,
            name: format!("Sáng kiến số {i}"),
            kind: "management".into(),
            owner: uuid::Uuid::now_v7(),
            unit_id: uuid::Uuid::now_v7(),
            confirmed_by: None,
            authors: vec![AuthorInfo {
                full_name: format!("Tác giả {i}"),
                user_id: (i == 0).then_some(author_id),
                unit_id: None,
                contribution_percent: 100.0,
            }],
            version: 1,
            received_on: now.date_naive(),
            decision_due_on: now.date_naive(),
            stages: vec![],
        };
        let concluded = CaseConcluded {
            dossier_id,
            plan_id,
            field: "socio_economic".into(),
            stage: "council".into(),
            recommended: true,
            reason: "Hội đồng tán thành 7/7".into(),
            average_score: Some(80.0),
            grade: None,
            grounds: None,
        };
        let txn = db.begin().await.unwrap();
        for e in [
            Envelope::new(&received, sys.tenant, now, "t", None).unwrap(),
            Envelope::new(&concluded, sys.tenant, now, "t", None).unwrap(),
        ] {
            assert!(
                sangkien_decision::decisions::handle(&txn, &e, now)
                    .await
                    .unwrap()
            );
        }
        txn.commit().await.unwrap();
        plans.push(plan_id);
    }
    // A retried draft with the same Idempotency-Key gets the first answer, not a second draft.
    let mut replies = Vec::new();
    for _ in 0..2 {
        let res = sys
            .http
            .post(sys.at("/api/v1/decision/decisions"))
            .bearer_auth(&secretariat)
            .header("Idempotency-Key", "nhap-quyet-dinh-0")
            .json(&json!({ "plan_id": plans[0], "field": "socio_economic", "proposal": "Hội đồng Sáng kiến huyện" }))
            .send()
            .await
            .unwrap();
        replies.push(sangkien_e2e::Answer::read(res).await.unwrap());
    }
    assert_eq!(replies[0].status, 201, "{}", replies[0].body);
    assert_eq!(replies[1].status, 201, "{}", replies[1].body);
    assert_eq!(replies[0].body["id"], replies[1].body["id"]);
    assert_eq!(replies[1].header("idempotent-replayed"), Some("true"));
    let mut ids = vec![replies[0].body["id"].as_str().unwrap().to_owned()];
    for plan_id in &plans[1..] {
        let d = post(&sys, "/api/v1/decision/decisions", &secretariat,
            json!({ "plan_id": plan_id, "field": "socio_economic", "proposal": "Hội đồng Sáng kiến huyện" })).await;
        assert_eq!(d.status, 201, "{}", d.body);
        ids.push(d.body["id"].as_str().unwrap().to_owned());
    }
    // The last draft is signed twice at the same moment (a double click): one signature wins.
    let mut attempts = ids.clone();
    attempts.push(ids[19].clone());
    let signed = futures::future::join_all(attempts.iter().map(|id| {
        matched(
            &sys,
            Method::POST,
            Box::leak(format!("/api/v1/decision/decisions/{id}/sign").into_boxed_str()),
            &signer,
            "\"1\"",
            json!({}),
        )
    }))
    .await;
    let (won, lost): (Vec<_>, Vec<_>) = signed.iter().partition(|a| a.status == 200);
    assert_eq!(
        lost.len(),
        1,
        "{:?}",
        lost.iter().map(|a| &a.body).collect::<Vec<_>>()
    );
    assert!(
        [409, 412].contains(&lost[0].status),
        "the second signature of one draft: {}",
        lost[0].body
    );
    let mut numbers: Vec<i64> = won
        .iter()
        .map(|a| a.body["number"].as_i64().unwrap())
        .collect();
    numbers.sort_unstable();
    assert_eq!(
        numbers,
        (1..=20).collect::<Vec<i64>>(),
        "no gap, no reuse, none lost"
    );
    assert!(signed.iter().any(|a| a.body["number_text"] == "01/QĐ-UBND"));
    assert!(signed.iter().any(|a| a.body["number_text"] == "20/QĐ-UBND"));
    // Her page of five holds her one decision, though nineteen newer ones come before it: the
    // author's list is not an empty page with a cursor.
    let hers = sys
        .call(
            Method::GET,
            "/api/v1/decision/decisions?limit=5",
            Some(&author),
            None,
        )
        .await
        .unwrap();
    assert_eq!(hers.status, 200, "{}", hers.body);
    assert_eq!(
        hers.body["items"].as_array().unwrap().len(),
        1,
        "{}",
        hers.body
    );
    assert_eq!(
        hers.body["items"][0]["plan_id"],
        plans[0].to_string(),
        "{}",
        hers.body
    );
    assert!(hers.body["next_cursor"].is_null(), "{}", hers.body);
    sys.stop().await;
}
