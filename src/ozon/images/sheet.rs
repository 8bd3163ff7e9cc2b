//! Articles from an uploaded file: the first column of a CSV/TXT (UTF-8) or of the first sheet
//! of an XLSX. A header cell such as "货号" or "offer_id" is skipped.

pub const MAX_FILE_BYTES: usize = super::sheet_limit();
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
    let rows = crate::sheet::read_table(name, bytes, MAX_FILE_BYTES)?;
    let mut out: Vec<String> = rows
        .into_iter()
        .filter_map(|row| row.into_iter().next())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn xlsx(entries: &[(&str, &str)]) -> Vec<u8> {
        let mut zip = crate::sheet::zip::ZipWriter::default();
        for (name, body) in entries {
            zip.add(name, body.as_bytes());
        }
        zip.finish()
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
        let csv = "\u{FEFF}offer_id,name\nSB-001,杯子\n\"SB,002\",x\n\n SB-003 ,y\n";
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
