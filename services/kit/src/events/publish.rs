//! Publishing an event: the one way a service (or the gateway) writes an event, so every
//! envelope carries its tenant, correlation and causation the same way.
//!
//! [`Outbox::publish`] builds the envelope and adds it to the outbox in the caller's
//! transaction; it leaves with the state change that caused it or not at all.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr};
use uuid::Uuid;

use sangkien_proto::{Envelope, Event};

use super::Outbox;
use crate::auth::Caller;

/// Whose event it is and what caused it: the envelope's tenant, correlation id and causation
/// id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin<'a> {
    /// The tenant the event belongs to.
    pub tenant: Uuid,
    /// The request id (or the correlation id of the event that caused this one), followed
    /// across services in the logs.
    pub correlation_id: &'a str,
    /// The event that caused this one, when an event handler publishes.
    pub causation_id: Option<Uuid>,
}

impl Origin<'_> {
    /// The same origin for another tenant (an admin of the root tenant acting on a body).
    pub fn in_tenant(self, tenant: Uuid) -> Self {
        Self { tenant, ..self }
    }
}

/// An event caused by a caller's request: the caller's tenant, the request id.
impl<'a> From<&'a Caller> for Origin<'a> {
    fn from(caller: &'a Caller) -> Self {
        Self {
            tenant: caller.tenant,
            correlation_id: &caller.request_id,
            causation_id: None,
        }
    }
}

/// An event caused by a consumed one: its tenant and correlation, caused by its id.
impl<'a> From<&'a Envelope> for Origin<'a> {
    fn from(cause: &'a Envelope) -> Self {
        Self {
            tenant: cause.tenant,
            correlation_id: &cause.correlation_id,
            causation_id: Some(cause.id),
        }
    }
}

impl Outbox {
    /// Writes `event` to the outbox inside `txn`: an envelope of `origin` that occurred at
    /// `now` (the service clock's instant of the change, the one written on its rows).
    /// Returns the envelope's id. Call [`Outbox::commit`] (or let the consumer commit) to
    /// wake the relay.
    pub async fn publish<'a, C: ConnectionTrait, E: Event>(
        &self,
        txn: &C,
        now: DateTime<Utc>,
        origin: impl Into<Origin<'a>>,
        event: &E,
    ) -> Result<Uuid, DbErr> {
        let origin = origin.into();
        let envelope = Envelope::new(
            event,
            origin.tenant,
            now,
            origin.correlation_id,
            origin.causation_id,
        )
        .map_err(|e| DbErr::Custom(format!("{} does not serialise: {e}", E::TYPE)))?;
        self.enqueue(txn, &envelope, now).await?;
        Ok(envelope.id)
    }
}
