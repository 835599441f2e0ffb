//! The inbox and the consumer runner.
//!
//! Each delivery is handled in one database transaction that first records the event id in
//! `inbox_events`; a redelivered or duplicated event finds its id there and is acknowledged
//! without a second effect, also when two consumer instances receive it at the same moment
//! (the second insert waits for the first transaction and then finds the row). The
//! transport acknowledges only after the commit.
//!
//! A failure of the service's own database (unreachable, pool timeout: see
//! [`crate::outage`]) says nothing about the event, so it never spends a delivery attempt:
//! the runner holds the delivery, waits until the database answers again and handles it then.
//! Every delivery in flight is held the same way, so the consumer takes no new ones (the
//! transport's prefetch is full) until the database is back. Only an event whose handler fails
//! on a healthy service goes back to its queue and, after the delivery limit, to the
//! dead-letter queue, which is logged at WARN with the event's id, type and last error.

use async_trait::async_trait;
use sea_orm::{
    ActiveValue::Set, DatabaseConnection, DatabaseTransaction, EntityTrait, sea_query::OnConflict,
};
use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};
use tracing::Instrument;

use sangkien_proto::Envelope;

use super::{Delivery, DeliveryHandler, Outbox, Outcome};
use crate::{clock::SharedClock, metrics::Metrics, outage, store::inbox};

/// Longest pause between two checks of a database that is down.
const MAX_OUTAGE_PAUSE: Duration = Duration::from_secs(5);

/// What a service does with one event, inside the inbox transaction.
#[async_trait]
pub trait EventHandler: Send + Sync {
    /// Applies the event. Everything written through `txn` (including follow-up events via
    /// the outbox) commits together with the inbox record, or not at all when this fails.
    async fn handle(&self, txn: &DatabaseTransaction, envelope: &Envelope) -> anyhow::Result<()>;
}

/// What became of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Processed {
    /// Handled now.
    Handled,
    /// Already handled before; nothing done.
    Duplicate,
}

/// Runs a service's [`EventHandler`] behind its inbox.
pub struct Consumer {
    name: String,
    db: DatabaseConnection,
    handler: Arc<dyn EventHandler>,
    outbox: Outbox,
    clock: SharedClock,
    metrics: Arc<Metrics>,
    delivery_limit: Option<u32>,
    paused: AtomicBool,
}

impl Consumer {
    /// A consumer named `name` (its inbox rows carry the name) over `db`.
    pub fn new(
        name: impl Into<String>,
        db: DatabaseConnection,
        handler: Arc<dyn EventHandler>,
        outbox: Outbox,
        clock: SharedClock,
        metrics: Arc<Metrics>,
    ) -> Self {
        Self {
            name: name.into(),
            db,
            handler,
            outbox,
            clock,
            metrics,
            delivery_limit: None,
            paused: AtomicBool::new(false),
        }
    }

    /// The transport's delivery limit (`events.delivery_limit`), so the last failed delivery
    /// of an event, which sends it to the dead-letter queue, is logged as such.
    pub fn with_delivery_limit(mut self, limit: u32) -> Self {
        self.delivery_limit = Some(limit);
        self
    }

    /// Waits until the database answers again, checking with a growing pause.
    async fn wait_for_database(&self) {
        let mut pause = Duration::from_millis(200);
        loop {
            tokio::time::sleep(pause).await;
            if self.db.ping().await.is_ok() {
                return;
            }
            pause = (pause * 2).min(MAX_OUTAGE_PAUSE);
        }
    }

    /// Handles `envelope`, holding it through outages of the database: an outage is waited
    /// out (the delivery is neither acknowledged nor returned) and the event handled again.
    async fn process_through_outages(&self, envelope: &Envelope) -> anyhow::Result<Processed> {
        loop {
            match self.process(envelope).await {
                Err(e) if outage::is_outage(&e) => {
                    self.metrics.count_delivery("held");
                    if !self.paused.swap(true, Ordering::SeqCst) {
                        tracing::warn!(
                            consumer = %self.name,
                            error = format!("{e:#}"),
                            "database unreachable: holding deliveries, taking no new ones, until it answers"
                        );
                    }
                    self.wait_for_database().await;
                    if self.paused.swap(false, Ordering::SeqCst) {
                        tracing::warn!(consumer = %self.name, "database answers again: resuming deliveries");
                    }
                }
                other => return other,
            }
        }
    }

    /// Handles `envelope` exactly once per consumer name.
    pub async fn process(&self, envelope: &Envelope) -> anyhow::Result<Processed> {
        let txn = crate::db::begin_write(&self.db).await?;
        let inserted = inbox::Entity::insert(inbox::ActiveModel {
            event_id: Set(envelope.id),
            consumer: Set(self.name.clone()),
            event_type: Set(envelope.event_type.clone()),
            handled_at: Set(self.clock.now()),
        })
        .on_conflict(
            OnConflict::columns([inbox::Column::EventId, inbox::Column::Consumer])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
        if inserted == 0 {
            txn.rollback().await?;
            return Ok(Processed::Duplicate);
        }
        self.handler.handle(&txn, envelope).await?;
        self.outbox.commit(txn).await?;
        Ok(Processed::Handled)
    }
}

#[async_trait]
impl DeliveryHandler for Consumer {
    async fn deliver(&self, delivery: Delivery) -> Outcome {
        let envelope = match Envelope::from_bytes(&delivery.body) {
            Ok(e) => e,
            Err(e) => {
                tracing::error!(consumer = %self.name, routing_key = %delivery.routing_key, error = %e, "unreadable event sent to the dead-letter queue");
                self.metrics.count_delivery("dead_letter");
                return Outcome::DeadLetter(format!("unreadable event: {e}"));
            }
        };
        let span = tracing::info_span!(
            "event",
            consumer = %self.name,
            event_id = %envelope.id,
            event_type = %envelope.event_type,
            request_id = %envelope.correlation_id,
            previous_deliveries = delivery.previous_deliveries,
        );
        async {
            match self.process_through_outages(&envelope).await {
                Ok(Processed::Handled) => {
                    self.metrics.count_delivery("handled");
                    tracing::debug!("event handled");
                    Outcome::Ack
                }
                Ok(Processed::Duplicate) => {
                    self.metrics.count_delivery("duplicate");
                    tracing::debug!("duplicate event dropped");
                    Outcome::Ack
                }
                Err(e) => {
                    let error = format!("{e:#}");
                    self.metrics.count_delivery("failed");
                    let deliveries = delivery.previous_deliveries.saturating_add(1);
                    if self.delivery_limit.is_some_and(|limit| deliveries >= limit) {
                        self.metrics.count_delivery("dead_letter");
                        tracing::warn!(
                            event_id = %envelope.id,
                            event_type = %envelope.event_type,
                            deliveries,
                            last_error = %error,
                            "event failed its last delivery: moved to the dead-letter queue"
                        );
                    } else {
                        tracing::warn!(
                            error = %error,
                            deliveries,
                            "event handler failed; will retry"
                        );
                    }
                    Outcome::Retry(error)
                }
            }
        }
        .instrument(span)
        .await
    }
}
