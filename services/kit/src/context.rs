//! The context a service's handlers receive (its database, outbox, clock, metrics and
//! transport), in a module of its own so the HTTP plumbing that reads it (health, metrics)
//! does not import the service builder that mounts that plumbing.

use sea_orm::DatabaseConnection;
use std::sync::Arc;

use crate::{
    clock::SharedClock,
    events::{Outbox, SharedTransport},
    metrics::Metrics,
};

/// What a service hands to its handlers: its database, outbox, clock and metrics.
#[derive(Clone)]
pub struct ServiceContext {
    /// Service name (`intake`).
    pub name: String,
    /// Its own database.
    pub db: DatabaseConnection,
    /// Its outbox.
    pub outbox: Outbox,
    /// The clock.
    pub clock: SharedClock,
    /// Its metrics.
    pub metrics: Arc<Metrics>,
    /// The event transport.
    pub transport: SharedTransport,
}
