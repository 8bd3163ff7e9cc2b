//! The master key: file mode, refusing a wrong key, rotation (whole, interrupted, and
//! committed-but-not-renamed), and the CLI commands around it.

use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};

use serde_json::json;
use shopbridge::auth::store::Actor;
use shopbridge::server::{db, startup};
use shopbridge::vault::keyfile::{
    key_path, next_key_path, open_vault, read_key_file, write_key_file,
};
use shopbridge::vault::rotate::rotate_master_key;
use shopbridge::vault::seal::MasterKey;
use shopbridge::vault::service;

use crate::helpers::{test_config, test_config_with, TestApp};

const BIN: &str = env!("CARGO_BIN_EXE_shopbridge");

/// A data dir holding two sealed credentials, with its pool.
async fn vault_with_secrets() -> (tempfile::TempDir, sqlx::AnyPool) {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = test_config(dir.path());
    let pool = db::open(&config).await.expect("db");
    let sealer = open_vault(&pool, &config).await.expect("vault");
    for (name, key) in [
        ("一号店", "first-secret-key-1111"),
        ("二号店", "second-secret-key-2222"),
    ] {
        service::create_credential(&pool, &sealer, &Actor::cli(), name, "100001", key)
            .await
            .expect("create");
    }
    (dir, pool)
}

async fn opened_keys(dir: &tempfile::TempDir, pool: &sqlx::AnyPool) -> Vec<String> {
    let config = test_config(dir.path());
    let sealer = open_vault(pool, &config).await.expect("vault opens");
    let mut keys = Vec::new();
    for id in [1, 2] {
        let (_, creds) = service::open_credential(pool, &sealer, id)
            .await
            .expect("opens");
        keys.push(creds.api_key.expose().to_string());
    }
    keys
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_file_is_private_and_checked() {
    let (dir, _pool) = vault_with_secrets().await;
    let path = key_path(dir.path());
    let mode = std::fs::metadata(&path)
        .expect("key file")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);

    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let err = startup::run(test_config(dir.path()), listener, async {})
        .await
        .expect_err("refused");
    let message = format!("{err:#}");
    assert!(
        message.contains("组或其他用户可以读取") && message.contains("chmod 600"),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_that_cannot_open_the_secrets_stops_start_up() {
    let (dir, _pool) = vault_with_secrets().await;
    let other = MasterKey::generate().to_base64();
    let config = test_config_with(dir.path(), &[("SHOPBRIDGE_MASTER_KEY", &other)]);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let err = startup::run(config, listener, async {})
        .await
        .expect_err("refused");
    let message = format!("{err:#}");
    assert!(message.contains("主密钥无法解开已保存的密文"), "{message}");
    assert!(!message.contains(&other), "the key is never printed");

    let garbage = tempfile::tempdir().expect("tempdir");
    std::fs::write(key_path(garbage.path()), "not base64 at all").expect("write");
    std::fs::set_permissions(
        key_path(garbage.path()),
        std::fs::Permissions::from_mode(0o600),
    )
    .expect("chmod");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let err = startup::run(test_config(garbage.path()), listener, async {})
        .await
        .expect_err("refused");
    assert!(format!("{err:#}").contains("内容无效"), "{err:#}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotation_reseals_everything_under_a_new_key() {
    let (dir, pool) = vault_with_secrets().await;
    let before = read_key_file(&key_path(dir.path())).expect("key");
    let rotation = rotate_master_key(&pool, &test_config(dir.path()), None)
        .await
        .expect("rotate");
    assert_eq!(rotation.resealed, 3, "two credentials and the canary");
    let after = read_key_file(&key_path(dir.path())).expect("key");
    assert_ne!(before.id(), after.id());
    assert_eq!(rotation.new_key_id, after.id());
    assert!(!next_key_path(dir.path()).exists());
    assert_eq!(
        opened_keys(&dir, &pool).await,
        ["first-secret-key-1111", "second-secret-key-2222"]
    );
    let sealed: String =
        sqlx::query_scalar("SELECT api_key_sealed FROM ozon_credentials WHERE id = 1")
            .fetch_one(&pool)
            .await
            .expect("sealed");
    assert!(sealed.starts_with(&format!("sb1.{}.", after.id())));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_rotation_loses_nothing() {
    let (dir, pool) = vault_with_secrets().await;
    let before = read_key_file(&key_path(dir.path())).expect("key");
    let err = rotate_master_key(&pool, &test_config(dir.path()), Some(2))
        .await
        .expect_err("interrupted");
    assert!(err.to_string().contains("中断"));
    assert_eq!(
        read_key_file(&key_path(dir.path())).expect("key").id(),
        before.id()
    );
    assert_eq!(
        opened_keys(&dir, &pool).await,
        ["first-secret-key-1111", "second-secret-key-2222"]
    );
    assert!(
        !next_key_path(dir.path()).exists(),
        "the unused key is cleaned up at the next open"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotation_committed_before_its_rename_is_finished_at_start() {
    let (dir, pool) = vault_with_secrets().await;
    let old = read_key_file(&key_path(dir.path())).expect("key");
    rotate_master_key(&pool, &test_config(dir.path()), None)
        .await
        .expect("rotate");
    let new = read_key_file(&key_path(dir.path())).expect("key");
    // The state a crash between commit and rename leaves: old key file, new key beside it.
    write_key_file(&next_key_path(dir.path()), &new).expect("next");
    write_key_file(&key_path(dir.path()), &old).expect("old back");
    assert_eq!(
        opened_keys(&dir, &pool).await,
        ["first-secret-key-1111", "second-secret-key-2222"]
    );
    assert_eq!(
        read_key_file(&key_path(dir.path())).expect("key").id(),
        new.id()
    );
    assert!(!next_key_path(dir.path()).exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_rotates_keys_and_creates_api_keys() {
    let app = TestApp::spawn().await;
    let dir = app.dir.path().to_path_buf();
    let run = |args: &'static [&'static str]| {
        let dir = dir.clone();
        tokio::task::spawn_blocking(move || {
            Command::new(BIN)
                .args(args)
                .env_clear()
                .env("PATH", std::env::var("PATH").unwrap_or_default())
                .env("SHOPBRIDGE_DATA_DIR", &dir)
                .envs(crate::helpers::database_env(&dir))
                .stdin(Stdio::null())
                .output()
        })
    };
    // Rotation needs the server stopped: the running one holds the key in memory.
    let refused = run(&["key", "rotate"]).await.expect("join").expect("run");
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("先停止 ShopBridge 服务"));

    let created = run(&["api-key", "create", "nightly-sync"])
        .await
        .expect("join")
        .expect("run");
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let stdout = String::from_utf8_lossy(&created.stdout).to_string();
    let key = stdout.lines().last().expect("last line").trim().to_string();
    assert!(key.starts_with("sbk_"), "{stdout}");
    let res = reqwest::Client::new()
        .get(app.url("/api/v1/whoami"))
        .header("x-api-key", &key)
        .send()
        .await
        .expect("whoami");
    assert_eq!(
        res.json::<serde_json::Value>().await.expect("json")["data"],
        json!({"key": "nightly-sync"})
    );
    // Stopped, its data kept: the rotation re-seals what the app stored.
    let _kept = app.stop_keeping_data().await;

    let rotated = run(&["key", "rotate"]).await.expect("join").expect("run");
    assert!(
        rotated.status.success(),
        "{}",
        String::from_utf8_lossy(&rotated.stderr)
    );
    assert!(String::from_utf8_lossy(&rotated.stdout).contains("主密钥已轮换"));
}
