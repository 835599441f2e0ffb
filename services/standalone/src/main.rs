//! `sangkien`: the whole system in one process with embedded defaults, and admin commands.
//!
//! `sangkien` (or `sangkien serve`) starts the gateway on `127.0.0.1:8080` and the three
//! services behind it on loopback ports, each on its own SQLite file under `./data/`, with
//! the in-process event transport. Settings come from `SANGKIEN_*` variables or a TOML file.

/// The allocator: mimalloc returns freed memory to the system by itself, where glibc's malloc
/// kept each password hash's large block in its arenas (hundreds of MiB after a few sign-ins)
/// unless `MALLOC_MMAP_THRESHOLD_` was set in the environment. Only here: the distributed
/// binaries run with that variable (image, topology) and measured smaller with glibc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use sangkien::system;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use std::path::PathBuf;

use sangkien_kit::Settings;

/// sangkien — recognition of workplace initiatives.
#[derive(Parser)]
#[command(name = "sangkien", version)]
struct Cli {
    /// A TOML settings file (also `SANGKIEN_CONFIG`).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Serve with the shipped example (Vĩnh Tường 2022) loaded at the first start, every
    /// window open around today and one demo person per role, passwords printed once.
    #[arg(long)]
    demo: bool,
    /// Another example file for `--demo` (same format as `examples/vinh-tuong-2022.yaml`).
    #[arg(long, requires = "demo")]
    demo_file: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the gateway and the three services (the default).
    Serve,
    /// Apply every service's database migrations and exit.
    Migrate,
    /// Inspect and replay events that failed too often.
    DeadLetters {
        #[command(subcommand)]
        action: DeadLetterAction,
    },
}

#[derive(Subcommand)]
enum DeadLetterAction {
    /// List the dead letters of a service.
    List {
        /// The consuming service (`appraisal`, `decision`).
        #[arg(long)]
        service: String,
        /// At most this many.
        #[arg(long, default_value_t = 100)]
        limit: usize,
    },
    /// Send dead letters back to their service's queue.
    Replay {
        /// The consuming service.
        #[arg(long)]
        service: String,
        /// Only these message ids (repeat the flag); all when absent.
        #[arg(long = "id")]
        ids: Vec<String>,
    },
}

/// Transparent huge pages off for this process (Linux `PR_SET_THP_DISABLE`). Where the kernel
/// backs heap regions with 2 MiB pages, each thread's partly used arena holds a whole huge page
/// resident: `--demo` measured 137 MiB after eight sign-ins with them and 92 MiB without
/// (debug build, THP `madvise`; docs/performance.md). Nothing here gains from huge pages, and
/// a kernel without the call only leaves them as they were.
fn without_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    if let Err(e) = nix::sys::prctl::set_thp_disable(true) {
        eprintln!("sangkien: transparent huge pages stay on ({e})");
    }
}

fn main() -> anyhow::Result<()> {
    without_transparent_huge_pages();
    // `--help` lists every setting (the one table in kit's settings) and exits before
    // anything is read or opened.
    let cli = Cli::from_arg_matches(
        &Cli::command()
            .after_help(sangkien_kit::settings::settings_help(&[]))
            .get_matches(),
    )
    .unwrap_or_else(|e| e.exit());
    let settings = match Settings::load(cli.config) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("sangkien: {e}");
            std::process::exit(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        sangkien_kit::install_crypto_provider();
        sangkien_kit::telemetry::init(&settings.log);
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve if cli.demo => {
                let text = match &cli.demo_file {
                    Some(path) => std::fs::read_to_string(path)?,
                    None => sangkien::example::VINH_TUONG_2022.to_owned(),
                };
                system::serve_demo(settings, &text).await
            }
            Command::Serve => system::serve(settings).await,
            Command::Migrate => system::migrate(&settings).await,
            Command::DeadLetters { action } => {
                let transport = sangkien_kit::service::build_transport(&settings).await?;
                match action {
                    DeadLetterAction::List { service, limit } => {
                        let letters = transport.dead_letters(&service, limit).await?;
                        println!("{}", serde_json::to_string_pretty(&letters)?);
                        eprintln!("{} dead letter(s) in {service}", letters.len());
                    }
                    DeadLetterAction::Replay { service, ids } => {
                        let only = (!ids.is_empty()).then_some(ids.as_slice());
                        let n = transport.replay_dead_letters(&service, only).await?;
                        println!("replayed {n} dead letter(s) to {service}");
                    }
                }
                Ok(())
            }
        }
    })
}
