//! The scenarios of issue 8: deadline day, reading, scoring storm, uploads. (Reports at scale
//! are in `reports.rs`.)

use std::{
    collections::HashMap,
    sync::Arc,
    time::{Duration, Instant},
};

use anyhow::{Context, Result, anyhow};
use chrono::{DateTime, Utc};
use futures::{StreamExt, stream};
use reqwest::Method;
use serde_json::{Value, json};
use tokio::sync::Barrier;

use super::{
    Ctx,
    api::{Api, PASSWORD, form, pdf, sign_in_all},
    mem,
    stats::{Recorder, Row, round, summarise},
};

/// Options of the deadline-day scenario.
#[derive(Debug, Clone)]
pub struct DeadlineOptions {
    /// Concurrent authors.
    pub authors: usize,
    /// Metadata-only dossiers created and submitted in the first phase.
    pub dossiers: usize,
    /// Share of the authors of the second phase who attach a PDF.
    pub pdf_share: f64,
    /// Size of that PDF.
    pub pdf_bytes: usize,
    /// Registrations per second while the event lag is measured.
    pub register_rate: f64,
    /// How many dossiers are registered at that rate.
    pub register_count: usize,
}

/// Size of the description report every dossier needs before it may be submitted.
const DESCRIPTION_BYTES: usize = 16 * 1024;

/// What deadline day leaves for the next scenarios.
pub struct Deadline {
    /// Registered dossiers (cases in appraisal), in order of registration.
    pub registered: Vec<String>,
}

/// The reply's body when it has the wanted status; otherwise the error is recorded under
/// `step`.
pub(super) fn check(
    step: &str,
    rec: &Recorder,
    r: Result<super::api::Reply>,
    want: u16,
) -> Option<Value> {
    match r {
        Ok(reply) if reply.status == want => {
            rec.ok(step, reply.took);
            Some(reply.body)
        }
        Ok(reply) => {
            rec.error(
                step,
                format!(
                    "{} {}",
                    reply.status,
                    reply.body.to_string().chars().take(200).collect::<String>()
                ),
            );
            None
        }
        Err(e) => {
            rec.error(step, format!("{e:#}"));
            None
        }
    }
}

/// Creates a dossier, uploads its description report (`step` names the upload), and submits
/// it when `submit`; its id.
pub(super) async fn one_dossier(
    api: &Api,
    rec: &Recorder,
    token: &str,
    plan: &str,
    name: String,
    file: (&str, Arc<Vec<u8>>),
    submit: bool,
) -> Option<String> {
    let created = check(
        "create",
        rec,
        api.post(
            "/api/v1/intake/dossiers",
            token,
            &json!({ "plan_id": plan, "field": "education", "form": form(&name) }),
        )
        .await,
        201,
    )?;
    let id = created["id"].as_str()?.to_owned();
    let (step, bytes) = file;
    {
        let start = Instant::now();
        let res = api
            .http
            .post(format!(
                "{}/api/v1/intake/dossiers/{id}/attachments?name=bao-cao-mo-ta.pdf",
                api.base
            ))
            .bearer_auth(token)
            .body(bytes.as_ref().clone())
            .send()
            .await;
        let reply = match res {
            Ok(r) => Api::read(r, start).await,
            Err(e) => Err(e.into()),
        };
        check(step, rec, reply, 201)?;
    }
    if !submit {
        return Some(id);
    }
    submit_one(api, rec, token, &id).await
}

async fn submit_one(api: &Api, rec: &Recorder, token: &str, id: &str) -> Option<String> {
    check(
        "submit",
        rec,
        api.send(
            Method::POST,
            &format!("/api/v1/intake/dossiers/{id}/submit"),
            Some(token),
            None,
            &[],
        )
        .await,
        200,
    )?;
    Some(id.to_owned())
}

