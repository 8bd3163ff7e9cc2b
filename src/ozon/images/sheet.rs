//! Articles from an uploaded file: the first column of a CSV/TXT (UTF-8) or of the first sheet
//! of an XLSX. A header cell such as "货号" or "offer_id" is skipped. The XLSX reader is just
//! enough ZIP (stored or deflated entries) and XML for that one column.

use miniz_oxide::inflate::decompress_to_vec_with_limit;

pub const MAX_FILE_BYTES: usize = super::sheet_limit();
const MAX_XML_BYTES: usize = 32 * 1024 * 1024;
const HEADERS: &[&str] = &[
    "货号",
    "商品货号",
    "offer_id",
    "sku",
    "article",
    "артикул",
    "vendor_code",
];

/// The articles of `name`'s bytes, or a message saying why there are none.
pub fn articles_from_file(name: &str, bytes: &[u8]) -> Result<Vec<String>, String> {
    if bytes.is_empty() {
        return Err("文件是空的".into());
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err("文件过大（最大 1 MB）".into());
    }
    let lower = name.to_ascii_lowercase();
    let cells = if lower.ends_with(".xlsx") || bytes.starts_with(b"PK\x03\x04") {
        xlsx_first_column(bytes)?
    } else if lower.ends_with(".xls") {
        return Err("不支持旧版 .xls，请另存为 .xlsx 或 CSV".into());
    } else {
        let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
            .map_err(|_| {
                "CSV 不是 UTF-8 编码，请在 Excel 中另存为“CSV UTF-8”或 XLSX".to_string()
            })?;
        text.lines().map(first_csv_cell).collect()
    };
    let mut out: Vec<String> = cells
        .into_iter()
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect();
    if out
        .first()
        .is_some_and(|h| HEADERS.iter().any(|k| h.eq_ignore_ascii_case(k)))
    {
        out.remove(0);
    }
    if out.is_empty() {
        return Err("文件第一列没有货号".into());
    }
    Ok(out)
}

fn first_csv_cell(line: &str) -> String {
    let line = line.trim_start();
    if let Some(rest) = line.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = rest.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    out.push('"');
                    chars.next();
                } else {
                    break;
                }
            } else {
                out.push(c);
            }
        }
        return out;
    }
    line.split([',', ';', '\t'])
        .next()
        .unwrap_or_default()
        .to_string()
}

fn u16_at(b: &[u8], at: usize) -> Option<usize> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?) as usize)
}

fn u32_at(b: &[u8], at: usize) -> Option<usize> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?) as usize)
}

