//! The whole year of Vĩnh Tường's plan 163/KH-UBND, played only through the gateway's HTTP
//! API as the people of the shipped example would: set-up from `examples/vinh-tuong-2022.yaml`,
//! the education field in February and March (thirty dossiers with co-authors and PDFs, one
//! late, one corrected, one withdrawn; the appraisal team with a third reviewer and a conflict
//! refused; the council's sitting under the two-thirds rule), then the socio-economic field in
//! August and September. In one process (`cargo test`) it runs on a `ManualClock`; started by
//! `tests/topology.sh run --test-clock` it drives the four separate processes, moves their file
//! clock, and kills and restarts appraisal in the middle of the year.

use std::{collections::HashMap, time::Duration};

use reqwest::Method;
use serde_json::{Value, json};

use crate::intake::{local, pdf, upload};
use sangkien::example::{Dating, Example, Loaded, VINH_TUONG_2022, load};
use sangkien_e2e::{Answer, TestSystem};

/// The year as the test plays it: the system, what the example made, tokens by username.
struct Year {
    sys: TestSystem,
    loaded: Loaded,
    tokens: HashMap<String, String>,
}

impl Year {
    async fn token(&mut self, username: &str) -> String {
        if let Some(t) = self.tokens.get(username) {
            return t.clone();
        }
        let (_, _, pw) = &self.loaded.users[username];
        let t = self.sys.sign_in(username, pw).await.unwrap()["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        self.tokens.insert(username.to_owned(), t.clone());
        t
    }

    async fn call(&mut self, who: &str, method: Method, path: &str, body: Option<Value>) -> Answer {
        let token = self.token(who).await;
        self.sys
            .call(method, path, Some(&token), body)
            .await
            .unwrap()
    }

    async fn post(&mut self, who: &str, path: &str, body: Value) -> Answer {
        self.call(who, Method::POST, path, Some(body)).await
    }

    async fn get(&mut self, who: &str, path: &str) -> Answer {
        self.call(who, Method::GET, path, None).await
    }

    async fn matched(
        &mut self,
        who: &str,
        method: Method,
        path: &str,
        etag: &str,
        body: Value,
    ) -> Answer {
        let token = self.token(who).await;
        let res = self
            .sys
            .http
            .request(method, self.sys.at(path))
            .bearer_auth(token)
            .header("If-Match", etag)
            .json(&body)
            .send()
            .await
            .unwrap();
        Answer::read(res).await.unwrap()
    }

    fn id(&self, username: &str) -> String {
        self.loaded.users[username].0.clone()
    }

    fn unit(&self, code: &str) -> String {
        self.loaded.units[code].clone()
    }

    fn at(&self, y: i32, m: u32, d: u32, h: u32) {
        self.sys.set_time(local(y, m, d, h)).unwrap();
    }
}

/// The request form of one initiative, with a co-author from the same unit.
fn form(name: &str, author: &str, co_author: &str, workplace: &str) -> Value {
    json!({
        "authors": [
            { "full_name": author, "date_of_birth": "1985-04-12", "workplace": workplace,
              "title": "Giáo viên", "qualification": "Thạc sĩ", "contribution_percent": 70 },
            { "full_name": co_author, "date_of_birth": "1990-09-01", "workplace": workplace,
              "title": "Giáo viên", "qualification": "Cử nhân", "contribution_percent": 30 }
        ],
        "name": name,
        "application_area": "Giáo dục và Đào tạo",
        "kind": "operational",
        "first_applied_on": "2021-09-06",
        "essence": "Giải pháp được áp dụng trong năm học 2021–2022 tại đơn vị.",
        "applied_where": "Các lớp của đơn vị",
        "confidential_info": "",
        "conditions": "Giáo viên được tập huấn",
        "participants": [],
        "benefits_by_author": "Kết quả học tập của học sinh tăng rõ rệt",
        "benefits_by_participants": "Học sinh hứng thú hơn",
        "declaration": true
    })
}

/// Scores on the education rubric: grade A, grade B, or failing.
fn sheet(grade: &str) -> Value {
    let (i, m, c, p) = match grade {
        "A" => (1.75, 12.5, 1.5, 2.0),
        "B" => (1.5, 9.5, 1.5, 1.5),
        _ => (1.0, 5.0, 1.0, 1.0),
    };
    json!({ "submit": true, "scores": [
        { "item": "introduction", "points": i }, { "item": "main_content", "points": m },
        { "item": "conclusion", "points": c }, { "item": "presentation", "points": p } ] })
}

async fn eventually<T, F, Fut>(what: &str, f: F) -> T
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    sangkien_kit::testing::eventually(Duration::from_secs(30), f)
        .await
        .unwrap_or_else(|| panic!("{what} never happened"))
}

