//! `Idempotency-Key`: a retried creating request gets the first answer instead of creating
//! twice, on SQLite and on PostgreSQL.

use actix_web::{HttpRequest, HttpResponse, ResponseError, body, test::TestRequest};
use chrono::{Duration, Utc};
use sea_orm::DatabaseConnection;
use serde_json::json;
use std::path::PathBuf;
use uuid::Uuid;

use sangkien_kit::{
    db,
    idempotent::{Idempotency, Remembered, purge_older_than},
    settings::Settings,
    testing::{self, Backend},
};
use sangkien_proto::ErrorCode;

use crate::harness::{TestMigrator, count};

/// A fresh, migrated database of its own for one test.
struct Db {
    dir: PathBuf,
    url: String,
    db: DatabaseConnection,
}

impl Db {
    async fn new() -> Db {
        let dir = testing::scratch_dir("sk-idem");
        let url = testing::fresh_database(Backend::from_env(), &dir, "idem")
            .await
            .unwrap();
        let db = db::connect(&url, &Settings::default().database)
            .await
            .unwrap();
        db::migrate::<TestMigrator>(&db, "kit-idem").await.unwrap();
        Db { dir, url, db }
    }

    async fn rows(&self) -> i64 {
        count(&self.db, "SELECT COUNT(*) FROM idempotent_requests").await
    }

