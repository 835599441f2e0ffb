//! A database that cannot be reached: `503 service_unavailable` with `Retry-After`, within the
//! connect timeout, never `500 internal`.
//!
//! A SQLite file cannot be cut off, so on both backends the database under test is a
//! PostgreSQL one reached through a [`ChaosProxy`] the test cuts and restores.

use actix_web::{App, HttpResponse, test, web};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use std::time::{Duration, Instant};

use sangkien_kit::{
    ApiError, db, http,
    settings::DatabaseSettings,
    testing::{self, Backend, ChaosProxy},
};

/// A PostgreSQL database of its own, reached through a proxy the test controls.
pub struct ProxiedDb {
    pub proxy: ChaosProxy,
    pub url: String,
    pub direct_url: String,
}

impl ProxiedDb {
    pub async fn new() -> ProxiedDb {
        let dir = testing::scratch_dir("sk-outage");
        let direct_url = testing::fresh_database(Backend::Distributed, &dir, "outage")
            .await
            .unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        let server: url::Url = direct_url.parse().unwrap();
        let upstream = format!(
            "{}:{}",
            server.host_str().unwrap(),
            server.port().unwrap_or(5432)
        );
        let proxy = ChaosProxy::start(
            tokio::net::lookup_host(upstream)
                .await
                .unwrap()
                .next()
                .unwrap(),
        )
        .await
        .unwrap();
        let mut url = server.clone();
        url.set_host(Some("127.0.0.1")).unwrap();
        url.set_port(Some(proxy.addr.port())).unwrap();
        ProxiedDb {
            proxy,
            url: url.to_string(),
            direct_url,
        }
    }

    pub async fn drop(self) {
        testing::drop_databases(&[self.direct_url]).await;
    }
}

async fn one(db: web::Data<DatabaseConnection>) -> Result<HttpResponse, ApiError> {
    db.query_one_raw(Statement::from_string(DbBackend::Postgres, "SELECT 1"))
        .await?;
    Ok(HttpResponse::Ok().finish())
}

#[actix_web::test]
async fn an_unreachable_database_answers_503_with_retry_after_within_the_connect_timeout() {
    let target = ProxiedDb::new().await;
    let settings = DatabaseSettings {
        connect_timeout_secs: 2,
        ..DatabaseSettings::default()
    };
    let conn = db::connect(&target.url, &settings).await.unwrap();
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(conn.clone()))
            .wrap(actix_web::middleware::from_fn(http::problems::problems))
            .route("/one", web::get().to(one)),
    )
    .await;
    let ok = test::call_service(&app, test::TestRequest::get().uri("/one").to_request()).await;
    assert_eq!(ok.status(), 200);

    target.proxy.cut();
    for _ in 0..3 {
        let started = Instant::now();
        let res = test::call_service(&app, test::TestRequest::get().uri("/one").to_request()).await;
        let took = started.elapsed();
        assert_eq!(res.status(), 503, "never 500 internal");
        assert_eq!(res.headers().get("retry-after").unwrap(), "5");
        assert!(
            res.headers()
                .get("content-type")
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("application/problem+json")
        );
        let body: serde_json::Value = test::read_body_json(res).await;
        assert_eq!(body["code"], "service_unavailable");
        assert!(
            took < Duration::from_secs(settings.connect_timeout_secs + 1),
            "answered within the connect timeout, took {took:?}"
        );
    }

    target.proxy.restore();
    let healed = testing::eventually(Duration::from_secs(10), || async {
        let res = test::call_service(&app, test::TestRequest::get().uri("/one").to_request()).await;
        (res.status() == 200).then_some(())
    })
    .await;
    assert!(healed.is_some(), "answers again once the database does");
    conn.close().await.unwrap();
    target.drop().await;
}

