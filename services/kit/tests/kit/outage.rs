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