/// Creates, uploads the description and submits one dossier; its id.
async fn submit(
    y: &mut Year,
    who: &str,
    field: &str,
    name: &str,
    co_author: &str,
    workplace: &str,
) -> (String, Answer) {
    let plan = y.loaded.saved["plan"].0.clone();
    let full_name = y.loaded.users[who].1.clone();
    let created = y
        .post(who, "/api/v1/intake/dossiers", json!({ "plan_id": plan, "field": field, "form": form(name, &full_name, co_author, workplace) }))
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    let token = y.token(who).await;
    upload(&y.sys, &token, &id, "ban-mo-ta.pdf", pdf(64 * 1024)).await;
    let submitted = y
        .post(
            who,
            &format!("/api/v1/intake/dossiers/{id}/submit"),
            json!({}),
        )
        .await;
    (id, submitted)
}

#[tokio::test]
async fn the_2022_plan_of_vinh_tuong_runs_from_set_up_to_conclusions() {
    let sys = TestSystem::start_at(local(2022, 1, 20, 9)).await.unwrap();
    let example = Example::parse(VINH_TUONG_2022).unwrap();
    let loaded = load(
        &sys.url,
        sangkien_kit::testing::TEST_ADMIN_PASSWORD,
        &example,
        Dating::AsWritten,
    )
    .await
    .unwrap();
    let mut y = Year {
        sys,
        loaded,
        tokens: HashMap::new(),
    };
    let plan = y.loaded.saved["plan"].0.clone();

    // February: thirty education dossiers inside the window, from two schools.
    y.at(2022, 2, 10, 9);
    let mut education: Vec<(String, &str)> = Vec::new();
    for i in 0..30 {
        let (who, co, school, head) = match i % 3 {
            0 => (
                "gv.hoa",
                "Trần Văn Nam",
                "Trường THCS Lý Tự Trọng",
                "hieu.truong",
            ),
            1 => (
                "gv.nam",
                "Nguyễn Thị Hoa",
                "Trường THCS Lý Tự Trọng",
                "hieu.truong",
            ),
            _ => (
                "gv.mai",
                "Lê Văn Bình",
                "Trường Tiểu học Tứ Trưng",
                "hieu.truong.th",
            ),
        };
        let (id, submitted) = submit(
            &mut y,
            who,
            "education",
            &format!("Sáng kiến giáo dục số {:02}", i + 1),
            co,
            school,
        )
        .await;
        assert_eq!(submitted.status, 200, "{}", submitted.body);
        education.push((id, head));
    }
    // One withdrawn by its author before it is received.
    let withdrawn = education.pop().unwrap().0;
    let gone = y
        .post(
            "gv.mai",
            &format!("/api/v1/intake/dossiers/{withdrawn}/withdraw"),
            json!({ "reason": "Tác giả rút để hoàn thiện thêm" }),
        )
        .await;
    assert_eq!(gone.body["status"], "withdrawn", "{}", gone.body);
    // Unit heads confirm what their units submitted.
    for (id, head) in &education {
        let c = y
            .post(
                head,
                &format!("/api/v1/intake/dossiers/{id}/confirm"),
                json!({}),
            )
            .await;
        assert_eq!(c.status, 200, "{}", c.body);
    }
    // The Education Office registers them; one goes back for correction and returns.
    let corrected = education[4].0.clone();
    let asked = y
        .post(
            "phong.gd",
            &format!("/api/v1/intake/dossiers/{corrected}/request-correction"),
            json!({ "reason": "Bổ sung minh chứng áp dụng", "deadline": "2022-02-25" }),
        )
        .await;
    assert_eq!(asked.status, 200, "{}", asked.body);
    y.at(2022, 2, 15, 9);
    let again = y
        .post(
            "gv.nam",
            &format!("/api/v1/intake/dossiers/{corrected}/submit"),
            json!({}),
        )
        .await;
    assert_eq!(again.body["status"], "confirmed", "{}", again.body);
    for (i, (id, _)) in education.iter().enumerate() {
        let r = y
            .post(
                "phong.gd",
                &format!("/api/v1/intake/dossiers/{id}/register"),
                json!({}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(
            r.body["register_number"],
            i as u64 + 1,
            "gapless register numbers"
        );
    }
    // One comes after the window: refused, naming the window.
    y.at(2022, 3, 1, 9);
    let (_, late) = submit(
        &mut y,
        "gv.hoa",
        "education",
        "Sáng kiến nộp muộn",
        "Trần Văn Nam",
        "Trường THCS Lý Tự Trọng",
    )
    .await;
    assert_eq!(late.status, 409, "{}", late.body);
    assert_eq!(late.body["code"], "window_closed");

    // In the middle of the year a service goes down and comes back; nothing is lost.
    y.sys.restart_service("appraisal").await.unwrap();
    let ids: Vec<String> = education.iter().map(|(id, _)| id.clone()).collect();
    for id in &ids {
        let path = format!("/api/v1/appraisal/cases/{id}");
        let token = y.token("phong.gd").await;
        let sys = &y.sys;
        eventually("the case of every received dossier", || async {
            let c = sys
                .call(Method::GET, &path, Some(&token), None)
                .await
                .ok()?;
            (c.status == 200).then_some(())
        })
        .await;
    }

    // March: the appraisal team. A member declares a conflict and is refused when forced.
    let team = y.loaded.saved["team_education"].0.clone();
    let declared = y
        .post(
            "tv.minh",
            &format!("/api/v1/appraisal/cases/{}/conflicts", ids[0]),
            json!({ "reason": "Là người hướng dẫn tác giả" }),
        )
        .await;
    assert_eq!(declared.status, 201, "{}", declared.body);
    let forced = y
        .post(
            "phong.gd",
            &format!("/api/v1/appraisal/cases/{}/assignments", ids[0]),
            json!({ "reviewer": y.id("tv.minh") }),
        )
        .await;
    assert_eq!(forced.status, 403, "{}", forced.body);
    assert_eq!(forced.body["code"], "conflict_of_interest");
    let auto = y
        .post(
            "phong.gd",
            &format!("/api/v1/appraisal/panels/{team}/auto-assign"),
            json!({}),
        )
        .await;
    assert_eq!(auto.status, 200, "{}", auto.body);
    assert!(
        auto.body["short"].as_array().unwrap().is_empty(),
        "{}",
        auto.body
    );

    y.at(2022, 3, 5, 9);
    let team_members = ["to.truong", "tv.lan", "tv.hung", "tv.minh"];
    let by_id: HashMap<String, &str> = team_members.iter().map(|u| (y.id(u), *u)).collect();
    // Case 2 splits A/B (a third reviewer), cases 3 and 4 fail, the rest are A or B.
    let verdict = |i: usize| match i {
        3 | 4 => "fail",
        i if i % 4 == 0 => "B",
        _ => "A",
    };
    for (i, id) in ids.iter().enumerate() {
        let a = y
            .get(
                "phong.gd",
                &format!("/api/v1/appraisal/cases/{id}/assignments"),
            )
            .await;
        let reviewers: Vec<String> = a
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["reviewer"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(reviewers.len(), 2, "{}", a.body);
        for (k, r) in reviewers.iter().enumerate() {
            let grade = if i == 2 && k == 1 { "B" } else { verdict(i) };
            let s = y
                .call(
                    by_id[r],
                    Method::PUT,
                    &format!("/api/v1/appraisal/cases/{id}/sheet"),
                    Some(sheet(grade)),
                )
                .await;
            assert_eq!(s.status, 200, "{}", s.body);
        }
    }
    let split = ids[2].clone();
    let a = y
        .get(
            "phong.gd",
            &format!("/api/v1/appraisal/cases/{split}/assignments"),
        )
        .await;
    assert_eq!(
        a.body.as_array().unwrap().len(),
        3,
        "a third reviewer for the split case"
    );
    let sheets = y
        .get(
            "phong.gd",
            &format!("/api/v1/appraisal/cases/{split}/sheets"),
        )
        .await;
    let scored: Vec<String> = sheets
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["reviewer"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(scored.len(), 2, "{}", sheets.body);
    let third = a
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["reviewer"].as_str().unwrap().to_owned())
        .find(|r| !scored.contains(r))
        .unwrap();
    let s = y
        .call(
            by_id[&third],
            Method::PUT,
            &format!("/api/v1/appraisal/cases/{split}/sheet"),
            Some(sheet("B")),
        )
        .await;
    assert_eq!(s.status, 200, "{}", s.body);
    for (i, id) in ids.iter().enumerate() {
        let r = if i == 2 {
            y.post(
                "to.truong",
                &format!("/api/v1/appraisal/cases/{id}/result"),
                json!({ "passed": true, "grade": "B", "reason": "Hai trong ba phiếu xếp loại B" }),
            )
            .await
        } else {
            y.post(
                "phong.gd",
                &format!("/api/v1/appraisal/cases/{id}/result"),
                json!({ "reason": "Kết quả thống nhất của tổ thẩm định" }),
            )
            .await
        };
        assert_eq!(r.status, 201, "{}", r.body);
    }

    // The council sits on 15/03 on the 27 that passed; six of seven attend.
    let council = y.loaded.saved["council_education"].0.clone();
    let passed: Vec<String> = ids
        .iter()
        .enumerate()
        .filter(|(i, _)| verdict(*i) != "fail")
        .map(|(_, id)| id.clone())
        .collect();
    assert_eq!(passed.len(), 27);
    y.at(2022, 3, 14, 9);
    let sitting = y.post("thuong.truc", "/api/v1/appraisal/sittings",
        json!({ "panel_id": council, "held_on": "2022-03-15", "place": "Hội trường UBND huyện Vĩnh Tường", "dossier_ids": passed })).await;
    assert_eq!(sitting.status, 201, "{}", sitting.body);
    let sid = sitting.body["id"].as_str().unwrap().to_owned();
    let mut etag = sitting.header("etag").unwrap().to_owned();
    let present: Vec<String> = [
        "ct.hoi.dong",
        "hd.thu.ky",
        "hd.tai.chinh",
        "hd.giao.duc",
        "hd.chuyen.gia",
        "hd.cong.doan",
    ]
    .iter()
    .map(|u| y.id(u))
    .collect();
    let a = y
        .matched(
            "thuong.truc",
            Method::PUT,
            &format!("/api/v1/appraisal/sittings/{sid}/attendance"),
            &etag,
            json!({ "present": present }),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    etag = a.header("etag").unwrap().to_owned();
    for (i, id) in passed.iter().enumerate() {
        let in_favour = if i == passed.len() - 1 { 4 } else { 6 };
        let v = y.matched("thuong.truc", Method::PUT,
            &format!("/api/v1/appraisal/sittings/{sid}/votes/{id}"), &etag,
            json!({ "method": "show_of_hands", "in_favour": in_favour, "against": 6 - in_favour, "abstaining": 0 })).await;
        assert_eq!(v.status, 200, "{}", v.body);
        etag = v.header("etag").unwrap().to_owned();
    }
    y.at(2022, 3, 15, 16);
    let held = y
        .matched(
            "ct.hoi.dong",
            Method::POST,
            &format!("/api/v1/appraisal/sittings/{sid}/close"),
            &etag,
            json!({}),
        )
        .await;
    assert_eq!(held.status, 200, "{}", held.body);

    // The body's admin audits appraisal: every sheet, the third reviewer, every vote.
    let audit = y
        .get(
            "quan.tri",
            &format!("/api/v1/appraisal/audit?subject_id={split}&limit=100"),
        )
        .await;
    assert_eq!(audit.status, 200, "{}", audit.body);
    let actions: Vec<String> = audit.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} as {}",
                e["action"].as_str().unwrap(),
                e["actor_role"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        actions
            .iter()
            .filter(|a| a.starts_with("sheet.submitted as reviewer"))
            .count(),
        3,
        "{actions:?}"
    );
    assert!(
        actions
            .iter()
            .any(|a| a.starts_with("assignment.third_reviewer")),
        "{actions:?}"
    );
    let votes = y
        .get(
            "quan.tri",
            "/api/v1/appraisal/audit?action=sitting.vote_recorded&limit=100",
        )
        .await;
    assert_eq!(
        votes.body["items"].as_array().unwrap().len(),
        27,
        "{}",
        votes.body
    );
    let refused = y.get("phong.gd", "/api/v1/appraisal/audit").await;
    assert_eq!(refused.status, 403, "only admins read the audit log");

    // Every author sees the outcome: 26 recommended, 1 not carried, 2 failed the team.
    let mut recommended = 0;
    for id in &ids {
        let owner = if y
            .get("gv.hoa", &format!("/api/v1/intake/dossiers/{id}"))
            .await
            .status
            == 200
        {
            "gv.hoa"
        } else if y
            .get("gv.nam", &format!("/api/v1/intake/dossiers/{id}"))
            .await
            .status
            == 200
        {
            "gv.nam"
        } else {
            "gv.mai"
        };
        let token = y.token(owner).await;
        let path = format!("/api/v1/appraisal/cases/{id}/outcome");
        let sys = &y.sys;
        let seen = eventually("the conclusion", || async {
            let o = sys
                .call(Method::GET, &path, Some(&token), None)
                .await
                .ok()?;
            (o.body["status"] == "concluded").then_some(o.body)
        })
        .await;
        if seen["recommended"] == true {
            recommended += 1;
        }
    }
    assert_eq!(recommended, 26);

    // August: the socio-economic field, smaller: a commune's three dossiers, council only.
    y.at(2022, 8, 10, 9);
    let mut socio = Vec::new();
    for n in 1..=3 {
        let (id, s) = submit(
            &mut y,
            "can.bo.xa",
            "socio_economic",
            &format!("Sáng kiến cải cách hành chính số {n}"),
            "Phạm Thị Xã",
            "UBND xã Tân Tiến",
        )
        .await;
        assert_eq!(s.status, 200, "{}", s.body);
        let c = y
            .post(
                "chu.tich.xa",
                &format!("/api/v1/intake/dossiers/{id}/confirm"),
                json!({}),
            )
            .await;
        assert_eq!(c.status, 200, "{}", c.body);
        let r = y
            .post(
                "thuong.truc",
                &format!("/api/v1/intake/dossiers/{id}/register"),
                json!({}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body["register_number"], n, "numbering per field");
        socio.push(id);
    }
    for id in &socio {
        let path = format!("/api/v1/appraisal/cases/{id}");
        let token = y.token("thuong.truc").await;
        let sys = &y.sys;
        eventually("the socio-economic cases", || async {
            let c = sys
                .call(Method::GET, &path, Some(&token), None)
                .await
                .ok()?;
            (c.status == 200).then_some(())
        })
        .await;
    }
    let council = y.loaded.saved["council_socio_economic"].0.clone();
    y.at(2022, 9, 5, 9);
    let sitting = y.post("thuong.truc", "/api/v1/appraisal/sittings",
        json!({ "panel_id": council, "held_on": "2022-09-05", "place": "Phòng họp UBND huyện", "dossier_ids": socio })).await;
    assert_eq!(sitting.status, 201, "{}", sitting.body);
    let sid = sitting.body["id"].as_str().unwrap().to_owned();
    let all: Vec<String> = [
        "ct.hoi.dong",
        "hd.pho",
        "hd.thu.ky",
        "hd.tai.chinh",
        "hd.giao.duc",
        "hd.chuyen.gia",
        "hd.cong.doan",
    ]
    .iter()
    .map(|u| y.id(u))
    .collect();
    let a = y
        .matched(
            "thuong.truc",
            Method::PUT,
            &format!("/api/v1/appraisal/sittings/{sid}/attendance"),
            sitting.header("etag").unwrap(),
            json!({ "present": all }),
        )
        .await;
    let mut etag = a.header("etag").unwrap().to_owned();
    for id in &socio {
        let v = y
            .matched(
                "thuong.truc",
                Method::PUT,
                &format!("/api/v1/appraisal/sittings/{sid}/votes/{id}"),
                &etag,
                json!({ "method": "secret_ballot", "in_favour": 7, "against": 0, "abstaining": 0 }),
            )
            .await;
        assert_eq!(v.status, 200, "{}", v.body);
        etag = v.header("etag").unwrap().to_owned();
    }
    let held = y
        .matched(
            "ct.hoi.dong",
            Method::POST,
            &format!("/api/v1/appraisal/sittings/{sid}/close"),
            &etag,
            json!({}),
        )
        .await;
    assert_eq!(held.status, 200, "{}", held.body);
    for id in &socio {
        let path = format!("/api/v1/intake/dossiers/{id}");
        let token = y.token("can.bo.xa").await;
        let sys = &y.sys;
        eventually("socio-economic conclusions in intake", || async {
            let d = sys
                .call(Method::GET, &path, Some(&token), None)
                .await
                .ok()?;
            (d.body["status"] == "concluded").then_some(())
        })
        .await;
    }
    let _ = (plan, y.unit("ubnd"));
    y.sys.stop().await;
}
