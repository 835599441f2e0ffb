//! Nominations of typical initiatives to the provincial DOST system, through the gateway:
//! real dossiers received through intake (so their files exist), recognised by a
//! `decision.issued` published on the system's transport (the decisions module is built
//! apart); the secretariat nominates; the package reaches a fake province that is down for a
//! while, exactly once; the province reports its result back, recorded, audited and
//! published; the package's signed links download the files until they expire.

use std::time::Duration;

use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::intake::{People, form, local, pdf, people, post, published_plan, upload};
use sangkien_decision::nominations::store::nom_dossier;
use sangkien_e2e::{
    Answer, TestSystem,
    fake_province::{FakeProvince, Mode},
};
use sangkien_kit::{Settings, links::LinkSigner, store::audit_log, store::outbox};
use sangkien_proto::{
    Envelope,
    events::{CaseConcluded, DecisionIssued, DossierOutcome, SheetSubmitted},
};

const SECRET: &str = "e2e-links-secret-of-at-least-32-characters";
const PROVINCE_TOKEN: &str = "so-khcn-cap-cho-huyen-vinh-tuong";

/// Settings of these tests: a known link secret, a quick sender, backoffs the test passes by
/// moving the clock.
fn settings(province: Option<String>) -> impl FnOnce(&mut Settings) {
    move |s: &mut Settings| {
        s.links.secret = Some(SECRET.into());
        s.links.public_url = "https://sangkien.vinhtuong.example".into();
        s.province.base_url = province;
        s.province.token = Some(PROVINCE_TOKEN.into());
        s.province.poll_interval_ms = 100;
        s.province.timeout_secs = 5;
        s.province.backoff_base_secs = 600;
        s.province.backoff_max_secs = 3600;
    }
}

/// Dossiers received through intake and what the decision said of them.
struct World {
    p: People,
    recognised: Vec<String>,
    refused: String,
    decision_id: Uuid,
}

/// A received dossier of the school's author, with one PDF; its id.
async fn received(sys: &TestSystem, p: &People, plan_id: &str, name: &str) -> String {
    let d = post(
        sys,
        "/api/v1/intake/dossiers",
        &p.author,
        json!({ "plan_id": plan_id, "field": "education", "form": form(name) }),
    )
    .await;
    assert_eq!(d.status, 201, "{}", d.body);
    let id = d.body["id"].as_str().unwrap().to_owned();
    let up = upload(sys, &p.author, &id, "bao-cao-mo-ta.pdf", pdf(4096)).await;
    assert_eq!(up.status, 201, "{}", up.body);
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
    id
}

fn decision_db(sys: &TestSystem) -> sea_orm::DatabaseConnection {
    sys.system
        .as_ref()
        .unwrap()
        .services
        .iter()
        .find(|s| s.name == "decision")
        .unwrap()
        .context
        .db
        .clone()
}