    async fn cleanup(self) {
        let _ = self.db.close_by_ref().await;
        testing::drop_databases(&[self.url]).await;
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn post(key: &str) -> HttpRequest {
    TestRequest::post()
        .uri("/api/v1/intake/dossiers")
        .insert_header(("Idempotency-Key", key))
        .to_http_request()
}

fn idem(key: &str, body: &[u8]) -> Idempotency {
    Idempotency::from_request(&post(key), body)
        .unwrap()
        .expect("the request has a key")
}

/// What a creating handler answers and remembers.
fn created(id: &str) -> serde_json::Value {
    json!({ "id": id, "status": "draft" })
}

/// Does what a handler does after `replay` found nothing: its own write, the answer
/// remembered in the same transaction, commit.
async fn create_and_remember(
    db: &DatabaseConnection,
    idem: &Idempotency,
    user: Uuid,
    answer: &serde_json::Value,
    now: chrono::DateTime<Utc>,
) {
    let txn = db::begin_write(db).await.unwrap();
    idem.remember(
        &txn,
        user,
        Remembered {
            status: 201,
            body: answer,
            location: Some("/api/v1/intake/dossiers/d-1"),
            etag: Some("\"1\""),
        },
        now,
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
}

fn header<'a>(res: &'a HttpResponse, name: &str) -> &'a str {
    res.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

async fn json_of(res: HttpResponse) -> serde_json::Value {
    let bytes = body::to_bytes(res.into_body()).await.unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

#[tokio::test]
async fn a_retry_with_the_same_key_and_body_replays_the_first_answer() {
    let t = Db::new().await;
    let user = Uuid::now_v7();
    let body = br#"{"title":"Sang kien A"}"#;
    let first = idem("nop-ho-so-1", body);
    let now = Utc::now();
    assert!(first.replay(&t.db, user, now).await.unwrap().is_none());
    create_and_remember(&t.db, &first, user, &created("d-1"), now).await;

    let retry = idem("nop-ho-so-1", body);
    let res = retry
        .replay(&t.db, user, now + Duration::minutes(5))
        .await
        .unwrap()
        .expect("the first answer is replayed");

    assert_eq!(res.status().as_u16(), 201);
    assert_eq!(header(&res, "idempotent-replayed"), "true");
    assert_eq!(header(&res, "location"), "/api/v1/intake/dossiers/d-1");
    assert_eq!(header(&res, "etag"), "\"1\"");
    assert_eq!(header(&res, "content-type"), "application/json");
    assert_eq!(json_of(res).await, created("d-1"));
    assert_eq!(t.rows().await, 1);
    t.cleanup().await;
}

#[tokio::test]
async fn the_same_key_with_another_body_is_refused_as_reused() {
    let t = Db::new().await;
    let user = Uuid::now_v7();
    let now = Utc::now();
    let first = idem("k-1", br#"{"title":"A"}"#);
    create_and_remember(&t.db, &first, user, &created("d-1"), now).await;

    let other = idem("k-1", br#"{"title":"B"}"#);
    let err = other.replay(&t.db, user, now).await.unwrap_err();

    assert_eq!(err.code, ErrorCode::IdempotencyKeyReused);
    assert_eq!(err.code.as_str(), "idempotency_key_reused");
    assert_eq!(err.status_code().as_u16(), 422);
    t.cleanup().await;
}

#[tokio::test]
async fn another_path_with_the_same_key_and_body_is_refused_as_reused() {
    let t = Db::new().await;
    let user = Uuid::now_v7();
    let now = Utc::now();
    let first = idem("k-1", b"{}");
    create_and_remember(&t.db, &first, user, &created("d-1"), now).await;

    let elsewhere = TestRequest::post()
        .uri("/api/v1/intake/plans")
        .insert_header(("Idempotency-Key", "k-1"))
        .to_http_request();
    let other = Idempotency::from_request(&elsewhere, b"{}")
        .unwrap()
        .unwrap();
    let err = other.replay(&t.db, user, now).await.unwrap_err();

    assert_eq!(err.code, ErrorCode::IdempotencyKeyReused);
    t.cleanup().await;
}

#[tokio::test]
async fn two_users_may_use_the_same_key_independently() {
    let t = Db::new().await;
    let (an, binh) = (Uuid::now_v7(), Uuid::now_v7());
    let now = Utc::now();
    let of_an = idem("k-1", br#"{"title":"An"}"#);
    create_and_remember(&t.db, &of_an, an, &created("d-an"), now).await;

    let of_binh = idem("k-1", br#"{"title":"Binh"}"#);
    assert!(
        of_binh.replay(&t.db, binh, now).await.unwrap().is_none(),
        "another user's key neither replays nor counts as reused"
    );
    create_and_remember(&t.db, &of_binh, binh, &created("d-binh"), now).await;

    let res = of_binh.replay(&t.db, binh, now).await.unwrap().unwrap();
    assert_eq!(json_of(res).await, created("d-binh"));
    let res = of_an.replay(&t.db, an, now).await.unwrap().unwrap();
    assert_eq!(json_of(res).await, created("d-an"));
    assert_eq!(t.rows().await, 2);
    t.cleanup().await;
}

#[tokio::test]
async fn a_concurrent_duplicate_that_commits_second_gets_409_then_the_replay() {
    let t = Db::new().await;
    let user = Uuid::now_v7();
    let now = Utc::now();
    let body = br#"{"title":"A"}"#;
    let (a, b) = (idem("k-1", body), idem("k-1", body));
    // Both arrive before either has committed: neither finds an answer to replay.
    assert!(a.replay(&t.db, user, now).await.unwrap().is_none());
    assert!(b.replay(&t.db, user, now).await.unwrap().is_none());
    let answer = created("d-1");
    let txn_a = db::begin_write(&t.db).await.unwrap();
    a.remember(
        &txn_a,
        user,
        Remembered {
            status: 201,
            body: &answer,
            location: None,
            etag: None,
        },
        now,
    )
    .await
    .unwrap();

    // The second one's transaction waits for the first (SQLite's write lock, PostgreSQL's
    // row lock on the key) and then finds the key taken.
    let db = t.db.clone();
    let second = tokio::spawn(async move {
        let txn_b = db::begin_write(&db).await.unwrap();
        let answer = created("d-2");
        let outcome = b
            .remember(
                &txn_b,
                user,
                Remembered {
                    status: 201,
                    body: &answer,
                    location: None,
                    etag: None,
                },
                now,
            )
            .await;
        txn_b.rollback().await.unwrap();
        outcome
    });
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    txn_a.commit().await.unwrap();
    let err = second.await.unwrap().unwrap_err();

    assert_eq!(err.code, ErrorCode::Conflict);
    assert_eq!(err.status_code().as_u16(), 409);
    let retry = idem("k-1", body);
    let res = retry.replay(&t.db, user, now).await.unwrap().unwrap();
    assert_eq!(json_of(res).await, created("d-1"));
    assert_eq!(t.rows().await, 1);
    t.cleanup().await;
}

#[test]
fn an_invalid_key_header_is_a_400_invalid_header() {
    use actix_web::http::header::HeaderValue;
    let long = "k".repeat(201);
    let bad: Vec<HeaderValue> = vec![
        HeaderValue::from_static(""),
        HeaderValue::from_static("hai tu"),
        HeaderValue::from_str(&long).unwrap(),
        HeaderValue::from_bytes("khóa".as_bytes()).unwrap(),
    ];
    for value in bad {
        let req = TestRequest::post()
            .insert_header(("Idempotency-Key", value.clone()))
            .to_http_request();
        let err = Idempotency::from_request(&req, b"{}").unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidHeader, "{value:?}");
        assert_eq!(err.status_code().as_u16(), 400);
    }
}

#[test]
fn a_key_of_200_visible_characters_is_accepted_and_none_is_no_idempotency() {
    let longest = "k".repeat(200);
    let req = post(&longest);
    assert_eq!(
        Idempotency::from_request(&req, b"{}").unwrap().unwrap().key,
        longest
    );
    let without = TestRequest::post().to_http_request();
    assert!(
        Idempotency::from_request(&without, b"{}")
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_key_older_than_24_hours_is_treated_as_new() {
    let t = Db::new().await;
    let user = Uuid::now_v7();
    let now = Utc::now();
    let old = idem("k-1", br#"{"title":"yesterday"}"#);
    create_and_remember(
        &t.db,
        &old,
        user,
        &created("d-old"),
        now - Duration::hours(25),
    )
    .await;

    let fresh = idem("k-1", br#"{"title":"today"}"#);
    assert!(
        fresh.replay(&t.db, user, now).await.unwrap().is_none(),
        "neither replayed nor refused as reused"
    );
    create_and_remember(&t.db, &fresh, user, &created("d-new"), now).await;

    let res = fresh.replay(&t.db, user, now).await.unwrap().unwrap();
    assert_eq!(json_of(res).await, created("d-new"));
    assert_eq!(t.rows().await, 1, "the expired answer was replaced");
    t.cleanup().await;
}

#[tokio::test]
async fn housekeeping_purges_only_answers_older_than_the_cutoff() {
    let t = Db::new().await;
    let user = Uuid::now_v7();
    let now = Utc::now();
    let old = idem("k-old", b"{}");
    create_and_remember(
        &t.db,
        &old,
        user,
        &created("d-1"),
        now - Duration::hours(30),
    )
    .await;
    let recent = idem("k-new", b"{}");
    create_and_remember(
        &t.db,
        &recent,
        user,
        &created("d-2"),
        now - Duration::hours(1),
    )
    .await;

    let purged = purge_older_than(&t.db, now - Duration::hours(24))
        .await
        .unwrap();

    assert_eq!(purged, 1);
    assert!(recent.replay(&t.db, user, now).await.unwrap().is_some());
    assert_eq!(t.rows().await, 1);
    t.cleanup().await;
}

#[tokio::test]
async fn a_running_service_forgets_keys_older_than_a_day_by_its_clock() {
    let t = Db::new().await;
    let user = Uuid::now_v7();
    let now = Utc::now();
    let old = idem("k-yesterday", b"{}");
    create_and_remember(
        &t.db,
        &old,
        user,
        &created("d-1"),
        now - Duration::hours(25),
    )
    .await;
    let recent = idem("k-today", b"{}");
    create_and_remember(
        &t.db,
        &recent,
        user,
        &created("d-2"),
        now - Duration::hours(23),
    )
    .await;

    let clock = sangkien_kit::ManualClock::new(now);
    let cancel = tokio_util::sync::CancellationToken::new();
    let housekeeping = tokio::spawn(sangkien_kit::idempotent::purge_expired_periodically(
        t.db.clone(),
        std::sync::Arc::new(clock),
        cancel.clone(),
    ));
    let purged = sangkien_kit::testing::eventually(std::time::Duration::from_secs(10), || async {
        (t.rows().await == 1).then_some(())
    })
    .await;
    assert!(purged.is_some(), "the day-old key is forgotten at start");
    assert!(recent.replay(&t.db, user, now).await.unwrap().is_some());
    cancel.cancel();
    tokio::time::timeout(std::time::Duration::from_secs(5), housekeeping)
        .await
        .expect("housekeeping stops when the service stops")
        .unwrap();
    t.cleanup().await;
}
