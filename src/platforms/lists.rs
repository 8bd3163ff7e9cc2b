//! The 商品 and 订单 lists at volume: each page is one index range read (keyset on the sort key,
//! the filters in front of it in the index; see `lists/paging.rs`), totals come from counters
//! and daily sums the database keeps on every write (migration 0016 on SQLite, 0001 on
//! PostgreSQL), and a search goes through a trigram index (SQLite's FTS5, PostgreSQL's
//! pg_trgm). Nothing here scans or sorts a whole table.

use sqlx::AnyPool;

use crate::server::db::{Backend, Sql};

mod paging;
use paging::{page_of, pages, push_page, resolve, shown_page};
pub use paging::{Start, MAX_OFFSET_PAGE, PAGE_ROWS};

use super::store::{product_row, when, ProductDbRow, PRODUCT_SELECT};
use super::{order_status_label, OrderPage, OrderRow, ProductPage, COUNT_CAP};
use crate::common::money::Fen;

/// `%text%` for LIKE with `\` as the escape, so `%` and `_` match themselves.
fn like_pattern(text: &str) -> String {
    let mut out = String::from("%");
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// An FTS5 phrase matching `text` as a substring (trigram tokenizer): quoted, quotes doubled.
fn fts_phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// Above this many matches a search page walks the time index and keeps the matching rows
/// (a few hundred steps for 50 of them); below, it reads the matches and sorts them.
const WALK_ABOVE: i64 = 200;

fn uses_trigrams(text: &str) -> bool {
    text.chars().count() >= 3
}

/// The search condition on `p`: the trigram index for three characters or more, else LIKE
/// (a trigram index cannot answer shorter strings). `walk` marks the match set as a filter
/// (`+p.id`), so SQLite reads in the time index's order instead of fetching every match.
/// PostgreSQL: ILIKE over the three columns, which their pg_trgm indexes answer.
fn push_search(q: &mut Sql, text: &str, walk: bool, backend: Backend) {
    if backend == Backend::Postgres {
        let like = like_pattern(text);
        q.push(" AND (p.name ILIKE ")
            .push_bind(like.clone())
            .push(" OR p.product_id ILIKE ")
            .push_bind(like.clone())
            .push(" OR p.outer_product_id ILIKE ")
            .push_bind(like)
            .push(")");
    } else if uses_trigrams(text) {
        q.push(if walk {
            " AND +p.id IN"
        } else {
            " AND p.id IN"
        })
        .push(" (SELECT rowid FROM shop_products_fts WHERE shop_products_fts MATCH ")
        .push_bind(fts_phrase(text))
        .push(")");
    } else {
        let like = like_pattern(text);
        q.push(" AND (p.name LIKE ")
            .push_bind(like.clone())
            .push(" ESCAPE '\\' OR p.product_id LIKE ")
            .push_bind(like.clone())
            .push(" ESCAPE '\\' OR p.outer_product_id LIKE ")
            .push_bind(like)
            .push(" ESCAPE '\\')");
    }
}

/// Products across shops (`shop` 0 = all), newest update first, matching `query` in name,
/// product id or outer id.
pub async fn products(
    pool: &AnyPool,
    query: &str,
    shop: i64,
    start: Start,
) -> sqlx::Result<ProductPage> {
    let text = query.trim();
    let backend = crate::server::db::backend(pool);
    let (total, capped) = if text.is_empty() {
        let mut q = Sql::new(
            "SELECT COALESCE(CAST(SUM(products) AS BIGINT), 0) FROM shop_counts WHERE 1 = 1",
        );
        if shop != 0 {
            q.push(" AND shop_row = ").push_bind(shop);
        }
        let total: i64 = q.query_scalar().fetch_one(pool).await?;
        (total, false)
    } else if uses_trigrams(text) && shop == 0 && backend == Backend::Sqlite {
        // All shops: the index alone counts.
        let mut q = Sql::new(
            "SELECT COUNT(*) FROM (SELECT 1 FROM shop_products_fts WHERE shop_products_fts MATCH ",
        );
        q.push_bind(fts_phrase(text))
            .push(" LIMIT ")
            .push_bind(COUNT_CAP + 1)
            .push(") AS c");
        let n: i64 = q.query_scalar().fetch_one(pool).await?;
        (n.min(COUNT_CAP), n > COUNT_CAP)
    } else {
        let mut q = Sql::new("SELECT COUNT(*) FROM (SELECT 1 FROM shop_products p WHERE 1 = 1");
        push_search(&mut q, text, false, backend);
        if shop != 0 {
            q.push(" AND p.shop_row = ").push_bind(shop);
        }
        q.push(" LIMIT ").push_bind(COUNT_CAP + 1).push(") AS c");
        let n: i64 = q.query_scalar().fetch_one(pool).await?;
        (n.min(COUNT_CAP), n > COUNT_CAP)
    };
    let walk = total > WALK_ABOVE;
    let filters = |q: &mut Sql| {
        if !text.is_empty() {
            push_search(q, text, walk, backend);
        }
        if shop != 0 {
            q.push(" AND p.shop_row = ").push_bind(shop);
        }
    };
    const KEY: &str = "p.update_time";
    let mut q = Sql::new(format!(
        "SELECT {KEY}, p.id FROM shop_products p WHERE 1 = 1"
    ));
    filters(&mut q);
    let start = resolve(pool, q, KEY, "p.id", start).await?;
    let mut q = Sql::new(format!("{PRODUCT_SELECT} WHERE 1 = 1"));
    filters(&mut q);
    push_page(&mut q, KEY, "p.id", start);
    let rows: Vec<ProductDbRow> = q.query_as().fetch_all(pool).await?;
    let (rows, next, prev) = page_of(rows, start, |r| (r.update_time.unwrap_or(0), r.id));
    Ok(ProductPage {
        rows: rows.into_iter().map(product_row).collect(),
        total,
        capped,
        page: shown_page(start),
        pages: pages(total),
        next,
        prev,
    })
}

/// The filters of the 订单 list: shop and status (0 = all) and Beijing creation days (unix,
/// 0 = open). Day-aligned, so the totals come from `order_daily`.
#[derive(Clone, Copy, Debug, Default)]
pub struct OrderFilter {
    pub shop: i64,
    pub status: i64,
    pub from: i64,
    pub to: i64,
}

#[derive(sqlx::FromRow)]
struct OrderDbRow {
    id: i64,
    shop_name: String,
    order_id: String,
    order_status: Option<i64>,
    status_desc: String,
    pay_amount_fen: Fen,
    create_time: Option<i64>,
    mask_post_receiver: String,
    items: String,
}

pub async fn orders(pool: &AnyPool, f: OrderFilter, start: Start) -> sqlx::Result<OrderPage> {
    let mut q = Sql::new(
        "SELECT COALESCE(CAST(SUM(orders) AS BIGINT), 0), COALESCE(CAST(SUM(pay_fen) AS BIGINT), 0) FROM order_daily WHERE 1 = 1",
    );
    if f.shop != 0 {
        q.push(" AND shop_row = ").push_bind(f.shop);
    }
    if f.status != 0 {
        q.push(" AND status = ").push_bind(f.status);
    }
    if f.from != 0 {
        q.push(" AND day >= ").push_bind(f.from);
    }
    if f.to != 0 {
        q.push(" AND day < ").push_bind(f.to);
    }
    let (total, fen): (i64, Fen) = q.query_as().fetch_one(pool).await?;

    let filters = |q: &mut Sql| {
        if f.shop != 0 {
            q.push(" AND o.shop_row = ").push_bind(f.shop);
        }
        if f.status != 0 {
            q.push(" AND o.order_status = ").push_bind(f.status);
        }
        if f.from != 0 {
            q.push(" AND COALESCE(o.create_time, 0) >= ")
                .push_bind(f.from);
        }
        if f.to != 0 {
            q.push(" AND o.create_time < ").push_bind(f.to);
        }
    };
    const KEY: &str = "o.create_time";
    let mut q = Sql::new(format!("SELECT {KEY}, o.id FROM shop_orders o WHERE 1 = 1"));
    filters(&mut q);
    let start = resolve(pool, q, KEY, "o.id", start).await?;
    let mut q = Sql::new(format!(
        "SELECT o.id, s.shop_name, o.order_id, o.order_status, o.status_desc, o.pay_amount_fen, \
         o.create_time, o.mask_post_receiver, \
         COALESCE((SELECT {}(l.product_name || ' ×' || l.item_num, '；') \
                   FROM shop_order_lines l WHERE l.order_row = o.id), '') AS items \
         FROM shop_orders o JOIN shops s ON s.id = o.shop_row WHERE 1 = 1",
        crate::server::db::group_concat(crate::server::db::backend(pool))
    ));
    filters(&mut q);
    push_page(&mut q, KEY, "o.id", start);
    let rows: Vec<OrderDbRow> = q.query_as().fetch_all(pool).await?;
    let (rows, next, prev) = page_of(rows, start, |r| (r.create_time.unwrap_or(0), r.id));
    Ok(OrderPage {
        rows: rows
            .into_iter()
            .map(|o| OrderRow {
                shop_name: o.shop_name,
                order_id: o.order_id,
                status: if o.status_desc.is_empty() {
                    order_status_label(o.order_status.unwrap_or(0)).into()
                } else {
                    o.status_desc
                },
                pay_yuan: o.pay_amount_fen.yuan(),
                created: o.create_time.map(when).unwrap_or_default(),
                items: o.items,
                receiver: o.mask_post_receiver,
            })
            .collect(),
        total,
        page: shown_page(start),
        pages: pages(total),
        pay_total_yuan: fen.yuan(),
        next,
        prev,
    })
}

#[cfg(test)]
mod tests {
    use super::{fts_phrase, like_pattern};

    #[test]
    fn search_text_is_quoted_not_interpreted() {
        assert_eq!(like_pattern("50%_a\\"), "%50\\%\\_a\\\\%");
        assert_eq!(fts_phrase("保温\"杯 OR x"), "\"保温\"\"杯 OR x\"");
    }
}
