//! What every sangkien service needs once.
//!
//! Settings, database connection and migrations, tenant-scoped queries, the injectable clock,
//! the outbox with its one `publish` and its relay, the inbox and consumer runner, the two
//! event transports (RabbitMQ and in-process) behind one interface, problem+json errors, tracing with request ids, health and metrics,
//! JWT verification and the [`auth::Caller`] extractor, and [`service::start`] that
//! assembles a service the same way in production, in the standalone binary and in tests.

pub mod audit;
pub mod auth;
pub mod clock;
pub mod closed_set;
pub mod context;
pub mod db;
pub mod diagnostics;
pub mod error;
pub mod events;
pub mod http;
pub mod idempotent;
pub mod links;
pub mod local;
pub mod metrics;
pub mod outage;
pub mod process;
pub mod service;
pub mod settings;
pub mod store;
pub mod telemetry;
pub mod testing;
pub mod text;

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::ApiError;
pub use settings::Settings;

/// Installs the process-wide TLS crypto provider (ring) once. reqwest and lapin are built
/// without a default provider so the workspace compiles a single crypto backend.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
/// Secret settings are [`SecretString`]s (redacted in `Debug` and in serialised settings); the
/// processes read them with [`ExposeSecret`] where they are used and nowhere else.
pub use secrecy::{ExposeSecret, SecretString};
