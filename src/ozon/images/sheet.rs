//! Articles from an uploaded file: the first column of a CSV/TXT (UTF-8, UTF-16 or GB18030) or
//! of the first sheet of an XLSX/XLS. A header cell such as "货号" or "offer_id" is skipped.

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

    #[test]
    fn reads_the_first_column_of_an_xlsx() {
        let rows: Vec<Vec<String>> = [
            ["货号", "名称"],
            ["SB-001", ""],
            ["SB-002", "x"],
            ["A&B", ""],
        ]
        .iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
        let file = crate::sheet::xlsx::write(&[("货号", rows)]);
        let got = articles_from_file("货号.xlsx", &file).expect("articles");
        assert_eq!(got, vec!["SB-001", "SB-002", "A&B"]);
    }

    #[test]
    fn reads_csv_and_refuses_what_it_cannot_read() {
        let csv = "\u{FEFF}offer_id,name\nSB-001,杯子\n\"SB,002\",x\n\n SB-003 ,y\n";
        assert_eq!(
            articles_from_file("a.csv", csv.as_bytes()).expect("csv"),
            vec!["SB-001", "SB,002", "SB-003"]
        );
        // 货号\nSB-9 in GB18030, as Chinese Excel saves a CSV.
        let gbk = [0xBB, 0xF5, 0xBA, 0xC5, b'\n', b'S', b'B', b'-', b'9', b'\n'];
        assert_eq!(
            articles_from_file("a.csv", &gbk).expect("gb18030"),
            vec!["SB-9"]
        );
        assert!(articles_from_file("a.csv", &[b'a', 0xFF, b'\n'])
            .expect_err("unknown encoding")
            .contains("UTF-8"));
        assert!(articles_from_file("a.xlsx", b"PK\x03\x04junk")
            .expect_err("broken")
            .contains("Excel"));
        assert!(articles_from_file("a.csv", b"")
            .expect_err("empty")
            .contains("空"));
        assert!(articles_from_file("a.xls", b"\xD0\xCF")
            .expect_err("xls")
            .contains("Excel"));
        assert!(articles_from_file("a.csv", b"offer_id\n")
            .expect_err("header only")
            .contains("没有货号"));
    }
}
