//! 统计 over orders synced from the 抖店 simulator: sums equal the simulator's, attribution by
//! video, live room and author, well-formed SVG charts, CSV export, refusals.

use std::collections::HashMap;

use serde_json::Value;

use crate::platforms_fixture::platforms;

/// Parses `svg` fully (mismatched or unclosed tags fail) and counts its elements by name.
pub fn svg_elements(svg: &str) -> HashMap<String, usize> {
    let mut reader = quick_xml::Reader::from_str(svg);
    let mut counts = HashMap::new();
    let mut depth = 0i32;
    loop {
        match reader.read_event().expect("well-formed SVG") {
            quick_xml::events::Event::Start(e) => {
                depth += 1;
                *counts
                    .entry(String::from_utf8_lossy(e.name().as_ref()).into_owned())
                    .or_insert(0) += 1;
            }
            quick_xml::events::Event::Empty(e) => {
                *counts
                    .entry(String::from_utf8_lossy(e.name().as_ref()).into_owned())
                    .or_insert(0) += 1;
            }
            quick_xml::events::Event::End(_) => depth -= 1,
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0, "every element closed");
    counts
}

fn fen(yuan: &Value) -> i64 {
    let text = yuan.as_str().unwrap_or_default();
    let (whole, cents) = text.split_once('.').unwrap_or((text, "0"));
    whole.parse::<i64>().unwrap_or(0) * 100 + cents.parse::<i64>().unwrap_or(0)
}

#[tokio::test]
async fn sales_stats_match_the_synced_orders_and_export_as_csv() {
    let p = platforms(1, 10, 300, &[]).await;
    p.connect("doudian").await;
    assert_eq!(
        p.wait_count("SELECT COUNT(*) FROM shop_orders", 300).await,
        300
    );
    let (sim_fen, per_product, per_source) = {
        let s = p.doudian.state.lock().expect("sim");
        let mut per_product: HashMap<String, i64> = HashMap::new();
        let mut per_source: HashMap<&str, i64> = HashMap::new();
        let mut total = 0;
        for o in &s.shops[0].orders {
            let line = &o["sku_order_list"][0];
            let f = line["pay_amount"].as_i64().unwrap_or(0);
            total += o["pay_amount"].as_i64().unwrap_or(0);
            *per_product
                .entry(line["product_id"].to_string())
                .or_default() += f;
            let source = if line["video_id"].as_str().is_some_and(|v| !v.is_empty()) {
                "短视频"
            } else if line["room_id"].as_i64().unwrap_or(0) != 0 {
                "直播间"
            } else {
                "达人"
            };
            *per_source.entry(source).or_default() += f;
        }
        (total, per_product, per_source)
    };

    let (status, v) = p.app.call(&p.admin, "sales_stats", &[("days", "30")]).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["orders"], 300);
    assert_eq!(
        fen(&v["gmv_yuan"]),
        sim_fen,
        "GMV in yuan equals the simulator's fen"
    );
    let daily_fen: i64 = v["daily"]
        .as_array()
        .expect("daily")
        .iter()
        .map(|r| fen(&r["gmv_yuan"]))
        .sum();
    assert_eq!(daily_fen, sim_fen, "days add up");
    let top = v["top"].as_array().expect("top");
    assert_eq!(top.len(), 7, "seven products sold");
    for row in top {
        let id = row["product_id"].as_str().unwrap_or_default();
        assert_eq!(fen(&row["gmv_yuan"]), per_product[id], "product {id}");
    }
    // The page lists the 50 largest sources, largest first, and says how many there are; the
    // CSV has every one (one per video, room and author), and its sums match the simulator's.
    let shown = v["sources"].as_array().expect("sources");
    assert_eq!(shown.len(), 50, "the page lists the largest 50");
    assert_eq!(
        v["sources_total"], 300,
        "one source per video, room and author"
    );
    let shown_fen: Vec<i64> = shown.iter().map(|r| fen(&r["gmv_yuan"])).collect();
    assert!(
        shown_fen.windows(2).all(|w| w[0] >= w[1]),
        "largest first: {shown_fen:?}"
    );
    let all = p
        .admin
        .get(p.app.url("/stats/sources.csv?days=30"))
        .send()
        .await
        .expect("csv")
        .text()
        .await
        .expect("text");
    let mut by_source: HashMap<String, i64> = HashMap::new();
    for line in all.trim_end().lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        *by_source.entry(cells[0].to_string()).or_default() +=
            fen(&serde_json::Value::String(cells[3].to_string()));
    }
    for (source, want) in &per_source {
        assert_eq!(by_source.get(*source), Some(want), "{source}");
    }
    assert_eq!(
        all.trim_end().lines().count(),
        1 + 300,
        "the CSV has every source"
    );
    let csv_first: Vec<&str> = all
        .lines()
        .nth(1)
        .map(|l| l.split(',').collect())
        .unwrap_or_default();
    assert_eq!(
        (
            csv_first[1],
            fen(&serde_json::Value::String(csv_first[3].into()))
        ),
        (shown[0]["id"].as_str().unwrap_or_default(), shown_fen[0]),
        "the page's first row is the CSV's first"
    );

    // The charts: well-formed SVG with the shop's series, one point per day, one bar per product.
    let gmv = v["gmv_chart"].as_str().expect("svg");
    let counts = svg_elements(gmv);
    assert_eq!(counts.get("circle"), Some(&30));
    assert!(gmv.contains("data-series=\"测试店铺\"") && gmv.contains("近 30 天每日成交额"));
    let bars = svg_elements(v["top_chart"].as_str().expect("svg"));
    assert_eq!(
        bars.get("rect").copied(),
        Some(7 + 1),
        "seven bars and the legend's swatch"
    );

    // A cancelled order leaves the sums.
    sqlx::query("UPDATE shop_orders SET order_status = 4 WHERE id = 1")
        .execute(&p.app.pool)
        .await
        .expect("cancel");
    let (_, v7) = p.app.call(&p.admin, "sales_stats", &[("days", "30")]).await;
    assert_eq!(v7["orders"], 299);

    // CSV: a BOM, a header, one line per row; signed-in users only; bad periods and tables refused.
    let res = p
        .admin
        .get(p.app.url("/stats/sources.csv?days=30"))
        .send()
        .await
        .expect("csv");
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap_or_default()
        .contains("stats-sources-30d.csv"));
    let body = res.text().await.expect("text");
    assert!(body.starts_with('\u{feff}'), "BOM for Excel");
    let lines: Vec<&str> = body.trim_end().lines().collect();
    assert_eq!(
        lines[0].trim_start_matches('\u{feff}'),
        "来源,ID,订单数,成交额（元）"
    );
    assert_eq!(lines.len(), 1 + 299);
    for (path, want) in [
        ("/stats/daily.csv?days=8", 400),
        ("/stats/secrets.csv", 404),
        ("/stats/..%2Fetc%2Fpasswd.csv", 404),
    ] {
        let res = p.admin.get(p.app.url(path)).send().await.expect("request");
        assert_eq!(res.status().as_u16(), want, "{path}");
    }
    let anon = p
        .app
        .client()
        .get(p.app.url("/stats/daily.csv"))
        .send()
        .await
        .expect("anon");
    assert_eq!(
        anon.status().as_u16(),
        303,
        "the sign-in gate sends visitors to log in"
    );
    assert_eq!(crate::platforms_fixture::location(&anon), "/login");
    let (status, body) = p.app.call(&p.admin, "sales_stats", &[("days", "8")]).await;
    assert_eq!(status, 422);
    assert!(body.to_string().contains("7、30 或 90"));
    // The page itself carries the chart in its HTML (it reads without JavaScript).
    let html = p.html(&p.admin, "/stats").await;
    assert!(html.contains("<svg") && html.contains("data-series=\"测试店铺\""));
}
