//! `sangkien-appraisal`: the appraisal service as its own process (distributed mode).

fn main() -> anyhow::Result<()> {
    sangkien_kit::process::run_service(
        "appraisal",
        |settings, shared| {
            Box::pin(async move {
                let listener = std::net::TcpListener::bind(settings.appraisal.listen)?;
                sangkien_appraisal::start(&settings, &shared, listener).await
            })
        },
        |settings| Box::pin(async move { sangkien_appraisal::migrate(&settings).await }),
    )
}
