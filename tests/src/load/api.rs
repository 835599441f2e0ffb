//! The HTTP side: a client of the gateway (or of a service directly), the people and the plan a
//! run sets up through the directory and intake APIs, as `tests/tests/e2e/intake.rs` does.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use chrono::{Datelike, NaiveDate, Utc};
use futures::{StreamExt, stream};
use reqwest::{Method, header::HeaderMap};
use serde_json::{Value, json};

/// An answer: status, JSON body (or null), headers, and how long it took.
pub struct Reply {
    pub status: u16,
    pub body: Value,
    pub headers: HeaderMap,
    pub took: Duration,
}

impl Reply {
    /// The body's `id`.
    pub fn id(&self) -> Result<String> {
        self.body["id"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| anyhow!("no id in {}", self.body))
    }

    /// Fails unless the status is `want`.
    pub fn expect_status(self, want: u16, what: &str) -> Result<Self> {
        if self.status != want {
            bail!("{what}: {} {}", self.status, trim(&self.body.to_string()));
        }
        Ok(self)
    }
}

fn trim(s: &str) -> String {
    s.chars().take(300).collect()
}

/// A client of one base URL.
#[derive(Clone)]
pub struct Api {
    pub http: reqwest::Client,
    pub base: String,
}

impl Api {
    /// A client with a pool large enough for `concurrency` connections.
    pub fn new(base: &str, concurrency: usize) -> Result<Self> {
        Ok(Self {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(120))
                .pool_max_idle_per_host(concurrency.max(8))
                .tcp_nodelay(true)
                .build()?,
            base: base.trim_end_matches('/').to_owned(),
        })
    }

    /// The same connection pool aimed at another base URL.
    pub fn at(&self, base: &str) -> Self {
        Self {
            http: self.http.clone(),
            base: base.trim_end_matches('/').to_owned(),
        }
    }

    /// Sends a request with an optional token, JSON body and headers; times it to the last
    /// byte of the body.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Result<Reply> {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let start = Instant::now();
        let res = req.send().await?;
        Self::read(res, start).await
    }

    /// Reads a response started at `start`.
    pub async fn read(res: reqwest::Response, start: Instant) -> Result<Reply> {
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let bytes = res.bytes().await?;
        let took = start.elapsed();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Ok(Reply {
            status,
            body,
            headers,
            took,
        })
    }

    /// POST with a JSON body.
    pub async fn post(&self, path: &str, token: &str, body: &Value) -> Result<Reply> {
        self.send(Method::POST, path, Some(token), Some(body), &[])
            .await
    }

    /// GET.
    pub async fn get(&self, path: &str, token: &str) -> Result<Reply> {
        self.send(Method::GET, path, Some(token), None, &[]).await
    }

    /// Signs in; the access token.
    pub async fn sign_in(&self, login: &str, password: &str) -> Result<String> {
        let r = self
            .send(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(&json!({ "login": login, "password": password })),
                &[],
            )
            .await?
            .expect_status(200, &format!("sign-in of {login}"))?;
        r.body["access_token"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| anyhow!("no access token"))
    }
}

/// The password every user of a load run gets.
pub const PASSWORD: &str = "mat-khau-tai-thu-nghiem";

/// One user of the run.
#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub username: String,
    pub unit: String,
}

/// The tenant, units, people and plan of one run.
#[derive(Debug, Clone)]
pub struct World {
    pub tenant: String,
    pub education_office: String,
    pub economy_office: String,
    pub schools: Vec<String>,
    pub secretariat: User,
    pub office: User,
    /// The finance office (appraises and approves the budget estimate), in the economy office.
    pub finance: User,
    /// One unit head per school, in the order of `schools`.
    pub heads: Vec<User>,
    pub authors: Vec<User>,
    pub reviewers: Vec<User>,
    pub plan_id: String,
}

/// Today's local date in Asia/Ho_Chi_Minh (UTC+7, no daylight saving).
pub fn local_today() -> NaiveDate {
    (Utc::now() + chrono::Duration::hours(7)).date_naive()
}

