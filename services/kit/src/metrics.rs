//! Prometheus metrics of one process.
//!
//! One set of metric families per process, not a global recorder, so that tests running many
//! systems in one process keep their figures apart. Every series carries a `service` label:
//! the standalone process (gateway and three services on one set of families) shows each
//! part's figures side by side at `/metrics`, and a distributed binary shows its own. The
//! families are written by `prometheus-client`, whose encoder speaks OpenMetrics; a scraper
//! that does not ask for OpenMetrics gets the same families in the Prometheus text format
//! 0.0.4 ([`to_text_004`]), so both Prometheus and the tools that read only 0.0.4 parse
//! every family with its type.

use futures::future::BoxFuture;
use prometheus_client::{
    encoding::{EncodeLabelSet, text::encode},
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::Registry,
};
use std::sync::{Arc, Mutex};

/// Content type of the OpenMetrics text format.
pub const OPENMETRICS_CONTENT_TYPE: &str =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";
/// Content type of the Prometheus text format 0.0.4.
pub const TEXT_004_CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Labels of an HTTP request count.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// The process part that answered (`gateway`, `intake`, …).
    pub service: String,
    /// HTTP method.
    pub method: String,
    /// Route template (`/api/v1/intake/probes/{id}`), never the raw path.
    pub route: String,
    /// Status code.
    pub status: u16,
}

/// Labels of a latency histogram.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    /// The process part that answered.
    pub service: String,
    /// HTTP method.
    pub method: String,
    /// Route template.
    pub route: String,
}

/// Labels of a per-service figure.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ServiceLabels {
    /// The service.
    pub service: String,
}

/// Labels of a delivery count.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabels {
    /// The consuming service.
    pub service: String,
    /// The queue the deliveries came from (the service's queue).
    pub queue: String,
    /// `handled`, `duplicate`, `failed`, `dead_letter`.
    pub outcome: String,
}

fn latency_histogram() -> Histogram {
    Histogram::new([
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
    ])
}

/// Work done just before a scrape (reading the dead-letter count from the broker).
pub type Refresher = Arc<dyn Fn() -> BoxFuture<'static, ()> + Send + Sync>;

/// The families of one process, shared by the handles of its parts.
struct Families {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    outbox_backlog: Family<ServiceLabels, Gauge>,
    events_published: Family<ServiceLabels, Counter>,
    deliveries: Family<OutcomeLabels, Counter>,
    dead_letters: Family<ServiceLabels, Gauge>,
    consumer_lag: Family<ServiceLabels, Gauge>,
    refreshers: Mutex<Vec<Refresher>>,
}

impl Families {
    fn new() -> Self {
        let mut registry = Registry::with_prefix("sangkien");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram as fn() -> Histogram,
        );
        let outbox_backlog = Family::<ServiceLabels, Gauge>::default();
        let events_published = Family::<ServiceLabels, Counter>::default();
        let deliveries = Family::<OutcomeLabels, Counter>::default();
        let dead_letters = Family::<ServiceLabels, Gauge>::default();
        let consumer_lag = Family::<ServiceLabels, Gauge>::default();
        registry.register(
            "http_requests",
            "HTTP requests by service, route template and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "HTTP request latency by service and route template",
            latency.clone(),
        );
        registry.register(
            "outbox_backlog",
            "Events written but not yet confirmed by the broker",
            outbox_backlog.clone(),
        );
        registry.register(
            "events_published",
            "Events published by the outbox relay",
            events_published.clone(),
        );
        registry.register(
            "event_deliveries",
            "Event deliveries by queue and outcome",
            deliveries.clone(),
        );
        registry.register(
            "dead_letters",
            "Events resting in the service's dead-letter queue",
            dead_letters.clone(),
        );
        registry.register(
            "consumer_lag",
            "Events waiting in the service's own queue, not yet handled",
            consumer_lag.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            outbox_backlog,
            events_published,
            deliveries,
            dead_letters,
            consumer_lag,
            refreshers: Mutex::new(Vec::new()),
        }
    }
}

/// The metrics handle of one process part: it writes series labelled with its service into
/// the process's families.
pub struct Metrics {
    service: String,
    families: Arc<Families>,
}

impl Metrics {
    /// Metrics of `service` on families of its own (a distributed binary, a test); every name
    /// prefixed `sangkien_`.
    pub fn new(service: &str) -> Self {
        Self {
            service: service.to_owned(),
            families: Arc::new(Families::new()),
        }
    }

    /// A handle for another part of the same process, writing into the same families, so one
    /// `/metrics` shows every part.
    pub fn for_service(&self, service: &str) -> Self {
        Self {
            service: service.to_owned(),
            families: self.families.clone(),
        }
    }

    /// The service this handle labels its series with.
    pub fn service(&self) -> &str {
        &self.service
    }

    fn own(&self) -> ServiceLabels {
        ServiceLabels {
            service: self.service.clone(),
        }
    }

    /// Counts a delivery outcome of the service's queue.
    pub fn count_delivery(&self, outcome: &str) {
        self.families
            .deliveries
            .get_or_create(&OutcomeLabels {
                service: self.service.clone(),
                queue: self.service.clone(),
                outcome: outcome.to_owned(),
            })
            .inc();
    }

