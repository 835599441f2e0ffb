//! The `sangkien` binary as a new user runs it: start with embedded defaults, answer health
//! and readiness, stop cleanly on a signal; admin commands; a wrong setting refused.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn scratch() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "sk-bin-{}",
        std::process::id() as u64 * 1000 + free_port() as u64
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn sangkien(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sangkien"));
    cmd.current_dir(dir)
        .env_remove("SANGKIEN_CONFIG")
        .env("SANGKIEN_LOG__FORMAT", "json")
        .env("RUST_LOG", "warn");
    cmd
}

/// Kills the child if the test fails before it stopped.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn sangkien_starts_with_embedded_defaults_answers_health_and_stops_on_sigterm() {
    sangkien_kit::install_crypto_provider();
    let dir = scratch();
    let port = free_port();
    let mut running = Running(
        sangkien(&dir)
            .env("SANGKIEN_LISTEN", format!("127.0.0.1:{port}"))
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let child = &mut running.0;
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let first = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("prints where it listens");
    assert_eq!(
        first,
        format!("sangkien listening on http://127.0.0.1:{port}")
    );

    let http = reqwest::Client::new();
    for path in ["/healthz", "/readyz"] {
        let res = http
            .get(format!("http://127.0.0.1:{port}{path}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{path}");
    }
    for file in ["intake.db", "appraisal.db", "decision.db", "events.db"] {
        assert!(dir.join("data").join(file).exists(), "{file} under ./data");
    }

    Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "stops within 20 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "clean exit, got {status}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn migrate_and_dead_letter_commands_work_on_a_fresh_directory() {
    let dir = scratch();
    let out = sangkien(&dir).arg("migrate").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("migrations applied"));
    let out = sangkien(&dir)
        .args(["dead-letters", "list", "--service", "appraisal"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "[]");
    let out = sangkien(&dir)
        .args(["dead-letters", "replay", "--service", "appraisal"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("replayed 0"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_misspelt_setting_stops_the_start_with_its_name() {
    let dir = scratch();
    let out = sangkien(&dir)
        .env("SANGKIEN_EVENTS__TRANSPROT", "amqp")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("transprot"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
