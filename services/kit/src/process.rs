//! The `main` of a service binary in distributed mode: settings, logging, transport, start,
//! then wait for Ctrl-C or SIGTERM and stop cleanly. `<binary> migrate` only migrates.

use futures::future::BoxFuture;

use crate::{
    Settings, SystemClock,
    service::{RunningService, Shared},
};

/// Starts a service.
pub type StartFn = fn(Settings, Shared) -> BoxFuture<'static, anyhow::Result<RunningService>>;

/// Runs the service binary `name` until it is told to stop.
pub fn run_service(name: &str, start: StartFn) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        crate::install_crypto_provider();
        let args: Vec<String> = std::env::args().skip(1).collect();
        let config = args
            .windows(2)
            .find(|w| w[0] == "--config")
            .map(|w| std::path::PathBuf::from(&w[1]));
        let mut settings = Settings::load(config)?;
        crate::telemetry::init(&settings.log);
        let migrate_only = args.first().is_some_and(|a| a == "migrate");
        if migrate_only {
            settings.migrate_on_start = true;
        }
        if !migrate_only {
            crate::links::require_secret(&settings)?;
        }
        let shared = Shared::from_settings(&settings, std::sync::Arc::new(SystemClock)).await?;
        let service = start(settings, shared).await?;
        if migrate_only {
            tracing::info!(service = name, "migrations applied");
            service.stop().await;
            return Ok(());
        }
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
