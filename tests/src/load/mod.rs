//! The load generator's parts (used by `src/bin/sangkien-load.rs`).

pub mod api;
pub mod budget;
pub mod mem;
pub mod peer;
pub mod reports;
pub mod scenarios;
pub mod stats;

use std::{collections::BTreeMap, path::PathBuf};

/// What every scenario needs: the gateway client, the world set up for the run, and where
/// the topology's processes, databases and files are.
pub struct Ctx {
    pub api: api::Api,
    pub world: api::World,
    pub pids: BTreeMap<&'static str, u32>,
    /// Intake's own URL (`SANGKIEN_INTAKE__URL`), for the reading scenario.
    pub intake_url: Option<String>,
    pub intake_db: Option<String>,
    pub appraisal_db: Option<String>,
    /// Decision's database, where the reports scenario seeds budget expenses.
    pub decision_db: Option<String>,
    /// The local directory attachments are written to (`SANGKIEN_FILES__STORE_URL`).
    pub files_dir: Option<PathBuf>,
}

/// `/proc/loadavg`'s first three figures.
pub fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// A line of `/proc/meminfo`, in GiB.
pub fn mem_total_gib() -> f64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0 / 1024.0)
        .unwrap_or(0.0)
}
