//! The 商品 and 订单 lists at volume: each page is one index range read (keyset on the sort key,
//! the filters in front of it in the index), totals come from counters and daily sums the
//! database keeps on every write (migrations/0016_volume.sql), and a search goes through the
//! FTS5 trigram index. Nothing here scans or sorts a whole table.

use sqlx::AnyPool;

use crate::server::db::{Backend, Sql};

use super::store::{product_row, when, ProductDbRow, PRODUCT_SELECT};
use super::{order_status_label, OrderPage, OrderRow, ProductPage, COUNT_CAP};
use crate::common::money::Fen;

pub const PAGE_ROWS: i64 = 50;
/// How deep a page number may jump with OFFSET; past it only 下一页/上一页 (keyset) go on.
pub const MAX_OFFSET_PAGE: i64 = 1_000;

/// Where a page starts: at a page number, or just after / before a row's sort key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    Page(i64),
    After(i64, i64),
    Before(i64, i64),
}

impl Start {
    /// `cursor` is "" (use `page`), `a<time>.<id>` or `b<time>.<id>`; anything else is refused.
    pub fn parse(cursor: &str, page: i64) -> Result<Start, String> {
        let cursor = cursor.trim();
        if cursor.is_empty() {
            if !(1..=MAX_OFFSET_PAGE).contains(&page) {
                return Err(format!(
                    "页码应在 1 到 {MAX_OFFSET_PAGE} 之间；更深的页请用「下一页」翻页"
                ));
            }
            return Ok(Start::Page(page));
        }
        let bad = || "翻页位置无效，请回到第一页重新翻页".to_string();
        if cursor.len() > 41 || !cursor.is_ascii() {
            return Err(bad());
        }
        let (dir, rest) = cursor.split_at(1);
        let (time, id) = rest.split_once('.').ok_or_else(bad)?;
        let time: i64 = time.parse().map_err(|_| bad())?;
        let id: i64 = id.parse().map_err(|_| bad())?;
        match dir {
            "a" => Ok(Start::After(time, id)),
            "b" => Ok(Start::Before(time, id)),
            _ => Err(bad()),
        }
    }
}

fn cursor(dir: char, key: (i64, i64)) -> String {
    format!("{dir}{}.{}", key.0, key.1)
}

/// Appends the keyset condition and the order for a sort key `key` (an expression) and `id`,
/// newest first; `Before` reads backwards (the caller reverses the rows).
fn push_page(q: &mut Sql, key: &str, id: &str, start: Start) {
    match start {
        Start::Page(page) => {
            q.push(format!(" ORDER BY {key} DESC, {id} DESC LIMIT "))
                .push_bind(PAGE_ROWS + 1)
                .push(" OFFSET ")
                .push_bind((page - 1) * PAGE_ROWS);
        }
        Start::After(t, i) => {
            q.push(format!(" AND ({key}, {id}) < ("))
                .push_bind(t)
                .push(", ")
                .push_bind(i)
                .push(format!(") ORDER BY {key} DESC, {id} DESC LIMIT "))
                .push_bind(PAGE_ROWS + 1);
        }
        Start::Before(t, i) => {
            q.push(format!(" AND ({key}, {id}) > ("))
                .push_bind(t)
                .push(", ")
                .push_bind(i)
                .push(format!(") ORDER BY {key} ASC, {id} ASC LIMIT "))
                .push_bind(PAGE_ROWS + 1);
        }
    }
}

/// A page number past the first becomes a keyset start: the sort key of the row just before
/// the page, found by stepping through the index only (`keys` selects key and id with the
/// filters applied), so page 900 does not read 45,000 rows. Past the end it stays a page
/// number and reads nothing.
async fn resolve(
    pool: &AnyPool,
    mut keys: Sql,
    key: &str,
    id: &str,
    start: Start,
) -> sqlx::Result<Start> {
    let Start::Page(page) = start else {
        return Ok(start);
    };
    if page <= 1 {
        return Ok(start);
    }
    keys.push(format!(" ORDER BY {key} DESC, {id} DESC LIMIT 1 OFFSET "))
        .push_bind((page - 1) * PAGE_ROWS - 1);
    let before: Option<(i64, i64)> = keys.query_as().fetch_optional(pool).await?;
    Ok(before.map_or(start, |(t, i)| Start::After(t, i)))
}

/// Trims the extra row read to learn whether there is more, puts the rows newest first and
/// returns the (next, prev) cursors.
fn page_of<T>(
    mut rows: Vec<T>,
    start: Start,
    key: impl Fn(&T) -> (i64, i64),
) -> (Vec<T>, String, String) {
    let more = rows.len() as i64 > PAGE_ROWS;
    rows.truncate(PAGE_ROWS as usize);
    if matches!(start, Start::Before(..)) {
        rows.reverse();
    }
    let (has_next, has_prev) = match start {
        Start::Page(page) => (more, page > 1),
        Start::After(..) => (more, true),
        Start::Before(..) => (true, more),
    };
    let next = match (has_next, rows.last()) {
        (true, Some(r)) => cursor('a', key(r)),
        _ => String::new(),
    };
    let prev = match (has_prev, rows.first()) {
        (true, Some(r)) => cursor('b', key(r)),
        _ => String::new(),
    };
    (rows, next, prev)
}

fn pages(total: i64) -> i64 {
    ((total + PAGE_ROWS - 1) / PAGE_ROWS).max(1)
}

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

fn shown_page(start: Start) -> i64 {
    match start {
        Start::Page(p) => p,
        _ => 0,
    }
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
    use super::{fts_phrase, like_pattern, Start};

    #[test]
    fn cursors_parse_strictly() {
        assert_eq!(Start::parse("", 3), Ok(Start::Page(3)));
        assert_eq!(
            Start::parse("a1764000000.12", 1),
            Ok(Start::After(1_764_000_000, 12))
        );
        assert_eq!(Start::parse(" b0.7 ", 1), Ok(Start::Before(0, 7)));
        for bad in [
            "x1.2",
            "a1",
            "a.2",
            "a1.2.3",
            "a1.x",
            "b-",
            "a99999999999999999999.1",
            "a一.1",
        ] {
            assert!(Start::parse(bad, 1).is_err(), "{bad}");
        }
        assert!(Start::parse("", 0).is_err());
        assert!(Start::parse("", super::MAX_OFFSET_PAGE + 1).is_err());
    }

    #[test]
    fn search_text_is_quoted_not_interpreted() {
        assert_eq!(like_pattern("50%_a\\"), "%50\\%\\_a\\\\%");
        assert_eq!(fts_phrase("保温\"杯 OR x"), "\"保温\"\"杯 OR x\"");
    }
}
