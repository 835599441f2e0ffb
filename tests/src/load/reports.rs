//! Reports at scale: a bulk seed of dossiers (intake's database) and their cases (appraisal's),
//! written straight into PostgreSQL with `INSERT … SELECT generate_series` in batches, then
//! the dashboard counts and the budget execution report (an approved estimate made through
//! the API, expenses seeded into decision's database: `budget.rs`) timed through the gateway.

use std::time::Instant;

use anyhow::{Context, Result};
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement, Value as SqlValue};
use serde_json::{Value, json};

use chrono::Datelike;

use super::{
    Ctx,
    api::{PASSWORD, form, publish_plan},
    budget,
    stats::{Recorder, Row, round},
};

/// Rows per INSERT statement.
const BATCH: i64 = 10_000;

/// Where the seeded rows go.
pub struct SeedTarget<'a> {
    pub intake_db: &'a str,
    pub appraisal_db: &'a str,
    pub tenant: uuid::Uuid,
    pub plan: uuid::Uuid,
    /// Owner and unit of the seeded dossiers.
    pub owner: uuid::Uuid,
    pub unit: uuid::Uuid,
}

/// Seeds `n` dossiers of the plan: 70 % education, 30 % socio-economic; per 20 dossiers 2
/// drafts, 2 submitted, 2 confirmed, 4 received, 8 in appraisal, 1 concluded, 1 withdrawn.
/// Every received or later dossier gets a register number and an open case in appraisal,
/// with the same id (`md5(plan || n)` as a UUID). Returns (dossiers, cases, seconds).
pub async fn seed(t: &SeedTarget<'_>, n: i64) -> Result<(i64, i64, f64)> {
    let start = Instant::now();
    let intake = Database::connect(t.intake_db).await?;
    let appraisal = Database::connect(t.appraisal_db).await?;
    let form = serde_json::to_string(&form("Sáng kiến nạp sẵn"))?;
    let authors = json!([{ "full_name": "Nguyễn Thị Hoa", "contribution_percent": 60.0 },
                         { "full_name": "Trần Văn Nam", "contribution_percent": 40.0 }])
    .to_string();
    let stages = json!([{ "kind": "appraisal_team", "from": "2026-01-01", "to": "2026-12-31", "rubric": "education-20" }]).to_string();
    let status = "CASE g % 20 WHEN 0 THEN 'draft' WHEN 1 THEN 'draft' WHEN 2 THEN 'submitted' \
        WHEN 3 THEN 'submitted' WHEN 4 THEN 'confirmed' WHEN 5 THEN 'confirmed' \
        WHEN 6 THEN 'received' WHEN 7 THEN 'received' WHEN 8 THEN 'received' WHEN 9 THEN 'received' \
        WHEN 18 THEN 'concluded' WHEN 19 THEN 'withdrawn' ELSE 'in_appraisal' END";
    let received = "(g % 20) >= 6";
    let field = "CASE WHEN g % 10 < 7 THEN 'education' ELSE 'socio_economic' END";
    let id = "md5($2::text || g::text)::uuid";
    let mut dossiers = 0;
    let mut cases = 0;
    let mut from = 1;
    while from <= n {
        let to = (from + BATCH - 1).min(n);
        let sql = format!(
            "INSERT INTO dossiers (id, tenant, plan_id, field, owner, unit_id, status, form, search, \
             submissions, register_number, received_on, decision_due_on, correction_due_on, \
             confirmed_by, last_reason, outcome_reason, version, created_at, updated_at, submitted_at) \
             SELECT {id}, $1, $2, {field}, $3, $4, {status}, $5, 'sang kien nap san ' || g, \
             CASE WHEN g % 20 < 2 THEN 0 ELSE 1 END, \
             CASE WHEN {received} THEN g::int END, \
             CASE WHEN {received} THEN current_date END, \
             CASE WHEN {received} THEN current_date + 90 END, NULL, \
             CASE WHEN g % 20 >= 4 THEN $4 END, NULL, NULL, 1, now(), now(), \
             CASE WHEN g % 20 >= 2 THEN now() END \
             FROM generate_series($6::bigint, $7::bigint) AS g"
        );
        let r = intake
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                sql,
                [
                    SqlValue::from(t.tenant),
                    t.plan.into(),
                    t.owner.into(),
                    t.unit.into(),
                    form.clone().into(),
                    from.into(),
                    to.into(),
                ],
            ))
            .await?;
        dossiers += r.rows_affected() as i64;
        let sql = format!(
            "INSERT INTO cases (id, tenant, plan_id, field, register_number, name, kind, owner, \
             unit_id, confirmed_by, authors, stages, stage, status, dossier_version, received_on, \
             decision_due_on, opened_at, updated_at, closed_reason) \
             SELECT {id}, $1, $2, {field}, g::int, 'Sáng kiến nạp sẵn ' || g, 'operational', $3, $4, $4, \
             $5, $6, 0, CASE WHEN g % 20 = 19 THEN 'withdrawn' ELSE 'open' END, 1, current_date, \
             current_date + 90, now(), now(), NULL \
             FROM generate_series($7::bigint, $8::bigint) AS g WHERE {received}"
        );
        let r = appraisal
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                sql,
                [
                    SqlValue::from(t.tenant),
                    t.plan.into(),
                    t.owner.into(),
                    t.unit.into(),
                    authors.clone().into(),
                    stages.clone().into(),
                    from.into(),
                    to.into(),
                ],
            ))
            .await?;
        cases += r.rows_affected() as i64;
        from = to + 1;
    }
    // What autovacuum does soon after such an insert-only load (its insert threshold is 1000
    // rows plus 20 %): statistics, and the visibility map that lets index-only scans skip the
    // table.
    intake.execute_unprepared("VACUUM ANALYZE dossiers").await?;
    appraisal.execute_unprepared("VACUUM ANALYZE cases").await?;
    let _ = intake.close().await;
    let _ = appraisal.close().await;
    Ok((dossiers, cases, start.elapsed().as_secs_f64()))
}