/// The fault run: a consumer's own database unreachable for far longer than the delivery
/// limit × the retry delay while events keep arriving. Nothing may be dead-lettered; once the
/// database answers, every event is handled exactly once; requests meanwhile get 503.
#[actix_web::test]
async fn a_consumer_whose_database_is_down_holds_its_events_and_handles_each_once_afterwards() {
    use sangkien_kit::events::{Consumer, Outbox};
    use std::sync::Arc;

    use crate::harness::{Env, QUEUE, Recorder, TestMigrator, count, effects};

    let env = Env::new().await;
    let target = ProxiedDb::new().await;
    let settings = DatabaseSettings {
        connect_timeout_secs: 1,
        ..DatabaseSettings::default()
    };
    let conn = db::connect(&target.url, &settings).await.unwrap();
    db::migrate::<TestMigrator>(&conn, "kit-test")
        .await
        .unwrap();
    let direct = db::connect(&target.direct_url, &settings).await.unwrap();
    let limit = env.settings.events.delivery_limit;
    let recorder = Arc::new(Recorder::default());
    let consumer = Arc::new(
        Consumer::new(
            QUEUE,
            conn.clone(),
            recorder.clone(),
            Outbox::new(),
            env.clock.clone(),
            env.metrics.clone(),
        )
        .with_delivery_limit(limit),
    );
    env.start_consumer(consumer);
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(conn.clone()))
            .wrap(actix_web::middleware::from_fn(http::problems::problems))
            .route("/one", web::get().to(one)),
    )
    .await;

    let before: Vec<_> = (0..5).map(|i| env.probe(&format!("before {i}"))).collect();
    env.transport.publish(&before).await.unwrap();
    assert!(
        testing::eventually(Duration::from_secs(20), || async {
            (effects(&direct).await == 5).then_some(())
        })
        .await
        .is_some()
    );

    target.proxy.cut();
    let during: Vec<_> = (0..10).map(|i| env.probe(&format!("during {i}"))).collect();
    env.transport.publish(&during).await.unwrap();
    // Far longer than the delivery limit × (connect timeout + retry delay).
    let outage = Duration::from_secs(u64::from(limit) * 3 + 4);
    let started = Instant::now();
    let mut statuses = Vec::new();
    while started.elapsed() < outage {
        let res = test::call_service(&app, test::TestRequest::get().uri("/one").to_request()).await;
        statuses.push((
            res.status().as_u16(),
            res.headers().get("retry-after").is_some(),
        ));
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(
        statuses.iter().all(|s| *s == (503, true)),
        "503 with Retry-After during the outage: {statuses:?}"
    );
    assert_eq!(effects(&direct).await, 5, "nothing handled while down");
    assert_eq!(env.transport.dead_letter_count(QUEUE).await.unwrap(), 0);

    target.proxy.restore();
    assert!(
        testing::eventually(Duration::from_secs(30), || async {
            (effects(&direct).await == 15).then_some(())
        })
        .await
        .is_some(),
        "every event handled once the database answers"
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(effects(&direct).await, 15, "each exactly once");
    assert_eq!(
        count(&direct, "SELECT COUNT(DISTINCT event_id) FROM effects").await,
        15
    );
    assert_eq!(
        env.transport.dead_letter_count(QUEUE).await.unwrap(),
        0,
        "the dead-letter queue is empty"
    );
    conn.close().await.unwrap();
    direct.close().await.unwrap();
    target.drop().await;
    env.cleanup().await;
}

/// Readiness means what Kubernetes expects: ready while the service's own database answers,
/// whether or not the broker does (the outbox absorbs a broker outage); not ready, with a
/// problem and `Retry-After`, when the database does not.
#[actix_web::test]
async fn readiness_follows_the_services_own_database_not_the_broker() {
    use sangkien_kit::{http::health, service::ServiceContext};

    use crate::harness::Env;

    let env = Env::with_proxy().await;
    let target = ProxiedDb::new().await;
    let settings = DatabaseSettings {
        connect_timeout_secs: 1,
        ..DatabaseSettings::default()
    };
    let conn = db::connect(&target.url, &settings).await.unwrap();
    let ctx = ServiceContext {
        name: "kit-test".into(),
        db: conn.clone(),
        outbox: env.outbox.clone(),
        clock: env.clock.clone(),
        metrics: env.metrics.clone(),
        transport: env.transport.clone(),
    };
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(ctx))
            .wrap(actix_web::middleware::from_fn(http::problems::problems))
            .configure(health::configure),
    )
    .await;
    let ready = || test::TestRequest::get().uri("/readyz").to_request();
    let res = test::call_service(&app, ready()).await;
    assert_eq!(res.status(), 200);

    if let Some(broker) = &env.proxy {
        broker.cut();
        let res = test::call_service(&app, ready()).await;
        assert_eq!(res.status(), 200, "a broker cut leaves the service ready");
        let body: serde_json::Value = test::read_body_json(res).await;
        assert_eq!(body["checks"]["events"], "unreachable");
        assert_eq!(body["checks"]["database"], "ok");
        broker.restore();
    }

    target.proxy.cut();
    let res = test::call_service(&app, ready()).await;
    assert_eq!(res.status(), 503, "its own database down: not ready");
    assert!(res.headers().get("retry-after").is_some());
    target.proxy.restore();
    let healed = testing::eventually(Duration::from_secs(10), || async {
        (test::call_service(&app, ready()).await.status() == 200).then_some(())
    })
    .await;
    assert!(healed.is_some());
    conn.close().await.unwrap();
    target.drop().await;
    env.cleanup().await;
}
