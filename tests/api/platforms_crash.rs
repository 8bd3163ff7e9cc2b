//! A shop sync killed with SIGKILL, more than once, resumes from its cursor on restart: no row
//! twice, none missing, and no run started over from the beginning.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::platforms_fixture::platforms;

const BIN: &str = env!("CARGO_BIN_EXE_shopbridge");

pub fn start(data: &std::path::Path, sim_url: &str) -> Child {
    Command::new(BIN)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("SHOPBRIDGE_DATA_DIR", data)
        .envs(crate::helpers::database_env(data))
        .env("SHOPBRIDGE_BIND", "127.0.0.1:0")
        .env("SHOPBRIDGE_DOUYIN_API_URL", sim_url)
        .env("SHOPBRIDGE_DOUDIAN_API_URL", sim_url)
        .env("SHOPBRIDGE_DOUDIAN_AUTH_URL", sim_url)
        .env("SHOPBRIDGE_DOUDIAN_RPS", "200")
        .env("SHOPBRIDGE_LISTING_WORKER", "false")
        .arg("serve")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start shopbridge")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_mid_sync_then_restart_leaves_no_duplicates_and_no_gaps() {
    let p = platforms(1, 6_000, 800, &[("SHOPBRIDGE_PLATFORM_SCHEDULER", "false")]).await;
    p.connect("doudian").await;
    p.doudian.state.lock().expect("sim").delay = Duration::from_millis(20);
    let (sim, sim_url, pool) = (p.doudian.clone(), p.sim_url.clone(), p.app.pool.clone());
    let dir = p.app.stop_keeping_data().await;

    // Each run is killed once it has stored another 1,500 products: mid-run however fast the
    // machine is.
    for target in [1_500i64, 3_000, 4_500] {
        let mut child = start(dir.path(), &sim_url);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM shop_products")
                .fetch_one(&pool)
                .await
                .expect("count");
            if stored >= target || tokio::time::Instant::now() > deadline {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        child.kill().expect("SIGKILL");
        let _ = child.wait();
    }
    let (cursors, partial): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM shop_sync WHERE window_start IS NOT NULL), \
         (SELECT COUNT(*) FROM shop_products)",
    )
    .fetch_one(&pool)
    .await
    .expect("state");
    assert!(
        cursors > 0,
        "the kills left a sync mid-run ({partial} products so far)"
    );

    let mut child = start(dir.path(), &sim_url);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    loop {
        let done: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM shop_sync WHERE window_start IS NULL AND ok = TRUE",
        )
        .fetch_one(&pool)
        .await
        .expect("done");
        if done == 2 || tokio::time::Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    child.kill().expect("stop");
    let _ = child.wait();

    let (want_products, want_orders): (Vec<String>, Vec<String>) = {
        let s = sim.state.lock().expect("sim");
        (
            s.shops[0]
                .products
                .iter()
                .map(|p| p["product_id"].to_string())
                .collect(),
            s.shops[0]
                .orders
                .iter()
                .map(|o| o["order_id"].as_str().unwrap_or_default().to_string())
                .collect(),
        )
    };
    let mut products: Vec<String> = sqlx::query_scalar("SELECT product_id FROM shop_products")
        .fetch_all(&pool)
        .await
        .expect("products");
    let mut orders: Vec<String> = sqlx::query_scalar("SELECT order_id FROM shop_orders")
        .fetch_all(&pool)
        .await
        .expect("orders");
    let lines: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM shop_order_lines")
        .fetch_one(&pool)
        .await
        .expect("lines");
    let (mut want_products, mut want_orders) = (want_products, want_orders);
    for list in [
        &mut products,
        &mut orders,
        &mut want_products,
        &mut want_orders,
    ] {
        list.sort();
    }
    assert_eq!(products.len(), 6_000, "no product twice, none missing");
    assert_eq!(products, want_products);
    assert_eq!(orders, want_orders, "no order twice, none missing");
    assert_eq!(lines, 800);
    // Resumed, not restarted: 60 product pages, plus at most a repeated page per kill.
    let pages = sim.count("product.listV2", 10000);
    assert!(pages <= 60 + 4, "{pages} product pages for 60");
}
