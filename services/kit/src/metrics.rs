//! Prometheus metrics of one process part (a service or the gateway).
//!
//! One registry per service instead of a global recorder, so the standalone process can run
//! four of them side by side and each `/metrics` shows its own figures.

use prometheus_client::{
    encoding::{EncodeLabelSet, text::encode},
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::Registry,
};
use std::sync::Mutex;

/// Labels of an HTTP request count.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// HTTP method.
    pub method: String,
    /// Route pattern (`/api/v1/intake/probes/{id}`), never the raw path.
    pub route: String,
    /// Status code.
    pub status: u16,
}

/// Labels of a latency histogram.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    /// HTTP method.
    pub method: String,
    /// Route pattern.
    pub route: String,
}

/// Labels of a delivery count.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabels {
    /// `handled`, `duplicate`, `failed`, `dead_letter`.
    pub outcome: String,
}

fn latency_histogram() -> Histogram {
    Histogram::new([
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
    ])
}

/// The metrics of one service.
pub struct Metrics {
    registry: Mutex<Registry>,
    /// Requests by route and status.
    pub requests: Family<RequestLabels, Counter>,
    /// Latency by route.
    pub latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    /// Events written but not yet confirmed by the broker.
    pub outbox_backlog: Gauge,
    /// Events the relay published.
    pub events_published: Counter,
    /// Deliveries by outcome.
    pub deliveries: Family<OutcomeLabels, Counter>,
    /// Messages resting in this service's dead-letter queue (read at scrape time).
    pub dead_letters: Gauge,
}

impl Metrics {
    /// Metrics of `service`, every name prefixed `sangkien_`.
    pub fn new(service: &str) -> Self {
        let mut registry = Registry::with_prefix_and_labels(
            "sangkien",
            [(
                std::borrow::Cow::Borrowed("service"),
                std::borrow::Cow::Owned(service.to_owned()),
            )]
            .into_iter(),
        );
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram as fn() -> Histogram,
        );
        let outbox_backlog = Gauge::default();
        let events_published = Counter::default();
        let deliveries = Family::<OutcomeLabels, Counter>::default();
        let dead_letters = Gauge::default();
        registry.register(
            "http_requests",
            "HTTP requests by route and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "HTTP request latency by route",
            latency.clone(),
        );
        registry.register(
            "outbox_backlog",
            "Events not yet confirmed by the broker",
            outbox_backlog.clone(),
        );
        registry.register(
            "events_published",
            "Events published by the outbox relay",
            events_published.clone(),
        );
        registry.register(
            "event_deliveries",
            "Event deliveries by outcome",
            deliveries.clone(),
        );
        registry.register(
            "dead_letters",
            "Events in the dead-letter queue",
            dead_letters.clone(),
        );
        Self {
            registry: Mutex::new(registry),
            requests,
            latency,
            outbox_backlog,
            events_published,
            deliveries,
            dead_letters,
        }
    }

    /// Counts a delivery outcome.
    pub fn count_delivery(&self, outcome: &str) {
        self.deliveries
            .get_or_create(&OutcomeLabels {
                outcome: outcome.to_owned(),
            })
            .inc();
    }

    /// Records one HTTP request.
    pub fn observe_request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_owned(),
                route: route.to_owned(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                method: method.to_owned(),
                route: route.to_owned(),
            })
            .observe(seconds);
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if let Ok(registry) = self.registry.lock() {
            let _ = encode(&mut out, &registry);
        }
        out
    }
}
