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
async fn sangkien_starts_with_defaults_creates_the_first_admin_serves_a_new_user_and_stops_on_sigterm()
 {
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
    let rx = console_lines(child.stdout.take().unwrap());
    let banner: Vec<String> = (0..3)
        .map(|_| {
            rx.recv_timeout(Duration::from_secs(60))
                .expect("prints the first admin and where it listens")
        })
        .collect();
    let password = banner[0]
        .strip_prefix("sangkien: first start — created user `admin` with password: ")
        .unwrap_or_else(|| panic!("first line names the admin: {banner:?}"))
        .to_owned();
    assert!(banner[1].contains("shown only once"));
    assert_eq!(
        banner[2],
        format!("sangkien listening on http://127.0.0.1:{port}")
    );
    let base = format!("http://127.0.0.1:{port}");

    let http = reqwest::Client::new();
    for path in ["/healthz", "/readyz", "/docs/", "/api/openapi.json"] {
        let res = http.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
    }
    // The first admin signs in, makes a unit and a user with a role; that user signs in and
    // calls a service through the gateway.
    let admin = sign_in(&http, &base, "admin", &password).await;
    let me: serde_json::Value = http
        .get(format!("{base}/api/v1/auth/me"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let unit: serde_json::Value = http
        .post(format!("{base}/api/v1/directory/units"))
        .bearer_auth(&admin)
        .json(&serde_json::json!({
            "parent_id": me["grants"][0]["unit_id"],
            "code": "phong-gd",
            "name": "Phòng Giáo dục và Đào tạo",
            "kind": "office",
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let user = http
        .post(format!("{base}/api/v1/directory/users"))
        .bearer_auth(&admin)
        .json(&serde_json::json!({
            "username": "truong.phong",
            "full_name": "Lê Văn Trưởng",
            "password": "mat-khau-truong-phong",
            "grants": [{ "role": "admin", "unit_id": unit["id"] }],
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(user.status(), 201);
    let token = sign_in(&http, &base, "truong.phong", "mat-khau-truong-phong").await;
    let probe = http
        .post(format!("{base}/api/v1/intake/probes"))
        .bearer_auth(&token)
        .json(&serde_json::json!({ "note": "từ người dùng mới" }))
        .send()
        .await
        .unwrap();
    assert_eq!(probe.status(), 201);

    for file in [
        "intake.db",
        "appraisal.db",
        "decision.db",
        "gateway.db",
        "events.db",
    ] {
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

    // The second start creates nobody and prints no password; the admin's still works.
    let mut again = Running(
        sangkien(&dir)
            .env("SANGKIEN_LISTEN", format!("127.0.0.1:{port}"))
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let rx = console_lines(again.0.stdout.take().unwrap());
    let first = rx.recv_timeout(Duration::from_secs(60)).unwrap();
    assert_eq!(first, format!("sangkien listening on {base}"));
    sign_in(&http, &base, "admin", &password).await;
    let _ = again.0.kill();
    let _ = std::fs::remove_dir_all(&dir);
}

/// The console messages for people (log lines are JSON), read on a thread that keeps the
/// pipe drained.
fn console_lines(stdout: std::process::ChildStdout) -> std::sync::mpsc::Receiver<String> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if !line.starts_with('{') {
                let _ = tx.send(line);
            }
        }
    });
    rx
}

async fn sign_in(http: &reqwest::Client, base: &str, login: &str, password: &str) -> String {
    let mut tries = 0;
    loop {
        let res = http
            .post(format!("{base}/api/v1/auth/login"))
            .json(&serde_json::json!({ "login": login, "password": password }))
            .send()
            .await;
        if let Ok(res) = res {
            assert_eq!(res.status(), 200, "sign in as {login}");
            let pair: serde_json::Value = res.json().await.unwrap();
            return pair["access_token"].as_str().unwrap().to_owned();
        }
        tries += 1;
        assert!(tries < 100, "the gateway does not answer");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[test]
fn a_weak_admin_password_stops_the_first_start() {
    let dir = scratch();
    let out = sangkien(&dir)
        .env("SANGKIEN_LISTEN", format!("127.0.0.1:{}", free_port()))
        .env("SANGKIEN_ADMIN_PASSWORD", "admin")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("SANGKIEN_ADMIN_PASSWORD"), "{err}");
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