/// Three dossiers received; the first two recognised by decision 05/QĐ-UBND, the third
/// refused; the first concluded by the council with two sheets.
async fn world(sys: &TestSystem) -> World {
    let p = people(sys).await;
    let plan = published_plan(sys, &p).await;
    let mut ids = Vec::new();
    for name in [
        "Dạy học phân hóa môn Toán lớp 9",
        "Sổ tay điện tử chủ nhiệm lớp",
        "Góc đọc sách thân thiện",
    ] {
        ids.push(received(sys, &p, &plan, name).await);
    }
    let uuid = |s: &str| Uuid::parse_str(s).unwrap();
    let decision_id = Uuid::now_v7();
    let transport = sys.system.as_ref().unwrap().services[0]
        .context
        .transport
        .clone();
    let at = sys.clock.now();
    let concluded = CaseConcluded {
        dossier_id: uuid(&ids[0]),
        plan_id: uuid(&plan),
        field: "education".into(),
        stage: "council".into(),
        recommended: true,
        reason: "Hội đồng đề nghị công nhận: 7/7 thành viên tán thành".into(),
        average_score: Some(17.5),
        grade: Some("A".into()),
        grounds: None,
    };
    let mut envelopes =
        vec![Envelope::new(&concluded, p.tenant, at, "e2e-nominations", None).unwrap()];
    for (total, passed) in [(18.0, true), (17.0, true)] {
        let sheet = SheetSubmitted {
            dossier_id: uuid(&ids[0]),
            reviewer_id: Uuid::now_v7(),
            stage: "council".into(),
            revision: 1,
            total,
            passed,
            grade: Some("A".into()),
        };
        envelopes.push(Envelope::new(&sheet, p.tenant, at, "e2e-nominations", None).unwrap());
    }
    let issued = DecisionIssued {
        decision_id,
        number: "05/QĐ-UBND".into(),
        signed_on: chrono::NaiveDate::from_ymd_opt(2022, 4, 5).unwrap(),
        outcomes: vec![
            DossierOutcome {
                dossier_id: uuid(&ids[0]),
                recognised: true,
                reason: String::new(),
            },
            DossierOutcome {
                dossier_id: uuid(&ids[1]),
                recognised: true,
                reason: String::new(),
            },
            DossierOutcome {
                dossier_id: uuid(&ids[2]),
                recognised: false,
                reason: "Chưa chứng minh được hiệu quả áp dụng".into(),
            },
        ],
    };
    let issued = Envelope::new(&issued, p.tenant, at, "e2e-nominations", None).unwrap();
    // Delivered twice: the read model takes it once.
    envelopes.push(issued.clone());
    envelopes.push(issued);
    transport.publish(&envelopes).await.unwrap();
    // Decision has read the dossiers, the conclusion, the sheets and the decision.
    let db = decision_db(sys);
    let first = uuid(&ids[0]);
    sangkien_kit::testing::eventually(Duration::from_secs(20), || {
        let db = db.clone();
        let ids = ids.clone();
        async move {
            let rows = nom_dossier::Entity::find()
                .filter(nom_dossier::Column::DossierId.is_in(ids.iter().map(|i| uuid(i))))
                .all(&db)
                .await
                .unwrap();
            let ready = rows.len() == 3
                && rows
                    .iter()
                    .all(|r| r.name.is_some() && r.decision_id.is_some())
                && rows
                    .iter()
                    .any(|r| r.dossier_id == first && r.recommended == Some(true));
            ready.then_some(())
        }
    })
    .await
    .expect("decision read the dossiers and the decision");
    World {
        p,
        refused: ids[2].clone(),
        recognised: ids[..2].to_vec(),
        decision_id,
    }
}

async fn get(sys: &TestSystem, path: &str, token: Option<&str>) -> Answer {
    sys.call(Method::GET, path, token, None).await.unwrap()
}

/// The path and query of an absolute link (the test reaches the gateway, not the public URL).
fn local_part(url: &str) -> String {
    let u = reqwest::Url::parse(url).unwrap();
    format!("{}?{}", u.path(), u.query().unwrap())
}

async fn audit_actions(sys: &TestSystem, subject: &str) -> Vec<(String, String)> {
    let rows = audit_log::Entity::find()
        .filter(audit_log::Column::SubjectId.eq(Uuid::parse_str(subject).unwrap()))
        .all(&decision_db(sys))
        .await
        .unwrap();
    let mut rows: Vec<_> = rows
        .into_iter()
        .map(|r| (r.at, r.id, r.action, r.actor_role))
        .collect();
    rows.sort();
    rows.into_iter().map(|(_, _, a, r)| (a, r)).collect()
}

async fn published(sys: &TestSystem, event_type: &str) -> Vec<Value> {
    outbox::Entity::find()
        .filter(outbox::Column::EventType.eq(event_type))
        .filter(outbox::Column::PublishedAt.is_not_null())
        .all(&decision_db(sys))
        .await
        .unwrap()
        .into_iter()
        .map(|r| serde_json::from_str(&r.envelope).unwrap())
        .collect()
}

