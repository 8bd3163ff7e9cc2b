//! Spreadsheets ShopBridge exchanges with its users: a CSV (UTF-8) or the first sheet of an
//! XLSX read into rows of text, and both written back. Just enough ZIP and XML for that.
//!
//! A cell a spreadsheet would run as a formula (`=…`, `+…`, `-…`, `@…`) is written with a
//! leading `'`, and that `'` is taken off again on reading, so an export imports unchanged.

use std::borrow::Cow;

pub mod csv;
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

/// The rows of `name`'s bytes (CSV/TXT in UTF-8, or XLSX), cells unescaped; or a message in
/// Chinese saying why the file cannot be read.
pub fn read_table(name: &str, bytes: &[u8], max_bytes: usize) -> Result<Vec<Vec<String>>, String> {
    if bytes.is_empty() {
        return Err("文件是空的".into());
    }
    if bytes.len() > max_bytes {
        return Err(format!(
            "文件过大（最大 {} MB）",
            max_bytes.div_ceil(1024 * 1024)
        ));
    }
    let lower = name.to_ascii_lowercase();
    let rows = if lower.ends_with(".xlsx") || bytes.starts_with(b"PK\x03\x04") {
        xlsx::read_first_sheet(bytes)?
    } else if lower.ends_with(".xls") || bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        return Err("不支持旧版 .xls，请另存为 .xlsx 或 CSV".into());
    } else {
        let text = std::str::from_utf8(bytes).map_err(|_| {
            "CSV 不是 UTF-8 编码，请在 Excel 中另存为“CSV UTF-8”或 XLSX".to_string()
        })?;
        csv::parse(text)
    };
    Ok(rows
        .into_iter()
        .map(|row| row.iter().map(|c| unescape_cell(c)).collect())
        .collect())
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
            ("a.csv", &[0xBB, 0xF5, b'\n'], "UTF-8"),
            ("a.xlsx", b"PK\x03\x04junk", "XLSX"),
            ("a.xls", b"\xD0\xCF\x11\xE0", ".xls"),
            ("a.csv", &[b'a'; 2048], "最大 1 MB"),
        ];
        for (name, bytes, expected) in cases {
            let err = read_table(name, bytes, 1024).expect_err(name);
            assert!(err.contains(expected), "{name}: {err}");
        }
    }
}
