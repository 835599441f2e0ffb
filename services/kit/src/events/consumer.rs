//! The inbox and the consumer runner.
//!
//! Each delivery is handled in one database transaction that first records the event id in
//! `inbox_events`; a redelivered or duplicated event finds its id there and is acknowledged
//! without a second effect, also when two consumer instances receive it at the same moment
//! (the second insert waits for the first transaction and then finds the row). The
//! transport acknowledges only after the commit.

use async_trait::async_trait;
use sea_orm::{
    ActiveValue::Set, DatabaseConnection, DatabaseTransaction, EntityTrait, sea_query::OnConflict,
};
use std::sync::Arc;
use tracing::Instrument;

use sangkien_proto::Envelope;

use super::{Delivery, DeliveryHandler, Outbox, Outcome};
use crate::{clock::SharedClock, metrics::Metrics, store::inbox};

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
                return Outcome::DeadLetter;
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
            match self.process(&envelope).await {
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
                    self.metrics.count_delivery("failed");
                    tracing::warn!(error = format!("{e:#}"), "event handler failed; will retry");
                    Outcome::Retry
                }
            }
        }
        .instrument(span)
        .await
    }
}
