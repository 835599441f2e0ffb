//! Every person does their job through the gateway (issue 15): a reviewer who has only her
//! sign-in name finds her assignment, reads the dossier (confidential part included) and its
//! PDF, and submits her sheet; a council member reads the dossiers of her sitting; a member
//! the conflict rules keep off a dossier gets 403, and someone unrelated 404.

use std::{sync::Arc, time::Duration};

use reqwest::Method;
use serde_json::{Value, json};

use crate::intake::{People, form, get, local, pdf, people, post, published_plan, upload};
use crate::sittings::{person, sheet_a};
use sangkien_e2e::TestSystem;
use sangkien_kit::{ManualClock, testing::eventually};

/// Waits until `token` reads dossier `id` (intake learns its assessors from appraisal's
/// events), and returns the dossier.
async fn reads_dossier(sys: &TestSystem, token: &str, id: &str) -> Value {
    eventually(Duration::from_secs(15), || async {
        let d = get(sys, &format!("/api/v1/intake/dossiers/{id}"), token).await;
        (d.status == 200).then_some(d.body)
    })
    .await
    .expect("the assessor reads the dossier")
}

/// Waits until `token` is refused dossier `id` with 403 `conflict_of_interest`.
async fn refused_for_conflict(sys: &TestSystem, token: &str, id: &str) {
    let last = eventually(Duration::from_secs(15), || async {
        let d = get(sys, &format!("/api/v1/intake/dossiers/{id}"), token).await;
        (d.status == 403).then_some(d.body)
    })
    .await
    .expect("the conflicted member is refused with 403");
    assert_eq!(last["code"], "conflict_of_interest", "{last}");
}

