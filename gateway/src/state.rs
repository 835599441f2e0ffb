//! What the gateway's handlers share.

use sea_orm::DatabaseConnection;
use std::{sync::Arc, time::Duration};

use sangkien_kit::{Settings, auth::Verifier, clock::SharedClock, events::Outbox};

use crate::{
    Upstreams,
    domain::policy::Rule,
    keys::KeyRing,
    limits::{LoginThrottle, RateLimits},
};

/// The gateway's state.
pub struct GatewayState {
    /// The settings.
    pub settings: Settings,
    /// The identity store.
    pub db: DatabaseConnection,
    /// Its outbox (directory events).
    pub outbox: Outbox,
    /// The clock.
    pub clock: SharedClock,
    /// Signing keys.
    pub keys: KeyRing,
    /// Verifies the tokens the gateway itself issued.
    pub verifier: Arc<Verifier>,
    /// Where the services are.
    pub upstreams: Upstreams,
    /// The client that reaches them.
    pub client: reqwest::Client,
    /// How long to wait for a service's answer to begin.
    pub upstream_timeout: Duration,
    /// Request-rate limits.
    pub rates: RateLimits,
    /// Sign-in throttle.
    pub logins: LoginThrottle,
    /// The route policy.
    pub policy: Vec<Rule>,
    /// The operator's tenant, whose admins manage every tenant.
    pub root_tenant: uuid::Uuid,
    /// Whether the accounts behind tokens are still active.
    pub accounts: crate::accounts::AccountGate,
}
