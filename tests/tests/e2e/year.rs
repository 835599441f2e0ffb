//! The whole year of Vĩnh Tường's plan 163/KH-UBND, played only through the gateway's HTTP
//! API as the people of the shipped example would: set-up from `examples/vinh-tuong-2022.yaml`;
//! the education field in February and March (thirty dossiers with co-authors and PDFs, one
//! late, one corrected, one withdrawn; the budget estimate drafted from the plan, one line
//! adjusted by the finance office and approved; the appraisal team with a third reviewer and a
//! conflict refused; the council's sitting under the two-thirds rule); in April the decision
//! drafted, numbered and signed "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH", its DOCX, the authors' outcomes,
//! a certificate, two initiatives nominated to a fake province that acknowledges them and in
//! June reports its result; the socio-economic field in August and September, signed by the
//! chairman as the register's second number; in December the execution report (JSON and XLSX)
//! with what the two sittings cost, to the đồng, and the settlement. In one process
//! (`cargo test`) it runs on a `ManualClock`; started by `tests/topology.sh run --test-clock` it
//! drives the four separate processes, moves their file clock, and kills and restarts
//! appraisal in the middle of the year.

use std::{collections::HashMap, time::Duration};

use reqwest::Method;
use serde_json::{Value, json};

use calamine::{Data, Reader, Xlsx};

use crate::intake::{local, pdf, upload};
use crate::sittings::docx_text;
use sangkien::example::{Dating, Example, Loaded, VINH_TUONG_2022, load};
use sangkien_e2e::{Answer, TestSystem, fake_province::FakeProvince};

