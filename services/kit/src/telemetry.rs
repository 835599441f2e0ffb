//! Logging: pretty lines in a terminal, JSON lines otherwise (`log.format`), always on
//! standard error, so standard output carries only what a command prints for the person
//! (the demo's passwords, `migrate`'s summary, `dead-letters list`) and `| tee` keeps it clean.

use std::io::IsTerminal;
use tracing_subscriber::EnvFilter;

use crate::settings::{LogFormat, LogSettings};

/// Installs the global subscriber once; later calls (tests) do nothing. `RUST_LOG` wins
/// over `log.level`.
pub fn init(settings: &LogSettings) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&settings.level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let json = match settings.format {
        LogFormat::Auto => !std::io::stderr().is_terminal(),
        LogFormat::Pretty => false,
        LogFormat::Json => true,
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if json {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init()
    } else {
        builder.try_init()
    };
}

/// Logs for tests: only when `TEST_LOG` is set, so test output stays readable.
pub fn init_for_tests() {
    if std::env::var_os("TEST_LOG").is_some() {
        init(&LogSettings {
            level: "info,sangkien_kit=debug".into(),
            format: LogFormat::Pretty,
        });
    }
}
