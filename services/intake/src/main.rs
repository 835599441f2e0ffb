//! `sangkien-intake`: the intake service as its own process (distributed mode).

fn main() -> anyhow::Result<()> {
    sangkien_kit::process::run_service(
        "intake",
        |settings, shared| {
            Box::pin(async move {
                let listener = std::net::TcpListener::bind(settings.intake.listen)?;
                sangkien_intake::start(&settings, &shared, listener).await
            })
        },
        |settings| Box::pin(async move { sangkien_intake::migrate(&settings).await }),
    )
}
