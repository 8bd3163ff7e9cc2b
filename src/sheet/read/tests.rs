//! The reader's tests: numbers, dates, encodings, and files built to exhaust it.

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
            &include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/fixtures/sheets/openpyxl.xlsx"
            ))[..],
        ),
        (
            "xlsxwriter.xlsx",
            &include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/fixtures/sheets/xlsxwriter.xlsx"
            ))[..],
        ),
        (
            "xlwt.xls",
            &include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/fixtures/sheets/xlwt.xls"
            ))[..],
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
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/sheets/xlsxwriter.xlsx"
        )),
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
            &include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/fixtures/sheets/excel_like.xlsx"
            ))[..],
        ),
        (
            "wps_1904.xlsx",
            &include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/fixtures/sheets/wps_1904.xlsx"
            ))[..],
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
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/sheets/excel_gb18030.csv"
        )),
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
