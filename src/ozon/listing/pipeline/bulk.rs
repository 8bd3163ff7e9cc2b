//! 批量改价/改库存: a CSV (or pasted table) of offer_id with price, old price, warehouse and
//! stock. Each row is checked; the drafts are updated and validated again; products whose card
//! exists are queued to send the new price and stocks (within Ozon's limits, like any update).
//! A row with a mistake changes nothing for its product, and says why.

use std::collections::BTreeMap;

use super::service::Refusal;
use super::service_types::Outcome;
use super::state::State;
use super::Listing;
use crate::ozon::listing::domain::OfferId;
use crate::ozon::listing::drafts::service::Drafts;
use crate::ozon::listing::validate::validate;
use crate::ozon::listing::{drafts::store as drafts_store, DraftStock};

/// Largest pasted or uploaded table.
pub const MAX_BYTES: usize = 2 * 1024 * 1024;
/// Most rows one go takes.
pub const MAX_ROWS: usize = 10_000;
/// Largest stock a row may set.
const MAX_STOCK: i64 = 1_000_000;

#[derive(Default)]
struct Change {
    price: Option<String>,
    old_price: Option<String>,
    stocks: Vec<(i64, i64)>,
}

/// Column positions found in the header row.
struct Columns {
    offer_id: usize,
    price: Option<usize>,
    old_price: Option<usize>,
    warehouse: Option<usize>,
    stock: Option<usize>,
}

fn columns(header: &[String]) -> Result<Columns, String> {
    let find = |names: &[&str]| {
        header.iter().position(|h| {
            let h = h.trim().to_lowercase();
            names.iter().any(|n| h == *n)
        })
    };
    let offer_id =
        find(&["offer_id", "货号"]).ok_or("第 1 行应为表头，且包含 offer_id（货号）列")?;
    let c = Columns {
        offer_id,
        price: find(&["price", "价格"]),
        old_price: find(&["old_price", "原价"]),
        warehouse: find(&["warehouse_id", "仓库id", "仓库"]),
        stock: find(&["stock", "库存"]),
    };
    if c.price.is_none() && c.stock.is_none() {
        return Err("表头里没有 price（价格）或 stock（库存）列，没有可更新的内容".into());
    }
    if c.stock.is_some() != c.warehouse.is_some() {
        return Err("库存需要同时提供 warehouse_id（仓库ID）和 stock（库存）两列".into());
    }
    Ok(c)
}

fn money(text: &str) -> Option<String> {
    let t = text.trim();
    let ok = t.parse::<f64>().is_ok_and(|v| v > 0.0 && v < 1e9)
        && t.chars().all(|c| c.is_ascii_digit() || c == '.');
    ok.then(|| t.to_string())
}

/// One data row into the product's change; an error says which cell is wrong.
fn read_row(row: &[String], c: &Columns, change: &mut Change) -> Result<(), String> {
    let cell = |i: Option<usize>| i.and_then(|i| row.get(i)).map(|s| s.trim()).unwrap_or("");
    let price = cell(c.price);
    if !price.is_empty() {
        change.price = Some(money(price).ok_or(format!("价格「{price}」不是大于 0 的数字"))?);
    }
    let old = cell(c.old_price);
    if !old.is_empty() {
        change.old_price = Some(money(old).ok_or(format!("原价「{old}」不是大于 0 的数字"))?);
    }
    let (warehouse, stock) = (cell(c.warehouse), cell(c.stock));
    match (warehouse.is_empty(), stock.is_empty()) {
        (true, true) => {}
        (false, false) => {
            let w: i64 = warehouse
                .parse()
                .ok()
                .filter(|w| *w > 0)
                .ok_or(format!("仓库ID「{warehouse}」不是正整数"))?;
            let s: i64 = stock
                .parse()
                .ok()
                .filter(|s| (0..=MAX_STOCK).contains(s))
                .ok_or(format!("库存「{stock}」应为 0 到 {MAX_STOCK} 的整数"))?;
            change.stocks.push((w, s));
        }
        _ => return Err("仓库ID 和库存要一起填写".into()),
    }
    Ok(())
}

