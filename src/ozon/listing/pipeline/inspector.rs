//! The inspector: reads back `/v5/product/info/prices` and `/v4/product/info/stocks` for every
//! product we priced, compares them with what Ozon last accepted from us, and keeps a discrepancy
//! report (a page and a CSV). Runs once a (simulated) day from the worker and on demand; a run
//! with differences raises a "reconciliation" alert. Stock writes still waiting to go out are not
//! compared (Ozon cannot have them yet).

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use sqlx::AnyPool;

use super::listing::Listing;
use crate::ozon::client::commerce::CursorRequest;
use crate::ozon::client::products::ProductListFilter;
use crate::ozon::client::OzonCredentials;

/// Seconds between scheduled runs.
pub const EVERY_SECS: i64 = 86_400;
/// Offer ids per read-back request (Ozon's limit).
const PAGE: usize = 1000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Difference {
    pub offer_id: String,
    /// `price`, `stock` or `card`.
    pub field: String,
    pub sent: String,
    pub found: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inspection {
    pub run_at: i64,
    pub checked: i64,
    pub error: Option<String>,
    pub trigger: String,
    pub differences: Vec<Difference>,
}

/// What we believe Ozon holds for one product.
#[derive(Default)]
struct Sent {
    price: Option<String>,
    /// The last accepted stock per warehouse; `None` while a write is still waiting.
    stock: Option<i64>,
}

/// Whether a scheduled run is due.
pub async fn due(pool: &AnyPool, now: i64) -> sqlx::Result<bool> {
    let last: Option<i64> = sqlx::query_scalar("SELECT MAX(run_at) FROM listing_inspections")
        .fetch_one(pool)
        .await?;
    Ok(last.is_none_or(|t| now - t >= EVERY_SECS))
}

/// Reads back and compares every priced product; stores and answers the report.
pub async fn run(l: &Listing, trigger: &str) -> sqlx::Result<Inspection> {
    let now = l.now();
    let pool = l.pool();
    let products: Vec<(String, i64)> = sqlx::query_as(
        "SELECT offer_id, credential_id FROM listing_products \
         WHERE state IN ('Priced', 'ReadyForSale', 'Live') ORDER BY offer_id",
    )
    .fetch_all(pool)
    .await?;
    let mut by_credential: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for (offer_id, credential_id) in products {
        by_credential
            .entry(credential_id)
            .or_default()
            .push(offer_id);
    }
    let mut report = Inspection {
        run_at: now,
        trigger: trigger.to_string(),
        ..Default::default()
    };
    for (credential_id, offers) in by_credential {
        let creds = match l.credentials(credential_id).await {
            Ok(c) => c,
            Err(f) => {
                report.error = Some(f.message().to_string());
                continue;
            }
        };
        for chunk in offers.chunks(PAGE) {
            match compare(l, &creds, chunk).await {
                Ok(mut found) => {
                    report.checked += chunk.len() as i64;
                    report.differences.append(&mut found);
                }
                Err(why) => report.error = Some(why),
            }
        }
    }
    store(pool, &report).await?;
    if !report.differences.is_empty() {
        let first: Vec<String> = report
            .differences
            .iter()
            .take(3)
            .map(|d| format!("{} {}", d.offer_id, label(&d.field)))
            .collect();
        let message = format!(
            "对账发现 {} 处与 Ozon 不一致（{}……），详见对账报告",
            report.differences.len(),
            first.join("、")
        );
        l.alerts()
            .raise(pool, "reconciliation", "inspection", &message, now)
            .await?;
    }
    Ok(report)
}

pub fn label(field: &str) -> &'static str {
    match field {
        "price" => "价格",
        "stock" => "库存",
        _ => "商品卡片",
    }
}

async fn sent_of(pool: &AnyPool, offer_id: &str) -> sqlx::Result<Sent> {
    let price = super::receipts::last_price(pool, offer_id)
        .await?
        .map(|(p, _)| p);
    let waiting = !super::pacing::pending_of(pool, offer_id).await?.is_empty();
    let stock = if waiting {
        None
    } else {
        let rows: Vec<(i64,)> = sqlx::query_as(
            "SELECT stock FROM stock_log WHERE id IN (SELECT MAX(id) FROM stock_log \
             WHERE offer_id = $1 AND state = 'accepted' GROUP BY warehouse_id)",
        )
        .bind(offer_id)
        .fetch_all(pool)
        .await?;
        (!rows.is_empty()).then(|| rows.iter().map(|r| r.0).sum())
    };
    Ok(Sent { price, stock })
}

fn same_money(a: &str, b: &str) -> bool {
    match (a.trim().parse::<f64>(), b.trim().parse::<f64>()) {
        (Ok(x), Ok(y)) => (x - y).abs() < 0.005,
        _ => a.trim() == b.trim(),
    }
}

