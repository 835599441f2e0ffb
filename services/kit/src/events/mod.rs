//! Events between services: the transport interface, its two implementations, the outbox
//! and the inbox-backed consumer runner.
//!
//! Both transports give the same guarantees, so the standalone process and the distributed
//! deployment run the same outbox, inbox and handler code: at-least-once delivery,
//! redelivery of anything not acknowledged, a bounded number of deliveries before an event
//! goes to its service's dead-letter queue, and replay from there.

pub mod amqp;
pub mod backoff;
pub mod consumer;
pub mod in_process;
pub mod names;
pub mod outbox;
pub mod publish;
pub mod topic;

use async_trait::async_trait;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

use sangkien_proto::Envelope;

pub use consumer::{Consumer, EventHandler, Processed};
pub use outbox::{Outbox, OutboxRelay};
pub use publish::Origin;

/// A message handed to a consumer.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The message body: an envelope as JSON.
    pub body: Vec<u8>,
    /// Routing key it was published with.
    pub routing_key: String,
    /// How many times it was delivered before this one.
    pub previous_deliveries: u32,
}

/// What a consumer decided about a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Done (handled now or earlier): remove it from the queue.
    Ack,
    /// Failed for now, with the error: deliver again later, up to the delivery limit. The
    /// error of the last delivery stays with the message in the dead-letter queue, so an
    /// operator listing dead letters sees why each one is there.
    Retry(String),
    /// Can never succeed (unreadable), with the reason: straight to the dead-letter queue.
    DeadLetter(String),
}

/// The longest error text kept with a dead letter: enough for a chain of causes, bounded so
/// one pathological message cannot bloat the queue.
pub const LAST_ERROR_MAX_CHARS: usize = 1000;

/// `error` cut to [`LAST_ERROR_MAX_CHARS`] characters (on a character boundary).
pub fn bounded_error(error: &str) -> String {
    error.chars().take(LAST_ERROR_MAX_CHARS).collect()
}

/// Receives deliveries from a transport.
#[async_trait]
pub trait DeliveryHandler: Send + Sync {
    /// Handles one delivery; the transport acknowledges according to the outcome.
    async fn deliver(&self, delivery: Delivery) -> Outcome;
}

/// One service's queue and the routing keys bound to it.
#[derive(Debug, Clone)]
pub struct QueueSpec {
    /// The consuming service (`appraisal`); queue names derive from it.
    pub service: String,
    /// Routing-key patterns (`dossier.received`, `dossier.*`).
    pub bindings: Vec<String>,
}

/// A message resting in a dead-letter queue.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DeadLetter {
    /// Message (envelope) id.
    pub message_id: String,
    /// Routing key.
    pub routing_key: String,
    /// Deliveries before it was dead-lettered, when known.
    pub deliveries: Option<u32>,
    /// The error of its last delivery, when known (why it is here).
    pub last_error: Option<String>,
    /// The envelope as published.
    pub body: String,
}

/// Why the transport could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// The broker could not be reached or dropped the connection.
    #[error("event broker unreachable: {0}")]
    Unreachable(String),
    /// The broker refused a message (negative publisher confirm).
    #[error("event broker refused the message: {0}")]
    Refused(String),
    /// The local queue store failed.
    #[error("event queue store failed: {0}")]
    Store(#[from] sea_orm::DbErr),
}

/// Carries events between services.
#[async_trait]
pub trait Transport: Send + Sync {
    /// Publishes the envelopes and returns only when the broker has confirmed all of them
    /// (persisted); an error means some may not have been, and the caller publishes them
    /// again later.
    async fn publish(&self, envelopes: &[Envelope]) -> Result<(), TransportError>;

    /// Declares every service queue of `topology` with its bindings, so an event published
    /// before its consumer first starts is kept for it.
    async fn declare(&self, topology: &[QueueSpec]) -> Result<(), TransportError>;

    /// Consumes `queue` until `cancel`, reconnecting with backoff whenever the broker goes
    /// away. Several runners may consume the same queue; each delivery goes to one.
    async fn run_consumer(
        &self,
        queue: QueueSpec,
        handler: Arc<dyn DeliveryHandler>,
        cancel: CancellationToken,
    );

    /// Fails when the broker cannot be reached now.
    async fn check(&self) -> Result<(), TransportError>;

    /// Up to `limit` messages from `service`'s dead-letter queue, left in place.
    async fn dead_letters(
        &self,
        service: &str,
        limit: usize,
    ) -> Result<Vec<DeadLetter>, TransportError>;

    /// Sends dead letters of `service` back to its queue (all of them, or those with the
    /// given message ids) and returns how many were replayed.
    async fn replay_dead_letters(
        &self,
        service: &str,
        message_ids: Option<&[String]>,
    ) -> Result<usize, TransportError>;

    /// Number of messages in `service`'s dead-letter queue.
    async fn dead_letter_count(&self, service: &str) -> Result<u64, TransportError>;

    /// Number of events waiting in `service`'s own queue (its consumer lag), so an operator
    /// sees a consumer falling behind before anyone notices a missing case.
    async fn queue_depth(&self, service: &str) -> Result<u64, TransportError>;
}

/// A shared transport.
pub type SharedTransport = Arc<dyn Transport>;

/// The queues of every consuming service and what they listen to; declared by whoever
/// connects first, so no event is dropped for want of a queue.
pub fn topology() -> Vec<QueueSpec> {
    sangkien_proto::events::subscriptions()
        .into_iter()
        .map(|(service, keys)| QueueSpec {
            service: service.to_owned(),
            bindings: keys.into_iter().map(str::to_owned).collect(),
        })
        .collect()
}

#[cfg(test)]
mod topology_tests {
    use super::*;

    #[test]
    fn the_shipped_rabbitmq_definitions_match_the_subscriptions() {
        let text = include_str!("../../../../deploy/rabbitmq-definitions.json");
        let doc: serde_json::Value = serde_json::from_str(text).unwrap();
        let mut shipped: Vec<(String, String)> = doc["bindings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|b| b["source"] == "sangkien.events")
            .map(|b| {
                (
                    b["destination"].as_str().unwrap().to_owned(),
                    b["routing_key"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let mut expected: Vec<(String, String)> = topology()
            .into_iter()
            .flat_map(|q| {
                let queue = format!("sangkien.events.{}", q.service);
                q.bindings.into_iter().map(move |k| (queue.clone(), k))
            })
            .collect();
        shipped.sort();
        expected.sort();
        assert_eq!(
            shipped, expected,
            "regenerate deploy/rabbitmq-definitions.json"
        );
    }
}
