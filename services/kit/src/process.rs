//! The `main` of a service binary in distributed mode: settings, logging, transport, start,
//! then wait for Ctrl-C or SIGTERM and stop cleanly. `<binary> migrate` only migrates;
//! `--help` and `--version` print and exit before anything is read, opened or bound.

use futures::future::BoxFuture;
use std::path::PathBuf;

use crate::{
    Settings, SystemClock,
    service::{RunningService, Shared},
};

/// Starts a service.
pub type StartFn = fn(Settings, Shared) -> BoxFuture<'static, anyhow::Result<RunningService>>;

/// Applies a service's migrations and nothing else (the `migrate` command): no listener, no
/// event transport, no relay or consumers, so it can run as a deployment's one-off job.
pub type MigrateFn = fn(Settings) -> BoxFuture<'static, anyhow::Result<()>>;

/// The settings every distributed binary reads (see [`crate::settings::SETTINGS`]).
pub const COMMON_SETTINGS: &[&str] = &[
    "data_dir",
    "migrate_on_start",
    "log",
    "database",
    "events",
    "auth",
];

/// What a distributed binary's command line asked for.
#[derive(Debug, Clone)]
pub struct Invocation {
    /// `--config FILE`, when given.
    pub config: Option<PathBuf>,
    /// `migrate`: apply the migrations and exit.
    pub migrate: bool,
}

/// Parses the command line of the distributed binary `bin`. `--help` prints the usage, the
/// commands and the settings under `reads` (with environment variables and defaults), and
/// `--version` the version; both exit 0 here, before any setting is loaded, so neither
/// touches the disk or the network.
pub fn parse_command_line(bin: &str, about: &str, reads: &[&str]) -> Invocation {
    let matches = clap::Command::new(bin.to_owned())
        .version(env!("CARGO_PKG_VERSION"))
        .about(about.to_owned())
        .arg(
            clap::Arg::new("config")
                .long("config")
                .global(true)
                .value_name("FILE")
                .value_parser(clap::value_parser!(PathBuf))
                .help("A TOML settings file (also SANGKIEN_CONFIG)"),
        )
        .subcommand(
            clap::Command::new("serve").about("Serve until Ctrl-C or SIGTERM (the default)"),
        )
        .subcommand(
            clap::Command::new("migrate").about("Apply this binary's database migrations and exit"),
        )
        .after_help(crate::settings::settings_help(reads))
        .get_matches();
    let config = matches
        .subcommand()
        .and_then(|(_, sub)| sub.get_one::<PathBuf>("config").cloned())
        .or_else(|| matches.get_one::<PathBuf>("config").cloned());
    Invocation {
        config,
        migrate: matches.subcommand_name() == Some("migrate"),
    }
}

/// The settings the service binary `name` reads: the common ones, its own section and the
/// sections of what it does (files for intake, the author's view for appraisal, signed links
/// and the province for decision).
pub fn service_settings(name: &str) -> Vec<&'static str> {
    let own: &[&'static str] = match name {
        "intake" => &["intake", "files", "links"],
        "appraisal" => &["appraisal", "author_view", "links"],
        "decision" => &["decision", "links", "province"],
        _ => &[],
    };
    COMMON_SETTINGS.iter().chain(own).copied().collect()
}

/// Runs the service binary `name` until it is told to stop, or, for `migrate`, applies its
/// migrations and exits.
pub fn run_service(name: &str, start: StartFn, migrate: MigrateFn) -> anyhow::Result<()> {
    let bin = format!("sangkien-{name}");
    let invocation = parse_command_line(
        &bin,
        &format!("The {name} service of sangkien as its own process (distributed mode)."),
        &service_settings(name),
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        crate::install_crypto_provider();
        let mut settings = Settings::load(invocation.config)?;
        crate::telemetry::init(&settings.log);
        if invocation.migrate {
            settings.migrate_on_start = true;
            migrate(settings).await?;
            // The summary is for the person (standard output), as `sangkien migrate` prints it.
            println!("migrations applied: {name}");
            return Ok(());
        }
        crate::links::require_secret(&settings)?;
        let shared = Shared::from_settings(&settings, std::sync::Arc::new(SystemClock)).await?;
        let service = start(settings, shared).await?;
        println!("sangkien-{name} listening on {}", service.url());
        shutdown_signal().await;
        tracing::info!(service = name, "stopping");
        service.stop().await;
        Ok(())
    })
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}
