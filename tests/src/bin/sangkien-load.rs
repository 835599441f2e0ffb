//! `sangkien-load`: the load generator of issue 8. It drives the distributed topology started
//! by `tests/topology.sh` through the gateway (and, for comparison, intake directly), prints a
//! table of figures against the issue's targets and writes them with every detail as JSON.
//!
//! ```sh
//! tests/load.sh                                   # build, start the topology, run all, stop
//! sangkien-load --scenarios deadline,reading      # inside `tests/topology.sh run -- …`
//! sangkien-load seed --tenant … --plan … --owner … --unit … --dossiers 100000
//! ```
//!
//! Scenarios: `deadline` (authors creating and submitting at once, heads confirming, the
//! office registering at a steady rate, event lag to appraisal, peak memory), `reading`
//! (gateway against intake directly), `scoring` (reviewers submitting sheets at the same
//! instant), `reports` (bulk seed, then the dashboard and the budget execution report),
//! `uploads` (a stream of large PDFs against `dd` to the same disk). `reading` and `scoring`
//! use the dossiers `deadline` registered. `peer` (issue 20: create-and-submit with a 2 KiB
//! PDF, sheet submit, list 20, at 8 and 32 clients, with CPU ms per operation) sets up its own
//! cases and runs on either topology (`tests/load.sh --standalone`).

#[path = "../load/mod.rs"]
mod load;

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use serde_json::{Value, json};

use load::{
    Ctx, api,
    reports::{SeedTarget, seed},
    scenarios::{self, DeadlineOptions, ReadingOptions, UploadOptions},
    stats::{Row, print_table},
};

#[derive(Parser, Debug)]
#[command(
    name = "sangkien-load",
    version,
    about = "Load generator for the sangkien topology"
)]
struct Cli {
    /// The gateway.
    #[arg(long, env = "SK_TOPOLOGY_URL", default_value = "http://127.0.0.1:8080")]
    url: String,
    /// The topology's state directory (`<name>.pid` files).
    #[arg(long, env = "SK_TOPOLOGY_STATE")]
    state: Option<PathBuf>,
    /// The bootstrap admin's password.
    #[arg(
        long,
        env = "SK_LOAD_ADMIN_PASSWORD",
        default_value = "kiem-thu-quan-tri-2026"
    )]
    admin_password: String,
    /// Where the JSON results go.
    #[arg(long, default_value = "load-results.json")]
    out: PathBuf,
    /// Scenarios to run, in this order.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "deadline,reading,scoring,reports,uploads"
    )]
    scenarios: Vec<String>,
    /// Deadline day: concurrent authors.
    #[arg(long, default_value_t = 200)]
    authors: usize,
    /// Deadline day: metadata-only dossiers of the first phase.
    #[arg(long, default_value_t = 2000)]
    dossiers: usize,
    /// Deadline day: share of the second phase's authors attaching a PDF.
    #[arg(long, default_value_t = 0.25)]
    pdf_share: f64,
    /// Deadline day: the PDF's size in bytes.
    #[arg(long, default_value_t = 2 * 1024 * 1024)]
    pdf_bytes: usize,
    /// Deadline day: registrations per second while the event lag is measured.
    #[arg(long, default_value_t = 100.0)]
    register_rate: f64,
    /// Deadline day: how many are registered.
    #[arg(long, default_value_t = 1000)]
    register_count: usize,
    /// Schools (each with a head) the authors belong to.
    #[arg(long, default_value_t = 4)]
    schools: usize,
    /// Reading: concurrent readers of the throughput part.
    #[arg(long, default_value_t = 16)]
    reading_concurrency: usize,
    /// Reading: seconds per round and path.
    #[arg(long, default_value_t = 5.0)]
    reading_seconds: f64,
    /// Reading: rounds, each path in turn.
    #[arg(long, default_value_t = 3)]
    reading_rounds: usize,
    /// Reading: requests per second of the paced (moderate load) part.
    #[arg(long, default_value_t = 100.0)]
    reading_rate: f64,
    /// Reading: page size of the list requests.
    #[arg(long, default_value_t = 20)]
    reading_list_limit: usize,
    /// Scoring storm: reviewers.
    #[arg(long, default_value_t = 50)]
    reviewers: usize,
    /// Scoring storm: rounds (later ones are revisions).
    #[arg(long, default_value_t = 5)]
    scoring_rounds: usize,
    /// Reports: dossiers seeded.
    #[arg(long, default_value_t = 100_000)]
    seed_dossiers: i64,
    /// Uploads: MiB in all.
    #[arg(long, default_value_t = 500)]
    upload_mib: usize,
    /// Uploads: MiB per file (at most 50, the attachment limit).
    #[arg(long, default_value_t = 25)]
    upload_file_mib: usize,
    /// Uploads: files sent at a time; one pass of `upload-mib` per value.
    #[arg(long, value_delimiter = ',', default_value = "1,4")]
    upload_concurrency: Vec<usize>,
    /// Peer comparison: concurrent clients, one pass per value.
    #[arg(long, value_delimiter = ',', default_value = "8,32")]
    peer_clients: Vec<usize>,
    /// Peer comparison: seconds per operation, concurrency and round.
    #[arg(long, default_value_t = 5.0)]
    peer_seconds: f64,
    /// Peer comparison: rounds (each runs every operation at every concurrency).
    #[arg(long, default_value_t = 3)]
    peer_rounds: usize,
    /// Peer comparison: operations (`create` = create-and-submit with a PDF, `sheet`, `list`).
    #[arg(long, value_delimiter = ',', default_value = "create,sheet,list")]
    peer_ops: Vec<String>,
    /// Peer comparison: size of the PDF of create-and-submit.
    #[arg(long, default_value_t = 2048)]
    peer_pdf_bytes: usize,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Seeds dossiers and their cases straight into the databases
    /// (`SANGKIEN_INTAKE__DATABASE_URL`, `SANGKIEN_APPRAISAL__DATABASE_URL`).
    Seed {
        #[arg(long)]
        tenant: uuid::Uuid,
        #[arg(long)]
        plan: uuid::Uuid,
        /// The seeded dossiers' owner.
        #[arg(long)]
        owner: uuid::Uuid,
        /// Their unit.
        #[arg(long)]
        unit: uuid::Uuid,
        #[arg(long, default_value_t = 100_000)]
        dossiers: i64,
    },
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

