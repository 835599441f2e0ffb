//! Starting and stopping the whole system in one process.

use std::sync::Arc;

use sangkien_gateway::{RunningGateway, Upstreams};
use sangkien_kit::{
    ExposeSecret, Settings, SystemClock,
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

/// Starts the services and the gateway on `settings.listen`, which hands requests to the
/// services in process. The services also listen on loopback ports (probes, and tests that
/// call a service directly), but the gateway does not go through them.
pub async fn start(settings: &Settings, shared: &Shared) -> anyhow::Result<System> {
    let mut settings = settings.clone();
    sangkien_kit::links::ensure_secret(&mut settings)?;
    let settings = &settings;
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
        // The gateway hands requests to the services in process: no loopback hop, no second
        // parse, and the caller it verified goes with the request.
        local: vec![
            ("intake".into(), intake.local.clone()),
            ("appraisal".into(), appraisal.local.clone()),
            ("decision".into(), decision.local.clone()),
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

/// `sangkien --demo`: serves, and at the first start loads the shipped example (Vĩnh Tường's
/// 2022 plan, its offices, schools, communes and one person per role) with every window
/// opened around today, printing each demo person's password once.
pub async fn serve_demo(mut settings: Settings, example_text: &str) -> anyhow::Result<()> {
    let example = crate::example::Example::parse(example_text)?;
    let marker = settings.data_dir.join("demo-loaded");
    let first = !marker.exists();
    let generated = (first && settings.admin_password.is_none()).then(|| {
        let pw = crate::example::password();
        settings.admin_password = Some(pw.clone().into());
        pw
    });
    std::fs::create_dir_all(&settings.data_dir)?;
    let shared = Shared::from_settings(&settings, Arc::new(SystemClock)).await?;
    let system = start(&settings, &shared).await?;
    let url = system.gateway.url();
    println!("sangkien (demo) listening on {url}");
    println!("  API docs: {url}/docs/   health: {url}/healthz");
    if first {
        let today = sangkien_kit::clock::local_date(chrono::Utc::now());
        let admin_pw = settings
            .admin_password
            .as_ref()
            .map(|p| p.expose_secret().to_owned())
            .unwrap_or_default();
        let loaded = crate::example::load(&url, &admin_pw, &example, crate::example::Dating::OpenAround(today))
            .await
            .map_err(|e| anyhow::anyhow!("loading the demo failed: {e:#}\n(an existing data directory needs SANGKIEN_ADMIN_PASSWORD, or start with an empty one)"))?;
        std::fs::write(&marker, &loaded.tenant)?;
        println!();
        println!(
            "Demo: {} — every window is open around today ({today}).",
            example.body.name
        );
        println!("These passwords are shown once; keep them.");
        if let Some(pw) = &generated {
            println!(
                "  {:<16} {:<28} {:<40} {}",
                "admin", "Quản trị hệ thống", "admin (system)", pw
            );
        }
        for username in &loaded.order {
            let (_, name, pw) = &loaded.users[username];
            let roles = example
                .users
                .iter()
                .find(|u| &u.username == username)
                .map(|u| {
                    u.grants
                        .iter()
                        .map(|g| format!("{}@{}", g.role, g.unit))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            println!("  {username:<16} {name:<28} {roles:<40} {pw}");
        }
        println!("Walkthrough: README.md, section \"Try it\".");
    } else {
        println!("Demo data was loaded at the first start; its passwords were printed then.");
    }
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
