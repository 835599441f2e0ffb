//! `sangkien-appraisal`: the appraisal service as its own process (distributed mode).

/// The allocator: mimalloc returns freed memory to the system by itself, where glibc's malloc
/// kept each password hash's large block in its arenas (hundreds of MiB after a few sign-ins)
/// unless `MALLOC_MMAP_THRESHOLD_` was set in the environment.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    sangkien_kit::process::run_service("appraisal", |settings, shared| {
        Box::pin(async move {
            let listener = std::net::TcpListener::bind(settings.appraisal.listen)?;
            sangkien_appraisal::start(&settings, &shared, listener).await
        })
    })
}