/// A service account of the province, in the body's tenant; its access token.
async fn province_account(sys: &TestSystem, p: &People) -> String {
    let admin = sys.admin_token().await.unwrap();
    let created = post(
        sys,
        "/api/v1/directory/service-accounts",
        &admin,
        json!({
            "tenant_id": p.tenant,
            "client_id": "so-khcn-vinh-phuc",
            "name": "Hệ thống sáng kiến Sở KH&CN tỉnh Vĩnh Phúc",
            "grants": [{ "role": "province", "unit_id": p.economy_office["id"] }],
        }),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let secret = created.body["generated_secret"].as_str().unwrap();
    let token = sys
        .call(
            Method::POST,
            "/api/v1/auth/token",
            None,
            Some(json!({ "grant_type": "client_credentials", "client_id": "so-khcn-vinh-phuc", "client_secret": secret })),
        )
        .await
        .unwrap();
    assert_eq!(token.status, 200, "{}", token.body);
    token.body["access_token"].as_str().unwrap().to_owned()
}

async fn nomination_until(
    sys: &TestSystem,
    token: &str,
    id: &str,
    what: &str,
    ready: impl Fn(&Value) -> bool,
) -> Value {
    sangkien_kit::testing::eventually(Duration::from_secs(20), || async {
        let n = get(
            sys,
            &format!("/api/v1/decision/nominations/{id}"),
            Some(token),
        )
        .await;
        assert_eq!(n.status, 200, "{}", n.body);
        ready(&n.body).then_some(n.body)
    })
    .await
    .unwrap_or_else(|| panic!("nomination never {what}"))
}

#[tokio::test]
async fn a_nomination_reaches_the_province_once_after_it_comes_back_up_and_its_result_comes_back() {
    let mut province = FakeProvince::start().await.unwrap();
    province.set_mode(Mode::Unavailable);
    let start = local(2022, 2, 10, 9);
    let sys = TestSystem::start_at_with(start, settings(Some(province.url())))
        .await
        .unwrap();
    let w = world(&sys).await;
    let now = local(2022, 4, 20, 9);
    sys.set_time(now).unwrap();
    let created = post(
        &sys,
        "/api/v1/decision/nominations",
        &w.p.secretariat,
        json!({ "dossier_ids": [w.recognised[0]], "reason": "Áp dụng hiệu quả, có thể nhân rộng toàn tỉnh" }),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["status"], "pending");
    let id = created.body["id"].as_str().unwrap().to_owned();

    // The province answers 503: the sender waits the base backoff on the service's clock.
    let n = nomination_until(&sys, &w.p.secretariat, &id, "tried", |n| {
        n["attempts"].as_i64() >= Some(1)
    })
    .await;
    assert_eq!(n["status"], "pending");
    assert!(n["last_error"].as_str().unwrap().starts_with("503"), "{n}");
    let next: chrono::DateTime<chrono::Utc> =
        n["next_attempt_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(next, now + chrono::Duration::seconds(600));
    assert_eq!(province.refused(), 1);

    // Now it refuses connections; the second try waits twice as long.
    province.go_down().await;
    let now = now + chrono::Duration::minutes(11);
    sys.set_time(now).unwrap();
    let n = nomination_until(&sys, &w.p.secretariat, &id, "tried twice", |n| {
        n["attempts"].as_i64() >= Some(2)
    })
    .await;
    assert!(
        n["last_error"].as_str().unwrap().starts_with("no answer"),
        "{n}"
    );
    let next: chrono::DateTime<chrono::Utc> =
        n["next_attempt_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(next, now + chrono::Duration::seconds(1200));

    // Back up, but the answer is lost on the way: the province holds it, we do not know.
    province.come_up().await.unwrap();
    province.set_mode(Mode::LosesAnswers);
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(
        province.deliveries().is_empty(),
        "nothing before the backoff ends"
    );
    let now = now + chrono::Duration::minutes(21);
    sys.set_time(now).unwrap();
    nomination_until(&sys, &w.p.secretariat, &id, "tried thrice", |n| {
        n["attempts"].as_i64() >= Some(3)
    })
    .await;
    assert_eq!(province.deliveries().len(), 1);

    // Fully up: the same key again, the same receipt, and the sender stops.
    province.set_mode(Mode::Up);
    let now = now + chrono::Duration::hours(1);
    sys.set_time(now).unwrap();
    let n = nomination_until(&sys, &w.p.secretariat, &id, "acknowledged", |n| {
        n["status"] == "sent"
    })
    .await;
    assert_eq!(n["receipt_id"], "SKHCN-2022-0001");
    assert_eq!(n["attempts"], 4);
    assert!(n["next_attempt_at"].is_null());
    sys.set_time(now + chrono::Duration::days(2)).unwrap();
    tokio::time::sleep(Duration::from_millis(600)).await;
    let deliveries = province.deliveries();
    assert_eq!(province.distinct(), 1, "the province holds one nomination");
    assert_eq!(
        deliveries.len(),
        2,
        "sent again only because the answer was lost"
    );
    assert!(deliveries.iter().all(|d| d.idempotency_key == id));
    assert!(deliveries[0].first && !deliveries[1].first);
    assert_eq!(
        deliveries[1].authorization.as_deref(),
        Some(format!("Bearer {PROVINCE_TOKEN}").as_str())
    );

    // What the province received.
    let pkg = &deliveries[1].package;
    assert_eq!(pkg["nomination_id"], id.as_str());
    assert_eq!(
        pkg["reason"],
        "Áp dụng hiệu quả, có thể nhân rộng toàn tỉnh"
    );
    let item = &pkg["initiatives"][0];
    assert_eq!(item["dossier_id"], w.recognised[0].as_str());
    assert_eq!(item["name"], "Dạy học phân hóa môn Toán lớp 9");
    assert_eq!(item["kind"], "operational");
    assert_eq!(item["authors"][0]["full_name"], "Nguyễn Thị Hoa");
    assert_eq!(item["conclusion"]["stage"], "council");
    assert_eq!(item["conclusion"]["grade"], "A");
    assert_eq!(item["sheets"][0]["count"], 2);
    assert_eq!(item["sheets"][0]["totals"], json!([18.0, 17.0]));
    assert_eq!(item["decision"]["number"], "05/QĐ-UBND");
    assert_eq!(item["decision"]["signed_on"], "2022-04-05");
    let doc = item["decision"]["document_url"].as_str().unwrap();
    assert!(doc.starts_with(&format!(
        "https://sangkien.vinhtuong.example/api/v1/decision/shared/decisions/{}/document?expires=",
        w.decision_id
    )));
    // The files by the package's link, without a token.
    let files = get(
        &sys,
        &local_part(item["attachments_url"].as_str().unwrap()),
        None,
    )
    .await;
    assert_eq!(files.status, 200, "{}", files.body);
    assert_eq!(files.body[0]["name"], "bao-cao-mo-ta.pdf");

    // Audited: the nomination, each sending, the acknowledgement; published once sent.
    let actions = audit_actions(&sys, &id).await;
    let names: Vec<&str> = actions.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "nomination.created",
            "nomination.send_failed",
            "nomination.send_failed",
            "nomination.send_failed",
            "nomination.acknowledged"
        ]
    );
    let sent = sangkien_kit::testing::eventually(Duration::from_secs(10), || async {
        let p = published(&sys, "nomination.sent").await;
        (!p.is_empty()).then_some(p)
    })
    .await
    .expect("nomination.sent published");
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["payload"]["receipt_id"], "SKHCN-2022-0001");
    assert_eq!(sent[0]["tenant"], w.p.tenant.to_string());

    // The province reports its result with its service account.
    let token = province_account(&sys, &w.p).await;
    let result = json!({
        "receipt_id": "SKHCN-2022-0001",
        "outcomes": [{ "dossier_id": w.recognised[0], "recognised": true, "note": "Công nhận phạm vi cấp tỉnh" }],
        "note": "Quyết định 812/QĐ-SKHCN ngày 15/6/2022",
    });
    // Someone else may not.
    let by_secretariat = post(
        &sys,
        &format!("/api/v1/decision/nominations/{id}/result"),
        &w.p.secretariat,
        result.clone(),
    )
    .await;
    assert_eq!(by_secretariat.status, 403);
    // Every dossier exactly once.
    let partial = province
        .report_result(
            &sys.url,
            &token,
            &id,
            &json!({ "outcomes": [], "note": "" }),
        )
        .await
        .unwrap();
    assert_eq!(partial.status, 422, "{}", partial.body);
    assert_eq!(partial.body["errors"][0]["code"], "missing");
    let reported = province
        .report_result(&sys.url, &token, &id, &result)
        .await
        .unwrap();
    assert_eq!(reported.status, 200, "{}", reported.body);
    assert_eq!(reported.body["status"], "result_reported");
    assert_eq!(reported.body["result"]["outcomes"][0]["recognised"], true);
    // The same report again is answered the same; a different one is refused.
    let again = province
        .report_result(&sys.url, &token, &id, &result)
        .await
        .unwrap();
    assert_eq!(again.status, 200, "{}", again.body);
    let mut other = result.clone();
    other["note"] = json!("khác");
    let other = province
        .report_result(&sys.url, &token, &id, &other)
        .await
        .unwrap();
    assert_eq!(other.status, 409, "{}", other.body);
    let n = get(
        &sys,
        &format!("/api/v1/decision/nominations/{id}"),
        Some(&w.p.secretariat),
    )
    .await;
    assert_eq!(
        n.body["result"]["note"],
        "Quyết định 812/QĐ-SKHCN ngày 15/6/2022"
    );
    let actions = audit_actions(&sys, &id).await;
    assert_eq!(
        actions.last().unwrap(),
        &(
            "nomination.result_reported".to_owned(),
            "province".to_owned()
        )
    );
    let reported = sangkien_kit::testing::eventually(Duration::from_secs(10), || async {
        let p = published(&sys, "nomination.result_reported").await;
        (!p.is_empty()).then_some(p)
    })
    .await
    .expect("nomination.result_reported published");
    assert_eq!(reported.len(), 1);
    assert_eq!(
        reported[0]["payload"]["outcomes"][0]["dossier_id"],
        w.recognised[0].as_str()
    );
    sys.stop().await;
    province.stop().await;
}

