//! Alerts reach a loopback Telegram stand-in and webhook: a bad batch becomes one digest,
//! a repeated failure within the hour is not alerted twice, and the bot token never reaches
//! the logs or the pages.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::Uri;
use axum::Json;
use serde_json::{json, Value};
use shopbridge::sim::ozon::catalog::SimConfig;

use crate::helpers::captured_logs;
use crate::listing_flow::flow;

const BOT_TOKEN: &str = "7777:AAsecret-bot-token-xyz";

type Seen = Arc<Mutex<Vec<(String, Value, Instant)>>>;

/// A loopback receiver that keeps every POST's path and JSON body.
async fn receiver() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let keep = seen.clone();
    let app = axum::Router::new().fallback(move |uri: Uri, Json(body): Json<Value>| {
        let keep = keep.clone();
        async move {
            if let Ok(mut s) = keep.lock() {
                s.push((uri.path().to_string(), body, Instant::now()));
            }
            Json(json!({"ok": true}))
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), seen)
}

fn posts(seen: &Seen, path: &str) -> Vec<(Value, Instant)> {
    seen.lock()
        .map(|s| {
            s.iter()
                .filter(|(p, _, _)| p == path)
                .map(|(_, b, at)| (b.clone(), *at))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_reach_telegram_and_the_webhook_as_one_deduplicated_digest() {
    let (base, seen) = receiver().await;
    let hook = format!("{base}/hook");
    let f = flow(
        SimConfig::default(),
        &[
            ("SHOPBRIDGE_TELEGRAM_API_URL", &base),
            ("SHOPBRIDGE_TELEGRAM_BOT_TOKEN", BOT_TOKEN),
            ("SHOPBRIDGE_TELEGRAM_CHAT_ID", "-100123"),
            ("SHOPBRIDGE_ALERT_WEBHOOK_URL", &hook),
        ],
    )
    .await;
    let ids: Vec<String> = (1..=12).map(|n| format!("COPY-{n:02}")).collect();
    for id in &ids {
        let mut copy = f.draft(id, "跟卖");
        copy["mode"] = json!("follow_sku");
        copy["follow_sku"] = json!("999");
        f.save_clean(&copy).await;
    }
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    f.submit(&refs).await;
    for id in &refs {
        f.wait_for(id, &["Error"], 30).await;
    }

    // Every alert is delivered once, to both channels, in digests.
    let telegram_path = format!("/bot{BOT_TOKEN}/sendMessage");
    let deadline = Instant::now() + Duration::from_secs(15);
    let delivered = |list: &[(Value, Instant)]| -> i64 {
        list.iter()
            .map(|(b, _)| b["count"].as_i64().unwrap_or(0))
            .sum()
    };
    while delivered(&posts(&seen, "/hook")) < 12 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let hooks = posts(&seen, "/hook");
    assert_eq!(delivered(&hooks), 12, "{hooks:?}");
    assert!(
        hooks.len() < 12,
        "a bad batch is a digest, not one message per product: {} posts",
        hooks.len()
    );
    let digest = hooks
        .iter()
        .map(|(b, _)| b)
        .find(|b| b["count"].as_i64() > Some(1))
        .expect("a digest");
    assert_eq!(digest["source"], "shopbridge");
    let text = digest["text"].as_str().unwrap_or_default();
    assert!(
        text.starts_with("ShopBridge 上架提醒：共 ") && text.contains("找不到 SKU 999"),
        "{text}"
    );
    assert_eq!(digest["alerts"][0]["kind"], "import", "{digest}");
    // Deliveries are at least a (scaled) minute apart: 60 s at ×100 is 0.6 s.
    for pair in hooks.windows(2) {
        assert!(
            pair[1].1.duration_since(pair[0].1) >= Duration::from_millis(500),
            "deliveries too close together"
        );
    }
    let telegram = posts(&seen, &telegram_path);
    assert_eq!(
        telegram.len(),
        hooks.len(),
        "each digest also goes to Telegram"
    );
    assert_eq!(telegram[0].0["chat_id"], "-100123");
    let all_text: String = telegram
        .iter()
        .filter_map(|(b, _)| b["text"].as_str())
        .collect();
    for id in &ids {
        assert!(
            all_text.contains(id.as_str()),
            "{id} missing from {all_text}"
        );
    }

    // The same failure again within the hour is not a new alert.
    let (status, body) = f
        .app
        .call(&f.admin, "listing_retry", &[("offer_ids", "COPY-01")])
        .await;
    assert_eq!(status, 200, "{body}");
    assert_ne!(f.state("COPY-01").await.as_deref(), Some("Error"));
    f.wait_for("COPY-01", &["Error"], 30).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let rows: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM listing_alerts WHERE subject = 'COPY-01'")
            .fetch_one(&f.app.pool)
            .await
            .expect("alerts");
    assert_eq!(rows, 1, "deduplicated within the hour");
    assert_eq!(delivered(&posts(&seen, "/hook")), 12, "nothing sent twice");

    // The board lists them; the bot token is nowhere.
    let (_, board) = f
        .app
        .call(
            &f.admin,
            "listing_board",
            &[("state", ""), ("type_id", "0"), ("error", "")],
        )
        .await;
    assert!(
        board["alerts"].as_array().is_some_and(|a| a.len() == 10),
        "{board}"
    );
    assert!(!board.to_string().contains("secret-bot-token"));
    assert!(!captured_logs().contains("secret-bot-token"));
    f.app.stop().await;
}