/// A plan whose receive windows contain today and whose appraisal-team stage is open now.
pub fn plan_body(w: &World, symbol: &str) -> Value {
    let d = local_today();
    let day = |n: i64| {
        (d + chrono::Duration::days(n))
            .format("%Y-%m-%d")
            .to_string()
    };
    json!({
        "symbol": symbol,
        "title": "Kế hoạch thử tải",
        "issued_on": day(-10),
        "year": d.year(),
        "fields": [
            {
                "code": "education", "name": "Giáo dục và Đào tạo",
                "receiving_unit_id": w.education_office,
                "receive": { "from": day(-1), "to": day(2) },
                "stages": [
                    { "kind": "appraisal_team", "window": { "from": day(-1), "to": day(30) }, "rubric": "education-20" },
                    { "kind": "council", "window": { "from": day(31), "to": day(40) }, "rubric": "education-20" }
                ]
            },
            {
                "code": "socio_economic", "name": "Kinh tế - xã hội",
                "receiving_unit_id": w.economy_office,
                "receive": { "from": day(-1), "to": day(2) },
                "stages": [
                    { "kind": "council", "window": { "from": day(3), "to": day(40) }, "rubric": "general-100" }
                ]
            }
        ]
    })
}

/// The request form of a dossier (as in the end-to-end tests).
pub fn form(name: &str) -> Value {
    json!({
        "authors": [
            { "full_name": "Nguyễn Thị Hoa", "date_of_birth": "1985-04-12", "workplace": "Trường THCS Lý Tự Trọng",
              "title": "Giáo viên", "qualification": "Thạc sĩ Toán học", "contribution_percent": 60 },
            { "full_name": "Trần Văn Nam", "date_of_birth": "1990-09-01", "workplace": "Trường THCS Lý Tự Trọng",
              "title": "Giáo viên", "qualification": "Cử nhân Sư phạm", "contribution_percent": 40 }
        ],
        "name": name,
        "application_area": "Giáo dục và Đào tạo",
        "kind": "operational",
        "first_applied_on": "2021-09-06",
        "essence": "Tổ chức học nhóm theo năng lực, phiếu học tập phân hóa, kiểm tra 10 phút mỗi tuần.",
        "applied_where": "Lớp 9A, 9B năm học 2021–2022",
        "confidential_info": "Bộ đề kiểm tra gốc",
        "conditions": "Giáo viên được tập huấn dạy học phân hóa",
        "participants": [
            { "full_name": "Lê Văn Bình", "date_of_birth": "1982-01-01", "workplace": "Trường THCS Lý Tự Trọng",
              "title": "Tổ trưởng", "qualification": "Cử nhân", "role_in_application": "Dạy thử nghiệm lớp 9B" }
        ],
        "benefits_by_author": "Tỷ lệ học sinh khá giỏi môn Toán tăng từ 42% lên 57%",
        "benefits_by_participants": "Học sinh tự tin hơn khi giải bài tập khó",
        "declaration": true
    })
}

/// A PDF of `size` bytes (a header, then spaces).
pub fn pdf(size: usize) -> Vec<u8> {
    let mut b = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    b.resize(size, b' ');
    b
}

