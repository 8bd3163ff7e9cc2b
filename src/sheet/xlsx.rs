//! XLSX written: workbooks of plain text cells, as inline strings, so nothing in them is ever
//! a formula. Reading is `super::read` (calamine).

use super::zip::ZipWriter;

/// `B3` → 1 (columns from 0).
#[cfg(test)]
fn column_of(reference: &str) -> Option<usize> {
    let letters: Vec<u8> = reference
        .bytes()
        .take_while(u8::is_ascii_alphabetic)
        .collect();
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let n = letters.iter().fold(0usize, |n, b| {
        n * 26 + (b.to_ascii_uppercase() - b'A') as usize + 1
    });
    Some(n - 1)
}

fn column_name(mut index: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// XML text: markup escaped, characters XML cannot hold dropped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A workbook with one sheet per `(name, rows)`; the first row of each is bold and frozen.
/// Every cell goes through `escape_cell`.
pub fn write(sheets: &[(&str, Vec<Vec<String>>)]) -> Vec<u8> {
    let mut zip = ZipWriter::default();
    let overrides: String = (1..=sheets.len())
        .map(|i| format!(r#"<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#))
        .collect();
    zip.add(
        "[Content_Types].xml",
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>{overrides}</Types>"#
        )
        .as_bytes(),
    );
    zip.add(
        "_rels/.rels",
        br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    );
    let sheet_list: String = sheets
        .iter()
        .enumerate()
        .map(|(i, (name, _))| {
            let name: String = escape(name).chars().take(31).collect();
            format!(
                r#"<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>"#,
                n = i + 1
            )
        })
        .collect();
    zip.add(
        "xl/workbook.xml",
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{sheet_list}</sheets></workbook>"#
        )
        .as_bytes(),
    );
    let rels: String = (1..=sheets.len())
        .map(|n| format!(r#"<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>"#))
        .collect();
    let styles_id = sheets.len() + 1;
    zip.add(
        "xl/_rels/workbook.xml.rels",
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}<Relationship Id="rId{styles_id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#
        )
        .as_bytes(),
    );
    zip.add(
        "xl/styles.xml",
        br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="3"><xf xfId="0"/><xf fontId="1" applyFont="1" xfId="0"/><xf applyAlignment="1" xfId="0"><alignment wrapText="1" vertical="top"/></xf></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"#,
    );
    for (i, (_, rows)) in sheets.iter().enumerate() {
        zip.add(
            &format!("xl/worksheets/sheet{}.xml", i + 1),
            sheet_xml(rows).as_bytes(),
        );
    }
    zip.finish()
}

fn sheet_xml(rows: &[Vec<String>]) -> String {
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><sheetData>"#,
    );
    for (r, row) in rows.iter().enumerate() {
        xml.push_str(&format!(r#"<row r="{}">"#, r + 1));
        let style = if r == 0 { 1 } else { 2 };
        for (c, cell) in row.iter().enumerate() {
            if cell.is_empty() {
                continue;
            }
            xml.push_str(&format!(
                r#"<c r="{}{}" t="inlineStr" s="{style}"><is><t xml:space="preserve">{}</t></is></c>"#,
                column_name(c),
                r + 1,
                escape(&super::escape_cell(cell))
            ));
        }
        xml.push_str("</row>");
    }
    xml.push_str("</sheetData></worksheet>");
    xml
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_named_like_excel() {
        for (i, name) in [
            (0, "A"),
            (25, "Z"),
            (26, "AA"),
            (27, "AB"),
            (701, "ZZ"),
            (702, "AAA"),
        ] {
            assert_eq!(column_name(i), name);
            assert_eq!(column_of(&format!("{name}7")), Some(i));
        }
        assert_eq!(column_of("7"), None);
    }

    #[test]
    fn what_it_writes_it_reads_back() {
        let rows = vec![
            vec!["货号".to_string(), "名称".into(), String::new(), "D".into()],
            vec![
                "SB-1".into(),
                "<b>&\"杯\"</b>\nline".into(),
                String::new(),
                "x".into(),
            ],
            vec![],
            vec!["=HYPERLINK(\"http://x\")".into(), "\u{1}bell".into()],
        ];
        let file = write(&[("商品", rows.clone()), ("字典值", vec![vec!["a".into()]])]);
        let back = super::super::read::rows(
            "t.xlsx",
            &file,
            &super::super::limits::Limits::for_bytes(1 << 20),
        )
        .expect("read");
        let back: Vec<Vec<String>> = back
            .iter()
            .map(|r| r.iter().map(|c| super::super::unescape_cell(c)).collect())
            .collect();
        assert_eq!(back[0], rows[0]);
        assert_eq!(back[1], rows[1]);
        assert!(back[2].is_empty(), "a blank row keeps its place");
        // The control character is dropped (XML cannot hold it); the formula stays text.
        assert_eq!(back[3], vec!["=HYPERLINK(\"http://x\")", "bell"]);
        let xml = String::from_utf8(
            super::super::zip::entry(&file, "xl/worksheets/sheet1.xml", 1 << 20).expect("sheet"),
        )
        .expect("utf-8");
        assert!(xml.contains("'=HYPERLINK"), "{xml}");
        assert!(!xml.contains("<f>"));
    }
}
