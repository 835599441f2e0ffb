//! Latencies per step, errors, and the summary rows of the results table.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use serde_json::{Value, json};

/// Latencies (microseconds) and errors of each named step, shared by the workers.
#[derive(Clone, Default)]
pub struct Recorder {
    inner: Arc<Mutex<Steps>>,
}

#[derive(Default)]
struct Steps {
    latencies: BTreeMap<String, Vec<u64>>,
    errors: BTreeMap<String, u64>,
    samples: Vec<String>,
}

/// Percentiles of one step.
#[derive(Debug, Clone, Copy, Default)]
pub struct Summary {
    pub count: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub mean_ms: f64,
}

impl Summary {
    /// As JSON.
    pub fn json(&self) -> Value {
        json!({
            "count": self.count, "p50_ms": round(self.p50_ms), "p95_ms": round(self.p95_ms),
            "p99_ms": round(self.p99_ms), "max_ms": round(self.max_ms), "mean_ms": round(self.mean_ms),
        })
    }
}

/// Rounds to two decimals for the report.
pub fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Percentiles of latencies in microseconds (nearest rank).
pub fn summarise(values: &[u64]) -> Summary {
    if values.is_empty() {
        return Summary::default();
    }
    let mut v = values.to_vec();
    v.sort_unstable();
    let at = |q: f64| {
        let rank = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len());
        v.get(rank - 1).copied().unwrap_or(0) as f64 / 1000.0
    };
    Summary {
        count: v.len(),
        p50_ms: at(0.50),
        p95_ms: at(0.95),
        p99_ms: at(0.99),
        max_ms: v.last().copied().unwrap_or(0) as f64 / 1000.0,
        mean_ms: v.iter().sum::<u64>() as f64 / v.len() as f64 / 1000.0,
    }
}

impl Recorder {
    /// Records a successful step.
    pub fn ok(&self, step: &str, took: Duration) {
        if let Ok(mut s) = self.inner.lock() {
            s.latencies
                .entry(step.to_owned())
                .or_default()
                .push(took.as_micros() as u64);
        }
    }

    /// Records a failed step, keeping the first few messages.
    pub fn error(&self, step: &str, message: String) {
        if let Ok(mut s) = self.inner.lock() {
            *s.errors.entry(step.to_owned()).or_default() += 1;
            if s.samples.len() < 10 {
                s.samples.push(format!("{step}: {message}"));
            }
        }
    }

    /// Percentiles of a step.
    pub fn summary(&self, step: &str) -> Summary {
        self.inner
            .lock()
            .map(|s| summarise(s.latencies.get(step).map(Vec::as_slice).unwrap_or(&[])))
            .unwrap_or_default()
    }

    /// Errors of every step.
    pub fn errors(&self) -> u64 {
        self.inner
            .lock()
            .map(|s| s.errors.values().sum())
            .unwrap_or(0)
    }

    /// Steps, their percentiles and errors, as JSON; error samples printed.
    pub fn json(&self) -> Value {
        let Ok(s) = self.inner.lock() else {
            return Value::Null;
        };
        let mut steps = serde_json::Map::new();
        for (name, v) in &s.latencies {
            let mut j = summarise(v).json();
            j["errors"] = json!(s.errors.get(name).copied().unwrap_or(0));
            steps.insert(name.clone(), j);
        }
        for (name, n) in &s.errors {
            if !steps.contains_key(name) {
                steps.insert(name.clone(), json!({ "count": 0, "errors": n }));
            }
        }
        for m in &s.samples {
            eprintln!("  error: {m}");
        }
        json!({ "steps": steps, "errors": s.errors.values().sum::<u64>(), "error_samples": s.samples })
    }
}

/// One row of the final table: a figure and, where the issue sets one, its target.
#[derive(Debug, Clone)]
pub struct Row {
    pub scenario: &'static str,
    pub metric: String,
    pub figure: String,
    pub target: String,
    /// `Some(true)` met, `Some(false)` missed, `None` no target (informative).
    pub pass: Option<bool>,
}

impl Row {
    /// A row with a target.
    pub fn judged(
        scenario: &'static str,
        metric: impl Into<String>,
        figure: impl Into<String>,
        target: impl Into<String>,
        pass: bool,
    ) -> Self {
        Self {
            scenario,
            metric: metric.into(),
            figure: figure.into(),
            target: target.into(),
            pass: Some(pass),
        }
    }

    /// A row without a target.
    pub fn info(
        scenario: &'static str,
        metric: impl Into<String>,
        figure: impl Into<String>,
    ) -> Self {
        Self {
            scenario,
            metric: metric.into(),
            figure: figure.into(),
            target: "—".into(),
            pass: None,
        }
    }

    /// As JSON.
    pub fn json(&self) -> Value {
        json!({
            "scenario": self.scenario, "metric": self.metric, "figure": self.figure,
            "target": self.target,
            "result": match self.pass { Some(true) => "pass", Some(false) => "MISS", None => "" },
        })
    }
}

/// Prints the rows as a Markdown table.
pub fn print_table(rows: &[Row]) {
    println!("| scenario | metric | figure | target | result |");
    println!("|---|---|---|---|---|");
    for r in rows {
        let result = match r.pass {
            Some(true) => "pass",
            Some(false) => "**MISS**",
            None => "",
        };
        println!(
            "| {} | {} | {} | {} | {} |",
            r.scenario, r.metric, r.figure, r.target, result
        );
    }
}