/// Times `path` `times` times one after another (plus one cold call first).
async fn time_get(
    cx: &Ctx,
    token: &str,
    path: &str,
    step: &str,
    times: usize,
    rec: &Recorder,
) -> Result<(f64, Value)> {
    let cold = cx.api.get(path, token).await?;
    let first = cold.took.as_secs_f64() * 1000.0;
    let body = cold.body.clone();
    if cold.status != 200 {
        rec.error(step, format!("{} {}", cold.status, cold.body));
        return Ok((first, body));
    }
    for _ in 0..times {
        let r = cx.api.get(path, token).await?;
        if r.status == 200 {
            rec.ok(step, r.took);
        } else {
            rec.error(step, format!("{} {}", r.status, r.body));
        }
    }
    Ok((first, body))
}

/// Reports at scale.
pub async fn reports(cx: &Ctx, dossiers: i64, rows: &mut Vec<Row>) -> Result<Value> {
    let w = &cx.world;
    let secretariat = cx.api.sign_in(&w.secretariat.username, PASSWORD).await?;
    let plan = publish_plan(
        &cx.api,
        &secretariat,
        w,
        &format!("{}/KH-BC", &w.tenant[..8]),
    )
    .await?;
    let author = w.authors.first().context("no author")?;
    let target = SeedTarget {
        intake_db: cx
            .intake_db
            .as_deref()
            .context("SANGKIEN_INTAKE__DATABASE_URL is needed to seed")?,
        appraisal_db: cx
            .appraisal_db
            .as_deref()
            .context("SANGKIEN_APPRAISAL__DATABASE_URL is needed to seed")?,
        tenant: w.tenant.parse()?,
        plan: plan.parse()?,
        owner: author.id.parse()?,
        unit: author.unit.parse()?,
    };
    eprintln!("reports: seeding {dossiers} dossiers and their cases");
    let (n_dossiers, n_cases, seed_secs) = seed(&target, dossiers).await?;
    eprintln!("reports: seeded {n_dossiers} dossiers, {n_cases} cases in {seed_secs:.1} s");
    let rec = Recorder::default();
    let path = format!("/api/v1/intake/dashboard?plan_id={plan}");
    let (dash_cold, dash_body) = time_get(cx, &secretariat, &path, "dashboard", 30, &rec).await?;
    let d = rec.summary("dashboard");
    rows.push(Row::info(
        "reports",
        "seeded straight into PostgreSQL",
        format!("{n_dossiers} dossiers + {n_cases} cases in {seed_secs:.1} s"),
    ));
    rows.push(Row::judged(
        "reports",
        format!(
            "dashboard counts at {n_dossiers} dossiers: first / p50 / p99 of 30 (total {})",
            dash_body["total"]
        ),
        format!("{dash_cold:.1} / {:.1} / {:.1} ms", d.p50_ms, d.p99_ms),
        "< 500 ms",
        dash_cold < 500.0 && d.p99_ms < 500.0 && dash_body["total"] == json!(n_dossiers),
    ));
    let cases_path = format!("/api/v1/appraisal/cases?plan_id={plan}&limit=50");
    let (cases_cold, _) = time_get(cx, &secretariat, &cases_path, "case_list", 30, &rec).await?;
    let c = rec.summary("case_list");
    rows.push(Row::info(
        "reports",
        format!("appraisal case list, first page of 50 at {n_cases} cases: first / p50 / p99"),
        format!("{cases_cold:.1} / {:.1} / {:.1} ms", c.p50_ms, c.p99_ms),
    ));
    let execution = execution(cx, &secretariat, &plan, &target, n_dossiers, &rec, rows).await?;
    Ok(json!({
        "plan_id": plan, "dossiers": n_dossiers, "cases": n_cases, "seed_s": round(seed_secs),
        "dashboard_first_ms": round(dash_cold), "dashboard": dash_body,
        "case_list_first_ms": round(cases_cold), "execution": execution, "record": rec.json(),
    }))
}

