//! `shopbridge demo`: the real binary on its simulators with seeded, labelled demo data.

use serde_json::Value;
use std::process::{Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_shopbridge");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_mode_starts_with_a_connected_account_a_synced_shop_and_a_credential() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port");
    let mut child = Command::new(BIN)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .args(["demo", "--port", &port.to_string(), "--data-dir"])
        .arg(dir.path())
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(dir.path().join("demo.log")).expect("log file"))
        .stderr(Stdio::null())
        .spawn()
        .expect("start demo");
    // Open the database only once the demo has migrated it and serves (two processes
    // migrating one new file at once would race).
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..300 {
        if reqwest::get(format!("{base}/healthz"))
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let pool = shopbridge::server::db::open_database(&dir.path().join("shopbridge.db"))
        .await
        .expect("demo database");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let (accounts, credentials, products, orders) = loop {
        let counts: (i64, i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM platform_accounts WHERE status = 'connected'), \
             (SELECT COUNT(*) FROM ozon_credentials), (SELECT COUNT(*) FROM shop_products), \
             (SELECT COUNT(*) FROM shop_orders)",
        )
        .fetch_one(&pool)
        .await
        .unwrap_or_default();
        if counts == (2, 1, 120, 300) || tokio::time::Instant::now() > deadline {
            break counts;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    // The demo admin signs in, with the password printed once seeding is done, and sees the
    // labelled data.
    let mut printed = String::new();
    for _ in 0..600 {
        printed = std::fs::read_to_string(dir.path().join("demo.log")).unwrap_or_default();
        if printed.contains("每次启动新生成") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let password = printed_password(&printed);
    assert!(
        password.len() >= 16 && password != "demo-password-2026",
        "a fresh random password is printed: {printed}"
    );
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let login = client
        .post(format!("{base}/sf/login"))
        .form(&[("username", "demo"), ("password", password.as_str())])
        .send()
        .await
        .expect("login");
    let login_status = login.status().as_u16();
    let page = client
        .get(format!("{base}/platforms"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    // The demo's promotions: two posts published, one refused with its reason, a live preview
    // waiting for its time, a draft; orders attributed to the post and the live room.
    let promotions: Vec<(String, String)> =
        sqlx::query_as("SELECT kind, state FROM promotions ORDER BY id")
            .fetch_all(&pool)
            .await
            .expect("promotions");
    let attributed: (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM shop_order_lines l JOIN promotions p ON p.item_id = l.video_id), \
         (SELECT COUNT(*) FROM shop_order_lines l JOIN promotions p ON p.room_id = l.room_id AND p.room_id != '')",
    )
    .fetch_one(&pool)
    .await
    .expect("attribution");
    // The listing side: six drafts, three of them in a pipeline run.
    let listing: (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM listing_drafts WHERE offer_id LIKE 'DEMO-BOOK-%'), \
         (SELECT COUNT(*) FROM listing_products WHERE offer_id LIKE 'DEMO-BOOK-%')",
    )
    .fetch_one(&pool)
    .await
    .expect("listing");
    let stats = client
        .get(format!("{base}/stats"))
        .send()
        .await
        .expect("stats")
        .text()
        .await
        .expect("html");
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(
        promotions,
        [
            ("video", "published"),
            ("image_text", "published"),
            ("live", "scheduled"),
            ("video", "failed"),
            ("video", "draft"),
        ]
        .map(|(k, s)| (k.to_string(), s.to_string()))
    );
    assert_eq!(attributed, (24, 12));
    assert_eq!(listing, (6, 3), "drafts and a pipeline run are seeded");
    assert!(
        stats.contains("【演示】冬季新品短视频"),
        "the effect table lists the post"
    );
    assert_eq!((accounts, credentials, products, orders), (2, 1, 120, 300));
    assert_eq!(login_status, 200);
    assert!(
        page.contains("小店主播") && page.contains("测试店铺"),
        "accounts listed"
    );
    assert!(page.contains("演示模式"), "every page says it is demo data");
    assert!(printed.contains("演示模式"), "{printed}");
}

/// The password of the `登录：用户名 demo / 密码 …（` line.
fn printed_password(printed: &str) -> String {
    printed
        .lines()
        .find_map(|l| l.split("密码 ").nth(1))
        .and_then(|rest| rest.split('（').next())
        .unwrap_or_default()
        .trim()
        .to_string()
}

fn command(args: &[&str], data: &std::path::Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("SHOPBRIDGE_DATA_DIR", data)
        .env("SHOPBRIDGE_BIND", "127.0.0.1:0")
        .args(args)
        .stdin(Stdio::null());
    cmd
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_refuses_a_production_dir_and_serve_refuses_a_demo_dir() {
    // A production data dir: one real admin, made by the CLI.
    let prod = tempfile::tempdir().expect("tempdir");
    let made = command(&["user", "add", "boss", "--role", "admin"], prod.path())
        .env("SHOPBRIDGE_PASSWORD", "boss-password-2026")
        .output()
        .expect("user add");
    assert!(made.status.success(), "{made:?}");
    let before = std::fs::read(prod.path().join("shopbridge.db")).expect("db");
    let out = command(&["demo", "--port", "0", "--data-dir"], prod.path())
        .arg(prod.path())
        .output()
        .expect("demo");
    assert!(!out.status.success(), "demo on a production dir must fail");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("正式数据"), "{err}");
    let pool = shopbridge::server::db::open_database(&prod.path().join("shopbridge.db"))
        .await
        .expect("db");
    let demo_users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE name = 'demo'")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(demo_users, 0, "no demo admin was created");
    assert!(!shopbridge::server::db::is_demo(&pool).await.expect("meta"));
    pool.close().await;
    assert!(!before.is_empty());

    // A demo dir (marked by `demo`): `serve` refuses it unless told otherwise.
    let demo = tempfile::tempdir().expect("tempdir");
    let pool = shopbridge::server::db::open_database(&demo.path().join("shopbridge.db"))
        .await
        .expect("db");
    shopbridge::server::db::mark_demo(&pool)
        .await
        .expect("mark");
    pool.close().await;
    let out = command(&["serve"], demo.path()).output().expect("serve");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("演示数据") && err.contains("SHOPBRIDGE_ALLOW_DEMO_DATA"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_on_a_locked_dir_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let _held = shopbridge::server::lock::lock_data_dir(dir.path()).expect("lock");
    let out = command(&["demo", "--port", "0", "--data-dir"], dir.path())
        .arg(dir.path())
        .output()
        .expect("demo");
    assert!(!out.status.success());
    assert!(
        !dir.path().join("shopbridge.db").exists(),
        "the lock is taken before the database is made"
    );
}

/// `demo --scale N`: N products and 10 N orders beside the demo's own, through the sync's store
/// functions, so the counters, daily sums and search index hold them too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_at_scale_seeds_products_and_orders_the_pages_count() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port");
    let mut child = Command::new(BIN)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("SHOPBRIDGE_DEMO_PASSWORD", "scale-demo-password")
        .args([
            "demo",
            "--scale",
            "400",
            "--port",
            &port.to_string(),
            "--data-dir",
        ])
        .arg(dir.path())
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(dir.path().join("demo.log")).expect("log file"))
        .stderr(Stdio::null())
        .spawn()
        .expect("start demo");
    let mut printed = String::new();
    for _ in 0..900 {
        printed = std::fs::read_to_string(dir.path().join("demo.log")).unwrap_or_default();
        if printed.contains("每次启动新生成") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let login = client
        .post(format!("{base}/sf/login"))
        .form(&[("username", "demo"), ("password", "scale-demo-password")])
        .send()
        .await
        .expect("login");
    assert_eq!(login.status().as_u16(), 200, "{printed}");
    // The demo's own 120 products sync beside the 400: wait for them (a loaded machine may
    // need a minute).
    let mut products = Value::Null;
    for _ in 0..900 {
        products = client
            .post(format!("{base}/sf/products_page"))
            .form(&[("query", ""), ("shop", "0"), ("page", "1"), ("cursor", "")])
            .send()
            .await
            .expect("products")
            .json()
            .await
            .unwrap_or_default();
        if products["total"] == 520 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let searched: Value = client
        .post(format!("{base}/sf/products_page"))
        .form(&[
            ("query", "保温杯"),
            ("shop", "0"),
            ("page", "1"),
            ("cursor", ""),
        ])
        .send()
        .await
        .expect("search")
        .json()
        .await
        .unwrap_or_default();
    let orders: Value = client
        .post(format!("{base}/sf/orders_page"))
        .form(&[
            ("shop", "0"),
            ("status", "0"),
            ("from", ""),
            ("to", ""),
            ("page", "1"),
            ("cursor", ""),
        ])
        .send()
        .await
        .expect("orders")
        .json()
        .await
        .unwrap_or_default();
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        printed.contains("规模数据：400 个商品、4000 个订单"),
        "{printed}"
    );
    assert_eq!(products["total"], 520, "400 seeded and the demo's 120");
    assert_eq!(searched["total"], 20, "one in twenty is a 保温杯");
    assert!(orders["total"].as_i64().unwrap_or(0) >= 4000, "{orders}");
}
