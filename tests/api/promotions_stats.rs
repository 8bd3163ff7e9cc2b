//! A promotion's effect: orders attributed through the order lines' `video_id` (a published
//! post) and `room_id` (a live preview), the publish-outcome chart, and the CSV exports.

use serde_json::Value;
use shopbridge::sim::douyin::content::sample_mp4;

use crate::promotions_fixture::{promo, MB};
use crate::stats::svg_elements;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_are_attributed_to_the_post_and_the_live_room_and_charted() {
    let t = promo(1, 40, &[]).await;
    t.p.connect("doudian").await;
    assert_eq!(
        t.p.wait_count("SELECT COUNT(*) FROM shop_orders", 40).await,
        40
    );

    let video = t.save(&[("title", "夏日短视频")]).await;
    t.upload(video, "video", "a.mp4", sample_mp4(20_000, MB))
        .await;
    t.publish(video, true).await;
    assert_eq!(t.wait_state(video, "published").await.0, "published");
    let item =
        t.p.text(&format!(
            "SELECT item_id FROM promotions WHERE id = {video}"
        ))
        .await;
    let live_at =
        shopbridge::ui::time::format_timestamp(shopbridge::common::clock::now_unix() + 120);
    let live = t
        .save(&[
            ("kind", "live"),
            ("title", "周五直播"),
            ("room_id", "9000001"),
            ("publish_at", &live_at[..16]),
        ])
        .await;
    t.publish(live, true).await;
    let refused = t.save(&[("title", "被拒"), ("body", "违禁")]).await;
    t.upload(refused, "video", "b.mp4", sample_mp4(20_000, MB))
        .await;
    t.publish(refused, true).await;
    assert_eq!(t.wait_state(refused, "failed").await.0, "failed");

    // Orders 0–4 came from the post, 5–7 from the live room; order 8 is another video's.
    let at = shopbridge::common::clock::now_unix() - 90;
    t.p.doudian.attribute_orders(0, 0..5, &item, 0, Some(at));
    t.p.doudian
        .attribute_orders(0, 5..8, "", 9_000_001, Some(at));
    t.p.doudian
        .attribute_orders(0, 8..9, "v0200other", 0, Some(at));
    let (want_video, want_live) = {
        let s = t.p.doudian.state.lock().expect("sim");
        let fen = |r: std::ops::Range<usize>| -> i64 {
            s.shops[0].orders[r]
                .iter()
                .map(|o| o["sku_order_list"][0]["pay_amount"].as_i64().unwrap_or(0))
                .sum()
        };
        (fen(0..5), fen(5..8))
    };
    let shop: i64 = sqlx::query_scalar("SELECT id FROM shops")
        .fetch_one(&t.p.app.pool)
        .await
        .expect("shop");
    let (status, body) =
        t.p.app
            .call(&t.p.admin, "shops_sync", &[("id", &shop.to_string())])
            .await;
    assert_eq!(status, 200, "{body}");
    let sql = format!("SELECT COUNT(*) FROM shop_order_lines WHERE video_id = '{item}'");
    assert_eq!(t.p.wait_count(&sql, 5).await, 5);
    assert_eq!(
        t.p.wait_count(
            "SELECT COUNT(*) FROM shop_order_lines WHERE room_id = '9000001'",
            3
        )
        .await,
        3
    );

    let (status, stats) =
        t.p.app
            .call(&t.p.admin, "sales_stats", &[("days", "7")])
            .await;
    assert_eq!(status, 200, "{stats}");
    let rows = stats["promotions"].as_array().cloned().unwrap_or_default();
    let row = |title: &str| -> Value {
        rows.iter()
            .find(|r| r["title"] == title)
            .cloned()
            .unwrap_or(Value::Null)
    };
    assert_eq!(row("夏日短视频")["orders"], 5, "{rows:?}");
    assert_eq!(
        row("夏日短视频")["gmv_yuan"],
        format!("{}.{:02}", want_video / 100, want_video % 100)
    );
    let (status, list) = t.p.app.call(&t.p.admin, "promotions_list", &[]).await;
    assert_eq!(status, 200);
    let live_row = list["rows"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["title"] == "周五直播").cloned())
        .unwrap_or(Value::Null);
    assert_eq!(live_row["orders"], 3, "{live_row}");
    assert_eq!(
        live_row["gmv_yuan"],
        format!("{}.{:02}", want_live / 100, want_live % 100)
    );

    // The publish chart: well-formed, both series, today's points.
    let chart = stats["publish_chart"].as_str().unwrap_or_default();
    let elements = svg_elements(chart);
    assert!(
        elements.get("polyline").copied().unwrap_or(0) >= 2,
        "{elements:?}"
    );
    assert!(
        chart.contains("发布成功") && chart.contains("发布失败"),
        "legend"
    );
    let today = &stats["publishing"].as_array().cloned().unwrap_or_default();
    assert_eq!(today.len(), 1, "{today:?}");
    assert_eq!(today[0]["published"], 1);
    assert_eq!(today[0]["failed"], 1);
    // The page carries the chart in its HTML (no script needed).
    let page = t.p.html(&t.p.admin, "/stats").await;
    assert!(
        page.contains("推广发布") && page.contains("<svg"),
        "chart in the HTML"
    );

    for (table, want) in [("promotions", "夏日短视频"), ("publishing", "发布成功")] {
        let res =
            t.p.admin
                .get(t.p.app.url(&format!("/stats/{table}.csv?days=7")))
                .send()
                .await
                .expect("csv");
        assert_eq!(res.status().as_u16(), 200);
        let text = res.text().await.expect("csv text");
        assert!(text.contains(want), "{table}: {text}");
    }
}