#[tokio::main]
async fn main() -> Result<()> {
    sangkien_kit::install_crypto_provider();
    let cli = Cli::parse();
    if let Some(Command::Seed {
        tenant,
        plan,
        owner,
        unit,
        dossiers,
    }) = &cli.command
    {
        let intake_db =
            env("SANGKIEN_INTAKE__DATABASE_URL").context("SANGKIEN_INTAKE__DATABASE_URL")?;
        let appraisal_db =
            env("SANGKIEN_APPRAISAL__DATABASE_URL").context("SANGKIEN_APPRAISAL__DATABASE_URL")?;
        let (d, c, s) = seed(
            &SeedTarget {
                intake_db: &intake_db,
                appraisal_db: &appraisal_db,
                tenant: *tenant,
                plan: *plan,
                owner: *owner,
                unit: *unit,
            },
            *dossiers,
        )
        .await?;
        println!("seeded {d} dossiers and {c} cases in {s:.1} s");
        return Ok(());
    }
    run(cli).await
}

async fn run(cli: Cli) -> Result<()> {
    let wants = |s: &str| cli.scenarios.iter().any(|x| x == s);
    let load_before = load::loadavg();
    let started = chrono::Utc::now();
    let api = api::Api::new(&cli.url, cli.authors + 64)?;
    eprintln!(
        "setting up: tenant, units, {} authors, {} reviewers, plan",
        cli.authors, cli.reviewers
    );
    let world = api::set_up(
        &api,
        &cli.admin_password,
        cli.schools.max(1),
        cli.authors,
        if wants("scoring") || wants("peer") {
            cli.reviewers
        } else {
            0
        },
    )
    .await?;
    let cx = Ctx {
        api,
        world,
        pids: load::mem::pids(cli.state.as_deref()),
        intake_url: env("SANGKIEN_INTAKE__URL"),
        intake_db: env("SANGKIEN_INTAKE__DATABASE_URL"),
        appraisal_db: env("SANGKIEN_APPRAISAL__DATABASE_URL"),
        decision_db: env("SANGKIEN_DECISION__DATABASE_URL"),
        files_dir: env("SANGKIEN_FILES__STORE_URL")
            .and_then(|u| u.strip_prefix("file://").map(PathBuf::from)),
    };
    let mut rows: Vec<Row> = Vec::new();
    let mut results = serde_json::Map::new();
    let mut registered: Vec<String> = Vec::new();
    for name in &cli.scenarios {
        let before = load::loadavg();
        let t = std::time::Instant::now();
        let cpu_before = load::mem::cpu_snapshot(&cx.pids);
        eprintln!("== {name} (load average {before})");
        let outcome: Result<Value> = match name.as_str() {
            "deadline" => scenarios::deadline(
                &cx,
                &DeadlineOptions {
                    authors: cli.authors,
                    dossiers: cli.dossiers,
                    pdf_share: cli.pdf_share,
                    pdf_bytes: cli.pdf_bytes,
                    register_rate: cli.register_rate,
                    register_count: cli.register_count,
                },
                &mut rows,
            )
            .await
            .map(|(v, d)| {
                registered = d.registered;
                v
            }),
            "reading" => {
                scenarios::reading(
                    &cx,
                    &ReadingOptions {
                        concurrency: cli.reading_concurrency,
                        seconds: cli.reading_seconds,
                        rounds: cli.reading_rounds.max(1),
                        rate: cli.reading_rate,
                        list_limit: cli.reading_list_limit.max(1),
                    },
                    &registered,
                    &mut rows,
                )
                .await
            }
            "scoring" => {
                scenarios::scoring(
                    &cx,
                    cli.reviewers,
                    cli.scoring_rounds,
                    &registered,
                    &mut rows,
                )
                .await
            }
            "reports" => load::reports::reports(&cx, cli.seed_dossiers, &mut rows).await,
            "peer" => {
                load::peer::peer(
                    &cx,
                    &load::peer::PeerOptions {
                        clients: cli.peer_clients.clone(),
                        seconds: cli.peer_seconds,
                        rounds: cli.peer_rounds,
                        ops: cli.peer_ops.clone(),
                        pdf_bytes: cli.peer_pdf_bytes,
                    },
                    &mut rows,
                )
                .await
            }
            "uploads" => {
                let mut passes = serde_json::Map::new();
                let mut failed = None;
                for c in &cli.upload_concurrency {
                    match scenarios::uploads(
                        &cx,
                        &UploadOptions {
                            total_mib: cli.upload_mib,
                            file_mib: cli.upload_file_mib.clamp(1, 50),
                            concurrency: *c,
                        },
                        &mut rows,
                    )
                    .await
                    {
                        Ok(v) => {
                            passes.insert(format!("concurrency_{c}"), v);
                        }
                        Err(e) => failed = Some(e),
                    }
                }
                match failed {
                    Some(e) => Err(e),
                    None => Ok(Value::Object(passes)),
                }
            }
            other => Err(anyhow::anyhow!("unknown scenario {other}")),
        };
        let after = load::loadavg();
        let mut v = match outcome {
            Ok(v) => v,
            Err(e) => {
                eprintln!("{name} failed: {e:#}");
                rows.push(Row::judged(
                    name_static(name),
                    "scenario",
                    format!("failed: {e:#}"),
                    "runs",
                    false,
                ));
                json!({ "failed": format!("{e:#}") })
            }
        };
        let wall = t.elapsed().as_secs_f64();
        let cpu: std::collections::BTreeMap<&str, f64> = load::mem::cpu_snapshot(&cx.pids)
            .into_iter()
            .map(|(n, c)| {
                (
                    n,
                    load::stats::round(c - cpu_before.get(n).copied().unwrap_or(0.0)),
                )
            })
            .collect();
        rows.push(Row::info(
            name_static(name),
            format!(
                "CPU seconds used in {wall:.0} s of wall time ({:.0} available)",
                wall * std::thread::available_parallelism()
                    .map(|n| n.get())
                    .unwrap_or(1) as f64
            ),
            cpu.iter()
                .map(|(n, c)| format!("{n} {c:.1}"))
                .collect::<Vec<_>>()
                .join(", "),
        ));
        v["cpu_seconds"] = json!(cpu);
        v["load_average_before"] = json!(before);
        v["load_average_after"] = json!(after);
        v["seconds"] = json!(load::stats::round(t.elapsed().as_secs_f64()));
        results.insert(name.clone(), v);
    }
    let machine = json!({
        "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        "memory_gib": load::stats::round(load::mem_total_gib()),
        "load_average_before": load_before,
        "load_average_after": load::loadavg(),
        "started_at": started,
        "finished_at": chrono::Utc::now(),
    });
    println!();
    println!(
        "machine: {} cores, {:.1} GiB; load average before {} / after {}",
        machine["cores"],
        load::mem_total_gib(),
        load_before,
        load::loadavg()
    );
    print_table(&rows);
    let out = json!({
        "machine": machine,
        "table": rows.iter().map(Row::json).collect::<Vec<_>>(),
        "scenarios": results,
    });
    std::fs::write(&cli.out, serde_json::to_vec_pretty(&out)?)
        .with_context(|| format!("writing {}", cli.out.display()))?;
    println!("\nresults written to {}", cli.out.display());
    Ok(())
}

fn name_static(name: &str) -> &'static str {
    match name {
        "deadline" => "deadline",
        "reading" => "reading",
        "scoring" => "scoring",
        "reports" => "reports",
        "uploads" => "uploads",
        "peer" => "peer",
        _ => "other",
    }
}
