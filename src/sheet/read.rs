//! Reading the spreadsheets users upload: the first sheet of an XLSX or XLS workbook (calamine,
//! the maintained reader), or a CSV in UTF-8, UTF-16 or GB18030 (Chinese Excel's default),
//! always within [`Limits`] so a hostile file is refused in well under a second.
//!
//! Cells come back as the text a user saw typing them: numbers as their shortest round-trip
//! decimal (Excel keeps 17 digits, so `19.99` is stored as `19.989999999999998`), dates as
//! `YYYY-MM-DD` (with ` HH:MM:SS` when they carry a time), booleans as `true`/`false`.

use std::borrow::Cow;
use std::io::{Cursor, Read};

use calamine::{Data, DataRef, ExcelDateTime, Reader, SheetVisible, Xls, Xlsx};

use super::limits::{broken, Limits};

/// Which kind of file the bytes are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Xlsx,
    Xls,
    Text,
}

fn kind_of(name: &str, bytes: &[u8]) -> Kind {
    let lower = name.to_ascii_lowercase();
    if bytes.starts_with(b"PK\x03\x04") {
        Kind::Xlsx
    } else if bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        Kind::Xls
    } else if lower.ends_with(".xlsx") || lower.ends_with(".xlsm") {
        Kind::Xlsx
    } else if lower.ends_with(".xls") {
        Kind::Xls
    } else {
        Kind::Text
    }
}

/// The rows of the file, positions kept (a blank row is an empty row), or why it cannot be read.
pub fn rows(name: &str, bytes: &[u8], limits: &Limits) -> Result<Vec<Vec<String>>, String> {
    if bytes.is_empty() {
        return Err("文件是空的".into());
    }
    if bytes.len() > limits.max_bytes {
        return Err(format!(
            "文件过大（最大 {} MB）",
            limits.max_bytes.div_ceil(1024 * 1024)
        ));
    }
    match kind_of(name, bytes) {
        Kind::Xlsx => xlsx(bytes, limits),
        Kind::Xls => xls(bytes, limits),
        Kind::Text => {
            let text = decode_text(bytes)?;
            super::csv::parse(&text, limits)
        }
    }
}

/// A CSV/TXT's text: UTF-8 (BOM or not), UTF-16 with a BOM (Excel's "Unicode text"), or
/// GB18030 (what Chinese Excel saves as "CSV"). Anything else is refused, never guessed into
/// the wrong characters.
pub fn decode_text(bytes: &[u8]) -> Result<Cow<'_, str>, String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .map(Cow::Borrowed)
            .map_err(|_| "文件标为 UTF-8，但内容不是有效的 UTF-8，请重新导出".to_string());
    }
    for (bom, encoding) in [
        (&b"\xFF\xFE"[..], encoding_rs::UTF_16LE),
        (&b"\xFE\xFF"[..], encoding_rs::UTF_16BE),
    ] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            return encoding
                .decode_without_bom_handling_and_without_replacement(rest)
                .ok_or_else(|| "文件标为 UTF-16，但内容不是有效的 UTF-16，请重新导出".to_string());
        }
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(Cow::Borrowed(text));
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guess = detector.guess(Some(b"cn"), chardetng::Utf8Detection::Deny);
    if guess == encoding_rs::GBK || guess == encoding_rs::GB18030 {
        if let Some(text) =
            encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes)
        {
            return Ok(text);
        }
    }
    Err(format!(
        "无法识别 CSV 的编码（看起来是 {}，只支持 UTF-8 和 GB18030），请在 Excel 中另存为“CSV UTF-8”或 XLSX",
        guess.name()
    ))
}

/// Unpacks every entry once, counting, so a ZIP bomb is refused before the reader sees it;
/// also refuses a shared-string table that announces more strings than cells allowed.
fn check_zip(bytes: &[u8], limits: &Limits) -> Result<(), String> {
    let too_big = || {
        format!(
            "Excel 文件解压后过大（超过 {} MB），请删去多余的行列或另存为 CSV",
            limits.max_unpacked_bytes / 1024 / 1024
        )
    };
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| broken())?;
    if zip.len() > 10_000 {
        return Err(broken());
    }
    let mut left = limits.max_unpacked_bytes;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|_| broken())?;
        if entry.size() > left {
            return Err(too_big());
        }
        let shared = entry.name().is_ok_and(|n| n.ends_with("sharedStrings.xml"));
        let mut head: Vec<u8> = Vec::new();
        loop {
            let n = match entry.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(_) => return Err(broken()),
            };
            if n as u64 > left {
                return Err(too_big());
            }
            left -= n as u64;
            if shared && head.len() < 4096 {
                head.extend_from_slice(&buf[..n.min(4096)]);
            }
        }
        if shared {
            if let Some(count) = announced_count(&head) {
                if count > limits.max_cells as u64 {
                    return Err(format!(
                        "Excel 文件的单元格过多（最多 {} 个）",
                        limits.max_cells
                    ));
                }
            }
        }
    }
    Ok(())
}

/// `uniqueCount="N"` of `<sst …>`: calamine reserves that many strings up front.
fn announced_count(head: &[u8]) -> Option<u64> {
    let text = String::from_utf8_lossy(head);
    let sst = &text[text.find("<sst")?..];
    let sst = &sst[..sst.find('>').unwrap_or(sst.len())];
    let at = sst.find("uniqueCount=")? + "uniqueCount=".len();
    let digits: String = sst[at..]
        .chars()
        .skip(1)
        .take_while(char::is_ascii_digit)
        .collect();
    // A count too long to parse is as bad as a huge one.
    Some(digits.parse().unwrap_or(u64::MAX))
}

