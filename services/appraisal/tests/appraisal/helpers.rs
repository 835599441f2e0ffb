//! The app under test: appraisal alone on port 0 with test keys, a tenant and its people.

use std::sync::Arc;

use chrono::{Duration, Utc};
use reqwest::{Response, StatusCode};
use sea_orm::TransactionTrait;
use serde_json::{Value, json};
use uuid::Uuid;

pub use sangkien_kit::testing::{code_of, fields_of};
use sangkien_kit::{SystemClock, clock::local_date, events::EventHandler, testing::Alone};
use sangkien_proto::{
    Envelope, Role,
    events::{AuthorInfo, DossierReceived, StageInfo},
};

/// Appraisal running alone (kit's `testing::Alone`), and who acts on it.
pub struct App {
    pub alone: Alone,
    pub tenant: Uuid,
}

/// A panel member with her unit.
#[derive(Clone, Copy)]
pub struct Person {
    pub user: Uuid,
    pub unit: Uuid,
}

impl Person {
    /// Someone new in a unit of her own.
    pub fn new() -> Self {
        Self {
            user: Uuid::now_v7(),
            unit: Uuid::now_v7(),
        }
    }
}

impl App {
    /// Starts appraisal on a fresh SQLite database and the in-process transport.
    pub async fn start() -> Self {
        let alone = Alone::start("appraisal", |settings, shared, listener| async move {
            sangkien_appraisal::start(&settings, &shared, listener).await
        })
        .await
        .expect("appraisal starts");
        let tenant = alone.tenant;
        Self { alone, tenant }
    }

    /// A token for `user` in `tenant` holding `roles`.
    pub fn token_in(&self, tenant: Uuid, user: Uuid, roles: &[Role]) -> String {
        self.alone.token_as(tenant, user, roles).expect("token")
    }

    /// A token for `user` in the test's tenant.
    pub fn token(&self, user: Uuid, roles: &[Role]) -> String {
        self.token_in(self.tenant, user, roles)
    }

    /// The secretariat's token.
    pub fn secretariat(&self) -> String {
        self.token(Uuid::now_v7(), &[Role::CouncilSecretariat])
    }

    /// Sends `method path` with `token` and an optional JSON body.
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> Response {
        self.alone
            .call(method, path, token, body, &[])
            .await
            .expect("request")
    }

    /// GET `path`.
    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.call(reqwest::Method::GET, path, token, None).await
    }

    /// POST `path` with `body`.
    pub async fn post(&self, path: &str, token: &str, body: Value) -> Response {
        self.call(reqwest::Method::POST, path, token, Some(body))
            .await
    }

    /// A dossier of `plan`'s field `education` received by intake: `dossier.received` fed
    /// through appraisal's event handler, as the consumer would. Its stages are an appraisal
    /// team open from ten days ago for a month, then a council.
    pub async fn receive(&self, plan: Uuid, author: Person) -> Uuid {
        let today = local_date(Utc::now());
        let id = Uuid::now_v7();
        let event = DossierReceived {
            dossier_id: id,
            plan_id: plan,
            field: "education".into(),
            register_number: 1,
            name: "Sáng kiến dạy học theo dự án".into(),
            kind: "technical".into(),
            owner: author.user,
            unit_id: author.unit,
            confirmed_by: None,
            authors: vec![AuthorInfo {
                full_name: "Nguyễn Thị Tác Giả".into(),
                user_id: Some(author.user),
                unit_id: Some(author.unit),
                contribution_percent: 100.0,
            }],
            version: 1,
            received_on: today,
            decision_due_on: today + Duration::days(60),
            stages: vec![
                StageInfo {
                    kind: "appraisal_team".into(),
                    from: today - Duration::days(10),
                    to: today + Duration::days(30),
                    rubric: "general-100".into(),
                },
                StageInfo {
                    kind: "council".into(),
                    from: today + Duration::days(31),
                    to: today + Duration::days(50),
                    rubric: "general-100".into(),
                },
            ],
        };
        let envelope =
            Envelope::new(&event, self.tenant, Utc::now(), "test", None).expect("envelope");
        let handler = sangkien_appraisal::events::Handlers::new(Arc::new(SystemClock));
        let db = &self.alone.service.context.db;
        let txn = db.begin().await.expect("txn");
        handler.handle(&txn, &envelope).await.expect("handled");
        txn.commit().await.expect("commit");
        id
    }

    /// Sets up the appraisal team of `plan`'s field with `chair` and `members` as scorers.
    pub async fn team(&self, plan: Uuid, chair: Person, members: &[Person]) -> Value {
        let mut list = vec![member(chair, "chair")];
        list.extend(members.iter().map(|m| member(*m, "member")));
        let r = self
            .post(
                "/panels",
                &self.secretariat(),
                json!({ "plan_id": plan, "field": "education", "kind": "appraisal_team",
                        "name": "Tổ thẩm định Giáo dục", "members": list }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        r.json().await.expect("panel")
    }
}

/// A panel member as the API takes it.
pub fn member(p: Person, role: &str) -> Value {
    json!({ "user_id": p.user, "full_name": format!("Thành viên {role}"), "unit_id": p.unit, "role": role })
}