/// One chunk of ≤1000 offer ids: both read-backs, cursor by cursor, then the comparison.
async fn compare(
    l: &Listing,
    creds: &OzonCredentials,
    offers: &[String],
) -> Result<Vec<Difference>, String> {
    let mut prices: HashMap<String, Option<String>> = HashMap::new();
    let mut stocks: HashMap<String, i64> = HashMap::new();
    let mut request = CursorRequest {
        cursor: String::new(),
        filter: ProductListFilter {
            offer_id: offers.to_vec(),
            visibility: "ALL".into(),
            ..Default::default()
        },
        limit: PAGE as i64,
    };
    loop {
        let page = l
            .ozon()
            .prices_info(creds, &request)
            .await
            .map_err(|e| format!("读取 Ozon 价格失败：{e}"))?;
        for item in &page.items {
            let price = item.price.price.as_ref().map(|m| m.as_str().to_string());
            prices.insert(item.offer_id.clone(), price);
        }
        if page.cursor.is_empty() || page.items.is_empty() {
            break;
        }
        request.cursor = page.cursor;
    }
    request.cursor = String::new();
    loop {
        let page = l
            .ozon()
            .stocks_info(creds, &request)
            .await
            .map_err(|e| format!("读取 Ozon 库存失败：{e}"))?;
        for item in &page.items {
            stocks.insert(item.offer_id.clone(), sellable(&item.stocks));
        }
        if page.cursor.is_empty() || page.items.is_empty() {
            break;
        }
        request.cursor = page.cursor;
    }
    let mut differences = Vec::new();
    for offer_id in offers {
        let sent = sent_of(l.pool(), offer_id)
            .await
            .map_err(|e| format!("数据库错误：{e}"))?;
        let diff = |field: &str, sent: String, found: String| Difference {
            offer_id: offer_id.clone(),
            field: field.into(),
            sent,
            found,
        };
        let Some(found_price) = prices.get(offer_id) else {
            differences.push(diff(
                "card",
                "已提交".into(),
                "Ozon 上找不到这个货号".into(),
            ));
            continue;
        };
        if let Some(price) = &sent.price {
            let found = found_price.clone().unwrap_or_default();
            if !same_money(price, &found) {
                let found = if found.is_empty() {
                    "未设置".into()
                } else {
                    found
                };
                differences.push(diff("price", price.clone(), found));
            }
        }
        if let Some(stock) = sent.stock {
            let found = stocks.get(offer_id).copied().unwrap_or(0);
            if found != stock {
                differences.push(diff("stock", stock.to_string(), found.to_string()));
            }
        }
    }
    Ok(differences)
}

/// What we wrote, as Ozon reads it back: one row per stock type, `present` including the units
/// reserved by orders. Only the seller's own warehouses (fbs, rfbs) hold what we wrote, net of
/// what is reserved; fbo and fbp are Ozon's.
pub fn sellable(levels: &[crate::ozon::client::commerce::StockLevel]) -> i64 {
    levels
        .iter()
        .filter(|s| matches!(s.kind.to_ascii_lowercase().as_str(), "fbs" | "rfbs"))
        .map(|s| s.present.unwrap_or(0) - s.reserved.unwrap_or(0))
        .sum()
}

async fn store(pool: &AnyPool, report: &Inspection) -> sqlx::Result<()> {
    let mut tx = crate::server::db::begin_write(pool).await?;
    sqlx::query(
        "INSERT INTO listing_inspections (run_at, checked, differences, error, trigger) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(report.run_at)
    .bind(report.checked)
    .bind(report.differences.len() as i64)
    .bind(&report.error)
    .bind(&report.trigger)
    .execute(&mut *tx)
    .await?;
    for d in &report.differences {
        sqlx::query(
            "INSERT INTO listing_discrepancies (run_at, offer_id, field, sent, found) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(report.run_at)
        .bind(&d.offer_id)
        .bind(&d.field)
        .bind(&d.sent)
        .bind(&d.found)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

/// The latest run with its differences.
pub async fn latest(pool: &AnyPool) -> sqlx::Result<Option<Inspection>> {
    let run: Option<(i64, i64, Option<String>, String)> = sqlx::query_as(
        "SELECT run_at, checked, error, trigger FROM listing_inspections ORDER BY id DESC LIMIT 1",
    )
    .fetch_optional(pool)
    .await?;
    let Some((run_at, checked, error, trigger)) = run else {
        return Ok(None);
    };
    let differences = sqlx::query_as(
        "SELECT offer_id, field, sent, found FROM listing_discrepancies WHERE run_at = $1 ORDER BY offer_id, field",
    )
    .bind(run_at)
    .fetch_all(pool)
    .await?;
    Ok(Some(Inspection {
        run_at,
        checked,
        error,
        trigger,
        differences,
    }))
}

/// The report as table rows (the CSV export writes them through `sheet::csv`).
pub fn rows(report: &Inspection) -> Vec<Vec<String>> {
    let mut rows = vec![vec![
        "offer_id".to_string(),
        "项目".into(),
        "已发送".into(),
        "Ozon 现有".into(),
    ]];
    for d in &report.differences {
        rows.push(vec![
            d.offer_id.clone(),
            label(&d.field).into(),
            d.sent.clone(),
            d.found.clone(),
        ]);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stock_read_back_counts_own_warehouses_net_of_reserved() {
        let rows: Vec<crate::ozon::client::commerce::StockLevel> = serde_json::from_str(
            r#"[{"type": "fbs", "present": 7, "reserved": 2},
                {"type": "rfbs", "present": "3", "reserved": null},
                {"type": "fbo", "present": 40, "reserved": 5},
                {"type": "fbp", "present": 1, "reserved": 0},
                {"type": "crossborder", "present": 9}]"#,
        )
        .expect("rows");
        assert_eq!(sellable(&rows), 5 + 3);
    }

    #[test]
    fn money_compares_by_value() {
        assert!(same_money("500", "500.00"));
        assert!(same_money("12.5", "12.50"));
        assert!(!same_money("500", "499.99"));
        assert!(!same_money("500", ""));
    }
}
