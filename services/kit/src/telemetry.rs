//! Logging: pretty lines in a terminal, JSON lines otherwise (`log.format`), always on
//! standard error, so standard output carries only what a command prints for the person
//! (the demo's passwords, `migrate`'s summary, `dead-letters list`) and `| tee` keeps it clean.

use std::io::IsTerminal;
use tracing_subscriber::EnvFilter;

use crate::settings::{LogFormat, LogSettings};

/// Installs the global subscriber once; later calls (tests) do nothing. `RUST_LOG` wins
/// over `log.level`.
pub fn init(settings: &LogSettings) {
    let level = std::env::var("RUST_LOG")
        .ok()
        .filter(|l| !l.trim().is_empty())
        .unwrap_or_else(|| settings.level.clone());
    let filter = EnvFilter::try_new(quiet_broker_client(&level))
        .unwrap_or_else(|_| EnvFilter::new(quiet_broker_client("info")));
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

/// The filter for `level`, with the AMQP client's own lines off unless `level` names it:
/// lapin logs three ERROR lines of its own each time a broker connection closes, although the
/// kit's transport reconnects and logs one WARN for it ("event consumer disconnected"), and
/// every lapin failure also reaches the kit as an error it reports. `RUST_LOG=info,lapin=debug`
/// brings them back.
fn quiet_broker_client(level: &str) -> String {
    if level.contains("lapin") {
        level.to_owned()
    } else {
        format!("{level},lapin=off")
    }
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

#[cfg(test)]
mod tests {
    use super::quiet_broker_client;

    /// Broker reconnects that heal log one WARN of the kit's, not lapin's three ERRORs.
    #[test]
    fn the_broker_client_s_own_lines_are_off_unless_the_level_names_it() {
        assert_eq!(quiet_broker_client("info"), "info,lapin=off");
        assert_eq!(
            quiet_broker_client("warn,sangkien_kit=debug"),
            "warn,sangkien_kit=debug,lapin=off"
        );
        assert_eq!(quiet_broker_client("info,lapin=debug"), "info,lapin=debug");
        assert!(tracing_subscriber::EnvFilter::try_new(quiet_broker_client("info")).is_ok());
    }
}
