//! Starting and stopping the whole system in one process.

use std::sync::Arc;

use sangkien_gateway::{RunningGateway, Upstreams};
use sangkien_kit::{
    Settings, SystemClock,
    process::shutdown_signal,
    service::{RunningService, Shared, ephemeral_listener},
};

/// The running system: three services and the gateway in front.
pub struct System {
    /// The gateway.
    pub gateway: RunningGateway,
    /// The services.
    pub services: Vec<RunningService>,
}

/// Starts the services on loopback ports and the gateway on `settings.listen`.
pub async fn start(settings: &Settings, shared: &Shared) -> anyhow::Result<System> {
    let listener = std::net::TcpListener::bind(settings.listen)
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", settings.listen))?;
    let intake = sangkien_intake::start(settings, shared, ephemeral_listener()?).await?;
    let appraisal = sangkien_appraisal::start(settings, shared, ephemeral_listener()?).await?;
    let decision = sangkien_decision::start(settings, shared, ephemeral_listener()?).await?;
    let upstreams = Upstreams {
        services: vec![
            ("intake".into(), intake.url()),
            ("appraisal".into(), appraisal.url()),
            ("decision".into(), decision.url()),
        ],
    };
    let gateway = sangkien_gateway::start(settings, shared, upstreams, listener).await?;
    Ok(System {
        gateway,
        services: vec![intake, appraisal, decision],
    })
}

impl System {
    /// Stops the gateway first, then the services, each finishing what is in progress.
    pub async fn stop(self) {
        self.gateway.stop().await;
        for s in self.services {
            s.stop().await;
        }
    }
}

/// `sangkien serve`.
pub async fn serve(settings: Settings) -> anyhow::Result<()> {
    let shared = Shared::from_settings(&settings, Arc::new(SystemClock)).await?;
    let system = start(&settings, &shared).await?;
    println!("sangkien listening on {}", system.gateway.url());
    println!(
        "  API docs: {}/docs/   health: {}/healthz",
        system.gateway.url(),
        system.gateway.url()
    );
    shutdown_signal().await;
    println!("sangkien stopping…");
    system.stop().await;
    Ok(())
}

/// `sangkien migrate`.
pub async fn migrate(settings: &Settings) -> anyhow::Result<()> {
    sangkien_intake::migrate(settings).await?;
    sangkien_appraisal::migrate(settings).await?;
    sangkien_decision::migrate(settings).await?;
    let mut s = settings.clone();
    s.migrate_on_start = true;
    sangkien_gateway::open_store(&s).await?;
    println!("migrations applied: intake, appraisal, decision, gateway");
    Ok(())
}
