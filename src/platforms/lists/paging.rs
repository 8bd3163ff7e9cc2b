//! Paging at volume: a page starts at a number (OFFSET, the first thousand pages) or just
//! after / before a row's sort key (keyset, any depth); the extra row read tells whether there
//! is more, and gives the 上一页/下一页 cursors.

use sqlx::AnyPool;

use crate::server::db::Sql;

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

pub(super) fn cursor(dir: char, key: (i64, i64)) -> String {
    format!("{dir}{}.{}", key.0, key.1)
}

/// Appends the keyset condition and the order for a sort key `key` (an expression) and `id`,
/// newest first; `Before` reads backwards (the caller reverses the rows).
pub(super) fn push_page(q: &mut Sql, key: &str, id: &str, start: Start) {
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
pub(super) async fn resolve(
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
pub(super) fn page_of<T>(
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

pub(super) fn pages(total: i64) -> i64 {
    ((total + PAGE_ROWS - 1) / PAGE_ROWS).max(1)
}

pub(super) fn shown_page(start: Start) -> i64 {
    match start {
        Start::Page(p) => p,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::{Start, MAX_OFFSET_PAGE};

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
        assert!(Start::parse("", MAX_OFFSET_PAGE + 1).is_err());
    }
}