/// The budget execution report at scale: an approved estimate through the API, a year of
/// expenses seeded into decision's database, then the JSON and XLSX reports timed through
/// the gateway and their totals checked against PostgreSQL's sum.
async fn execution(
    cx: &Ctx,
    secretariat: &str,
    plan: &str,
    target: &SeedTarget<'_>,
    dossiers: i64,
    rec: &Recorder,
    rows: &mut Vec<Row>,
) -> Result<Value> {
    let decision_db = cx
        .decision_db
        .as_deref()
        .context("SANGKIEN_DECISION__DATABASE_URL is needed to seed")?;
    let finance = cx.api.sign_in(&cx.world.finance.username, PASSWORD).await?;
    let sittings = (dossiers / budget::DOSSIERS_PER_SITTING).max(1);
    let vouchers = (dossiers * budget::VOUCHERS_PER_100_DOSSIERS / 100).max(1);
    let (estimate, approved_total) =
        budget::approved_estimate(&cx.api, secretariat, &finance, plan, sittings).await?;
    let year = super::api::local_today().year();
    eprintln!("reports: seeding {sittings} sittings and {vouchers} vouchers of expenses");
    let seeded = budget::seed_expenses(
        decision_db,
        target.tenant,
        target.plan,
        year,
        sittings,
        vouchers,
    )
    .await?;
    rows.push(Row::info(
        "reports",
        "budget: approved estimate through the API; expenses seeded into PostgreSQL",
        format!(
            "{approved_total} đ approved; {} sittings (chair + {} members, {} rows) + {} vouchers = {} expenses, {} đ, in {:.1} s",
            seeded.sittings,
            budget::MEMBERS_PER_SITTING,
            seeded.sittings * 2,
            seeded.vouchers,
            seeded.rows,
            seeded.spent,
            seeded.seconds
        ),
    ));
    let json_path = format!("/api/v1/decision/budget/plans/{plan}/execution");
    let (json_cold, report) = time_get(cx, &finance, &json_path, "execution", 30, rec).await?;
    let e = rec.summary("execution");
    let matches = budget::report_matches(&report, &seeded, approved_total);
    rows.push(Row::judged(
        "reports",
        format!(
            "budget execution report (JSON) at {} expenses: first / p50 / p99 of 30 (totals {})",
            seeded.rows,
            if matches {
                "= the SQL sum"
            } else {
                "DIFFER from the SQL sum"
            }
        ),
        format!("{json_cold:.1} / {:.1} / {:.1} ms", e.p50_ms, e.p99_ms),
        "< 500 ms",
        e.count > 0 && matches && json_cold < 500.0 && e.p99_ms < 500.0,
    ));
    let xlsx_path = format!("/api/v1/decision/budget/plans/{plan}/execution.xlsx");
    let (xlsx_cold, _) = time_get(cx, &finance, &xlsx_path, "execution_xlsx", 30, rec).await?;
    let x = rec.summary("execution_xlsx");
    let probe = cx.api.get(&xlsx_path, &finance).await?;
    let xlsx_ok = probe.status == 200
        && probe
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.contains("spreadsheetml"));
    rows.push(Row::judged(
        "reports",
        format!(
            "budget execution report (XLSX{}): first / p50 / p99 of 30",
            if xlsx_ok { "" } else { ", NOT a spreadsheet" }
        ),
        format!("{xlsx_cold:.1} / {:.1} / {:.1} ms", x.p50_ms, x.p99_ms),
        "< 500 ms",
        x.count > 0 && xlsx_ok && xlsx_cold < 500.0 && x.p99_ms < 500.0,
    ));
    Ok(json!({
        "estimate_id": estimate, "approved_total": approved_total,
        "sittings": seeded.sittings, "vouchers": seeded.vouchers, "rows": seeded.rows,
        "spent_sql": seeded.spent, "seed_s": round(seeded.seconds),
        "json_first_ms": round(json_cold), "xlsx_first_ms": round(xlsx_cold),
        "totals": report["totals"], "lines": report["lines"],
        "totals_match_sql": matches, "xlsx_content_type_ok": xlsx_ok,
    }))
}
