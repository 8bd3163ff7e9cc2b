//! The real binary: CLI commands beside a running server, config errors, JSON logs, SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use shopbridge::auth::Role;

use crate::helpers::{TestApp, ADMIN_PASSWORD};

const BIN: &str = env!("CARGO_BIN_EXE_shopbridge");

fn shopbridge(data_dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("SHOPBRIDGE_DATA_DIR", data_dir)
        .envs(crate::helpers::database_env(data_dir))
        .stdin(Stdio::null());
    cmd
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_user_commands_work_while_the_server_runs() {
    let app = TestApp::spawn().await;
    app.add_user("first", Role::Admin, ADMIN_PASSWORD).await;
    let dir = app.dir.path().to_path_buf();
    let added = tokio::task::spawn_blocking(move || {
        shopbridge(&dir)
            .args(["user", "add", "night-shift", "--role", "staff"])
            .env("SHOPBRIDGE_PASSWORD", "night-shift-pass")
            .output()
    })
    .await
    .expect("join")
    .expect("run cli");
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    assert!(String::from_utf8_lossy(&added.stdout).contains("已添加用户 night-shift"));

    let client = app.client();
    assert_eq!(
        app.login(&client, "night-shift", "night-shift-pass").await,
        json!("SignedIn")
    );

    let dir = app.dir.path().to_path_buf();
    let passwd = tokio::task::spawn_blocking(move || {
        shopbridge(&dir)
            .args(["user", "passwd", "night-shift"])
            .env("SHOPBRIDGE_PASSWORD", "night-shift-pass-2")
            .output()
    })
    .await
    .expect("join")
    .expect("run cli");
    assert!(
        passwd.status.success(),
        "{}",
        String::from_utf8_lossy(&passwd.stderr)
    );
    assert_eq!(
        app.login(&app.client(), "night-shift", "night-shift-pass-2")
            .await,
        json!("SignedIn")
    );

    let dir = app.dir.path().to_path_buf();
    let short = tokio::task::spawn_blocking(move || {
        shopbridge(&dir)
            .args(["user", "add", "weak", "--role", "staff"])
            .env("SHOPBRIDGE_PASSWORD", "123")
            .output()
    })
    .await
    .expect("join")
    .expect("run cli");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("密码至少需要 10 个字符"));
    app.stop().await;
}

#[test]
fn a_bad_config_value_stops_start_up_naming_the_variable() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (var, value) in [
        ("SHOPBRIDGE_BIND", "not-an-address"),
        ("SHOPBRIDGE_LOG_FORMAT", "xml"),
    ] {
        let out = shopbridge(dir.path())
            .env(var, value)
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{var}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(var), "{stderr}");
    }
}

fn http_get(addr: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    response
}

#[test]
fn serve_logs_json_hints_at_the_first_admin_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = shopbridge(dir.path())
        .arg("serve")
        .env("SHOPBRIDGE_BIND", "127.0.0.1:0")
        .env("SHOPBRIDGE_LOG_FORMAT", "json")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let started = Instant::now();
    let mut seen = Vec::new();
    let mut addr = None;
    while addr.is_none() && started.elapsed() < Duration::from_secs(30) {
        let Some(Ok(line)) = lines.next() else { break };
        let entry: Value = serde_json::from_str(&line).expect("every log line is JSON");
        addr = entry["fields"]["addr"].as_str().map(str::to_string);
        seen.push(entry);
    }
    let addr = addr.expect("server announced its address");
    let hint = seen
        .iter()
        .filter_map(|e| e["fields"]["message"].as_str())
        .any(|m| m.contains("shopbridge user add admin --role admin"));
    assert!(
        hint,
        "first start prints the command that creates an admin: {seen:?}"
    );

    let health = http_get(&addr, "/healthz");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let exit = child.wait().expect("wait");
    assert!(exit.success(), "graceful shutdown exits 0, got {exit:?}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(
        rest.iter().any(|l| l.contains("ShopBridge 已停止")),
        "{rest:?}"
    );
}

#[test]
fn migrate_applies_and_exits() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = shopbridge(dir.path()).arg("migrate").output().expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    match crate::helpers::database_for(dir.path()) {
        // On PostgreSQL the schema is there: the tables the migrations make.
        Some(_) => assert!(
            String::from_utf8_lossy(&out.stdout).contains("SHOPBRIDGE_DATABASE_URL"),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        ),
        None => assert!(dir.path().join("shopbridge.db").exists()),
    }
}
