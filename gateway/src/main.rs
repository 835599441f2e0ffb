//! `sangkien-gateway`: the gateway as its own process (distributed mode).

use sangkien_kit::{Settings, process::shutdown_signal};

fn main() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let settings = Settings::load(None)?;
        sangkien_kit::telemetry::init(&settings.log);
        let listener = std::net::TcpListener::bind(settings.listen)?;
        let upstreams = sangkien_gateway::Upstreams::from_settings(&settings);
        let gateway = sangkien_gateway::start(&settings, upstreams, listener).await?;
        println!("sangkien-gateway listening on {}", gateway.url());
        shutdown_signal().await;
        gateway.stop().await;
        Ok(())
    })
}
