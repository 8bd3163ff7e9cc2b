//! The listing pipeline under slow and refused answers, against the strict simulator with time
//! scaled 100×: a stock write that waits out a 429 is never queued again and the next write to
//! the pair counts its 30 s from when Ozon applied it; a user's price edit on a card waiting for
//! its moderation re-check goes out at once.

use std::time::Duration;

use serde_json::json;
use shopbridge::sim::ozon::catalog::SimConfig;

use crate::listing_flow::{flow, Flow, WAREHOUSE_A, WAREHOUSE_B};

async fn accepted_writes(f: &Flow, offer_id: &str, warehouse: i64) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM stock_log WHERE offer_id = $1 AND warehouse_id = $2 AND state = 'accepted'",
    )
    .bind(offer_id)
    .bind(warehouse)
    .fetch_one(&f.app.pool)
    .await
    .expect("writes")
}

fn too_soon(f: &Flow) -> Vec<(String, String, String)> {
    f.item_errors()
        .into_iter()
        .filter(|(_, _, code)| code == "TOO_MANY_REQUESTS")
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stock_write_waiting_out_a_429_is_written_once() {
    // The first stocks request meets a 429 with Retry-After: 2 (200 simulated seconds).
    let config = SimConfig {
        throttle: Some(("/v2/products/stocks".into(), 1, 2)),
        ..Default::default()
    };
    let f = flow(config, &[]).await;
    f.save_clean(&f.draft("SLOW-1", "慢库存")).await;
    f.submit(&["SLOW-1"]).await;
    f.wait_for("SLOW-1", &["ReadyForSale", "Live"], 40).await;
    f.assert_legal_timeline("SLOW-1").await;
    for warehouse in [WAREHOUSE_A, WAREHOUSE_B] {
        assert_eq!(
            accepted_writes(&f, "SLOW-1", warehouse).await,
            1,
            "warehouse {warehouse}: one write, not queued again while in flight"
        );
    }
    assert_eq!(
        f.app.ozon_sim.count_status(429),
        1,
        "the one deliberate 429"
    );
    let pending: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM stock_pending")
        .fetch_one(&f.app.pool)
        .await
        .expect("pending");
    assert_eq!(pending, 0, "nothing left queued");
    // A new value right after the slow write: it waits 30 s from when Ozon applied the first,
    // so Ozon never answers TOO_MANY_REQUESTS, and the last value wins.
    let mut draft = f.draft("SLOW-1", "慢库存");
    for stock in ["8", "9"] {
        draft["stocks"] = json!([{"warehouse_id": WAREHOUSE_A, "stock": stock}, {"warehouse_id": WAREHOUSE_B, "stock": "7"}]);
        f.save_clean(&draft).await;
        f.submit(&["SLOW-1"]).await;
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let stock = f
            .app
            .ozon_sim
            .catalog
            .lock()
            .expect("catalog")
            .products
            .iter()
            .find(|p| p.offer_id == "SLOW-1")
            .and_then(|p| p.stocks.get(&WAREHOUSE_A).copied());
        if stock == Some(9) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "stock never reached 9: {stock:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(too_soon(&f).is_empty(), "{:?}", too_soon(&f));
    f.app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_price_edit_is_not_held_behind_the_moderation_recheck() {
    let f = flow(SimConfig::default(), &[]).await;
    let mut draft = f.draft("EDIT-1", "改价");
    f.save_clean(&draft).await;
    f.submit(&["EDIT-1"]).await;
    f.wait_for("EDIT-1", &["ReadyForSale"], 40).await;
    // The moderation re-check waits ten simulated minutes.
    let recheck: i64 = sqlx::query_scalar(
        "SELECT run_at FROM listing_jobs WHERE offer_id = 'EDIT-1' AND kind = 'commercial' \
         AND status IN ('queued', 'running')",
    )
    .fetch_one(&f.app.pool)
    .await
    .expect("re-check queued");
    draft["price"] = json!("650");
    f.save_clean(&draft).await;
    f.submit(&["EDIT-1"]).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let at: i64 = loop {
        let at: Option<i64> = sqlx::query_scalar(
            "SELECT created_at FROM price_log WHERE offer_id = 'EDIT-1' AND price = '650.00' AND state = 'accepted'",
        )
        .fetch_optional(&f.app.pool)
        .await
        .expect("price log");
        if let Some(at) = at {
            break at;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the new price never went out"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(
        at < recheck,
        "the price went out at {at}, not behind the re-check due at {recheck}"
    );
    f.assert_no_throttling();
    f.app.stop().await;
}
