//! `sangkien-gateway`: the gateway as its own process (distributed mode).
//!
//! `sangkien-gateway` serves; `sangkien-gateway migrate` applies the identity store's
//! migrations and exits.

use std::sync::Arc;

use sangkien_kit::{Settings, SystemClock, process::shutdown_signal, service::Shared};

fn main() -> anyhow::Result<()> {
    let settings = match Settings::load(None) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("sangkien-gateway: {e}");
            std::process::exit(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        sangkien_kit::telemetry::init(&settings.log);
        if std::env::args().nth(1).as_deref() == Some("migrate") {
            let mut s = settings.clone();
            s.migrate_on_start = true;
            sangkien_gateway::open_store(&s).await?;
            println!("migrations applied: gateway");
            return Ok(());
        }
        // The gateway verifies with its own keys; it has no use for its own JWKS address.
        let mut own = settings.clone();
        own.auth.jwks_url = None;
        let shared = Shared::from_settings(&own, Arc::new(SystemClock)).await?;
        let listener = std::net::TcpListener::bind(settings.listen)?;
        let upstreams = sangkien_gateway::Upstreams::from_settings(&settings);
        let gateway = sangkien_gateway::start(&settings, &shared, upstreams, listener).await?;
        println!("sangkien-gateway listening on {}", gateway.url());
        shutdown_signal().await;
        gateway.stop().await;
        Ok(())
    })
}
