//! The peer comparison of issue 20: the three operations a reviewing office does most —
//! create-and-submit a dossier with a small PDF, submit a review sheet, list 20 dossiers —
//! each in a closed loop at a few concurrencies, in alternating rounds, with p50/p99,
//! throughput and CPU milliseconds per operation of every process (PostgreSQL's backends
//! included), so a gain shows as a cost and not only as a noisy rate.

use std::{
    collections::BTreeMap,
    sync::Arc,
    time::{Duration, Instant},
};

use anyhow::{Context, Result, anyhow};
use reqwest::Method;
use serde_json::{Value, json};

use super::{
    Ctx,
    api::{Api, PASSWORD, pdf, sign_in_all},
    mem,
    scenarios::{check, one_dossier},
    stats::{Recorder, Row, round, summarise},
};

/// Options of the peer comparison.
#[derive(Debug, Clone)]
pub struct PeerOptions {
    /// Concurrent clients, one pass per value.
    pub clients: Vec<usize>,
    /// Seconds per operation, concurrency and round.
    pub seconds: f64,
    /// Rounds; each round runs every operation at every concurrency in turn.
    pub rounds: usize,
    /// Operations: `create`, `sheet`, `list`.
    pub ops: Vec<String>,
    /// Size of the PDF uploaded by create-and-submit.
    pub pdf_bytes: usize,
}

/// What one closed-loop pass measured.
struct Pass {
    ops: usize,
    wall: f64,
    cpu: BTreeMap<String, f64>,
    latencies: Vec<u64>,
}

/// Create, upload the PDF as the description report, submit: the dossier's id (the deadline
/// scenario's own chain, with the upload recorded as "upload").
async fn create_and_submit(
    api: &Api,
    rec: &Recorder,
    token: &str,
    plan: &str,
    name: String,
    file: &Arc<Vec<u8>>,
) -> Option<String> {
    one_dossier(api, rec, token, plan, name, ("upload", file.clone()), true).await
}

fn sheet_body(i: usize, k: usize) -> Value {
    let main = 9.0 + ((i + k) % 5) as f64;
    json!({ "submit": true, "scores": [
        { "item": "introduction", "points": 1.5 }, { "item": "main_content", "points": main },
        { "item": "conclusion", "points": 1.5 }, { "item": "presentation", "points": 2 }
    ]})
}

/// PostgreSQL backends serving the run's databases (the `SANGKIEN_*__DATABASE_URL`s), with
/// their CPU seconds; empty on SQLite.
async fn pg_backends(db: Option<&sea_orm::DatabaseConnection>) -> BTreeMap<u32, f64> {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let mut out = BTreeMap::new();
    let Some(db) = db else { return out };
    let names: Vec<String> = [
        "SANGKIEN_INTAKE__DATABASE_URL",
        "SANGKIEN_APPRAISAL__DATABASE_URL",
        "SANGKIEN_DECISION__DATABASE_URL",
        "SANGKIEN_GATEWAY__DATABASE_URL",
    ]
    .iter()
    .filter_map(|v| std::env::var(v).ok())
    .filter(|u| u.starts_with("postgres"))
    .filter_map(|u| {
        u.rsplit('/')
            .next()
            .map(|s| s.split('?').next().unwrap_or(s).to_owned())
    })
    .collect();
    if names.is_empty() {
        return out;
    }
    let list = names
        .iter()
        .map(|n| format!("'{}'", n.replace('\'', "''")))
        .collect::<Vec<_>>()
        .join(", ");
    let Ok(rows) = db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            format!(
                "SELECT pid FROM pg_stat_activity WHERE datname IN ({list}) AND pid <> pg_backend_pid()"
            ),
        ))
        .await
    else {
        return out;
    };
    for r in rows {
        if let Ok(pid) = r.try_get::<i32>("", "pid")
            && let Some(c) = mem::cpu_seconds(pid.unsigned_abs())
        {
            out.insert(pid.unsigned_abs(), c);
        }
    }
    out
}