/// The budget's routes.
const BUDGET: &str = "/api/v1/decision/budget";

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

    async fn bytes(&mut self, who: &str, path: &str) -> (u16, Vec<u8>) {
        let token = self.token(who).await;
        let res = self
            .sys
            .http
            .get(self.sys.at(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        (res.status().as_u16(), res.bytes().await.unwrap().to_vec())
    }

    /// GETs `path` as `who` until `ready` holds for the answer's body.
    async fn wait_for(
        &mut self,
        who: &str,
        path: &str,
        what: &str,
        ready: impl Fn(&Value) -> bool,
    ) -> Value {
        let token = self.token(who).await;
        let sys = &self.sys;
        let ready = &ready;
        eventually(what, || async {
            let a = sys.call(Method::GET, path, Some(&token), None).await.ok()?;
            (a.status == 200 && ready(&a.body)).then_some(a.body)
        })
        .await
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
    // The provincial DOST system: the tests' fake, on the port the topology script told the
    // decision service, or on any port when the system runs in this process.
    let province = match std::env::var("SK_FAKE_PROVINCE_ADDR") {
        Ok(addr) => FakeProvince::start_on(&addr).await.unwrap(),
        Err(_) => FakeProvince::start().await.unwrap(),
    };
    let province_url = province.url();
    let sys = TestSystem::start_at_with(local(2022, 1, 20, 9), |s| {
        s.province.base_url = Some(province_url);
        s.province.poll_interval_ms = 100;
    })
    .await
    .unwrap();
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
    // The standing body drafts the year's budget estimate from the plan: two sittings per
    // stage window (one per started week), the team's chair and three members, each council's
    // chair and six members at the national caps: 1,000,000 + 1,200,000 + 2 × 3,400,000.
    // The finance office trims the team's members to one paid sitting and approves the rest.
    y.at(2022, 2, 20, 9);
    let estimate = y
        .post(
            "thuong.truc",
            &format!("{BUDGET}/plans/{plan}/estimates"),
            json!({}),
        )
        .await;
    assert_eq!(estimate.status, 201, "{}", estimate.body);
    assert_eq!(estimate.body["total"], 9_000_000, "{}", estimate.body);
    let estimate_id = estimate.body["id"].as_str().unwrap().to_owned();
    let mut etag = estimate.header("etag").unwrap().to_owned();
    for line in estimate.body["lines"].as_array().unwrap() {
        let team_members = line["payee_role"] == "member"
            && line["description"]
                .as_str()
                .unwrap()
                .starts_with("Tổ thẩm định");
        let decision = if team_members {
            json!({ "decision": "adjust", "amount": 800_000, "reason": "Tổ thẩm định chỉ có một phiên họp được chi thù lao" })
        } else {
            json!({ "decision": "approve" })
        };
        let path = format!(
            "{BUDGET}/estimates/{estimate_id}/lines/{}/appraisal",
            line["id"].as_str().unwrap()
        );
        let a = y
            .matched("tai.chinh", Method::PUT, &path, &etag, decision)
            .await;
        assert_eq!(a.status, 200, "{}", a.body);
        etag = a.header("etag").unwrap().to_owned();
    }
    let approved = y
        .matched(
            "tai.chinh",
            Method::POST,
            &format!("{BUDGET}/estimates/{estimate_id}/approve"),
            &etag,
            json!({}),
        )
        .await;
    assert_eq!(approved.status, 200, "{}", approved.body);
    assert_eq!(
        approved.body["approved_total"], 8_600_000,
        "{}",
        approved.body
    );

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
    let mut owners: HashMap<String, &str> = HashMap::new();
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
        owners.insert(id.clone(), owner);
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

    // April: what awaits a decision, the draft, and the deputy's signature "KT. CHỦ TỊCH".
    let pending = format!("/api/v1/decision/decisions/pending?plan_id={plan}&field=education");
    let waiting = y
        .wait_for(
            "thuong.truc",
            &pending,
            "the 29 conclusions in decision",
            |b| b["concluded"].as_array().map(Vec::len) == Some(29),
        )
        .await;
    assert_eq!(waiting["in_appraisal"], 0, "{waiting}");
    y.at(2022, 4, 4, 9);
    let proposal = "Hội đồng Sáng kiến huyện tại Tờ trình số 12/TTr-HĐSK ngày 16 tháng 3 năm 2022";
    let draft = y
        .post(
            "thuong.truc",
            "/api/v1/decision/decisions",
            json!({ "plan_id": plan, "field": "education", "proposal": proposal }),
        )
        .await;
    assert_eq!(draft.status, 201, "{}", draft.body);
    assert_eq!(
        (
            draft.body["recognised_count"].clone(),
            draft.body["refused_count"].clone()
        ),
        (json!(26), json!(3))
    );
    let decision = draft.body["id"].as_str().unwrap().to_owned();
    y.at(2022, 4, 5, 10);
    let signed = y
        .matched(
            "pho.chu.tich",
            Method::POST,
            &format!("/api/v1/decision/decisions/{decision}/sign"),
            draft.header("etag").unwrap(),
            json!({}),
        )
        .await;
    assert_eq!(signed.status, 200, "{}", signed.body);
    assert_eq!(signed.body["number_text"], "01/QĐ-UBND");
    let (status, docx) = y
        .bytes(
            "thuong.truc",
            &format!("/api/v1/decision/decisions/{decision}/document"),
        )
        .await;
    assert_eq!(status, 200);
    let xml = docx_text(&docx);
    let recognised: Vec<(String, String)> = draft.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["recognised"] == true)
        .map(|i| {
            (
                i["dossier_id"].as_str().unwrap().to_owned(),
                i["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let deputy = y.loaded.users["pho.chu.tich"].1.clone();
    let mut expected = vec![
        "Số: 01/QĐ-UBND",
        "Vĩnh Tường, ngày 05 tháng 4 năm 2022",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        deputy.as_str(),
        "Căn cứ Kế hoạch số 163/KH-UBND",
        "(Kèm theo Quyết định số 01/QĐ-UBND",
    ];
    expected.extend(recognised.iter().map(|(_, name)| name.as_str()));
    for e in expected {
        assert!(xml.contains(e), "the decision lacks {e:?}");
    }
    // Every author sees recognised or refused, with the reason.
    let (mut seen_recognised, mut seen_refused) = (0, 0);
    for id in &ids {
        let owner = owners[id];
        let d = y
            .wait_for(
                owner,
                &format!("/api/v1/intake/dossiers/{id}"),
                "the decision in intake",
                |b| b["status"] == "recognised" || b["status"] == "refused",
            )
            .await;
        assert!(
            !d["last_reason"].as_str().unwrap_or_default().is_empty(),
            "{d}"
        );
        if d["status"] == "recognised" {
            seen_recognised += 1;
        } else {
            seen_refused += 1;
        }
    }
    assert_eq!((seen_recognised, seen_refused), (26, 3));
    // An author downloads the certificate of her initiative.
    let certificates = y
        .get(
            "gv.hoa",
            &format!("/api/v1/decision/decisions/{decision}/certificates"),
        )
        .await;
    assert_eq!(certificates.status, 200, "{}", certificates.body);
    let href = certificates.body[0]["href"].as_str().unwrap().to_owned();
    let (status, certificate) = y.bytes("gv.hoa", &href).await;
    assert_eq!(status, 200);
    assert!(docx_text(&certificate).contains("GIẤY CHỨNG NHẬN SÁNG KIẾN"));
    // The admin audits the signature.
    let audit = y
        .get(
            "quan.tri",
            &format!("/api/v1/decision/audit?subject_id={decision}"),
        )
        .await;
    assert!(
        audit.body["items"].as_array().unwrap().iter().any(
            |e| e["action"] == "decision.signed" && e["actor"] == y.id("pho.chu.tich").as_str()
        ),
        "{}",
        audit.body
    );

    // Two typical initiatives go to the province, which acknowledges the package once.
    let typical = [recognised[0].0.clone(), recognised[1].0.clone()];
    let nomination = {
        let token = y.token("thuong.truc").await;
        let sys = &y.sys;
        let typical = &typical;
        eventually("the nomination (decision.issued known)", || async {
            let n = sys
                .call(Method::POST, "/api/v1/decision/nominations", Some(&token),
                    Some(json!({ "dossier_ids": typical, "reason": "Sáng kiến điển hình, có khả năng nhân rộng toàn tỉnh" })))
                .await
                .ok()?;
            (n.status == 201).then_some(n.body)
        })
        .await
    };
    let nomination = nomination["id"].as_str().unwrap().to_owned();
    let sent = y
        .wait_for(
            "thuong.truc",
            &format!("/api/v1/decision/nominations/{nomination}"),
            "acknowledged",
            |b| b["status"] == "sent",
        )
        .await;
    assert_eq!(province.distinct(), 1, "{:?}", province.deliveries());
    let package = province.deliveries()[0].package.clone();
    assert_eq!(
        package["initiatives"].as_array().unwrap().len(),
        2,
        "{package}"
    );
    let document_url = package["initiatives"][0]["decision"]["document_url"]
        .as_str()
        .unwrap();
    assert_eq!(
        package["initiatives"][0]["decision"]["number"],
        "01/QĐ-UBND"
    );
    let signed_path = &document_url[document_url.find("/api/").unwrap()..];
    let by_link = y.sys.http.get(y.sys.at(signed_path)).send().await.unwrap();
    assert_eq!(
        by_link.status(),
        200,
        "the province fetches the decision by its signed link"
    );
    assert_eq!(by_link.bytes().await.unwrap().to_vec(), docx);
    // June: the province reports its result with its own service account.
    y.at(2022, 6, 15, 9);
    let account = y
        .post(
            "quan.tri",
            "/api/v1/directory/service-accounts",
            json!({
            "tenant_id": y.loaded.tenant, "client_id": "so-khcn-vinh-phuc",
            "name": "Hệ thống sáng kiến Sở KH&CN tỉnh Vĩnh Phúc",
            "grants": [{ "role": "province", "unit_id": y.unit("ubnd") }] }),
        )
        .await;
    assert_eq!(account.status, 201, "{}", account.body);
    let province_token = y
        .sys
        .call(
            Method::POST,
            "/api/v1/auth/token",
            None,
            Some(json!({
            "grant_type": "client_credentials", "client_id": "so-khcn-vinh-phuc",
            "client_secret": account.body["generated_secret"] })),
        )
        .await
        .unwrap();
    assert_eq!(province_token.status, 200, "{}", province_token.body);
    let reported = province
        .report_result(
            &y.sys.url,
            province_token.body["access_token"].as_str().unwrap(),
            &nomination,
            &json!({ "receipt_id": sent["receipt_id"], "note": "Kết quả xét công nhận cấp tỉnh năm 2022",
                "outcomes": [
                    { "dossier_id": typical[0], "recognised": true, "note": "Công nhận có phạm vi ảnh hưởng cấp tỉnh" },
                    { "dossier_id": typical[1], "recognised": false, "note": "Chưa đủ phạm vi ảnh hưởng cấp tỉnh" }] }),
        )
        .await
        .unwrap();
    assert_eq!(reported.status, 200, "{}", reported.body);
    assert_eq!(reported.body["status"], "result_reported");

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
    // September: the chairman signs the socio-economic decision, the register's second number.
    let pending = format!("/api/v1/decision/decisions/pending?plan_id={plan}&field=socio_economic");
    y.wait_for(
        "thuong.truc",
        &pending,
        "the socio-economic conclusions in decision",
        |b| b["concluded"].as_array().map(Vec::len) == Some(3),
    )
    .await;
    y.at(2022, 9, 20, 9);
    let draft = y
        .post("thuong.truc", "/api/v1/decision/decisions", json!({ "plan_id": plan, "field": "socio_economic",
            "proposal": "Hội đồng Sáng kiến huyện tại Tờ trình số 31/TTr-HĐSK ngày 06 tháng 9 năm 2022" }))
        .await;
    assert_eq!(draft.status, 201, "{}", draft.body);
    let decision = draft.body["id"].as_str().unwrap().to_owned();
    let signed = y
        .matched(
            "chu.tich",
            Method::POST,
            &format!("/api/v1/decision/decisions/{decision}/sign"),
            draft.header("etag").unwrap(),
            json!({}),
        )
        .await;
    assert_eq!(signed.status, 200, "{}", signed.body);
    assert_eq!(signed.body["number_text"], "02/QĐ-UBND");
    let (_, docx) = y
        .bytes(
            "chu.tich",
            &format!("/api/v1/decision/decisions/{decision}/document"),
        )
        .await;
    let xml = docx_text(&docx);
    assert!(xml.contains("Số: 02/QĐ-UBND") && xml.contains("ngày 20 tháng 9 năm 2022"));
    assert!(
        !xml.contains("KT. CHỦ TỊCH"),
        "the chairman signs in his own name"
    );

    // December: the execution report holds what the two council sittings cost, to the đồng:
    // education 15/03, the chair and five members present (500,000 + 5 × 200,000); socio-
    // economic 05/09, all seven (500,000 + 6 × 200,000).
    y.at(2022, 12, 20, 9);
    let execution = format!("{BUDGET}/plans/{plan}/execution");
    let report = y
        .wait_for("tai.chinh", &execution, "both sittings booked", |b| {
            b["totals"]["spent"] == 3_200_000
        })
        .await;
    assert_eq!(report["totals"]["estimated"], 8_600_000, "{report}");
    assert_eq!(report["totals"]["remaining"], 5_400_000, "{report}");
    let spent_by = |payee: &str| -> i64 {
        report["lines"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["line_code"] == "council_sitting" && l["payee_role"] == payee)
            .map(|l| l["spent"].as_i64().unwrap())
            .sum()
    };
    assert_eq!(
        (spent_by("chair"), spent_by("member")),
        (1_000_000, 2_200_000),
        "{report}"
    );
    let (status, xlsx) = y.bytes("tai.chinh", &format!("{execution}.xlsx")).await;
    assert_eq!(status, 200);
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    let sheet = book.worksheet_range("Thực hiện dự toán").unwrap();
    let total = sheet
        .rows()
        .find(|r| r.get(1) == Some(&Data::String("Tổng cộng".into())))
        .expect("a total row")
        .to_vec();
    assert_eq!(
        (total[3].clone(), total[4].clone(), total[5].clone()),
        (
            Data::Float(8_600_000.0),
            Data::Float(3_200_000.0),
            Data::Float(5_400_000.0)
        )
    );
    let settled = y
        .post(
            "tai.chinh",
            &format!("{BUDGET}/plans/{plan}/settlement"),
            json!({ "note": "Quyết toán kinh phí sáng kiến năm 2022" }),
        )
        .await;
    assert_eq!(settled.status, 201, "{}", settled.body);
    assert_eq!(
        (
            settled.body["estimated"].clone(),
            settled.body["spent"].clone()
        ),
        (json!(8_600_000), json!(3_200_000))
    );
    y.sys.stop().await;
    province.stop().await;
}
