//! CSV as Excel writes and reads it: UTF-8 with a BOM, CRLF, quotes doubled inside quoted
//! cells, line breaks allowed inside quotes. The separator is `,`, or `;`/tab when the first
//! line uses those instead.

/// Every record of `text`; blank ones are empty rows, so positions stay record numbers.
pub fn parse(text: &str) -> Vec<Vec<String>> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let first = text.lines().next().unwrap_or_default();
    let sep = [',', ';', '\t']
        .into_iter()
        .max_by_key(|s| (first.matches(*s).count(), *s == ','))
        .unwrap_or(',');
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    cell.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            } else {
                cell.push(c);
            }
            continue;
        }
        match c {
            '"' if cell.trim().is_empty() => {
                cell.clear();
                quoted = true;
            }
            c if c == sep => row.push(std::mem::take(&mut cell)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                row.push(std::mem::take(&mut cell));
                end_row(&mut rows, std::mem::take(&mut row));
            }
            c => cell.push(c),
        }
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        end_row(&mut rows, row);
    }
    while rows.last().is_some_and(Vec::is_empty) {
        rows.pop();
    }
    rows
}

/// Keeps record numbers: a blank record becomes an empty row.
fn end_row(rows: &mut Vec<Vec<String>>, row: Vec<String>) {
    if row.iter().any(|c| !c.trim().is_empty()) {
        rows.push(row);
    } else {
        rows.push(Vec::new());
    }
}

/// The rows as a CSV file Excel opens as UTF-8; every cell goes through `escape_cell`.
pub fn write(rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = String::from("\u{FEFF}");
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| {
                let c = super::escape_cell(c);
                if c.contains([',', ';', '\t', '"', '\n', '\r']) || c.trim() != c {
                    format!("\"{}\"", c.replace('"', "\"\""))
                } else {
                    c.into_owned()
                }
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_quotes_separators_and_line_breaks() {
        let text = "\u{FEFF}a,b,c\r\n\"x,1\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n\r\n,,\r\nlast,,";
        assert_eq!(
            parse(text),
            vec![
                vec!["a", "b", "c"],
                vec!["x,1", "say \"hi\"", "two\nlines"],
                vec![],
                vec![],
                vec!["last", "", ""],
            ]
        );
        assert_eq!(
            parse("a;b\n1;2,5\n"),
            vec![vec!["a", "b"], vec!["1", "2,5"]]
        );
        assert_eq!(parse("a\tb\n1\t2"), vec![vec!["a", "b"], vec!["1", "2"]]);
    }

    #[test]
    fn writes_what_it_reads() {
        let rows = vec![
            vec!["货号".to_string(), "名称".into(), "图片".into()],
            vec!["SB-1".into(), "杯子, 红色 \"大\"".into(), "a\nb".into()],
            vec!["=1+1".into(), " padded ".into(), String::new()],
        ];
        let bytes = write(&rows);
        let text = String::from_utf8(bytes).expect("utf-8");
        assert!(text.contains("'=1+1"), "{text}");
        let back: Vec<Vec<String>> = parse(&text)
            .into_iter()
            .map(|r| r.iter().map(|c| super::super::unescape_cell(c)).collect())
            .collect();
        assert_eq!(back, rows);
    }
}
