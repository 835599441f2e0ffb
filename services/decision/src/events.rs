//! What decision does with the events it consumes.

use async_trait::async_trait;
use sea_orm::DatabaseTransaction;

use sangkien_kit::{clock::SharedClock, events::EventHandler};
use sangkien_proto::Envelope;

/// Dispatches each consumed event to its handler; unknown types are acknowledged and
/// ignored, so a newer publisher never blocks an older consumer. Probes are recorded in
/// front of it (`diagnostics::recording_probes`).
pub struct Handlers {
    clock: SharedClock,
}

impl Handlers {
    /// Handlers using `clock` for receipt times.
    pub fn new(clock: SharedClock) -> Self {
        Self { clock }
    }
}

#[async_trait]
impl EventHandler for Handlers {
    async fn handle(&self, txn: &DatabaseTransaction, envelope: &Envelope) -> anyhow::Result<()> {
        let now = self.clock.now();
        let by_decisions = crate::decisions::handle(txn, envelope, now).await?;
        let by_budget = crate::budget::handle(txn, envelope, now).await?;
        let by_nominations = crate::nominations::handle(txn, envelope, now).await?;
        if !by_decisions && !by_budget && !by_nominations {
            tracing::debug!(event_type = %envelope.event_type, "event type not handled here");
        }
        Ok(())
    }
}