/// Deadline day: authors creating and submitting at once, heads confirming, the office
/// registering at a steady rate while the time until appraisal opens the case is measured.
pub async fn deadline(
    cx: &Ctx,
    o: &DeadlineOptions,
    rows: &mut Vec<Row>,
) -> Result<(Value, Deadline)> {
    let w = &cx.world;
    let api = &cx.api;
    eprintln!("deadline: signing in {} authors", w.authors.len());
    let authors = Arc::new(sign_in_all(api, &w.authors).await?);
    let heads = sign_in_all(api, &w.heads).await?;
    let office = api.sign_in(&w.office.username, PASSWORD).await?;
    let n_authors = o.authors.min(authors.len()).max(1);
    mem::reset_peaks(&cx.pids);
    let sampler = mem::Sampler::start(&cx.pids, Duration::from_millis(200));
    // Peak memory of each phase (VmHWM, reset after each).
    let mut phases: Vec<(&str, std::collections::BTreeMap<&str, f64>)> = Vec::new();

    // Phase 1: every author prepares drafts with the description report the form requires
    // (a small PDF): the days before the deadline.
    eprintln!(
        "deadline: {n_authors} authors prepare {} drafts with a {DESCRIPTION_BYTES} byte description",
        o.dossiers
    );
    let small = Arc::new(pdf(DESCRIPTION_BYTES));
    let prep = Recorder::default();
    let start = Instant::now();
    let mut tasks = Vec::new();
    for a in 0..n_authors {
        let (api, rec, authors, plan, small) = (
            api.clone(),
            prep.clone(),
            authors.clone(),
            w.plan_id.clone(),
            small.clone(),
        );
        let mine: Vec<usize> = (a..o.dossiers).step_by(n_authors).collect();
        tasks.push(tokio::spawn(async move {
            let token = authors.get(a).cloned().unwrap_or_default();
            let mut ids = Vec::new();
            for j in mine {
                if let Some(id) = one_dossier(
                    &api,
                    &rec,
                    &token,
                    &plan,
                    format!("Sáng kiến thử tải số {j}"),
                    ("upload_description", small.clone()),
                    false,
                )
                .await
                {
                    ids.push(id);
                }
            }
            (a, ids)
        }));
    }
    let mut drafts: Vec<(usize, Vec<String>)> = Vec::new();
    for t in tasks {
        drafts.push(t.await?);
    }
    let prep_wall = start.elapsed().as_secs_f64();
    phases.push(("prepare", mem::peaks(&cx.pids)));
    mem::reset_peaks(&cx.pids);
    let prepared: usize = drafts.iter().map(|(_, v)| v.len()).sum();

    // Phase 2: the deadline rush: every author submits their drafts at once (metadata only:
    // the files are already there).
    eprintln!("deadline: {n_authors} authors submit {prepared} drafts at once");
    let meta = Recorder::default();
    let barrier = Arc::new(Barrier::new(drafts.len().max(1)));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for (a, ids) in drafts {
        let (api, rec, authors, barrier) =
            (api.clone(), meta.clone(), authors.clone(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            let token = authors.get(a).cloned().unwrap_or_default();
            barrier.wait().await;
            let mut done = Vec::new();
            for id in ids {
                if let Some(id) = submit_one(&api, &rec, &token, &id).await {
                    done.push((a, id));
                }
            }
            done
        }));
    }
    let mut submitted: Vec<(usize, String)> = Vec::new();
    for t in tasks {
        submitted.extend(t.await?);
    }
    let meta_wall = start.elapsed().as_secs_f64();
    phases.push(("submit rush", mem::peaks(&cx.pids)));
    mem::reset_peaks(&cx.pids);
    let meta_rate = submitted.len() as f64 / meta_wall;

    // Phase 3: one new dossier per author, all at once, a share with a 2 MB PDF.
    let with_pdf = ((n_authors as f64) * o.pdf_share).round() as usize;
    eprintln!(
        "deadline: {n_authors} dossiers created, uploaded and submitted at once, {with_pdf} with a {} byte PDF",
        o.pdf_bytes
    );
    let file = Arc::new(pdf(o.pdf_bytes));
    let mixed = Recorder::default();
    let start = Instant::now();
    let mut tasks = Vec::new();
    for a in 0..n_authors {
        let (api, rec, authors, plan) = (
            api.clone(),
            mixed.clone(),
            authors.clone(),
            w.plan_id.clone(),
        );
        let f = if a < with_pdf {
            ("upload_2mb", file.clone())
        } else {
            ("upload_description", small.clone())
        };
        tasks.push(tokio::spawn(async move {
            let token = authors.get(a).cloned().unwrap_or_default();
            one_dossier(
                &api,
                &rec,
                &token,
                &plan,
                format!("Sáng kiến có tệp số {a}"),
                f,
                true,
            )
            .await
            .map(|id| (a, id))
        }));
    }
    for t in tasks {
        submitted.extend(t.await?);
    }
    let mixed_wall = start.elapsed().as_secs_f64();
    phases.push(("new with files", mem::peaks(&cx.pids)));
    mem::reset_peaks(&cx.pids);
    let mixed_rate = n_authors as f64 / mixed_wall;

    // Phase 3: the heads confirm everything (32 at a time).
    eprintln!("deadline: heads confirm {} dossiers", submitted.len());
    let flow = Recorder::default();
    let n_schools = w.schools.len().max(1);
    let start = Instant::now();
    let confirmed: Vec<Option<String>> = stream::iter(submitted.clone())
        .map(|(a, id)| {
            let (api, rec) = (api.clone(), flow.clone());
            let token = heads.get(a % n_schools).cloned().unwrap_or_default();
            async move {
                check(
                    "confirm",
                    &rec,
                    api.send(
                        Method::POST,
                        &format!("/api/v1/intake/dossiers/{id}/confirm"),
                        Some(&token),
                        None,
                        &[],
                    )
                    .await,
                    200,
                )
                .map(|_| id)
            }
        })
        .buffer_unordered(32)
        .collect()
        .await;
    let confirm_wall = start.elapsed().as_secs_f64();
    phases.push(("confirm", mem::peaks(&cx.pids)));
    mem::reset_peaks(&cx.pids);
    let confirmed: Vec<String> = confirmed.into_iter().flatten().collect();

    // Phase 4: the office registers at a steady rate; each registration's answer time.
    let to_register: Vec<String> = confirmed.iter().take(o.register_count).cloned().collect();
    eprintln!(
        "deadline: registering {} at {}/s",
        to_register.len(),
        o.register_rate
    );
    let mut ticker = tokio::time::interval(Duration::from_secs_f64(1.0 / o.register_rate.max(0.1)));
    let mut tasks = Vec::new();
    let start = Instant::now();
    for id in to_register {
        ticker.tick().await;
        let (api, rec, token) = (api.clone(), flow.clone(), office.clone());
        tasks.push(tokio::spawn(async move {
            let r = api
                .send(
                    Method::POST,
                    &format!("/api/v1/intake/dossiers/{id}/register"),
                    Some(&token),
                    None,
                    &[],
                )
                .await;
            let answered = Utc::now();
            check("register", &rec, r, 200).map(|_| (id, answered))
        }));
    }
    let mut registered: Vec<(String, DateTime<Utc>)> = Vec::new();
    for t in tasks {
        if let Some(x) = t.await? {
            registered.push(x);
        }
    }
    let register_wall = start.elapsed().as_secs_f64();
    phases.push(("register", mem::peaks(&cx.pids)));
    mem::reset_peaks(&cx.pids);
    let memory = sampler.finish().await;
    let mut peaks: std::collections::BTreeMap<&str, f64> = Default::default();
    for (_, p) in &phases {
        for (n, v) in p {
            let e = peaks.entry(*n).or_insert(0.0);
            *e = e.max(*v);
        }
    }

    // Event lag: each case's `opened_at` (appraisal's clock) against the moment the office
    // got its receipt (same machine clock). Give the last events a moment, then read once.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let opened = cases_opened(cx, &w.plan_id).await?;
    let mut lags = Vec::new();
    let mut missing = 0;
    for (id, answered) in &registered {
        match opened.get(id) {
            Some(at) => lags.push(
                (*at - *answered)
                    .num_microseconds()
                    .unwrap_or(0)
                    .max(0)
                    .unsigned_abs(),
            ),
            None => missing += 1,
        }
    }
    let lag = summarise(&lags);
    let negative = registered
        .iter()
        .filter(|(id, t)| opened.get(id).is_some_and(|at| at < t))
        .count();
    let errors = prep.errors() + meta.errors() + mixed.errors() + flow.errors() + missing;

    rows.push(Row::info(
        "deadline",
        format!("drafts prepared (create + 16 KiB description PDF) by {n_authors} authors at once"),
        format!(
            "{:.0}/s ({prepared} in {prep_wall:.1} s); create p99 {:.1} ms, upload p99 {:.1} ms",
            prepared as f64 / prep_wall,
            prep.summary("create").p99_ms,
            prep.summary("upload_description").p99_ms
        ),
    ));
    rows.push(Row::judged(
        "deadline",
        format!("metadata-only submissions per second ({n_authors} authors at once)"),
        format!("{meta_rate:.0}/s ({} in {meta_wall:.1} s)", prepared),
        "≥ 300/s",
        meta_rate >= 300.0,
    ));
    rows.push(Row::info(
        "deadline",
        "metadata-only submit p50/p95/p99",
        ms3(&meta.summary("submit")),
    ));
    rows.push(Row::info(
        "deadline",
        format!(
            "new dossiers created+uploaded+submitted per second ({n_authors} at once, {with_pdf} with a {:.0} MB PDF)",
            o.pdf_bytes as f64 / 1e6
        ),
        format!("{mixed_rate:.0}/s"),
    ));
    rows.push(Row::info(
        "deadline",
        "those: create / upload 16 KiB / upload 2 MB / submit, p99",
        format!(
            "{:.0} / {:.0} / {:.0} / {:.0} ms",
            mixed.summary("create").p99_ms,
            mixed.summary("upload_description").p99_ms,
            mixed.summary("upload_2mb").p99_ms,
            mixed.summary("submit").p99_ms
        ),
    ));
    rows.push(Row::info(
        "deadline",
        "confirm p50/p95/p99 (32 at a time)",
        ms3(&flow.summary("confirm")),
    ));
    rows.push(Row::info(
        "deadline",
        format!("register p50/p95/p99 at {}/s", o.register_rate),
        ms3(&flow.summary("register")),
    ));
    rows.push(Row::judged(
        "deadline",
        "errors (every step, cases missing included)",
        errors.to_string(),
        "0",
        errors == 0,
    ));
    rows.push(Row::judged(
        "deadline",
        format!(
            "event lag receipt → case opened, p50 / p99 ({} registrations at {}/s)",
            registered.len(),
            o.register_rate
        ),
        format!("{:.1} / {:.1} ms", lag.p50_ms, lag.p99_ms),
        "p99 < 100 ms",
        lag.p99_ms < 100.0 && missing == 0,
    ));
    for (name, mib) in &peaks {
        rows.push(Row::judged(
            "deadline",
            format!("peak resident memory, {name}"),
            format!("{mib:.1} MiB"),
            "< 50 MB",
            *mib * 1.048_576 < 50.0,
        ));
    }
    for name in ["intake", "gateway"] {
        rows.push(Row::info(
            "deadline",
            format!("peak resident memory of {name} per phase"),
            phases
                .iter()
                .map(|(phase, p)| format!("{phase} {:.1}", p.get(name).copied().unwrap_or(0.0)))
                .collect::<Vec<_>>()
                .join(", ")
                + " MiB",
        ));
    }
    let phase_peaks: serde_json::Map<String, Value> = phases
        .iter()
        .map(|(phase, p)| ((*phase).to_owned(), json!(p)))
        .collect();
    let result = json!({
        "peak_rss_mib_per_phase": phase_peaks,
        "authors": n_authors,
        "prepare": { "drafts": prepared, "wall_s": round(prep_wall), "record": prep.json() },
        "metadata_only_submissions": { "count": prepared, "wall_s": round(meta_wall), "per_s": round(meta_rate), "record": meta.json() },
        "with_pdf": { "dossiers": n_authors, "with_pdf": with_pdf, "pdf_bytes": o.pdf_bytes, "wall_s": round(mixed_wall), "per_s": round(mixed_rate), "record": mixed.json() },
        "confirm_wall_s": round(confirm_wall),
        "register": { "rate_per_s": o.register_rate, "count": registered.len(), "wall_s": round(register_wall) },
        "flow": flow.json(),
        "event_lag_ms": lag.json(),
        "cases_missing": missing,
        "cases_opened_before_receipt_answer": negative,
        "peak_rss_mib": peaks,
        "rss_samples": memory,
        "errors": errors,
    });
    Ok((
        result,
        Deadline {
            registered: registered.into_iter().map(|(id, _)| id).collect(),
        },
    ))
}

