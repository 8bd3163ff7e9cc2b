//! XLSX: the first sheet of a workbook as rows of text, and workbooks of plain text cells.
//! Cells are written as inline strings, so nothing in them is ever a formula.

use super::zip::{entry, ZipWriter};

const MAX_XML_BYTES: usize = 64 * 1024 * 1024;

fn broken() -> String {
    "无法读取 XLSX 文件（文件损坏或不是 Excel 工作簿）".to_string()
}

/// The rows of the first sheet, cells placed by their references (`B3`); blank rows are empty.
pub fn read_first_sheet(zip: &[u8]) -> Result<Vec<Vec<String>>, String> {
    let sheet = entry(zip, "xl/worksheets/sheet1.xml", MAX_XML_BYTES).ok_or_else(broken)?;
    let sheet = String::from_utf8(sheet).map_err(|_| broken())?;
    let shared: Vec<String> = entry(zip, "xl/sharedStrings.xml", MAX_XML_BYTES)
        .and_then(|b| String::from_utf8(b).ok())
        .map(|xml| {
            elements(&xml, "si")
                .into_iter()
                .map(|(_, inner)| texts_of(inner, "t"))
                .collect()
        })
        .unwrap_or_default();
    let mut rows = Vec::new();
    for (row_attrs, row_xml) in elements(&sheet, "row") {
        let row_no = attr(row_attrs, "r")
            .and_then(|r| r.parse::<usize>().ok())
            .unwrap_or(rows.len() + 1);
        let mut cells: Vec<String> = Vec::new();
        for (attrs, inner) in elements(row_xml, "c") {
            let column = attr(attrs, "r").and_then(column_of).unwrap_or(cells.len());
            if column > 16_384 {
                return Err(broken());
            }
            let value = match attr(attrs, "t") {
                Some("s") => texts_of(inner, "v")
                    .trim()
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| shared.get(i).cloned())
                    .unwrap_or_default(),
                Some("inlineStr") => texts_of(inner, "t"),
                _ => texts_of(inner, "v"),
            };
            if cells.len() <= column {
                cells.resize(column + 1, String::new());
            }
            cells[column] = value;
        }
        if cells.iter().any(|c| !c.trim().is_empty()) {
            rows.push((row_no, cells));
        }
    }
    rows.sort_by_key(|(n, _)| *n);
    // Blank rows stay as empty rows, so positions are row numbers (row 1 first).
    let mut out: Vec<Vec<String>> = Vec::new();
    for (n, cells) in rows {
        if n > 1_048_576 {
            return Err(broken());
        }
        while out.len() + 1 < n {
            out.push(Vec::new());
        }
        out.push(cells);
    }
    Ok(out)
}

/// `B3` → 1 (columns from 0).
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

fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';') else { break };
        let entity = &rest[1..end];
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
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

/// Every `<tag …>text</tag>` inside `xml`, unescaped and joined (rich text runs).
fn texts_of(xml: &str, tag: &str) -> String {
    elements(xml, tag)
        .into_iter()
        .map(|(_, inner)| unescape(inner))
        .collect()
}

/// The blocks `<tag …>…</tag>` (or self-closed) of `xml`, with their attribute text.
fn elements<'a>(xml: &'a str, tag: &str) -> Vec<(&'a str, &'a str)> {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find(&open) {
        rest = &rest[i + open.len()..];
        if !rest.starts_with('>') && !rest.starts_with(' ') {
            continue;
        }
        let Some(gt) = rest.find('>') else { break };
        let attrs = &rest[..gt];
        if attrs.ends_with('/') {
            out.push((attrs, ""));
            rest = &rest[gt + 1..];
            continue;
        }
        let Some(end) = rest.find(&close) else { break };
        out.push((attrs, &rest[gt + 1..end]));
        rest = &rest[end + close.len()..];
    }
    out
}

fn attr<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = attrs.find(&key)? + key.len();
    let end = attrs[start..].find('"')?;
    Some(&attrs[start..start + end])
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
        let back = read_first_sheet(&file).expect("read");
        let back: Vec<Vec<String>> = back
            .iter()
            .map(|r| r.iter().map(|c| super::super::unescape_cell(c)).collect())
            .collect();
        assert_eq!(back[0], rows[0]);
        assert_eq!(back[1], rows[1]);
        assert!(back[2].is_empty(), "a blank row keeps its place");
        // The control character is dropped (XML cannot hold it); the formula stays text.
        assert_eq!(back[3], vec!["=HYPERLINK(\"http://x\")", "bell"]);
        let xml =
            String::from_utf8(entry(&file, "xl/worksheets/sheet1.xml", 1 << 20).expect("sheet"))
                .expect("utf-8");
        assert!(xml.contains("'=HYPERLINK"), "{xml}");
        assert!(!xml.contains("<f>"));
    }
}
