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

/// How much of a file is read before it is refused.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// The file itself.
    pub max_bytes: usize,
    /// Highest row number (1-based) that may hold a value.
    pub max_rows: usize,
    /// Highest column (1-based) that may hold a value.
    pub max_columns: usize,
    /// Non-empty cells.
    pub max_cells: usize,
    /// Text of all cells together (a shared string counts once per cell that uses it).
    pub max_text_bytes: usize,
    /// Everything inside an XLSX, unpacked.
    pub max_unpacked_bytes: u64,
}

impl Limits {
    /// The defaults for a file of at most `max_bytes`.
    pub const fn for_bytes(max_bytes: usize) -> Self {
        Limits {
            max_bytes,
            max_rows: 100_000,
            max_columns: 256,
            max_cells: 1_000_000,
            max_text_bytes: 64 * 1024 * 1024,
            max_unpacked_bytes: 128 * 1024 * 1024,
        }
    }
}

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

fn broken() -> String {
    "无法读取 Excel 文件（XLSX/XLS：文件损坏、已加密，或不是 Excel 工作簿）".to_string()
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

/// Walks the workbook stream's BIFF records once and refuses a sheet that reaches past the
/// limits before calamine opens it: calamine reserves a sheet's DIMENSIONS (rows × columns) up
/// front and lays every sheet out densely from its nearest to its farthest cell, so a few bytes
/// claiming row 4,000,000,000 or two cells 65,535 rows apart would take gigabytes, or abort the
/// process when the allocation fails.
fn check_xls(bytes: &[u8], limits: &Limits) -> Result<(), String> {
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|_| broken())?;
    let name = ["/Workbook", "/Book"]
        .into_iter()
        .find(|p| file.is_stream(p))
        .ok_or_else(broken)?;
    let mut stream = Vec::new();
    file.open_stream(name)
        .map_err(|_| broken())?
        .take(limits.max_unpacked_bytes + 1)
        .read_to_end(&mut stream)
        .map_err(|_| broken())?;
    if stream.len() as u64 > limits.max_unpacked_bytes {
        return Err(format!(
            "Excel 文件过大（工作簿超过 {} MB），请删去多余的行列或另存为 CSV",
            limits.max_unpacked_bytes / 1024 / 1024
        ));
    }
    let u16_at = |b: &[u8], at: usize| -> Option<usize> {
        Some(u16::from_le_bytes([*b.get(at)?, *b.get(at + 1)?]) as usize)
    };
    let u32_at = |b: &[u8], at: usize| -> Option<usize> {
        let w = b.get(at..at + 4)?;
        Some(u32::from_le_bytes([w[0], w[1], w[2], w[3]]) as usize)
    };
    // The dense cells all sheets together may be laid out in: four per cell allowed.
    let max_area = limits.max_cells.saturating_mul(4);
    let mut area = 0usize;
    let mut cells = 0usize;
    let mut depth = 0usize;
    let mut sheet = 0usize;
    // Nearest and farthest (row, column) of the sheet being read.
    let mut bounds: Option<(usize, usize, usize, usize)> = None;
    let mut pos = 0usize;
    while let (Some(typ), Some(len)) = (u16_at(&stream, pos), u16_at(&stream, pos + 2)) {
        let body = stream.get(pos + 4..pos + 4 + len).ok_or_else(broken)?;
        pos += 4 + len;
        let mut span: Option<(usize, usize, usize)> = None;
        match typ {
            0x0809 => {
                depth += 1;
                if depth == 1 {
                    sheet += 1;
                    bounds = None;
                }
            }
            0x000A => {
                if depth == 1 {
                    if let Some((r0, r1, c0, c1)) = bounds.take() {
                        area = area.saturating_add((r1 - r0 + 1).saturating_mul(c1 - c0 + 1));
                    }
                    if area > max_area {
                        return Err(format!(
                            "Excel 文件第 {} 个工作表的内容分布过广（跨越的单元格超过 {max_area} 个），请删去远处的单元格，或另存为 XLSX",
                            sheet.saturating_sub(1).max(1)
                        ));
                    }
                }
                depth = depth.saturating_sub(1);
            }
            // DIMENSIONS: the used range, which calamine reserves.
            0x0200 if depth == 1 => {
                let (first, last, col_last) = match len {
                    10 => (u16_at(body, 0), u16_at(body, 2), u16_at(body, 6)),
                    14 | 16 => (u32_at(body, 0), u32_at(body, 4), u16_at(body, 10)),
                    _ => return Err(broken()),
                };
                let (first, last, col_last) = (
                    first.ok_or_else(broken)?,
                    last.ok_or_else(broken)?,
                    col_last.ok_or_else(broken)?,
                );
                if last >= 1 && col_last >= 1 && first >= last {
                    return Err(broken());
                }
                if last > limits.max_rows || col_last > limits.max_columns {
                    return Err(format!(
                        "Excel 文件声明的使用范围到第 {last} 行第 {col_last} 列，表格最多 {} 行、{} 列",
                        limits.max_rows, limits.max_columns
                    ));
                }
            }
            // One cell: NUMBER, LABEL, RSTRING, BOOLERR, RK, LABELSST, FORMULA.
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 if depth == 1 => {
                let col = u16_at(body, 2).ok_or_else(broken)?;
                span = Some((u16_at(body, 0).ok_or_else(broken)?, col, col));
            }
            // MULRK: several cells of one row.
            0x00BD if depth == 1 => {
                let last = len.checked_sub(2).and_then(|at| u16_at(body, at));
                let (row, first, last) = (u16_at(body, 0), u16_at(body, 2), last);
                let (row, first, last) = (
                    row.ok_or_else(broken)?,
                    first.ok_or_else(broken)?,
                    last.ok_or_else(broken)?,
                );
                span = Some((row, first, last.max(first)));
            }
            _ => {}
        }
        let Some((row, c0, c1)) = span else { continue };
        if row >= limits.max_rows {
            return Err(format!(
                "第 {} 行有内容，表格最多 {} 行",
                row + 1,
                limits.max_rows
            ));
        }
        if c1 >= limits.max_columns {
            return Err(format!(
                "第 {} 行第 {} 列有内容，表格最多 {} 列",
                row + 1,
                c1 + 1,
                limits.max_columns
            ));
        }
        cells = cells.saturating_add(c1 - c0 + 1);
        if cells > limits.max_cells {
            return Err(format!("单元格过多（最多 {} 个）", limits.max_cells));
        }
        let b = bounds.get_or_insert((row, row, c0, c1));
        *b = (b.0.min(row), b.1.max(row), b.2.min(c0), b.3.max(c1));
    }
    Ok(())
}

