//! `sangkien-node <intake|appraisal|decision|gateway>`: one process of the distributed
//! topology for the end-to-end tests. Configured by `SANGKIEN_*` like the production
//! binaries; the services read their time from the file named by `SK_CLOCK_FILE` (the test
//! moves it through the year), the gateway keeps the real time for tokens. Not shipped: the
//! production binaries have no way to move time.

use std::sync::Arc;

use sangkien_e2e::clock::FileClock;
use sangkien_kit::{
    Settings, SystemClock, clock::SharedClock, process::shutdown_signal, service::Shared,
};

fn main() -> anyhow::Result<()> {
    let which = std::env::args().nth(1).unwrap_or_default();
    let settings = Settings::load(None)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        sangkien_kit::install_crypto_provider();
        sangkien_kit::telemetry::init(&settings.log);
        let clock: SharedClock = match std::env::var("SK_CLOCK_FILE") {
            Ok(path) if which != "gateway" => Arc::new(FileClock::new(path)),
            _ => Arc::new(SystemClock),
        };
        let listen = |addr| std::net::TcpListener::bind(addr);
        match which.as_str() {
            "gateway" => {
                let mut own = settings.clone();
                own.auth.jwks_url = None;
                let shared = Shared::from_settings(&own, clock).await?;
                let upstreams = sangkien_gateway::Upstreams::from_settings(&settings);
                let gateway = sangkien_gateway::start(
                    &settings,
                    &shared,
                    upstreams,
                    listen(settings.listen)?,
                )
                .await?;
                println!("sangkien-node gateway listening on {}", gateway.url());
                shutdown_signal().await;
                gateway.stop().await;
            }
            "intake" | "appraisal" | "decision" => {
                let shared = Shared::from_settings(&settings, clock).await?;
                let service = match which.as_str() {
                    "intake" => {
                        sangkien_intake::start(&settings, &shared, listen(settings.intake.listen)?)
                            .await?
                    }
                    "appraisal" => {
                        sangkien_appraisal::start(
                            &settings,
                            &shared,
                            listen(settings.appraisal.listen)?,
                        )
                        .await?
                    }
                    _ => {
                        sangkien_decision::start(
                            &settings,
                            &shared,
                            listen(settings.decision.listen)?,
                        )
                        .await?
                    }
                };
                println!("sangkien-node {which} listening on {}", service.url());
                shutdown_signal().await;
                service.stop().await;
            }
            other => anyhow::bail!(
                "usage: sangkien-node <intake|appraisal|decision|gateway>, not {other:?}"
            ),
        }
        Ok(())
    })
}