#[tokio::test]
async fn only_recognised_dossiers_are_nominated_once_and_links_expire() {
    let start = local(2022, 2, 10, 9);
    let sys = TestSystem::start_at_with(start, settings(None))
        .await
        .unwrap();
    let w = world(&sys).await;
    let now = local(2022, 4, 20, 9);
    sys.set_time(now).unwrap();
    let path = "/api/v1/decision/nominations";
    let unknown = Uuid::now_v7().to_string();

    // Refused, unknown and repeated dossiers and a missing reason, all listed at once.
    let wrong = post(
        &sys,
        path,
        &w.p.secretariat,
        json!({ "dossier_ids": [w.refused, unknown, w.recognised[0], w.recognised[0]], "reason": " " }),
    )
    .await;
    assert_eq!(wrong.status, 422, "{}", wrong.body);
    let errors: Vec<(String, String)> = wrong.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        vec![
            ("reason".to_owned(), "required".to_owned()),
            ("dossier_ids[0]".to_owned(), "not_recognised".to_owned()),
            ("dossier_ids[1]".to_owned(), "not_recognised".to_owned()),
            ("dossier_ids[3]".to_owned(), "repeated".to_owned()),
        ]
    );
    // Only the secretariat nominates.
    let by_author = post(
        &sys,
        path,
        &w.p.author,
        json!({ "dossier_ids": [w.recognised[0]], "reason": "Điển hình" }),
    )
    .await;
    assert_eq!(by_author.status, 403);

    let first = post(
        &sys,
        path,
        &w.p.secretariat,
        json!({ "dossier_ids": [w.recognised[0]], "reason": "Điển hình của ngành giáo dục" }),
    )
    .await;
    assert_eq!(first.status, 201, "{}", first.body);
    // The same dossier again, alone or with another: 409, and nothing half-written.
    let again = post(
        &sys,
        path,
        &w.p.secretariat,
        json!({ "dossier_ids": [w.recognised[1], w.recognised[0]], "reason": "Lần nữa" }),
    )
    .await;
    assert_eq!(again.status, 409, "{}", again.body);
    assert_eq!(again.body["code"], "already_nominated");
    let second = post(
        &sys,
        path,
        &w.p.secretariat,
        json!({ "dossier_ids": [w.recognised[1]], "reason": "Điển hình về quản lý lớp" }),
    )
    .await;
    assert_eq!(second.status, 201, "{}", second.body);

    // Paginated, newest first.
    let page = get(&sys, &format!("{path}?limit=1"), Some(&w.p.secretariat)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.body["items"][0]["id"], second.body["id"]);
    let cursor = page.body["next_cursor"].as_str().unwrap();
    let next = get(
        &sys,
        &format!("{path}?limit=1&cursor={cursor}"),
        Some(&w.p.secretariat),
    )
    .await;
    assert_eq!(next.body["items"][0]["id"], first.body["id"]);
    // Nothing is sent without a province URL: it waits.
    assert_eq!(next.body["items"][0]["status"], "pending");

    // The package's links: files without a token, refused when tampered or expired.
    let id = first.body["id"].as_str().unwrap();
    let pkg = get(
        &sys,
        &format!("{path}/{id}/package"),
        Some(&w.p.secretariat),
    )
    .await;
    assert_eq!(pkg.status, 200, "{}", pkg.body);
    let list_link = local_part(
        pkg.body["initiatives"][0]["attachments_url"]
            .as_str()
            .unwrap(),
    );
    let files = get(&sys, &list_link, None).await;
    assert_eq!(files.status, 200, "{}", files.body);
    let href = files.body[0]["href"].as_str().unwrap().to_owned();
    let file = sys.http.get(sys.at(&href)).send().await.unwrap();
    assert_eq!(file.status(), 200);
    assert_eq!(file.bytes().await.unwrap().to_vec(), pdf(4096));
    // Without the signature the gateway asks for a token; with a token but no signature, no
    // role opens it.
    let bare = list_link.split('?').next().unwrap();
    assert_eq!(get(&sys, bare, None).await.status, 401);
    assert_eq!(get(&sys, bare, Some(&w.p.secretariat)).await.status, 403);
    // Tampered: another dossier, a later expiry, a changed signature.
    let other = list_link.replace(&w.recognised[0], &w.recognised[1]);
    let t = get(&sys, &other, None).await;
    assert_eq!(
        (t.status, t.body["code"].as_str()),
        (403, Some("link_invalid"))
    );
    let (base, query) = href.split_once('?').unwrap();
    let expires: i64 = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("expires="))
        .unwrap()
        .parse()
        .unwrap();
    let later = href.replace(
        &format!("expires={expires}"),
        &format!("expires={}", expires + 86_400),
    );
    let t = get(&sys, &later, None).await;
    assert_eq!(
        (t.status, t.body["code"].as_str()),
        (403, Some("link_invalid"))
    );
    let signature = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("signature="))
        .unwrap();
    let flipped: String = signature.chars().rev().collect();
    let t = get(
        &sys,
        &format!("{base}?expires={expires}&signature={flipped}"),
        None,
    )
    .await;
    assert_eq!(
        (t.status, t.body["code"].as_str()),
        (403, Some("link_invalid"))
    );
    // The minutes' link is checked the same way by appraisal.
    let signer = LinkSigner::new(SECRET);
    let minutes = format!(
        "/api/v1/appraisal/shared/sittings/{}/minutes",
        Uuid::now_v7()
    );
    let signed = signer.signed_path(&minutes, now + chrono::Duration::days(1));
    assert_eq!(
        get(&sys, &signed, None).await.status,
        404,
        "genuine link, no such sitting"
    );
    let forged = LinkSigner::new("someone-elses-secret-of-32-characters!")
        .signed_path(&minutes, now + chrono::Duration::days(1));
    let t = get(&sys, &forged, None).await;
    assert_eq!(
        (t.status, t.body["code"].as_str()),
        (403, Some("link_invalid"))
    );
    // Fifteen days later the package's links have expired.
    sys.set_time(now + chrono::Duration::days(15)).unwrap();
    let t = get(&sys, &href, None).await;
    assert_eq!(
        (t.status, t.body["code"].as_str()),
        (410, Some("link_expired"))
    );
    let t = get(&sys, &list_link, None).await;
    assert_eq!(t.status, 410);
    let t = get(&sys, &signed, None).await;
    assert_eq!(t.status, 410);
    sys.stop().await;
}

