//! `sangkien-decision`: the decision service as its own process (distributed mode).

fn main() -> anyhow::Result<()> {
    sangkien_kit::process::run_service(
        "decision",
        |settings, shared| {
            Box::pin(async move {
                let listener = std::net::TcpListener::bind(settings.decision.listen)?;
                sangkien_decision::start(&settings, &shared, listener).await
            })
        },
        |settings| Box::pin(async move { sangkien_decision::migrate(&settings).await }),
    )
}