/// Sets up a tenant with an education office (receives the education field), an economy
/// office (the secretariat), `schools` schools each with a head, `authors` authors spread
/// over the schools and `reviewers` reviewers in the education office, and a published plan.
pub async fn set_up(
    api: &Api,
    admin_password: &str,
    schools: usize,
    authors: usize,
    reviewers: usize,
) -> Result<World> {
    let admin = api.sign_in("admin", admin_password).await?;
    let run = format!("tai{}", Utc::now().timestamp() % 1_000_000);
    let tenant = api
        .post(
            "/api/v1/directory/tenants",
            &admin,
            &json!({ "code": run, "name": format!("Đơn vị thử tải {run}") }),
        )
        .await?
        .expect_status(201, "tenant")?
        .id()?;
    let unit = |code: String, name: String, kind: &'static str| {
        let (api, admin, tenant) = (api.clone(), admin.clone(), tenant.clone());
        async move {
            api.post(
                "/api/v1/directory/units",
                &admin,
                &json!({ "tenant_id": tenant, "code": code, "name": name, "kind": kind }),
            )
            .await?
            .expect_status(201, "unit")?
            .id()
        }
    };
    let education_office = unit(
        "phong-gddt".into(),
        "Phòng Giáo dục và Đào tạo".into(),
        "office",
    )
    .await?;
    let economy_office = unit(
        "phong-ktht".into(),
        "Phòng Kinh tế và Hạ tầng".into(),
        "office",
    )
    .await?;
    let mut school_ids = Vec::new();
    for i in 0..schools {
        school_ids.push(
            unit(
                format!("truong-{i}"),
                format!("Trường THCS số {i}"),
                "school",
            )
            .await?,
        );
    }
    // Every user: (username, role, unit).
    let mut wanted: Vec<(String, &'static str, String)> = vec![
        (
            format!("{run}.thuong-truc"),
            "council_secretariat",
            economy_office.clone(),
        ),
        (
            format!("{run}.phong-gd"),
            "receiving_office",
            education_office.clone(),
        ),
        (
            format!("{run}.tai-chinh"),
            "finance_office",
            economy_office.clone(),
        ),
    ];
    for (i, s) in school_ids.iter().enumerate() {
        wanted.push((format!("{run}.hieu-truong-{i}"), "unit_head", s.clone()));
    }
    for i in 0..authors {
        let school = school_ids
            .get(i % school_ids.len().max(1))
            .cloned()
            .ok_or_else(|| anyhow!("no school"))?;
        wanted.push((format!("{run}.tac-gia-{i}"), "author", school));
    }
    for i in 0..reviewers {
        wanted.push((
            format!("{run}.nguoi-cham-{i}"),
            "reviewer",
            education_office.clone(),
        ));
    }
    let created: Vec<Result<(String, User)>> = stream::iter(wanted)
        .map(|(username, role, unit)| {
            let (api, admin, tenant) = (api.clone(), admin.clone(), tenant.clone());
            async move {
                let r = api
                    .post(
                        "/api/v1/directory/users",
                        &admin,
                        &json!({
                            "tenant_id": tenant, "username": username, "full_name": username,
                            "password": PASSWORD, "grants": [{ "role": role, "unit_id": unit }],
                        }),
                    )
                    .await?
                    .expect_status(201, "user")?;
                Ok((
                    role.to_owned(),
                    User {
                        id: r.id()?,
                        username,
                        unit,
                    },
                ))
            }
        })
        .buffered(4)
        .collect()
        .await;
    let mut by_role: std::collections::HashMap<String, Vec<User>> = Default::default();
    for c in created {
        let (role, user) = c?;
        by_role.entry(role).or_default().push(user);
    }
    let mut take = |role: &str| by_role.remove(role).unwrap_or_default();
    let secretariat = take("council_secretariat")
        .into_iter()
        .next()
        .context("secretariat")?;
    let office = take("receiving_office")
        .into_iter()
        .next()
        .context("office")?;
    let finance = take("finance_office")
        .into_iter()
        .next()
        .context("finance office")?;
    let mut world = World {
        tenant,
        education_office,
        economy_office,
        schools: school_ids,
        secretariat,
        office,
        finance,
        heads: take("unit_head"),
        authors: take("author"),
        reviewers: take("reviewer"),
        plan_id: String::new(),
    };
    let sec = api.sign_in(&world.secretariat.username, PASSWORD).await?;
    world.plan_id = publish_plan(api, &sec, &world, &format!("{run}/KH-TT")).await?;
    Ok(world)
}

/// Creates and publishes a plan; its id.
pub async fn publish_plan(api: &Api, secretariat: &str, w: &World, symbol: &str) -> Result<String> {
    let plan = api
        .post("/api/v1/intake/plans", secretariat, &plan_body(w, symbol))
        .await?
        .expect_status(201, "plan")?;
    let id = plan.id()?;
    let etag = plan
        .headers
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| anyhow!("plan without ETag"))?
        .to_owned();
    api.send(
        Method::POST,
        &format!("/api/v1/intake/plans/{id}/publish"),
        Some(secretariat),
        None,
        &[("If-Match", &etag)],
    )
    .await?
    .expect_status(200, "publish")?;
    Ok(id)
}

/// Signs every user in, a few at a time (argon2 is deliberately slow); tokens in order.
pub async fn sign_in_all(api: &Api, users: &[User]) -> Result<Vec<String>> {
    let tokens: Vec<Result<String>> = stream::iter(users.to_vec())
        .map(|u| {
            let api = api.clone();
            async move { api.sign_in(&u.username, PASSWORD).await }
        })
        .buffered(4)
        .collect()
        .await;
    tokens.into_iter().collect()
}