#[tokio::test]
async fn a_package_the_province_refuses_is_kept_for_a_person_and_not_sent_again() {
    let province = FakeProvince::start().await.unwrap();
    province.set_mode(Mode::Rejects);
    let sys = TestSystem::start_at_with(local(2022, 2, 10, 9), settings(Some(province.url())))
        .await
        .unwrap();
    let w = world(&sys).await;
    let now = local(2022, 4, 20, 9);
    sys.set_time(now).unwrap();
    let created = post(
        &sys,
        "/api/v1/decision/nominations",
        &w.p.secretariat,
        json!({ "dossier_ids": w.recognised, "reason": "Hai sáng kiến điển hình" }),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    let n = nomination_until(&sys, &w.p.secretariat, &id, "rejected", |n| {
        n["status"] == "rejected"
    })
    .await;
    assert!(n["last_error"].as_str().unwrap().starts_with("422"), "{n}");
    assert!(
        n["last_error"].as_str().unwrap().contains("chưa đăng ký"),
        "{n}"
    );
    assert!(n["next_attempt_at"].is_null());
    // Days later, nothing more was sent.
    sys.set_time(now + chrono::Duration::days(3)).unwrap();
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(province.refused(), 1);
    assert!(province.deliveries().is_empty());
    let actions = audit_actions(&sys, &id).await;
    assert_eq!(
        actions,
        vec![
            (
                "nomination.created".to_owned(),
                "council_secretariat".to_owned()
            ),
            ("nomination.rejected".to_owned(), "system".to_owned()),
        ]
    );
    // A result on a refused nomination is refused.
    let token = province_account(&sys, &w.p).await;
    let outcomes: Vec<Value> = w
        .recognised
        .iter()
        .map(|d| json!({ "dossier_id": d, "recognised": false, "note": "" }))
        .collect();
    let r = province
        .report_result(&sys.url, &token, &id, &json!({ "outcomes": outcomes }))
        .await
        .unwrap();
    assert_eq!(r.status, 409, "{}", r.body);

    // The body registers with the DOST; the secretariat sends the nomination again, with a
    // reason and the nomination's ETag, and the province takes it.
    let resend = format!("/api/v1/decision/nominations/{id}/resend");
    let current = get(
        &sys,
        &format!("/api/v1/decision/nominations/{id}"),
        Some(&w.p.secretariat),
    )
    .await;
    let etag = format!("\"{}\"", current.body["version"]);
    let no_reason = sys
        .call_with(
            Method::POST,
            &resend,
            Some(&w.p.secretariat),
            Some(json!({ "reason": " " })),
            &[("If-Match", &etag)],
        )
        .await
        .unwrap();
    assert_eq!(no_reason.status, 422, "{}", no_reason.body);
    let unmatched = post(
        &sys,
        &resend,
        &w.p.secretariat,
        json!({ "reason": "Đã đăng ký" }),
    )
    .await;
    assert_eq!(unmatched.status, 428, "{}", unmatched.body);
    province.set_mode(Mode::Up);
    let again = sys
        .call_with(
            Method::POST,
            &resend,
            Some(&w.p.secretariat),
            Some(json!({ "reason": "UBND huyện đã đăng ký với Sở KH&CN ngày 25/4/2022" })),
            &[("If-Match", &etag)],
        )
        .await
        .unwrap();
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.body["status"], "pending");
    let n = nomination_until(&sys, &w.p.secretariat, &id, "sent", |n| {
        n["status"] == "sent"
    })
    .await;
    assert!(
        n["receipt_id"].as_str().unwrap().starts_with("SKHCN-"),
        "{n}"
    );
    assert_eq!(province.deliveries().len(), 1, "sent once after the fix");
    let twice = sys
        .call_with(
            Method::POST,
            &resend,
            Some(&w.p.secretariat),
            Some(json!({ "reason": "lần nữa" })),
            &[("If-Match", &format!("\"{}\"", n["version"]))],
        )
        .await
        .unwrap();
    assert_eq!(
        twice.status, 409,
        "only a refused nomination is sent again: {}",
        twice.body
    );
    let actions: Vec<String> = audit_actions(&sys, &id)
        .await
        .into_iter()
        .map(|(a, _)| a)
        .collect();
    assert_eq!(
        actions,
        [
            "nomination.created",
            "nomination.rejected",
            "nomination.resent",
            "nomination.acknowledged"
        ]
    );
    sys.stop().await;
    province.stop().await;
}