/// Applies the table; answers one outcome per product (or why the table cannot be read).
pub async fn apply(
    listing: &Listing,
    drafts: &Drafts,
    text: &str,
    by: &str,
) -> Result<Vec<Outcome>, String> {
    if text.trim().is_empty() {
        return Err("表格是空的".into());
    }
    if text.len() > MAX_BYTES {
        return Err(format!("表格超过 {} MB", MAX_BYTES / 1024 / 1024));
    }
    let rows = crate::sheet::csv::parse(text, &crate::sheet::limits::Limits::for_bytes(MAX_BYTES))?;
    let mut rows = rows
        .iter()
        .filter(|r| r.iter().any(|c| !c.trim().is_empty()));
    let header = rows.next().ok_or("表格是空的")?;
    let c = columns(header)?;
    let mut changes: BTreeMap<String, Result<Change, String>> = BTreeMap::new();
    for (n, row) in rows.enumerate() {
        if n >= MAX_ROWS {
            return Err(format!("一次最多 {MAX_ROWS} 行"));
        }
        let id = row.get(c.offer_id).map(|s| s.trim()).unwrap_or("");
        if id.is_empty() {
            return Err(format!("第 {} 行没有货号", n + 2));
        }
        let entry = changes
            .entry(id.to_string())
            .or_insert_with(|| Ok(Change::default()));
        if let Ok(change) = entry {
            if let Err(why) = read_row(row, &c, change) {
                *entry = Err(format!("第 {} 行：{why}", n + 2));
            }
        }
    }
    let mut out = Vec::new();
    let mut send = Vec::new();
    for (offer_id, change) in changes {
        let result = match change {
            Ok(change) => update(listing, drafts, &offer_id, change, by)
                .await
                .map_err(Refusal::told),
            Err(why) => Err(why),
        };
        match result {
            Ok((message, on_ozon)) => {
                if on_ozon {
                    // It passed the validator, whose offer_id rule is OfferId's.
                    send.extend(OfferId::parse(&offer_id));
                }
                out.push(Outcome {
                    offer_id,
                    ok: true,
                    message,
                });
            }
            Err(message) => out.push(Outcome {
                offer_id,
                ok: false,
                message,
            }),
        }
    }
    for sent in super::service::submit(listing, drafts, &send, by).await {
        if let Some(o) = out.iter_mut().find(|o| o.offer_id == sent.offer_id) {
            o.ok = sent.ok;
            o.message = format!("{}；{}", o.message, sent.message);
        }
    }
    Ok(out)
}

/// Writes the change into the draft (validated again); answers what changed and whether the
/// card exists on Ozon, so the change must be sent.
async fn update(
    listing: &Listing,
    drafts: &Drafts,
    offer_id: &str,
    change: Change,
    by: &str,
) -> Result<(String, bool), Refusal> {
    let pool = listing.pool();
    let saved = drafts.find(offer_id).await?.ok_or(Refusal::NoDraft)?;
    let (credential_id, mut draft, old_problems) =
        (saved.credential_id, saved.draft, saved.problems);
    let mut said = Vec::new();
    if let Some(price) = change.price {
        said.push(format!("价格 {} → {price}", draft.price));
        draft.price = price;
    }
    if let Some(old) = change.old_price {
        said.push(format!("原价 {} → {old}", draft.old_price));
        draft.old_price = old;
    }
    for (warehouse_id, stock) in &change.stocks {
        match draft
            .stocks
            .iter_mut()
            .find(|s| s.warehouse_id == *warehouse_id)
        {
            Some(s) => s.stock = stock.to_string(),
            None => draft.stocks.push(DraftStock {
                warehouse_id: *warehouse_id,
                stock: stock.to_string(),
            }),
        }
        said.push(format!("仓库 {warehouse_id} 库存 {stock}"));
    }
    let creds = listing
        .credentials(credential_id)
        .await
        .map_err(|_| Refusal::NoCredential)?;
    let facts = drafts
        .facts(credential_id, &creds, &draft)
        .await
        .map_err(Refusal::Cache)?;
    let mut problems = validate(&draft, &facts);
    // Picture checks are the media step's; their last result is kept as it was.
    problems.extend(
        old_problems
            .into_iter()
            .filter(|p| p.field.starts_with("images")),
    );
    drafts_store::save(pool, credential_id, &draft, &problems, by).await?;
    if let Some(p) = problems.first() {
        return Err(Refusal::SavedInvalid {
            message: p.message.clone(),
            field: p.field.clone(),
        });
    }
    let on_ozon = matches!(
        super::store::product(pool, offer_id)
            .await?
            .map(|p| p.state()),
        Some(State::Created | State::Priced | State::ReadyForSale | State::Live)
    );
    let tail = if on_ozon {
        ""
    } else {
        "；已写入草稿，提交后生效"
    };
    Ok((format!("{}{tail}", said.join("，")), on_ozon))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn headers_and_cells_are_checked() {
        assert!(columns(&row(&["sku", "price"])).is_err());
        assert!(columns(&row(&["offer_id", "name"])).is_err());
        assert!(columns(&row(&["offer_id", "stock"])).is_err());
        let c = columns(&row(&["货号", "价格", "仓库ID", "库存"])).expect("header");
        let mut change = Change::default();
        read_row(&row(&["A", "450.5", "22", "3"]), &c, &mut change).expect("row");
        assert_eq!(change.price.as_deref(), Some("450.5"));
        assert_eq!(change.stocks, vec![(22, 3)]);
        let bad = |cells: &[&str]| read_row(&row(cells), &c, &mut Change::default());
        assert!(bad(&["A", "-1", "", ""]).is_err_and(|e| e.contains("价格「-1」")));
        assert!(bad(&["A", "1e3", "", ""]).is_err());
        assert!(bad(&["A", "", "22", "lots"]).is_err_and(|e| e.contains("库存「lots」")));
        assert!(bad(&["A", "", "22", ""]).is_err());
        assert!(bad(&["A", "", "../etc", "1"]).is_err_and(|e| e.contains("仓库ID")));
    }
}