fn ms3(s: &super::stats::Summary) -> String {
    format!("{:.1} / {:.1} / {:.1} ms", s.p50_ms, s.p95_ms, s.p99_ms)
}

/// `opened_at` of every case of a plan, read once from appraisal's database.
async fn cases_opened(cx: &Ctx, plan: &str) -> Result<HashMap<String, DateTime<Utc>>> {
    use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
    let url = cx
        .appraisal_db
        .as_deref()
        .context("SANGKIEN_APPRAISAL__DATABASE_URL is needed to read cases")?;
    let db = Database::connect(url).await?;
    let plan: uuid::Uuid = plan.parse()?;
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT id, opened_at FROM cases WHERE plan_id = $1",
            [plan.into()],
        ))
        .await?;
    let mut out = HashMap::new();
    for r in rows {
        let id: uuid::Uuid = r.try_get("", "id")?;
        let at: DateTime<Utc> = r.try_get("", "opened_at")?;
        out.insert(id.to_string(), at);
    }
    let _ = db.close().await;
    Ok(out)
}

/// Options of the reading scenario.
#[derive(Debug, Clone)]
pub struct ReadingOptions {
    pub concurrency: usize,
    pub seconds: f64,
    pub rounds: usize,
    /// Requests per second of the paced (moderate load) part.
    pub rate: f64,
    /// Page size of the list requests.
    pub list_limit: usize,
}