/// Downloads attachment `aid` of dossier `id`: status and bytes.
async fn download(sys: &TestSystem, token: &str, id: &str, aid: &str) -> (u16, Vec<u8>) {
    let res = sys
        .http
        .get(sys.at(&format!("/api/v1/intake/dossiers/{id}/attachments/{aid}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.bytes().await.unwrap().to_vec())
}

/// Submits, confirms and registers an education dossier of the school's author; its id and
/// its attachment's id.
async fn received_education(
    sys: &TestSystem,
    p: &People,
    plan_id: &str,
    name: &str,
) -> (String, String) {
    received_in(sys, p, plan_id, "education", &p.office, name).await
}

async fn received_in(
    sys: &TestSystem,
    p: &People,
    plan_id: &str,
    field: &str,
    office: &str,
    name: &str,
) -> (String, String) {
    let d = post(
        sys,
        "/api/v1/intake/dossiers",
        &p.author,
        json!({ "plan_id": plan_id, "field": field, "form": form(name) }),
    )
    .await;
    assert_eq!(d.status, 201, "{}", d.body);
    let id = d.body["id"].as_str().unwrap().to_owned();
    let up = upload(sys, &p.author, &id, "mo-ta.pdf", pdf(3000)).await;
    assert_eq!(up.status, 201, "{}", up.body);
    let aid = up.body["id"].as_str().unwrap().to_owned();
    for (step, token) in [
        ("submit", &p.author),
        ("confirm", &p.head),
        ("register", &office.to_owned()),
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
    eventually(Duration::from_secs(15), || async {
        let c = get(
            sys,
            &format!("/api/v1/appraisal/cases/{id}"),
            &p.secretariat,
        )
        .await;
        (c.status == 200).then_some(())
    })
    .await
    .expect("case opened");
    (id, aid)
}

#[tokio::test]
async fn a_reviewer_finds_her_assignment_reads_the_dossier_and_its_pdf_and_submits_her_sheet() {
    let clock = ManualClock::new(local(2022, 2, 10, 9));
    let sys = TestSystem::start_with_clock(Arc::new(clock.clone()))
        .await
        .unwrap();
    let p = people(&sys).await;
    let plan_id = published_plan(&sys, &p).await;
    let (id, aid) = received_education(&sys, &p, &plan_id, "Dạy học phân hóa môn Toán 9").await;

    // The team: two from the offices, and a teacher of the authors' school (conflicted).
    let (chair, chair_token) = person(&sys, &p, "tt.chu", "reviewer", &p.education_office).await;
    let (member, member_token) = person(&sys, &p, "tt.vien", "reviewer", &p.economy_office).await;
    let (colleague, colleague_token) =
        person(&sys, &p, "gv.dong.nghiep", "reviewer", &p.school).await;
    let (_, outsider_token) = person(&sys, &p, "nguoi.ngoai", "reviewer", &p.economy_office).await;
    let team = json!([
        { "user_id": chair, "full_name": "Tổ trưởng", "unit_id": p.education_office["id"], "role": "chair" },
        { "user_id": member, "full_name": "Thành viên", "unit_id": p.economy_office["id"], "role": "member" },
        { "user_id": colleague, "full_name": "Đồng nghiệp", "unit_id": p.school["id"], "role": "member" },
    ]);
    let panel = post(&sys, "/api/v1/appraisal/panels", &p.office,
        json!({ "plan_id": plan_id, "field": "education", "kind": "appraisal_team", "name": "Tổ thẩm định", "members": team })).await;
    assert_eq!(panel.status, 201, "{}", panel.body);

    // Before any assignment the reviewer reads nothing, and has nothing to do.
    let none = get(
        &sys,
        &format!("/api/v1/intake/dossiers/{id}"),
        &member_token,
    )
    .await;
    assert_eq!(none.status, 404, "{}", none.body);
    let empty = get(&sys, "/api/v1/appraisal/my/assignments", &member_token).await;
    assert_eq!(empty.status, 200, "{}", empty.body);
    assert!(empty.body["items"].as_array().unwrap().is_empty());

    let auto = post(
        &sys,
        &format!(
            "/api/v1/appraisal/panels/{}/auto-assign",
            panel.body["id"].as_str().unwrap()
        ),
        &p.office,
        json!({}),
    )
    .await;
    assert_eq!(auto.status, 200, "{}", auto.body);

    // The office sees who is assigned by name and unit, not by id.
    let assigned = get(
        &sys,
        &format!("/api/v1/appraisal/cases/{id}/assignments"),
        &p.office,
    )
    .await;
    assert_eq!(assigned.status, 200, "{}", assigned.body);
    let mut names: Vec<(String, String)> = assigned
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["reviewer_name"].as_str().unwrap().to_owned(),
                a["reviewer_unit_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            (
                "Thành viên".to_owned(),
                p.economy_office["id"].as_str().unwrap().to_owned()
            ),
            (
                "Tổ trưởng".to_owned(),
                p.education_office["id"].as_str().unwrap().to_owned()
            ),
        ]
    );

    // She has only her sign-in name: her list tells her what to judge, by when, on which rubric.
    let mine = get(&sys, "/api/v1/appraisal/my/assignments", &member_token).await;
    assert_eq!(mine.status, 200, "{}", mine.body);
    let items = mine.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", mine.body);
    let a = &items[0];
    assert_eq!(a["dossier_id"], id.as_str());
    assert_eq!(a["case_id"], id.as_str());
    assert_eq!(a["dossier_name"], "Dạy học phân hóa môn Toán 9");
    assert_eq!(a["stage"], "appraisal_team");
    assert_eq!(a["rubric"], "education-20");
    assert_eq!(a["due_on"], "2022-03-10");
    assert_eq!(a["sheet_state"], "not_started");

    // She reads the form, confidential part included, and downloads the PDF.
    let dossier = reads_dossier(&sys, &member_token, &id).await;
    assert_eq!(dossier["form"]["confidential_info"], "Bộ đề kiểm tra gốc");
    let listed = get(
        &sys,
        &format!("/api/v1/intake/dossiers/{id}/attachments"),
        &member_token,
    )
    .await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    let (status, bytes) = download(&sys, &member_token, &id, &aid).await;
    assert_eq!(status, 200);
    assert!(bytes.starts_with(b"%PDF"));
    assert_eq!(bytes.len(), 3000);
    // So does the chair, assigned too.
    reads_dossier(&sys, &chair_token, &id).await;

    // The colleague of the authors sits on the team but is kept off: 403, files included.
    refused_for_conflict(&sys, &colleague_token, &id).await;
    let (status, _) = download(&sys, &colleague_token, &id, &aid).await;
    assert_eq!(status, 403);
    assert!(
        get(&sys, "/api/v1/appraisal/my/assignments", &colleague_token)
            .await
            .body["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // Someone on no panel of it learns nothing.
    let other = get(
        &sys,
        &format!("/api/v1/intake/dossiers/{id}"),
        &outsider_token,
    )
    .await;
    assert_eq!(other.status, 404, "{}", other.body);
    let (status, _) = download(&sys, &outsider_token, &id, &aid).await;
    assert_eq!(status, 404);
    // Authors and unit heads are not panel members: no list of their own.
    let author = get(&sys, "/api/v1/appraisal/my/assignments", &p.author).await;
    assert_eq!(author.status, 403, "{}", author.body);

    // She scores when the stage opens; her list shows the sheet submitted.
    clock.set(local(2022, 3, 2, 9));
    let sheet = sys
        .call(
            Method::PUT,
            &format!("/api/v1/appraisal/cases/{id}/sheet"),
            Some(&member_token),
            Some(sheet_a()),
        )
        .await
        .unwrap();
    assert_eq!(sheet.status, 200, "{}", sheet.body);
    let after = get(&sys, "/api/v1/appraisal/my/assignments", &member_token).await;
    assert_eq!(
        after.body["items"][0]["sheet_state"], "submitted",
        "{}",
        after.body
    );

    // A member who declares a conflict is taken off and refused from then on.
    let declared = post(
        &sys,
        &format!("/api/v1/appraisal/cases/{id}/conflicts"),
        &chair_token,
        json!({ "reason": "Là người hướng dẫn tác giả" }),
    )
    .await;
    assert_eq!(declared.status, 201, "{}", declared.body);
    refused_for_conflict(&sys, &chair_token, &id).await;
    sys.stop().await;
}

#[tokio::test]
async fn a_council_member_sees_her_sittings_and_reads_their_dossiers() {
    let clock = ManualClock::new(local(2022, 8, 10, 9));
    let sys = TestSystem::start_with_clock(Arc::new(clock.clone()))
        .await
        .unwrap();
    let p = people(&sys).await;
    let plan_id = published_plan(&sys, &p).await;
    // The socio-economic field goes straight to the council; its office receives.
    let (_, economy_office) =
        person(&sys, &p, "phong.kt", "receiving_office", &p.economy_office).await;
    let (x, aid) = received_in(
        &sys,
        &p,
        &plan_id,
        "socio_economic",
        &economy_office,
        "Số hóa hồ sơ một cửa",
    )
    .await;
    let (y, _) = received_in(
        &sys,
        &p,
        &plan_id,
        "socio_economic",
        &economy_office,
        "Bản đồ số đất công",
    )
    .await;

    let (chair, chair_token) =
        person(&sys, &p, "hd.chu.tich", "council_chair", &p.economy_office).await;
    let (secretary, _) = person(&sys, &p, "hd.thu.ky", "reviewer", &p.economy_office).await;
    let (member, member_token) =
        person(&sys, &p, "hd.uy.vien", "reviewer", &p.education_office).await;
    let (colleague, colleague_token) =
        person(&sys, &p, "hd.dong.nghiep", "reviewer", &p.school).await;
    let council = json!([
        { "user_id": chair, "full_name": "Chủ tịch", "unit_id": p.economy_office["id"], "role": "chair" },
        { "user_id": secretary, "full_name": "Thư ký", "unit_id": p.economy_office["id"], "role": "secretary" },
        { "user_id": member, "full_name": "Ủy viên", "unit_id": p.education_office["id"], "role": "member" },
        { "user_id": colleague, "full_name": "Đồng nghiệp", "unit_id": p.school["id"], "role": "member" },
    ]);
    let panel = post(&sys, "/api/v1/appraisal/panels", &p.secretariat,
        json!({ "plan_id": plan_id, "field": "socio_economic", "kind": "council", "name": "Hội đồng sáng kiến huyện", "members": council })).await;
    assert_eq!(panel.status, 201, "{}", panel.body);

    // No sitting yet: nothing to read.
    let before = get(&sys, "/api/v1/appraisal/my/sittings", &member_token).await;
    assert_eq!(before.status, 200, "{}", before.body);
    assert!(before.body.as_array().unwrap().is_empty());
    let none = get(&sys, &format!("/api/v1/intake/dossiers/{x}"), &member_token).await;
    assert_eq!(none.status, 404, "{}", none.body);

    let sitting = post(&sys, "/api/v1/appraisal/sittings", &p.secretariat,
        json!({ "panel_id": panel.body["id"], "held_on": "2022-09-05", "place": "Hội trường UBND huyện", "dossier_ids": [x] })).await;
    assert_eq!(sitting.status, 201, "{}", sitting.body);

    // The member sees the sitting with its agenda, and reads its dossier before voting.
    let mine = get(&sys, "/api/v1/appraisal/my/sittings", &member_token).await;
    assert_eq!(mine.status, 200, "{}", mine.body);
    let list = mine.body.as_array().unwrap();
    assert_eq!(list.len(), 1, "{}", mine.body);
    assert_eq!(list[0]["sitting"]["id"], sitting.body["id"]);
    assert_eq!(list[0]["my_role"], "member");
    assert_eq!(list[0]["panel_name"], "Hội đồng sáng kiến huyện");
    assert_eq!(list[0]["dossiers"][0]["dossier_id"], x.as_str());
    assert_eq!(list[0]["dossiers"][0]["name"], "Số hóa hồ sơ một cửa");
    let d = reads_dossier(&sys, &member_token, &x).await;
    assert_eq!(d["form"]["confidential_info"], "Bộ đề kiểm tra gốc");
    let (status, bytes) = download(&sys, &member_token, &x, &aid).await;
    assert_eq!(status, 200);
    assert!(bytes.starts_with(b"%PDF"));
    // The chair too (she holds council_chair).
    let chairs = get(&sys, "/api/v1/appraisal/my/sittings", &chair_token).await;
    assert_eq!(chairs.body[0]["my_role"], "chair", "{}", chairs.body);
    reads_dossier(&sys, &chair_token, &x).await;
    // A dossier on no sitting of hers stays closed to her.
    let other = get(&sys, &format!("/api/v1/intake/dossiers/{y}"), &member_token).await;
    assert_eq!(other.status, 404, "{}", other.body);
    // The colleague of the authors sits on the council but may not read it.
    let seen = get(&sys, "/api/v1/appraisal/my/sittings", &colleague_token).await;
    assert_eq!(seen.body.as_array().unwrap().len(), 1, "she sits on it");
    refused_for_conflict(&sys, &colleague_token, &x).await;
    let (status, _) = download(&sys, &colleague_token, &x, &aid).await;
    assert_eq!(status, 403);
    sys.stop().await;
}

#[tokio::test]
async fn the_office_filters_its_dossiers_and_downloads_its_register_matching_the_list() {
    use calamine::{Data, Reader, Xlsx};

    let clock = ManualClock::new(local(2022, 2, 10, 9));
    let sys = TestSystem::start_with_clock(Arc::new(clock.clone()))
        .await
        .unwrap();
    let p = people(&sys).await;
    let plan_id = published_plan(&sys, &p).await;
    let (x, _) = received_education(&sys, &p, &plan_id, "Dạy học phân hóa môn Toán 9").await;
    let (y, _) = received_education(&sys, &p, &plan_id, "Câu lạc bộ đọc sách buổi sáng").await;
    // A draft is in no register.
    let draft = post(
        &sys,
        "/api/v1/intake/dossiers",
        &p.author,
        json!({ "plan_id": plan_id, "field": "education", "form": form("Bản nháp") }),
    )
    .await;
    assert_eq!(draft.status, 201, "{}", draft.body);

    // The list filters by year, plan, field, unit, status and text without diacritics.
    let base = format!("/api/v1/intake/dossiers?plan_id={plan_id}&field=education");
    let ids = |a: &sangkien_e2e::Answer| -> Vec<String> {
        a.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let all = get(&sys, &format!("{base}&year=2022"), &p.office).await;
    assert_eq!(all.status, 200, "{}", all.body);
    assert_eq!(ids(&all), [x.clone(), y.clone()]);
    let other_year = get(&sys, &format!("{base}&year=2021"), &p.office).await;
    assert!(ids(&other_year).is_empty(), "{}", other_year.body);
    let text = get(&sys, &format!("{base}&q=doc%20sach"), &p.office).await;
    assert_eq!(ids(&text), std::slice::from_ref(&y), "{}", text.body);
    let by_unit = get(
        &sys,
        &format!("{base}&unit_id={}", p.school["id"].as_str().unwrap()),
        &p.office,
    )
    .await;
    assert_eq!(ids(&by_unit).len(), 2);
    let by_status = get(&sys, &format!("{base}&status=draft"), &p.author).await;
    assert_eq!(
        ids(&by_status),
        [draft.body["id"].as_str().unwrap().to_owned()]
    );

    // The register opens and says what the list says, by register number.
    let path = format!("/api/v1/intake/plans/{plan_id}/register.xlsx?field=education");
    let res = sys
        .http
        .get(sys.at(&path))
        .bearer_auth(&p.office)
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
    let bytes = res.bytes().await.unwrap().to_vec();
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheet = wb.worksheet_range("Sổ theo dõi").unwrap();
    let text_of = |c: &Data| match c {
        Data::String(s) => s.clone(),
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        other => other.to_string(),
    };
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(text_of).collect())
        .collect();
    let header = rows
        .iter()
        .position(|r| r.first().map(String::as_str) == Some("Số thứ tự"))
        .expect("header row");
    assert_eq!(
        rows[header],
        [
            "Số thứ tự",
            "Ngày nhận",
            "Tên sáng kiến",
            "Tác giả",
            "Đơn vị",
            "Trạng thái",
            "Kết quả"
        ]
    );
    let body: Vec<&Vec<String>> = rows[header + 1..]
        .iter()
        .take_while(|r| r[0].parse::<f64>().is_ok())
        .collect();
    let listed = all.body["items"].as_array().unwrap();
    assert_eq!(body.len(), listed.len());
    for (row, d) in body.iter().zip(listed) {
        assert_eq!(row[0], d["register_number"].as_i64().unwrap().to_string());
        assert_eq!(row[1], "10/02/2022");
        assert_eq!(row[2], d["name"].as_str().unwrap());
        let authors: Vec<&str> = d["authors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        assert_eq!(row[3], authors.join(", "));
        assert_eq!(row[4], "Trường THCS Lý Tự Trọng");
        assert_eq!(row[5], d["status_label"].as_str().unwrap());
    }
    assert!(rows.iter().flatten().any(|c| c.contains("163/KH-UBND")));
    // Authors keep no register; the other field's office sees none of these.
    let refused = sys
        .http
        .get(sys.at(&path))
        .bearer_auth(&p.author)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let missing = sys
        .http
        .get(sys.at(&format!(
            "/api/v1/intake/plans/{plan_id}/register.xlsx?field=nope"
        )))
        .bearer_auth(&p.office)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    sys.stop().await;
}

/// Downloads `path` with `token`: status, content type and bytes.
async fn download_file(sys: &TestSystem, token: &str, path: &str) -> (u16, String, Vec<u8>) {
    let res = sys
        .http
        .get(sys.at(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let kind = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, kind, res.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn the_office_and_the_author_download_the_receipt_in_the_official_layout() {
    let clock = ManualClock::new(local(2022, 2, 10, 9));
    let sys = TestSystem::start_with_clock(Arc::new(clock.clone()))
        .await
        .unwrap();
    let p = people(&sys).await;
    // The education office sits under the district's People's Committee, whose name gives
    // the place of the receipt's date line.
    let admin = sys.admin_token().await.unwrap();
    let district = post(
        &sys,
        "/api/v1/directory/units",
        &admin,
        json!({ "tenant_id": p.tenant, "code": "ubnd-vinh-tuong",
                "name": "Ủy ban nhân dân huyện Vĩnh Tường", "kind": "body" }),
    )
    .await;
    assert_eq!(district.status, 201, "{}", district.body);
    let office_id = p.education_office["id"].as_str().unwrap();
    let unit = get(
        &sys,
        &format!("/api/v1/directory/units/{office_id}"),
        &admin,
    )
    .await;
    let moved = sys
        .call_with(
            Method::PATCH,
            &format!("/api/v1/directory/units/{office_id}"),
            Some(&admin),
            Some(json!({ "parent_id": district.body["id"] })),
            &[("If-Match", unit.header("etag").unwrap())],
        )
        .await
        .unwrap();
    assert_eq!(moved.status, 200, "{}", moved.body);

    let plan_id = published_plan(&sys, &p).await;
    // Before it is registered there is no receipt.
    let draft = post(
        &sys,
        "/api/v1/intake/dossiers",
        &p.author,
        json!({ "plan_id": plan_id, "field": "education", "form": form("Bản nháp") }),
    )
    .await;
    assert_eq!(draft.status, 201, "{}", draft.body);
    let draft_path = format!(
        "/api/v1/intake/dossiers/{}/receipt.docx",
        draft.body["id"].as_str().unwrap()
    );
    let (status, _, _) = download_file(&sys, &p.author, &draft_path).await;
    assert_eq!(status, 404);

    let (id, _) = received_education(&sys, &p, &plan_id, "Dạy học phân hóa môn Toán 9").await;
    let path = format!("/api/v1/intake/dossiers/{id}/receipt.docx");
    // Intake learns the new parent from the directory's events.
    let docx = eventually(Duration::from_secs(15), || async {
        let (status, kind, bytes) = download_file(&sys, &p.office, &path).await;
        assert_eq!(status, 200);
        assert!(kind.contains("wordprocessingml"), "{kind}");
        sangkien_papers::check::plain_text(&bytes)
            .contains("Vĩnh Tường, ngày 10 tháng 02 năm 2022")
            .then_some(bytes)
    })
    .await
    .expect("the receipt names the district as its place");
    assert_eq!(
        sangkien_papers::check::layout_problems(&docx),
        Vec::<String>::new()
    );
    sangkien_papers::check::keep("receipt-e2e.docx", &docx).unwrap();
    let text = sangkien_papers::check::plain_text(&docx);
    for expected in [
        "ỦY BAN NHÂN DÂN HUYỆN VĨNH TƯỜNG",
        "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO",
        "Số: 01/BN",
        "GIẤY BIÊN NHẬN",
        "Kế hoạch số 163/KH-UBND",
        "Tên sáng kiến: Dạy học phân hóa môn Toán 9.",
        "Nguyễn Thị Hoa (60%), Trần Văn Nam (40%)",
        "Đơn vị: Trường THCS Lý Tự Trọng.",
        "Lĩnh vực: Giáo dục và Đào tạo.",
        "ngày tiếp nhận: 10/02/2022",
        "Tệp đính kèm: mo-ta.pdf",
        "trả trước ngày 10/05/2022",
        "NGƯỜI TIẾP NHẬN",
        "Lê Thị Giáo",
    ] {
        assert!(text.contains(expected), "{expected} missing in {text}");
    }
    assert_eq!(
        sangkien_papers::check::english_words(&text),
        Vec::<String>::new()
    );

    // The author downloads the same paper.
    let (status, _, by_author) = download_file(&sys, &p.author, &path).await;
    assert_eq!(status, 200);
    assert_eq!(
        sangkien_papers::check::plain_text(&by_author),
        text,
        "the author's receipt is the office's"
    );
    sys.stop().await;
}

#[tokio::test]
async fn a_service_422_and_a_malformed_body_speak_one_language_each() {
    let clock = ManualClock::new(local(2022, 2, 10, 9));
    let sys = TestSystem::start_with_clock(Arc::new(clock.clone()))
        .await
        .unwrap();
    let p = people(&sys).await;
    let plan_id = published_plan(&sys, &p).await;
    let d = post(
        &sys,
        "/api/v1/intake/dossiers",
        &p.author,
        json!({ "plan_id": plan_id, "field": "education", "form": {} }),
    )
    .await;
    assert_eq!(d.status, 201, "{}", d.body);
    let submit = format!(
        "/api/v1/intake/dossiers/{}/submit",
        d.body["id"].as_str().unwrap()
    );
    let mut seen = Vec::new();
    for lang in ["vi", "en"] {
        let a = sys
            .call_with(
                Method::POST,
                &submit,
                Some(&p.author),
                Some(json!({})),
                &[("Accept-Language", lang)],
            )
            .await
            .unwrap();
        assert_eq!(a.status, 422, "{}", a.body);
        assert_eq!(a.header("content-language"), Some(lang));
        assert!(
            a.body["instance"].is_string() && a.body["request_id"].is_string(),
            "{}",
            a.body
        );
        let message = |field: &str| {
            a.body["errors"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["field"] == field)
                .unwrap_or_else(|| panic!("no {field} in {}", a.body))["message"]
                .as_str()
                .unwrap()
                .to_owned()
        };
        seen.push((message("authors"), message("application_area")));
    }
    assert_eq!(
        seen[0],
        (
            "Cần nhập Tác giả".to_owned(),
            "Cần nhập Phạm vi áp dụng".to_owned()
        )
    );
    assert_eq!(
        seen[1],
        (
            "authors is required".to_owned(),
            "application_area is required".to_owned()
        )
    );

    // A malformed body in Vietnamese carries none of the parser's English.
    for (body, vi) in [
        (r#"{"plan_id": "#, "kết thúc giữa chừng"),
        (
            r#"{"plan_id": 1, "field": "education", "form": {}}"#,
            "sai kiểu dữ liệu",
        ),
        (
            r#"{"field": "education", "form": {}}"#,
            "thiếu trường `plan_id`",
        ),
    ] {
        let res = sys
            .http
            .post(sys.at("/api/v1/intake/dossiers"))
            .bearer_auth(&p.author)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400);
        assert_eq!(res.headers()["content-language"], "vi");
        let problem: Value = res.json().await.unwrap();
        assert_eq!(problem["code"], "malformed_body");
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains(vi), "{detail}");
        for english in ["expected", "missing", "invalid", "EOF", "while parsing"] {
            assert!(!detail.contains(english), "English in {detail:?}");
        }
    }
    sys.stop().await;
}
