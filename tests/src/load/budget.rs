//! The budget side of the reports scenario: an approved estimate for the seeded plan, made
//! through the API as the council secretariat and the finance office would, then a year of
//! spending written straight into decision's `budget_expenses` (`INSERT … SELECT
//! generate_series`, the real columns of `services/decision/src/budget/store/entities.rs`).

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use reqwest::Method;
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement, Value as SqlValue};
use serde_json::{Value, json};

use super::api::Api;

const B: &str = "/api/v1/decision/budget";

/// Council sittings per 20 dossiers (one sitting scores about 20 initiatives).
pub const DOSSIERS_PER_SITTING: i64 = 20;
/// Paid members besides the chair at each sitting (vice-chair, secretary, members, expert,
/// trade union: seven people in all).
pub const MEMBERS_PER_SITTING: i64 = 6;
/// Voucher expenses (documents, training, contests) per 100 dossiers.
pub const VOUCHERS_PER_100_DOSSIERS: i64 = 6;

fn etag(r: &super::api::Reply) -> Result<String> {
    r.headers
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .context("estimate without ETag")
}

/// Drafts the plan's estimate (secretariat), adds the lines a year of `sittings` sittings
/// needs, has the finance office approve every line and then the estimate. Returns
/// (estimate id, approved total).
pub async fn approved_estimate(
    api: &Api,
    secretariat: &str,
    finance: &str,
    plan: &str,
    sittings: i64,
) -> Result<(String, i64)> {
    // Decision learns of the plan from `plan.published` (outbox, RabbitMQ, inbox).
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut est = loop {
        let r = api
            .post(
                &format!("{B}/plans/{plan}/estimates"),
                secretariat,
                &json!({}),
            )
            .await?;
        if r.status == 201 {
            break r;
        }
        if Instant::now() > deadline {
            bail!("estimate of the seeded plan: {} {}", r.status, r.body);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    let id = est.id()?;
    let lines: [(&str, Option<&str>, &str, i64, i64); 6] = [
        (
            "council_sitting",
            Some("chair"),
            "Chủ tịch hội đồng, các phiên họp",
            sittings,
            500_000,
        ),
        (
            "council_sitting",
            Some("member"),
            "Thành viên, thư ký, chuyên gia, các phiên họp",
            sittings * MEMBERS_PER_SITTING,
            200_000,
        ),
        (
            "council_documents",
            None,
            "Tài liệu, văn phòng phẩm các phiên họp",
            sittings,
            150_000,
        ),
        ("training", None, "Tập huấn viết sáng kiến", 10, 20_000_000),
        (
            "contests_rewards",
            None,
            "Khen thưởng sáng kiến",
            1,
            200_000_000,
        ),
        (
            "brokerage_publicity",
            None,
            "Phổ biến sáng kiến",
            1,
            50_000_000,
        ),
    ];
    for (code, payee, description, quantity, unit_amount) in lines {
        let tag = etag(&est)?;
        est = api
            .send(
                Method::POST,
                &format!("{B}/estimates/{id}/lines"),
                Some(secretariat),
                Some(
                    &json!({ "line_code": code, "payee_role": payee, "description": description,
                              "quantity": quantity, "unit_amount": unit_amount }),
                ),
                &[("If-Match", &tag)],
            )
            .await?
            .expect_status(201, "estimate line")?;
    }
    let line_ids: Vec<String> = est.body["lines"]
        .as_array()
        .context("estimate lines")?
        .iter()
        .filter_map(|l| l["id"].as_str().map(str::to_owned))
        .collect();
    for l in line_ids {
        let tag = etag(&est)?;
        est = api
            .send(
                Method::PUT,
                &format!("{B}/estimates/{id}/lines/{l}/appraisal"),
                Some(finance),
                Some(&json!({ "decision": "approve" })),
                &[("If-Match", &tag)],
            )
            .await?
            .expect_status(200, "line appraisal")?;
    }
    let tag = etag(&est)?;
    let approved = api
        .send(
            Method::POST,
            &format!("{B}/estimates/{id}/approve"),
            Some(finance),
            Some(&json!({})),
            &[("If-Match", &tag)],
        )
        .await?
        .expect_status(200, "estimate approval")?;
    let total = approved.body["approved_total"]
        .as_i64()
        .context("approved_total")?;
    Ok((id, total))
}

/// What was seeded, summed back in SQL.
pub struct Seeded {
    pub sittings: i64,
    pub vouchers: i64,
    /// Rows in `budget_expenses` for the plan, and their amounts summed by PostgreSQL.
    pub rows: i64,
    pub spent: i64,
    pub seconds: f64,
}

/// Seeds the spending of a year: `sittings` council sittings booked as `sitting.held` books
/// them (one row per sitting and payee role: the chair at 500,000, six members at 200,000),
/// and `vouchers` entered expenses with unique voucher numbers (two thirds documents, a sixth
/// training, a sixth contests and rewards). Then `VACUUM ANALYZE`.
pub async fn seed_expenses(
    db_url: &str,
    tenant: uuid::Uuid,
    plan: uuid::Uuid,
    year: i32,
    sittings: i64,
    vouchers: i64,
) -> Result<Seeded> {
    let start = Instant::now();
    let db = Database::connect(db_url).await?;
    let nil = "'00000000-0000-0000-0000-000000000000'::uuid";
    let sql = format!(
        "INSERT INTO budget_expenses (id, tenant, plan_id, year, line_code, payee_role, source, \
         sitting_id, voucher_number, spent_on, quantity, unit_amount, amount, description, \
         over_line, reason, rate_id, created_by, created_at) \
         SELECT md5('chi' || $2::text || g::text || r.role)::uuid, $1, $2, $3, 'council_sitting', \
         r.role, 'sitting', md5('phien' || $2::text || g::text)::uuid, NULL, \
         make_date($3, 1, 1) + (g % 330)::int, r.q, r.u, r.q * r.u, \
         'Phiên họp số ' || g || ': ' || r.q || ' người', false, NULL, \
         (SELECT id FROM budget_rates WHERE tenant = {nil} AND line_code = 'council_sitting' \
          AND payee_role = r.role ORDER BY valid_from DESC LIMIT 1), {nil}, now() \
         FROM generate_series(1::bigint, $4::bigint) AS g \
         CROSS JOIN (VALUES ('chair', 1::bigint, 500000::bigint), ('member', {MEMBERS_PER_SITTING}::bigint, 200000::bigint)) AS r(role, q, u)"
    );
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        sql,
        [
            SqlValue::from(tenant),
            plan.into(),
            year.into(),
            sittings.into(),
        ],
    ))
    .await?;
    let line = "CASE WHEN g % 6 < 4 THEN 'council_documents' WHEN g % 6 = 4 THEN 'training' \
                ELSE 'contests_rewards' END";
    let sql = format!(
        "INSERT INTO budget_expenses (id, tenant, plan_id, year, line_code, payee_role, source, \
         sitting_id, voucher_number, spent_on, quantity, unit_amount, amount, description, \
         over_line, reason, rate_id, created_by, created_at) \
         SELECT md5('phieu' || $2::text || g::text)::uuid, $1, $2, $3, {line}, NULL, 'voucher', \
         NULL, 'PC-' || left($2::text, 8) || '-' || lpad(g::text, 6, '0'), \
         make_date($3, 1, 1) + (g % 330)::int, 1 + g % 3, 50000 + (g % 10) * 5000, \
         (1 + g % 3) * (50000 + (g % 10) * 5000), 'Chứng từ chi số ' || g, false, NULL, NULL, \
         {nil}, now() \
         FROM generate_series(1::bigint, $4::bigint) AS g"
    );
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        sql,
        [
            SqlValue::from(tenant),
            plan.into(),
            year.into(),
            vouchers.into(),
        ],
    ))
    .await?;
    db.execute_unprepared("VACUUM ANALYZE budget_expenses")
        .await?;
    let (rows, spent) = sums(&db, tenant, plan).await?;
    let _ = db.close().await;
    Ok(Seeded {
        sittings,
        vouchers,
        rows,
        spent,
        seconds: start.elapsed().as_secs_f64(),
    })
}

/// (rows, sum of amounts) of the plan's expenses, counted by PostgreSQL.
async fn sums<C: ConnectionTrait>(
    db: &C,
    tenant: uuid::Uuid,
    plan: uuid::Uuid,
) -> Result<(i64, i64)> {
    let r = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT count(*)::bigint AS n, coalesce(sum(amount), 0)::bigint AS spent \
             FROM budget_expenses WHERE tenant = $1 AND plan_id = $2",
            [SqlValue::from(tenant), plan.into()],
        ))
        .await?
        .context("no sum")?;
    Ok((r.try_get("", "n")?, r.try_get("", "spent")?))
}

/// Whether a report's totals are what was seeded: spent equal to the SQL sum, the number of
/// expenses over its lines equal to the rows, and the estimated total the approved one.
pub fn report_matches(report: &Value, seeded: &Seeded, approved_total: i64) -> bool {
    let expenses: i64 = report["lines"]
        .as_array()
        .map(|ls| ls.iter().filter_map(|l| l["expenses"].as_i64()).sum())
        .unwrap_or(-1);
    report["totals"]["spent"] == json!(seeded.spent)
        && report["totals"]["estimated"] == json!(approved_total)
        && expenses == seeded.rows
}