fn first_sheet(names: &[calamine::Sheet]) -> Option<String> {
    names
        .iter()
        .find(|s| s.visible == SheetVisible::Visible)
        .or_else(|| names.first())
        .map(|s| s.name.clone())
}

fn xlsx(bytes: &[u8], limits: &Limits) -> Result<Vec<Vec<String>>, String> {
    check_zip(bytes, limits)?;
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| {
        tracing::debug!(error = %e, "xlsx open");
        broken()
    })?;
    let name = first_sheet(book.sheets_metadata()).ok_or_else(broken)?;
    let mut cells = book.worksheet_cells_reader(&name).map_err(|_| broken())?;
    let mut grid = Grid::new(limits);
    while let Some(cell) = cells.next_cell().map_err(|_| broken())? {
        let (row, col) = cell.get_position();
        grid.put(row as usize, col as usize, cell.get_value())?;
    }
    Ok(grid.rows)
}

fn xls(bytes: &[u8], limits: &Limits) -> Result<Vec<Vec<String>>, String> {
    super::xls::check(bytes, limits)?;
    let mut book: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(|e| {
        tracing::debug!(error = %e, "xls open");
        broken()
    })?;
    let name = first_sheet(book.sheets_metadata()).ok_or_else(broken)?;
    let range = book.worksheet_range(&name).map_err(|_| broken())?;
    let mut grid = Grid::new(limits);
    let (r0, c0) = range.start().unwrap_or((0, 0));
    for (row, col, value) in range.used_cells() {
        let value = match value {
            Data::String(s) => DataRef::SharedString(s),
            Data::Int(i) => DataRef::Int(*i),
            Data::Float(f) => DataRef::Float(*f),
            Data::Bool(b) => DataRef::Bool(*b),
            Data::DateTime(d) => DataRef::DateTime(*d),
            Data::DateTimeIso(s) => DataRef::SharedString(s),
            Data::DurationIso(s) => DataRef::SharedString(s),
            Data::Error(e) => DataRef::Error(e.clone()),
            Data::Empty => DataRef::Empty,
        };
        grid.put(r0 as usize + row, c0 as usize + col, &value)?;
    }
    Ok(grid.rows)
}

/// Rows being filled cell by cell, within the limits.
struct Grid<'l> {
    rows: Vec<Vec<String>>,
    cells: usize,
    text: usize,
    limits: &'l Limits,
}

impl<'l> Grid<'l> {
    fn new(limits: &'l Limits) -> Self {
        Grid {
            rows: Vec::new(),
            cells: 0,
            text: 0,
            limits,
        }
    }

    fn put(&mut self, row: usize, col: usize, value: &DataRef<'_>) -> Result<(), String> {
        let text = cell_text(value);
        if text.trim().is_empty() {
            return Ok(());
        }
        let l = self.limits;
        l.check_position(row, col)?;
        self.cells += 1;
        self.text += text.len();
        if self.cells > l.max_cells {
            return Err(format!("单元格过多（最多 {} 个）", l.max_cells));
        }
        if self.text > l.max_text_bytes {
            return Err(format!(
                "表格文字过多（最多 {} MB）",
                l.max_text_bytes / 1024 / 1024
            ));
        }
        if self.rows.len() <= row {
            self.rows.resize_with(row + 1, Vec::new);
        }
        let cells = &mut self.rows[row];
        if cells.len() <= col {
            cells.resize(col + 1, String::new());
        }
        cells[col] = text.into_owned();
        Ok(())
    }
}

/// The text a cell shows.
pub fn cell_text<'a>(value: &'a DataRef<'_>) -> Cow<'a, str> {
    match value {
        DataRef::Empty => Cow::Borrowed(""),
        DataRef::String(s) => Cow::Borrowed(s),
        DataRef::SharedString(s) => Cow::Borrowed(s),
        DataRef::Int(i) => Cow::Owned(i.to_string()),
        DataRef::Float(f) => Cow::Owned(number(*f)),
        DataRef::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
        DataRef::DateTime(d) => Cow::Owned(date_time(d)),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cow::Borrowed(s),
        DataRef::Error(e) => Cow::Owned(e.to_string()),
    }
}

/// The shortest decimal that reads back as the same double: 19.989999999999998 → "19.99",
/// 4601234567890.0 → "4601234567890".
pub fn number(f: f64) -> String {
    if !f.is_finite() {
        return String::new();
    }
    if f == 0.0 {
        return "0".into();
    }
    // Rust's Display of f64 is the shortest round-trip form, never in exponent notation.
    format!("{f}")
}

fn date_time(d: &ExcelDateTime) -> String {
    let (y, m, day, h, min, s, ms) = d.to_ymd_hms_milli();
    if d.is_duration() {
        let total = d.as_f64() * 24.0;
        let hours = total.floor();
        return format!("{}:{min:02}:{s:02}", hours as i64);
    }
    let f = d.as_f64();
    if (0.0..1.0).contains(&f) {
        // A time of day with no date.
        return format!("{h:02}:{min:02}:{s:02}");
    }
    if h == 0 && min == 0 && s == 0 && ms == 0 {
        format!("{y:04}-{m:02}-{day:02}")
    } else {
        format!("{y:04}-{m:02}-{day:02} {h:02}:{min:02}:{s:02}")
    }
}

#[cfg(test)]
mod tests;
