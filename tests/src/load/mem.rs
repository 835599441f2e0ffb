//! Resident memory of the topology's processes, from `/proc/<pid>/status`: the peak since a
//! reset (`VmHWM`, reset by writing 5 to `/proc/<pid>/clear_refs`) and a sampled series of
//! `VmRSS`.

use std::{
    collections::BTreeMap,
    path::Path,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use serde_json::{Value, json};

/// The four processes of the distributed topology, and the one of the standalone binary.
pub const PROCESSES: [&str; 5] = ["gateway", "intake", "appraisal", "decision", "sangkien"];

/// Process ids from the topology's state directory (`<name>.pid`).
pub fn pids(state: Option<&Path>) -> BTreeMap<&'static str, u32> {
    let mut out = BTreeMap::new();
    let Some(dir) = state else { return out };
    for name in PROCESSES {
        if let Ok(s) = std::fs::read_to_string(dir.join(format!("{name}.pid")))
            && let Ok(pid) = s.trim().parse()
        {
            out.insert(name, pid);
        }
    }
    out
}

/// A `kB` line of `/proc/<pid>/status`, in MiB.
pub fn status_mib(pid: u32, key: &str) -> Option<f64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = s.lines().find(|l| l.starts_with(key))?;
    let kb: f64 = line
        .trim_start_matches(key)
        .trim_start_matches(':')
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

/// Resets the peak (`VmHWM`) of each process to its current resident size.
pub fn reset_peaks(pids: &BTreeMap<&'static str, u32>) {
    for pid in pids.values() {
        let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
    }
}

/// Peak resident MiB of each process since the last reset.
pub fn peaks(pids: &BTreeMap<&'static str, u32>) -> BTreeMap<&'static str, f64> {
    pids.iter()
        .filter_map(|(n, p)| status_mib(*p, "VmHWM").map(|v| (*n, v)))
        .collect()
}

/// Samples (seconds since the start, MiB) of each process.
type Series = Arc<Mutex<BTreeMap<&'static str, Vec<(f64, f64)>>>>;

/// A background sampler of `VmRSS` every `every`.
pub struct Sampler {
    stop: Arc<AtomicBool>,
    series: Series,
    task: tokio::task::JoinHandle<()>,
}

impl Sampler {
    /// Starts sampling.
    pub fn start(pids: &BTreeMap<&'static str, u32>, every: Duration) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let series: Series = Default::default();
        let (pids, s2, st2) = (pids.clone(), series.clone(), stop.clone());
        let task = tokio::spawn(async move {
            let start = Instant::now();
            while !st2.load(Ordering::Relaxed) {
                let t = start.elapsed().as_secs_f64();
                for (n, p) in &pids {
                    if let Some(v) = status_mib(*p, "VmRSS")
                        && let Ok(mut m) = s2.lock()
                    {
                        m.entry(*n).or_default().push((t, v));
                    }
                }
                tokio::time::sleep(every).await;
            }
        });
        Self { stop, series, task }
    }

    /// Stops and summarises: per process the first, min, max and last sample (MiB).
    pub async fn finish(self) -> Value {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.task.await;
        let Ok(m) = self.series.lock() else {
            return Value::Null;
        };
        let mut out = serde_json::Map::new();
        for (n, v) in m.iter() {
            let vals: Vec<f64> = v.iter().map(|(_, x)| *x).collect();
            let max = vals.iter().copied().fold(f64::MIN, f64::max);
            let min = vals.iter().copied().fold(f64::MAX, f64::min);
            out.insert(
                (*n).to_owned(),
                json!({
                    "samples": vals.len(),
                    "first_mib": vals.first().map(|x| super::stats::round(*x)),
                    "min_mib": super::stats::round(min),
                    "max_mib": super::stats::round(max),
                    "last_mib": vals.last().map(|x| super::stats::round(*x)),
                }),
            );
        }
        Value::Object(out)
    }
}

/// CPU time (user + system) a process has used, in seconds (`/proc/<pid>/stat`, 100 ticks a
/// second).
pub fn cpu_seconds(pid: u32) -> Option<f64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = s.get(s.rfind(')')? + 1..)?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// CPU seconds of the topology's processes and of this load generator, now.
pub fn cpu_snapshot(pids: &BTreeMap<&'static str, u32>) -> BTreeMap<&'static str, f64> {
    let mut out: BTreeMap<&'static str, f64> = pids
        .iter()
        .filter_map(|(n, p)| cpu_seconds(*p).map(|c| (*n, c)))
        .collect();
    if let Some(c) = cpu_seconds(std::process::id()) {
        out.insert("load-generator", c);
    }
    out
}