fn xls(bytes: &[u8], limits: &Limits) -> Result<Vec<Vec<String>>, String> {
    check_xls(bytes, limits)?;
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
        if row >= l.max_rows {
            return Err(format!(
                "第 {} 行有内容，表格最多 {} 行",
                row + 1,
                l.max_rows
            ));
        }
        if col >= l.max_columns {
            return Err(format!(
                "第 {} 行第 {} 列有内容，表格最多 {} 列",
                row + 1,
                col + 1,
                l.max_columns
            ));
        }
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
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_typed() {
        // What Excel writes for 19.99 (17 significant digits).
        let excel: f64 = "19.989999999999998".parse().expect("float");
        assert_eq!(number(excel), "19.99");
        assert_eq!(number(4601234567890.0), "4601234567890");
        assert_eq!(number(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(number(-0.0), "0");
        assert_eq!(number(1e21), "1000000000000000000000");
        assert_eq!(number(12.5), "12.5");
    }

    #[test]
    fn text_encodings_are_detected_or_refused() {
        let (gb, _, _) = encoding_rs::GB18030.encode("货号,名称\nSB-1,保温杯 500ml\n");
        assert_eq!(
            decode_text(&gb).expect("gb18030"),
            "货号,名称\nSB-1,保温杯 500ml\n"
        );
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in "货号\t价格\n".encode_utf16() {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(decode_text(&utf16).expect("utf-16"), "货号\t价格\n");
        assert_eq!(decode_text("\u{FEFF}a,b".as_bytes()).expect("bom"), "a,b");
        let (cyrillic, _, _) =
            encoding_rs::WINDOWS_1251.encode("Артикул,Название\nSB-1,Термос для чая\n");
        let err = decode_text(&cyrillic).expect_err("windows-1251 is not guessed");
        assert!(err.contains("windows-1251"), "{err}");
        let err = decode_text(b"\xEF\xBB\xBFa\xFF").expect_err("bad utf-8 after a bom");
        assert!(err.contains("UTF-8"), "{err}");
    }

    fn rows_of(name: &str, bytes: &[u8]) -> Vec<Vec<String>> {
        rows(name, bytes, &Limits::for_bytes(16 << 20)).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    fn strings(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn workbooks_written_by_other_programs_read_as_typed() {
        // fixtures/sheets/make.py: openpyxl, XlsxWriter and xlwt (.xls) write the same table.
        let header = strings(&["货号", "名称", "价格", "条码", "上架日期", "有货"]);
        let first = strings(&[
            "SB-1",
            "保温杯 500ml",
            "19.99",
            "4601234567890",
            "2026-12-01",
            "true",
        ]);
        let second = strings(&[
            "SB-2",
            "Термос «Север»",
            "12.3",
            "12",
            "2027-01-31",
            "false",
        ]);
        for (name, bytes) in [
            (
                "openpyxl.xlsx",
                &include_bytes!("../../fixtures/sheets/openpyxl.xlsx")[..],
            ),
            (
                "xlsxwriter.xlsx",
                &include_bytes!("../../fixtures/sheets/xlsxwriter.xlsx")[..],
            ),
            (
                "xlwt.xls",
                &include_bytes!("../../fixtures/sheets/xlwt.xls")[..],
            ),
        ] {
            let rows = rows_of(name, bytes);
            assert_eq!(rows[0], header, "{name}");
            assert_eq!(rows[1], first, "{name}");
            assert_eq!(rows[2], second, "{name}");
            assert!(
                !rows.iter().flatten().any(|c| c.contains("不是商品")),
                "{name}: only the first sheet"
            );
        }
        // A formula's cached result is its value.
        let rows = rows_of(
            "xlsxwriter.xlsx",
            include_bytes!("../../fixtures/sheets/xlsxwriter.xlsx"),
        );
        assert_eq!(rows[3][..3], strings(&["SB-3", "", "39.98"])[..]);
    }

    #[test]
    fn excel_and_wps_shapes_read_as_typed() {
        // The first tab is stored as sheet2.xml; 17-digit floats; rich-text and phonetic runs;
        // a blank row; a styled, empty cell in column XFD; the 1904 date system (WPS, Mac).
        for (name, bytes) in [
            (
                "excel_like.xlsx",
                &include_bytes!("../../fixtures/sheets/excel_like.xlsx")[..],
            ),
            (
                "wps_1904.xlsx",
                &include_bytes!("../../fixtures/sheets/wps_1904.xlsx")[..],
            ),
        ] {
            let rows = rows_of(name, bytes);
            assert_eq!(rows.len(), 3, "{name}: {rows:?}");
            assert_eq!(
                rows[0],
                strings(&["货号", "名称", "价格", "条码", "上架日期"]),
                "{name}"
            );
            assert!(rows[1].is_empty(), "{name}: the blank row keeps its place");
            assert_eq!(
                rows[2],
                strings(&["SB-1", "保温杯", "19.99", "4601234567890", "2026-12-01"]),
                "{name}"
            );
        }
        let csv = rows_of(
            "导出.csv",
            include_bytes!("../../fixtures/sheets/excel_gb18030.csv"),
        );
        assert_eq!(csv[1], strings(&["SB-1", "保温杯 500ml", "19.99"]));
        assert_eq!(csv[2], strings(&["SB-2", "杯子, 红色", "8"]));
    }

    /// A workbook from its shared strings and its first sheet's `<sheetData>` content.
    fn workbook(shared: &str, sheet_data: &str) -> Vec<u8> {
        use std::io::Write;
        let parts = [
            ("[Content_Types].xml", r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#.to_string()),
            ("_rels/.rels", r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string()),
            ("xl/workbook.xml", r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string()),
            ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#.to_string()),
            ("xl/sharedStrings.xml", shared.to_string()),
            ("xl/worksheets/sheet1.xml", format!(r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{sheet_data}</sheetData></worksheet>"#)),
        ];
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, body) in parts {
            zip.start_file(name, options).expect("entry");
            zip.write_all(body.as_bytes()).expect("write");
        }
        zip.finish().expect("zip").into_inner()
    }

    #[test]
    fn hostile_workbooks_are_refused_with_a_reason() {
        let limits = Limits::for_bytes(16 << 20);
        // One 1 MB shared string used by 100 cells: 100 MB of text from a few KB of file.
        let big = format!(
            r#"<sst uniqueCount="1"><si><t>{}</t></si></sst>"#,
            "杯".repeat(350_000)
        );
        let cells: String = (1..=100)
            .map(|r| format!(r#"<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>"#))
            .collect();
        let file = workbook(&big, &cells);
        assert!(file.len() < 64 * 1024, "{} bytes", file.len());
        let err = rows("bomb.xlsx", &file, &limits).expect_err("shared-string bomb");
        assert!(err.contains("文字过多"), "{err}");

        // A value in column XFD (the last one): refused, naming the cell.
        let far: String = (1..=2000)
            .map(|r| format!(r#"<row r="{r}"><c r="XFD{r}"><v>1</v></c></row>"#))
            .collect();
        let err = rows("far.xlsx", &workbook("<sst/>", &far), &limits).expect_err("XFD");
        assert!(err.contains("第 1 行第 16384 列"), "{err}");

        // A sheet that unpacks to far more than it weighs.
        let padding = " ".repeat(200 * 1024 * 1024);
        let file = workbook("<sst/>", &padding);
        drop(padding);
        let err = rows("zip.xlsx", &file, &limits).expect_err("zip bomb");
        assert!(err.contains("解压后过大"), "{err}");

        // A shared-string table announcing billions of strings (calamine would reserve them).
        let file = workbook(
            r#"<sst count="1" uniqueCount="4000000000"><si><t>x</t></si></sst>"#,
            "",
        );
        let err = rows("count.xlsx", &file, &limits).expect_err("announced count");
        assert!(err.contains("单元格过多"), "{err}");

        // Too many cells, and a row past the last one allowed.
        let small = Limits {
            max_cells: 10,
            max_rows: 50,
            ..limits
        };
        let many: String = (1..=11)
            .map(|r| format!(r#"<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>"#))
            .collect();
        let err = rows("many.xlsx", &workbook("<sst/>", &many), &small).expect_err("cells");
        assert!(err.contains("单元格过多"), "{err}");
        let low = r#"<row r="51"><c r="A51"><v>1</v></c></row>"#;
        let err = rows("low.xlsx", &workbook("<sst/>", low), &small).expect_err("rows");
        assert!(err.contains("第 51 行"), "{err}");
    }

    /// A compound file whose workbook stream holds `records` (type, body) after a globals
    /// substream, the way Excel lays out a one-sheet .xls.
    fn xls_file(records: &[(u16, Vec<u8>)]) -> Vec<u8> {
        use std::io::Write as _;
        let mut stream = Vec::new();
        let mut put = |typ: u16, body: &[u8]| {
            stream.extend_from_slice(&typ.to_le_bytes());
            stream.extend_from_slice(&(body.len() as u16).to_le_bytes());
            stream.extend_from_slice(body);
        };
        let bof = [0x00, 0x06, 0x05, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        put(0x0809, &bof);
        put(0x000A, &[]);
        put(
            0x0809,
            &[0x00, 0x06, 0x10, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        );
        for (typ, body) in records {
            put(*typ, body);
        }
        put(0x000A, &[]);
        let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).expect("cfb");
        file.create_stream("/Workbook")
            .expect("stream")
            .write_all(&stream)
            .expect("write");
        file.into_inner().into_inner()
    }

    fn number_record(row: u16, col: u16) -> (u16, Vec<u8>) {
        let mut body = Vec::new();
        body.extend_from_slice(&row.to_le_bytes());
        body.extend_from_slice(&col.to_le_bytes());
        body.extend_from_slice(&0u16.to_le_bytes());
        body.extend_from_slice(&1.0f64.to_le_bytes());
        (0x0203, body)
    }

    /// .xls files whose few bytes claim a huge sheet are refused before calamine lays them
    /// out (without the check, the first one aborts the process on a failed allocation).
    #[test]
    fn hostile_xls_files_are_refused_with_a_reason() {
        let limits = Limits::for_bytes(16 << 20);
        let mut dims = Vec::new();
        dims.extend_from_slice(&0u32.to_le_bytes());
        dims.extend_from_slice(&u32::MAX.to_le_bytes());
        dims.extend_from_slice(&0u16.to_le_bytes());
        dims.extend_from_slice(&200u16.to_le_bytes());
        dims.extend_from_slice(&0u16.to_le_bytes());
        let file = xls_file(&[(0x0200, dims)]);
        let err = rows("dims.xls", &file, &limits).expect_err("dimensions");
        assert!(err.contains("声明的使用范围"), "{err}");

        // Two cells 65,535 rows and 199 columns apart: 13 million cells laid out densely.
        let file = xls_file(&[number_record(0, 0), number_record(65_535, 199)]);
        assert!(file.len() < 32 * 1024, "{}", file.len());
        let err = rows("far.xls", &file, &limits).expect_err("spread");
        assert!(err.contains("分布过广"), "{err}");

        // A value past the last column allowed, named by its position.
        let file = xls_file(&[number_record(4, 300)]);
        let err = rows("wide.xls", &file, &limits).expect_err("column");
        assert!(err.contains("第 5 行第 301 列"), "{err}");

        // A truncated record is a broken file, not a panic.
        let mut file = xls_file(&[number_record(0, 0)]);
        let cut = file.len() - 600;
        file.truncate(cut);
        assert!(rows("cut.xls", &file, &limits).is_err());

        // A real .xls (xlwt) passes the check unchanged.
        let real = include_bytes!("../../fixtures/sheets/xlwt.xls");
        check_xls(real, &limits).expect("xlwt file");
    }

    #[test]
    fn announced_counts_are_read() {
        assert_eq!(
            announced_count(br#"<?xml?><sst xmlns="x" count="3" uniqueCount="2">"#),
            Some(2)
        );
        assert_eq!(
            announced_count(br#"<sst uniqueCount='99999999999999999999999'>"#),
            Some(u64::MAX)
        );
        assert_eq!(announced_count(br#"<sst count="3">"#), None);
    }
}
