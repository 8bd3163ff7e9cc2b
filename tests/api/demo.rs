//! `shopbridge demo`: the real binary on its simulators with seeded, labelled demo data.

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
    // The demo admin signs in and sees the labelled data.
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let login = client
        .post(format!("{base}/sf/login"))
        .form(&[("username", "demo"), ("password", "demo-password-2026")])
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
    assert!(
        stats.contains("【演示】冬季新品短视频"),
        "the effect table lists the post"
    );
    let printed = std::fs::read_to_string(dir.path().join("demo.log")).unwrap_or_default();
    assert_eq!((accounts, credentials, products, orders), (2, 1, 120, 300));
    assert_eq!(login_status, 200);
    assert!(
        page.contains("小店主播") && page.contains("测试店铺"),
        "accounts listed"
    );
    assert!(page.contains("演示模式"), "every page says it is demo data");
    assert!(
        printed.contains("演示模式") && printed.contains("demo-password-2026"),
        "{printed}"
    );
}