    /// Records one HTTP request under its route template.
    pub fn observe_request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.families
            .requests
            .get_or_create(&RequestLabels {
                service: self.service.clone(),
                method: method.to_owned(),
                route: route.to_owned(),
                status,
            })
            .inc();
        self.families
            .latency
            .get_or_create(&RouteLabels {
                service: self.service.clone(),
                method: method.to_owned(),
                route: route.to_owned(),
            })
            .observe(seconds);
    }

    /// Sets the number of events not yet confirmed by the broker.
    pub fn set_outbox_backlog(&self, n: i64) {
        self.families
            .outbox_backlog
            .get_or_create(&self.own())
            .set(n);
    }

    /// Counts events the relay published.
    pub fn add_published(&self, n: u64) {
        self.families
            .events_published
            .get_or_create(&self.own())
            .inc_by(n);
    }

    /// Sets the number of events in the service's dead-letter queue.
    pub fn set_dead_letters(&self, n: i64) {
        self.families.dead_letters.get_or_create(&self.own()).set(n);
    }

    /// Sets the number of events waiting in the service's own queue.
    pub fn set_consumer_lag(&self, n: i64) {
        self.families.consumer_lag.get_or_create(&self.own()).set(n);
    }

    /// Adds work to run before each scrape of this process's metrics.
    pub fn on_scrape(&self, refresher: Refresher) {
        if let Ok(mut list) = self.families.refreshers.lock() {
            list.push(refresher);
        }
    }

    /// Runs the scrape-time work of every part, then renders.
    pub async fn render_fresh(&self) -> String {
        let refreshers: Vec<Refresher> = self
            .families
            .refreshers
            .lock()
            .map(|l| l.clone())
            .unwrap_or_default();
        futures::future::join_all(refreshers.iter().map(|r| r())).await;
        self.render()
    }

    /// The OpenMetrics text of every part of the process.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = encode(&mut out, &self.families.registry);
        out
    }

    /// The `/metrics` answer for a request whose `Accept` header is `accept`: OpenMetrics
    /// when asked for, else the Prometheus text format 0.0.4. Returns the content type and
    /// the body.
    pub async fn scrape(&self, accept: Option<&str>) -> (&'static str, String) {
        let text = self.render_fresh().await;
        if accept.is_some_and(|a| a.contains("application/openmetrics-text")) {
            (OPENMETRICS_CONTENT_TYPE, text)
        } else {
            (TEXT_004_CONTENT_TYPE, to_text_004(&text))
        }
    }
}

/// OpenMetrics text as the Prometheus text format 0.0.4: a counter family takes the name of
/// its `_total` samples, and the closing `# EOF` goes, which is all that differs for the
/// counters, gauges and histograms written here.
pub fn to_text_004(openmetrics: &str) -> String {
    let counters: Vec<&str> = openmetrics
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .filter_map(|l| l.strip_suffix(" counter"))
        .collect();
    let mut out = String::with_capacity(openmetrics.len());
    for line in openmetrics.lines() {
        if line == "# EOF" {
            continue;
        }
        let renamed = ["# HELP ", "# TYPE ", "# UNIT "].iter().find_map(|p| {
            let rest = line.strip_prefix(p)?;
            let (name, tail) = rest.split_once(' ').unwrap_or((rest, ""));
            counters
                .contains(&name)
                .then(|| format!("{p}{name}_total {tail}"))
        });
        match renamed {
            Some(l) if l.starts_with("# UNIT ") => {}
            Some(l) => {
                out.push_str(l.trim_end());
                out.push('\n');
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_part_of_a_process_writes_its_series_labelled_with_its_service() {
        let gateway = Metrics::new("gateway");
        let intake = gateway.for_service("intake");
        gateway.observe_request("GET", "/api/v1/auth/me", 200, 0.002);
        intake.observe_request("POST", "/api/v1/intake/dossiers/{id}/submit", 201, 0.01);
        intake.set_outbox_backlog(3);
        let text = gateway.render();
        assert!(text.contains("service=\"gateway\""), "{text}");
        assert!(
            text.contains("route=\"/api/v1/intake/dossiers/{id}/submit\""),
            "{text}"
        );
        assert!(
            text.contains("sangkien_outbox_backlog{service=\"intake\"} 3"),
            "{text}"
        );
        assert_eq!(
            text.matches("# TYPE sangkien_http_requests counter")
                .count(),
            1
        );
    }

    #[test]
    fn text_004_names_counter_families_by_their_total_samples_and_drops_eof() {
        let m = Metrics::new("intake");
        m.add_published(2);
        m.observe_request("GET", "/x", 200, 0.1);
        let text = to_text_004(&m.render());
        assert!(
            text.contains("# TYPE sangkien_events_published_total counter"),
            "{text}"
        );
        assert!(
            text.contains("# HELP sangkien_events_published_total "),
            "{text}"
        );
        assert!(
            text.contains("# TYPE sangkien_http_request_duration_seconds histogram"),
            "{text}"
        );
        assert!(!text.contains("# EOF"), "{text}");
    }
}