/// CPU seconds of each process and of PostgreSQL's backends (as `postgres`).
async fn cpu_now(
    cx: &Ctx,
    db: Option<&sea_orm::DatabaseConnection>,
) -> (BTreeMap<String, f64>, BTreeMap<u32, f64>) {
    let procs = mem::cpu_snapshot(&cx.pids)
        .into_iter()
        .map(|(n, c)| (n.to_owned(), c))
        .collect();
    (procs, pg_backends(db).await)
}

fn cpu_delta(
    before: &(BTreeMap<String, f64>, BTreeMap<u32, f64>),
    after: &(BTreeMap<String, f64>, BTreeMap<u32, f64>),
) -> BTreeMap<String, f64> {
    let mut out: BTreeMap<String, f64> = after
        .0
        .iter()
        .map(|(n, c)| (n.clone(), c - before.0.get(n).copied().unwrap_or(0.0)))
        .collect();
    if !after.1.is_empty() {
        // A backend that started during the pass counts from zero.
        let pg: f64 = after
            .1
            .iter()
            .map(|(p, c)| c - before.1.get(p).copied().unwrap_or(0.0))
            .sum();
        out.insert("postgres".to_owned(), pg);
    }
    out
}

/// The peer comparison: sets up one case per reviewer, then runs every operation at every
/// concurrency, `rounds` times in turn.
pub async fn peer(cx: &Ctx, o: &PeerOptions, rows: &mut Vec<Row>) -> Result<Value> {
    let w = &cx.world;
    let api = &cx.api;
    let max_clients = o.clients.iter().copied().max().unwrap_or(1).max(1);
    let wants_sheet = o.ops.iter().any(|x| x == "sheet");
    anyhow::ensure!(
        !w.authors.is_empty(),
        "the peer comparison needs authors (--authors)"
    );
    eprintln!("peer: signing in {} authors", w.authors.len());
    let authors = Arc::new(sign_in_all(api, &w.authors).await?);
    let office = api.sign_in(&w.office.username, PASSWORD).await?;
    let file = Arc::new(pdf(o.pdf_bytes));
    let plan = w.plan_id.clone();

    // Set-up of the sheets: one case per reviewer, each reviewer assigned to their own.
    let mut reviewer_tokens = Arc::new(Vec::new());
    let mut case_of = Arc::new(Vec::new());
    if wants_sheet {
        let n = max_clients.min(w.reviewers.len());
        anyhow::ensure!(n > 0, "the sheet operation needs reviewers (--reviewers)");
        let people = &w.reviewers[..n];
        let heads = sign_in_all(api, &w.heads).await?;
        let setup = Recorder::default();
        eprintln!("peer: preparing {n} cases");
        let mut cases = Vec::new();
        for i in 0..n {
            let a = i % authors.len();
            let id = create_and_submit(
                api,
                &setup,
                authors.get(a).map(String::as_str).unwrap_or(""),
                &plan,
                format!("Sáng kiến chấm điểm số {i}"),
                &file,
            )
            .await
            .ok_or_else(|| anyhow!("set-up dossier failed: {}", setup.json()))?;
            let head = heads
                .get(a % heads.len().max(1))
                .cloned()
                .unwrap_or_default();
            for (step, token) in [("confirm", &head), ("register", &office)] {
                api.send(
                    Method::POST,
                    &format!("/api/v1/intake/dossiers/{id}/{step}"),
                    Some(token.as_str()),
                    None,
                    &[],
                )
                .await?
                .expect_status(200, step)?;
            }
            cases.push(id);
        }
        // Cases open from the `dossier.received` event: wait for every one.
        let deadline = Instant::now() + Duration::from_secs(60);
        for id in &cases {
            loop {
                let r = api
                    .get(&format!("/api/v1/appraisal/cases/{id}"), &office)
                    .await?;
                if r.status == 200 {
                    break;
                }
                anyhow::ensure!(Instant::now() < deadline, "case {id} did not open");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        let members: Vec<Value> = people
            .iter()
            .enumerate()
            .map(|(i, u)| json!({ "user_id": u.id, "full_name": u.username, "unit_id": u.unit, "role": if i == 0 { "chair" } else { "member" } }))
            .collect();
        api.post(
            "/api/v1/appraisal/panels",
            &office,
            &json!({ "plan_id": plan, "field": "education", "kind": "appraisal_team",
                     "name": "Tổ thẩm định so sánh", "members": members }),
        )
        .await?
        .expect_status(201, "panel")?;
        for (u, case) in people.iter().zip(&cases) {
            api.post(
                &format!("/api/v1/appraisal/cases/{case}/assignments"),
                &office,
                &json!({ "reviewer": u.id }),
            )
            .await?
            .expect_status(201, "assignment")?;
        }
        reviewer_tokens = Arc::new(sign_in_all(api, people).await?);
        case_of = Arc::new(cases);
    }

    let pg = match cx.intake_db.as_deref() {
        Some(url) if url.starts_with("postgres") => Some(
            sea_orm::Database::connect(url)
                .await
                .context("connecting to PostgreSQL for its backends' CPU")?,
        ),
        _ => None,
    };
    let list_path = format!("/api/v1/intake/dossiers?plan_id={plan}&limit=20");
    let rec = Recorder::default();
    let mut passes: BTreeMap<(String, usize), Vec<Pass>> = BTreeMap::new();
    let mut serial = 0usize;
    mem::reset_peaks(&cx.pids);
    for round_no in 0..o.rounds.max(1) {
        for op in &o.ops {
            for &clients in &o.clients {
                let clients = if op == "sheet" {
                    clients.min(reviewer_tokens.len())
                } else {
                    clients
                };
                eprintln!(
                    "peer: round {round_no}: {op} at {clients} clients for {} s (load average {})",
                    o.seconds,
                    super::loadavg()
                );
                let step = format!("{op}@{clients}");
                let until = Instant::now() + Duration::from_secs_f64(o.seconds);
                let before = cpu_now(cx, pg.as_ref()).await;
                let start = Instant::now();
                let mut tasks = Vec::new();
                for c in 0..clients {
                    let (api, rec, op, step, authors, reviewer_tokens, case_of) = (
                        api.clone(),
                        rec.clone(),
                        op.clone(),
                        step.clone(),
                        authors.clone(),
                        reviewer_tokens.clone(),
                        case_of.clone(),
                    );
                    let (office, plan, file, list_path) = (
                        office.clone(),
                        plan.clone(),
                        file.clone(),
                        list_path.clone(),
                    );
                    let base = serial + c * 1_000_000;
                    tasks.push(tokio::spawn(async move {
                        let mut lat = Vec::new();
                        let mut k = 0usize;
                        while Instant::now() < until {
                            k += 1;
                            let t = Instant::now();
                            let done = match op.as_str() {
                                "create" => create_and_submit(
                                    &api,
                                    &rec,
                                    authors
                                        .get(c % authors.len())
                                        .map(String::as_str)
                                        .unwrap_or(""),
                                    &plan,
                                    format!("Sáng kiến so sánh số {}", base + k),
                                    &file,
                                )
                                .await
                                .is_some(),
                                "sheet" => {
                                    let case = case_of.get(c).cloned().unwrap_or_default();
                                    check(
                                        "sheet",
                                        &rec,
                                        api.send(
                                            Method::PUT,
                                            &format!("/api/v1/appraisal/cases/{case}/sheet"),
                                            reviewer_tokens.get(c).map(String::as_str),
                                            Some(&sheet_body(c, k)),
                                            &[],
                                        )
                                        .await,
                                        200,
                                    )
                                    .is_some()
                                }
                                _ => check("list", &rec, api.get(&list_path, &office).await, 200)
                                    .is_some(),
                            };
                            if done {
                                let took = t.elapsed();
                                rec.ok(&step, took);
                                lat.push(took.as_micros() as u64);
                            } else {
                                rec.error(&step, "failed (see its step)".to_owned());
                            }
                        }
                        lat
                    }));
                }
                let mut latencies = Vec::new();
                for t in tasks {
                    latencies.extend(t.await.unwrap_or_default());
                }
                let wall = start.elapsed().as_secs_f64();
                let after = cpu_now(cx, pg.as_ref()).await;
                serial += 1;
                passes.entry((op.clone(), clients)).or_default().push(Pass {
                    ops: latencies.len(),
                    wall,
                    cpu: cpu_delta(&before, &after),
                    latencies,
                });
            }
        }
    }
    let peaks = mem::peaks(&cx.pids);
    if let Some(db) = pg {
        let _ = db.close().await;
    }
    let mut results = serde_json::Map::new();
    for ((op, clients), ps) in &passes {
        let ops: usize = ps.iter().map(|p| p.ops).sum();
        let wall: f64 = ps.iter().map(|p| p.wall).sum();
        let all: Vec<u64> = ps
            .iter()
            .flat_map(|p| p.latencies.iter().copied())
            .collect();
        let s = summarise(&all);
        let mut cpu: BTreeMap<String, f64> = BTreeMap::new();
        for p in ps {
            for (n, c) in &p.cpu {
                *cpu.entry(n.clone()).or_default() += c;
            }
        }
        let per_op: BTreeMap<String, f64> = cpu
            .iter()
            .map(|(n, c)| (n.clone(), round(c * 1000.0 / ops.max(1) as f64)))
            .collect();
        let own: f64 = per_op
            .iter()
            .filter(|(n, _)| n.as_str() != "postgres" && n.as_str() != "load-generator")
            .map(|(_, v)| v)
            .sum();
        let rates: Vec<String> = ps
            .iter()
            .map(|p| format!("{:.0}", p.ops as f64 / p.wall.max(1e-9)))
            .collect();
        let label = match op.as_str() {
            "create" => format!("create-and-submit ({} B PDF)", o.pdf_bytes),
            "sheet" => "sheet submit".to_owned(),
            _ => "list 20".to_owned(),
        };
        rows.push(Row::info(
            "peer",
            format!("{label}, {clients} clients: per s (rounds) / p50 / p99"),
            format!(
                "{:.0}/s ({}) / {:.1} / {:.1} ms",
                ops as f64 / wall.max(1e-9),
                rates.join(", "),
                s.p50_ms,
                s.p99_ms
            ),
        ));
        rows.push(Row::info(
            "peer",
            format!("{label}, {clients} clients: CPU ms per operation"),
            format!(
                "own {own:.2}: {}",
                per_op
                    .iter()
                    .map(|(n, v)| format!("{n} {v:.2}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
        results.insert(
            format!("{op}@{clients}"),
            json!({
                "ops": ops, "wall_s": round(wall), "per_s": round(ops as f64 / wall.max(1e-9)),
                "per_s_rounds": ps.iter().map(|p| round(p.ops as f64 / p.wall.max(1e-9))).collect::<Vec<_>>(),
                "latency": s.json(), "cpu_s": cpu.iter().map(|(n, c)| (n.clone(), round(*c))).collect::<BTreeMap<_, _>>(),
                "cpu_ms_per_op": per_op, "own_cpu_ms_per_op": round(own),
            }),
        );
    }
    rows.push(Row::info(
        "peer",
        "peak resident memory",
        peaks
            .iter()
            .map(|(n, v)| format!("{n} {v:.1}"))
            .collect::<Vec<_>>()
            .join(", ")
            + " MiB",
    ));
    rows.push(Row::judged(
        "peer",
        "errors",
        rec.errors().to_string(),
        "0",
        rec.errors() == 0,
    ));
    Ok(json!({
        "options": { "clients": o.clients, "seconds": o.seconds, "rounds": o.rounds, "ops": o.ops, "pdf_bytes": o.pdf_bytes },
        "passes": results, "peak_rss_mib": peaks, "record": rec.json(),
    }))
}