fn read_path(plan: &str, ids: &[String], k: usize, limit: usize) -> String {
    if k.is_multiple_of(5) || ids.is_empty() {
        format!("/api/v1/intake/dossiers?plan_id={plan}&limit={limit}")
    } else {
        format!(
            "/api/v1/intake/dossiers/{}",
            ids.get(k % ids.len()).map(String::as_str).unwrap_or("")
        )
    }
}

/// Closed loop: `concurrency` readers for `seconds`; completed requests.
async fn closed(
    api: &Api,
    token: &str,
    plan: &str,
    ids: &Arc<Vec<String>>,
    rec: &Recorder,
    step: &str,
    o: &ReadingOptions,
) -> usize {
    let until = Instant::now() + Duration::from_secs_f64(o.seconds);
    let o_limit = o.list_limit;
    let mut tasks = Vec::new();
    for c in 0..o.concurrency {
        let (api, token, plan, ids, rec, step) = (
            api.clone(),
            token.to_owned(),
            plan.to_owned(),
            ids.clone(),
            rec.clone(),
            step.to_owned(),
        );
        tasks.push(tokio::spawn(async move {
            let mut done = 0;
            let mut k = c * 7919;
            let limit = o_limit;
            while Instant::now() < until {
                k += 1;
                if check(
                    &step,
                    &rec,
                    api.get(&read_path(&plan, &ids, k, limit), &token).await,
                    200,
                )
                .is_some()
                {
                    done += 1;
                }
            }
            done
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await.unwrap_or(0);
    }
    total
}

/// Open loop: `rate` requests per second for `seconds`.
async fn paced(
    api: &Api,
    token: &str,
    plan: &str,
    ids: &Arc<Vec<String>>,
    rec: &Recorder,
    step: &str,
    o: &ReadingOptions,
) {
    let n = (o.rate * o.seconds) as usize;
    let mut ticker = tokio::time::interval(Duration::from_secs_f64(1.0 / o.rate.max(0.1)));
    let mut tasks = Vec::new();
    for k in 0..n {
        ticker.tick().await;
        let (api, token, path, rec, step) = (
            api.clone(),
            token.to_owned(),
            read_path(plan, ids, k, o.list_limit),
            rec.clone(),
            step.to_owned(),
        );
        tasks.push(tokio::spawn(async move {
            check(&step, &rec, api.get(&path, &token).await, 200);
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
}

/// Reading: the same list and detail requests through the gateway and straight to intake,
/// interleaved in rounds so both see the same machine.
pub async fn reading(
    cx: &Ctx,
    o: &ReadingOptions,
    ids: &[String],
    rows: &mut Vec<Row>,
) -> Result<Value> {
    let direct_url = cx
        .intake_url
        .as_deref()
        .context("SANGKIEN_INTAKE__URL is needed for the reading scenario")?;
    let direct = cx.api.at(direct_url);
    let token = cx.api.sign_in(&cx.world.office.username, PASSWORD).await?;
    let ids = Arc::new(ids.to_vec());
    let plan = cx.world.plan_id.clone();
    let rec = Recorder::default();
    // Warm both paths.
    closed(
        &cx.api,
        &token,
        &plan,
        &ids,
        &Recorder::default(),
        "warm",
        &ReadingOptions {
            seconds: 1.0,
            ..o.clone()
        },
    )
    .await;
    closed(
        &direct,
        &token,
        &plan,
        &ids,
        &Recorder::default(),
        "warm",
        &ReadingOptions {
            seconds: 1.0,
            ..o.clone()
        },
    )
    .await;
    let (mut via_gw, mut straight) = (0usize, 0usize);
    for round in 0..o.rounds {
        eprintln!(
            "reading: round {round}: {} readers, {} s each way",
            o.concurrency, o.seconds
        );
        via_gw += closed(&cx.api, &token, &plan, &ids, &rec, "gateway_max", o).await;
        straight += closed(&direct, &token, &plan, &ids, &rec, "direct_max", o).await;
    }
    let secs = o.seconds * o.rounds as f64;
    let (gw_rps, direct_rps) = (via_gw as f64 / secs, straight as f64 / secs);
    for round in 0..o.rounds {
        eprintln!("reading: paced round {round} at {}/s", o.rate);
        paced(&cx.api, &token, &plan, &ids, &rec, "gateway_paced", o).await;
        paced(&direct, &token, &plan, &ids, &rec, "direct_paced", o).await;
    }
    let (g, d) = (rec.summary("gateway_paced"), rec.summary("direct_paced"));
    let ratio = gw_rps / direct_rps.max(1e-9);
    let added = g.p99_ms - d.p99_ms;
    rows.push(Row::judged(
        "reading",
        format!(
            "throughput via gateway / straight to intake ({} readers, lists of {} 1:4 details)",
            o.concurrency, o.list_limit
        ),
        format!(
            "{:.0}% ({gw_rps:.0} vs {direct_rps:.0} req/s)",
            ratio * 100.0
        ),
        "≥ 70 %",
        ratio >= 0.70,
    ));
    rows.push(Row::judged(
        "reading",
        format!(
            "p99 added by the gateway at {}/s (lists of {} 1:4 details)",
            o.rate, o.list_limit
        ),
        format!(
            "{added:+.2} ms (p99 {:.2} vs {:.2} ms; p50 {:.2} vs {:.2})",
            g.p99_ms, d.p99_ms, g.p50_ms, d.p50_ms
        ),
        "≤ 2 ms",
        added <= 2.0,
    ));
    rows.push(Row::judged(
        "reading",
        "errors",
        rec.errors().to_string(),
        "0",
        rec.errors() == 0,
    ));
    Ok(json!({
        "concurrency": o.concurrency, "seconds_per_round": o.seconds, "rounds": o.rounds,
        "gateway_rps": round(gw_rps), "direct_rps": round(direct_rps), "ratio": round(ratio),
        "paced_rate": o.rate, "added_p99_ms": round(added), "record": rec.json(),
    }))
}

/// Scoring storm: `reviewers` reviewers, two per case, all submitting their sheets at the
/// same instant, `rounds` times (later rounds are revisions).
pub async fn scoring(
    cx: &Ctx,
    reviewers: usize,
    rounds: usize,
    cases: &[String],
    rows: &mut Vec<Row>,
) -> Result<Value> {
    let w = &cx.world;
    let api = &cx.api;
    let reviewers = reviewers.min(w.reviewers.len());
    let people = &w.reviewers[..reviewers];
    anyhow::ensure!(
        cases.len() * 2 >= reviewers,
        "scoring needs {} registered cases, has {}",
        reviewers.div_ceil(2),
        cases.len()
    );
    let office = api.sign_in(&w.office.username, PASSWORD).await?;
    let tokens = Arc::new(sign_in_all(api, people).await?);
    let members: Vec<Value> = people
        .iter()
        .enumerate()
        .map(|(i, u)| json!({ "user_id": u.id, "full_name": u.username, "unit_id": u.unit, "role": if i == 0 { "chair" } else { "member" } }))
        .collect();
    api.post(
        "/api/v1/appraisal/panels",
        &office,
        &json!({ "plan_id": w.plan_id, "field": "education", "kind": "appraisal_team",
                 "name": "Tổ thẩm định thử tải", "members": members }),
    )
    .await?
    .expect_status(201, "panel")?;
    let mut case_of = Vec::new();
    for (i, u) in people.iter().enumerate() {
        let case = cases
            .get(i / 2)
            .cloned()
            .ok_or_else(|| anyhow!("no case"))?;
        api.post(
            &format!("/api/v1/appraisal/cases/{case}/assignments"),
            &office,
            &json!({ "reviewer": u.id }),
        )
        .await?
        .expect_status(201, "assignment")?;
        case_of.push(case);
    }
    let case_of = Arc::new(case_of);
    let rec = Recorder::default();
    mem::reset_peaks(&cx.pids);
    let mut walls = Vec::new();
    for round in 0..rounds {
        let barrier = Arc::new(Barrier::new(reviewers));
        let mut tasks = Vec::new();
        for i in 0..reviewers {
            let (api, rec, tokens, case_of, barrier) = (
                api.clone(),
                rec.clone(),
                tokens.clone(),
                case_of.clone(),
                barrier.clone(),
            );
            tasks.push(tokio::spawn(async move {
                let token = tokens.get(i).cloned().unwrap_or_default();
                let case = case_of.get(i).cloned().unwrap_or_default();
                let main = 9.0 + ((i + round) % 5) as f64;
                let body = json!({ "submit": true, "scores": [
                    { "item": "introduction", "points": 1.5 }, { "item": "main_content", "points": main },
                    { "item": "conclusion", "points": 1.5 }, { "item": "presentation", "points": 2 }
                ]});
                barrier.wait().await;
                let start = Instant::now();
                let r = api
                    .send(
                        Method::PUT,
                        &format!("/api/v1/appraisal/cases/{case}/sheet"),
                        Some(&token),
                        Some(&body),
                        &[],
                    )
                    .await;
                check("sheet", &rec, r, 200);
                start.elapsed()
            }));
        }
        let mut longest = Duration::ZERO;
        for t in tasks {
            longest = longest.max(t.await?);
        }
        walls.push(longest.as_secs_f64());
    }
    let peaks = mem::peaks(&cx.pids);
    let s = rec.summary("sheet");
    let worst_wall = walls.iter().copied().fold(0.0, f64::max);
    rows.push(Row::info(
        "scoring",
        format!("{reviewers} sheets at once: p50/p95/p99 ({rounds} rounds)"),
        ms3(&s),
    ));
    rows.push(Row::info(
        "scoring",
        format!("{reviewers} sheets at once: the last answered after (worst round)"),
        format!("{:.0} ms", worst_wall * 1000.0),
    ));
    rows.push(Row::judged(
        "scoring",
        "errors",
        rec.errors().to_string(),
        "0",
        rec.errors() == 0,
    ));
    if let Some(m) = peaks.get("appraisal") {
        rows.push(Row::judged(
            "scoring",
            "peak resident memory, appraisal",
            format!("{m:.1} MiB"),
            "< 50 MB",
            *m * 1.048_576 < 50.0,
        ));
    }
    Ok(json!({
        "reviewers": reviewers, "rounds": rounds, "round_walls_s": walls,
        "record": rec.json(), "peak_rss_mib": peaks,
    }))
}

/// Options of the uploads scenario.
#[derive(Debug, Clone)]
pub struct UploadOptions {
    pub total_mib: usize,
    pub file_mib: usize,
    pub concurrency: usize,
}

/// Seconds taken by `dd` writing `mib` MiB of zeros into `dir`, with `conv=fdatasync` or not.
async fn dd(dir: &std::path::Path, mib: usize, sync: bool) -> Result<f64> {
    let target = dir.join("dd-load-test.bin");
    let mut cmd = std::process::Command::new("dd");
    cmd.arg("if=/dev/zero")
        .arg(format!("of={}", target.display()))
        .arg("bs=1M")
        .arg(format!("count={mib}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    if sync {
        cmd.arg("conv=fdatasync");
    }
    let (status, secs) = tokio::task::spawn_blocking(move || {
        let start = Instant::now();
        let status = cmd.status();
        (status, start.elapsed().as_secs_f64())
    })
    .await?;
    let _ = std::fs::remove_file(&target);
    let status = status?;
    anyhow::ensure!(status.success(), "dd failed: {status}");
    Ok(secs)
}

/// Uploads: `total_mib` of PDFs through the gateway, against `dd` to the same disk in the same
/// run, the gateway's and intake's resident memory sampled every 50 ms.
pub async fn uploads(cx: &Ctx, o: &UploadOptions, rows: &mut Vec<Row>) -> Result<Value> {
    let w = &cx.world;
    let api = &cx.api;
    let author = w.authors.first().context("no author")?;
    let token = api.sign_in(&author.username, PASSWORD).await?;
    let files = o.total_mib.div_ceil(o.file_mib.max(1));
    // At most 150 MiB and 6 files per dossier (limits: 200 MiB, 20 files).
    let per_dossier = (150 / o.file_mib.max(1)).clamp(1, 6);
    let mut dossiers = Vec::new();
    for d in 0..files.div_ceil(per_dossier) {
        let r = api
            .post(
                "/api/v1/intake/dossiers",
                &token,
                &json!({ "plan_id": w.plan_id, "field": "education", "form": form(&format!("Tải tệp lớn {d}")) }),
            )
            .await?
            .expect_status(201, "dossier for uploads")?;
        dossiers.push(r.id()?);
    }
    let body = Arc::new(pdf(o.file_mib * 1024 * 1024));
    let rec = Recorder::default();
    let gw_pid: std::collections::BTreeMap<&'static str, u32> = cx
        .pids
        .iter()
        .filter(|(n, _)| matches!(**n, "gateway" | "intake"))
        .map(|(n, p)| (*n, *p))
        .collect();
    mem::reset_peaks(&cx.pids);
    let sampler = mem::Sampler::start(&gw_pid, Duration::from_millis(50));
    let start = Instant::now();
    let results: Vec<bool> = stream::iter(0..files)
        .map(|f| {
            let (api, rec, token, body) = (api.clone(), rec.clone(), token.clone(), body.clone());
            let dossier = dossiers.get(f / per_dossier).cloned().unwrap_or_default();
            async move {
                let t = Instant::now();
                let res = api
                    .http
                    .post(format!(
                        "{}/api/v1/intake/dossiers/{dossier}/attachments?name=tep-{f}.pdf",
                        api.base
                    ))
                    .bearer_auth(&token)
                    .body(body.as_ref().clone())
                    .send()
                    .await;
                let reply = match res {
                    Ok(r) => Api::read(r, t).await,
                    Err(e) => Err(e.into()),
                };
                check("upload", &rec, reply, 201).is_some()
            }
        })
        .buffer_unordered(o.concurrency.max(1))
        .collect()
        .await;
    let upload_secs = start.elapsed().as_secs_f64();
    let memory = sampler.finish().await;
    let peaks = mem::peaks(&gw_pid);
    let sent_mib = (results.iter().filter(|x| **x).count() * o.file_mib) as f64;
    let upload_mibs = sent_mib / upload_secs;

    let dir = cx.files_dir.clone().unwrap_or_else(std::env::temp_dir);
    let total = files * o.file_mib;
    let dd_sync = dd(&dir, total, true).await?;
    let dd_cache = dd(&dir, total, false).await?;
    let (sync_mibs, cache_mibs) = (total as f64 / dd_sync, total as f64 / dd_cache);
    let ratio = upload_mibs / sync_mibs;
    rows.push(Row::judged(
        "uploads",
        format!(
            "{total} MiB in {files} files of {} MiB ({} at a time) via gateway / dd conv=fdatasync, same disk",
            o.file_mib, o.concurrency
        ),
        format!(
            "{:.0}% ({upload_mibs:.0} vs {sync_mibs:.0} MiB/s)",
            ratio * 100.0
        ),
        "≥ 80 %",
        ratio >= 0.80,
    ));
    rows.push(Row::info(
        "uploads",
        "the same against dd into the page cache (no sync)",
        format!(
            "{:.0}% ({upload_mibs:.0} vs {cache_mibs:.0} MiB/s)",
            upload_mibs / cache_mibs * 100.0
        ),
    ));
    let gw = &memory["gateway"];
    let (first, max) = (
        gw["first_mib"].as_f64().unwrap_or(0.0),
        gw["max_mib"].as_f64().unwrap_or(0.0),
    );
    rows.push(Row::judged(
        "uploads",
        "gateway resident memory during the uploads (first sample → max)",
        format!("{first:.1} → {max:.1} MiB"),
        "flat (growth < 10 MiB)",
        max - first < 10.0,
    ));
    if let Some(i) = peaks.get("intake") {
        rows.push(Row::judged(
            "uploads",
            "peak resident memory, intake",
            format!("{i:.1} MiB"),
            "< 50 MB",
            *i * 1.048_576 < 50.0,
        ));
    }
    rows.push(Row::judged(
        "uploads",
        "errors",
        rec.errors().to_string(),
        "0",
        rec.errors() == 0,
    ));
    Ok(json!({
        "total_mib": total, "file_mib": o.file_mib, "files": files, "concurrency": o.concurrency,
        "upload_s": round(upload_secs), "upload_mib_s": round(upload_mibs),
        "dd_fdatasync_s": round(dd_sync), "dd_fdatasync_mib_s": round(sync_mibs),
        "dd_page_cache_s": round(dd_cache), "dd_page_cache_mib_s": round(cache_mibs),
        "ratio_to_dd_fdatasync": round(ratio), "rss_samples": memory, "peak_rss_mib": peaks,
        "record": rec.json(), "disk_dir": dir.display().to_string(),
    }))
}
