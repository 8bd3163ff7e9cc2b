//! Spreadsheets ShopBridge exchanges with its users: a CSV or the first sheet of an XLSX/XLS
//! read into rows of text (`read`, on calamine), and CSV/XLSX written back (`csv`, `xlsx`).
//!
//! A cell a spreadsheet would run as a formula (`=…`, `+…`, `-…`, `@…`) is written with a
//! leading `'`, and that `'` is taken off again on reading, so an export imports unchanged.

use std::borrow::Cow;

pub mod csv;
pub mod limits;
pub mod read;
pub mod xls;
pub mod xlsx;
pub mod zip;

/// The file formats offered for download.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "csv" => Some(Format::Csv),
            "xlsx" | "" => Some(Format::Xlsx),
            _ => None,
        }
    }

    pub fn ext(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// The file: for CSV only the first sheet.
    pub fn write(self, sheets: &[(&str, Vec<Vec<String>>)]) -> Vec<u8> {
        match self {
            Format::Csv => csv::write(sheets.first().map(|(_, r)| r.as_slice()).unwrap_or(&[])),
            Format::Xlsx => xlsx::write(sheets),
        }
    }
}

const FORMULA_START: &[char] = &['=', '+', '-', '@', '\t', '\r', '\''];

/// A cell as written: formula-looking text gets a leading `'`.
pub fn escape_cell(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(FORMULA_START) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// A cell as read: the `'` that `escape_cell` added is taken off.
pub fn unescape_cell(cell: &str) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_START) => rest.to_string(),
        _ => cell.to_string(),
    }
}

/// The rows of `name`'s bytes (CSV/TXT in UTF-8, UTF-16 or GB18030, XLSX or XLS), cells
/// unescaped, read within the default [`limits::Limits`] for a file of `max_bytes`; or a message
/// in Chinese saying why the file cannot be read.
pub fn read_table(name: &str, bytes: &[u8], max_bytes: usize) -> Result<Vec<Vec<String>>, String> {
    let rows = read::rows(name, bytes, &limits::Limits::for_bytes(max_bytes))?;
    Ok(rows
        .into_iter()
        .map(|row| row.iter().map(|c| unescape_cell(c)).collect())
        .collect())
}

/// Runs a spreadsheet read on a blocking thread, at most two at a time, so a large or hostile
/// upload never stalls the async workers or multiplies its memory by the number of callers.
pub async fn off_thread<T: Send + 'static>(
    read: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    static PERMITS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);
    let _permit = PERMITS
        .acquire()
        .await
        .map_err(|_| "服务器正在停止".to_string())?;
    tokio::task::spawn_blocking(read)
        .await
        .unwrap_or_else(|_| Err("读取表格时出错".to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_escaped_and_come_back() {
        for cell in [
            "=HYPERLINK(\"http://evil\",\"x\")",
            "+1",
            "-2",
            "@SUM(A1)",
            "'=x",
            "'plain",
        ] {
            let escaped = escape_cell(cell);
            assert!(escaped.starts_with('\''), "{cell}");
            assert_eq!(unescape_cell(&escaped), cell);
        }
        for cell in ["杯子", "12.5", "", "a=b"] {
            assert_eq!(escape_cell(cell), cell);
            assert_eq!(unescape_cell(cell), cell);
        }
    }

    #[test]
    fn unreadable_files_say_why() {
        let cases: [(&str, &[u8], &str); 5] = [
            ("a.csv", b"", "空"),
            ("a.csv", &[b'a', 0xFF, b'\n'], "UTF-8"),
            ("a.xlsx", b"PK\x03\x04junk", "Excel"),
            ("a.xls", b"\xD0\xCF\x11\xE0", "Excel"),
            ("a.csv", &[b'a'; 2048], "最大 1 MB"),
        ];
        for (name, bytes, expected) in cases {
            let err = read_table(name, bytes, 1024).expect_err(name);
            assert!(err.contains(expected), "{name}: {err}");
        }
    }
}