/// The entry `wanted` of a ZIP archive, inflated.
fn zip_entry(zip: &[u8], wanted: &str) -> Option<Vec<u8>> {
    let end = (0..zip.len().saturating_sub(21))
        .rev()
        .find(|&i| zip[i..].starts_with(b"PK\x05\x06"))?;
    let count = u16_at(zip, end + 10)?;
    let mut at = u32_at(zip, end + 16)?;
    for _ in 0..count {
        if !zip.get(at..)?.starts_with(b"PK\x01\x02") {
            return None;
        }
        let method = u16_at(zip, at + 10)?;
        let size = u32_at(zip, at + 20)?;
        let name_len = u16_at(zip, at + 28)?;
        let extra_len = u16_at(zip, at + 30)?;
        let comment_len = u16_at(zip, at + 32)?;
        let local = u32_at(zip, at + 42)?;
        let name = zip.get(at + 46..at + 46 + name_len)?;
        if name == wanted.as_bytes() {
            let data_at = local + 30 + u16_at(zip, local + 26)? + u16_at(zip, local + 28)?;
            let data = zip.get(data_at..data_at + size)?;
            return match method {
                0 => Some(data.to_vec()),
                8 => decompress_to_vec_with_limit(data, MAX_XML_BYTES).ok(),
                _ => None,
            };
        }
        at += 46 + name_len + extra_len + comment_len;
    }
    None
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

fn xlsx_first_column(zip: &[u8]) -> Result<Vec<String>, String> {
    let broken = || "无法读取 XLSX 文件（文件损坏或不是 Excel 工作簿）".to_string();
    let sheet = zip_entry(zip, "xl/worksheets/sheet1.xml").ok_or_else(broken)?;
    let sheet = String::from_utf8(sheet).map_err(|_| broken())?;
    let shared: Vec<String> = zip_entry(zip, "xl/sharedStrings.xml")
        .and_then(|b| String::from_utf8(b).ok())
        .map(|xml| {
            elements(&xml, "si")
                .into_iter()
                .map(|(_, inner)| texts_of(inner, "t"))
                .collect()
        })
        .unwrap_or_default();
    let mut out = Vec::new();
    for (attrs, inner) in elements(&sheet, "c") {
        let reference = attr(attrs, "r").unwrap_or_default();
        let column: String = reference
            .chars()
            .take_while(char::is_ascii_alphabetic)
            .collect();
        if column != "A" {
            continue;
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
        out.push(value);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-sheet workbook with stored (uncompressed) entries.
    fn xlsx(entries: &[(&str, &str)]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for (name, body) in entries {
            let offset = out.len() as u32;
            let crc = crc32fast::hash(body.as_bytes());
            let header = |buf: &mut Vec<u8>, central: bool| {
                buf.extend_from_slice(if central {
                    b"PK\x01\x02"
                } else {
                    b"PK\x03\x04"
                });
                if central {
                    buf.extend_from_slice(&20u16.to_le_bytes());
                }
                buf.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0x21, 0]);
                buf.extend_from_slice(&crc.to_le_bytes());
                buf.extend_from_slice(&(body.len() as u32).to_le_bytes());
                buf.extend_from_slice(&(body.len() as u32).to_le_bytes());
                buf.extend_from_slice(&(name.len() as u16).to_le_bytes());
                buf.extend_from_slice(&0u16.to_le_bytes());
                if central {
                    // comment length, disk, internal and external attributes
                    buf.extend_from_slice(&[0; 10]);
                    buf.extend_from_slice(&offset.to_le_bytes());
                }
                buf.extend_from_slice(name.as_bytes());
            };
            header(&mut out, false);
            out.extend_from_slice(body.as_bytes());
            header(&mut central, true);
        }
        let cd_offset = out.len() as u32;
        out.extend_from_slice(&central);
        out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        out.extend_from_slice(&(central.len() as u32).to_le_bytes());
        out.extend_from_slice(&cd_offset.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }

    #[test]
    fn reads_the_first_column_of_an_xlsx() {
        let shared = r#"<sst><si><t>货号</t></si><si><t>SB-001</t></si><si><r><t>SB-</t></r><r><t xml:space="preserve">002</t></r></si><si><t>A&amp;B</t></si></sst>"#;
        let sheet = r#"<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>3</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row><row r="3"><c r="A3" t="s"><v>2</v></c></row><row r="4"><c r="A4"><v>200003</v></c></row><row r="5"><c r="A5" t="inlineStr"><is><t>SB-004</t></is></c></row><row r="6"><c r="A6" t="s"><v>3</v></c></row></sheetData></worksheet>"#;
        let file = xlsx(&[
            ("xl/sharedStrings.xml", shared),
            ("xl/worksheets/sheet1.xml", sheet),
        ]);
        let got = articles_from_file("货号.xlsx", &file).expect("articles");
        assert_eq!(got, vec!["SB-001", "SB-002", "200003", "SB-004", "A&B"]);
    }

    #[test]
    fn reads_csv_and_refuses_what_it_cannot_read() {
        let csv = "\u{FEFF}offer_id,name\nSB-001,杯子\n\"SB,002\",x\n\n SB-003 ;y\n";
        assert_eq!(
            articles_from_file("a.csv", csv.as_bytes()).expect("csv"),
            vec!["SB-001", "SB,002", "SB-003"]
        );
        let gbk = [0xBB, 0xF5, 0xBA, 0xC5, b'\n'];
        assert!(articles_from_file("a.csv", &gbk)
            .expect_err("gbk")
            .contains("UTF-8"));
        assert!(articles_from_file("a.xlsx", b"PK\x03\x04junk")
            .expect_err("broken")
            .contains("XLSX"));
        assert!(articles_from_file("a.csv", b"")
            .expect_err("empty")
            .contains("空"));
        assert!(articles_from_file("a.xls", b"\xD0\xCF")
            .expect_err("xls")
            .contains(".xls"));
        assert!(articles_from_file("a.csv", b"offer_id\n")
            .expect_err("header only")
            .contains("没有货号"));
    }
}
