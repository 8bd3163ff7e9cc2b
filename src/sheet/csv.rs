//! CSV as Excel writes and reads it: UTF-8 with a BOM, CRLF, quotes doubled inside quoted
//! cells, line breaks allowed inside quotes. The separator is `,`, or `;`/tab when the first
//! line uses those instead.

/// Every record of `text`; blank ones are empty rows, so positions stay record numbers.
/// Refused (with the row and column) once a value lies beyond `limits`' rows or columns or
/// there are more cells than allowed; empty cells past the last column are dropped.
pub fn parse(text: &str, limits: &super::limits::Limits) -> Result<Vec<Vec<String>>, String> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let sep = separator(text);
    let mut out = Rows {
        rows: Vec::new(),
        record: 0,
        column: 0,
        cells: 0,
        limits,
    };
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
            c if c == sep => out.cell(&mut row, std::mem::take(&mut cell))?,
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                out.cell(&mut row, std::mem::take(&mut cell))?;
                out.end_row(std::mem::take(&mut row))?;
            }
            c => cell.push(c),
        }
    }
    if !cell.is_empty() || !row.is_empty() {
        out.cell(&mut row, cell)?;
        out.end_row(row)?;
    }
    let mut rows = out.rows;
    while rows.last().is_some_and(Vec::is_empty) {
        rows.pop();
    }
    Ok(rows)
}

/// `,`, or `;`/tab when the first record has more of those outside quotes.
fn separator(text: &str) -> char {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let [comma, semicolon, tab] = counts;
    if semicolon > comma && semicolon >= tab {
        ';'
    } else if tab > comma && tab > semicolon {
        '\t'
    } else {
        ','
    }
}

struct Rows<'l> {
    rows: Vec<Vec<String>>,
    /// Records seen so far (the current one is `record + 1`).
    record: usize,
    /// Cells seen so far in the current record, dropped empty ones included.
    column: usize,
    cells: usize,
    limits: &'l super::limits::Limits,
}

impl Rows<'_> {
    fn cell(&mut self, row: &mut Vec<String>, cell: String) -> Result<(), String> {
        let l = self.limits;
        self.column += 1;
        if cell.trim().is_empty() {
            if row.len() < l.max_columns {
                row.push(cell);
            }
            return Ok(());
        }
        if row.len() >= l.max_columns {
            return Err(format!(
                "第 {} 行第 {} 列有内容，表格最多 {} 列",
                self.record + 1,
                self.column,
                l.max_columns
            ));
        }
        if self.record >= l.max_rows {
            return Err(format!(
                "第 {} 行有内容，表格最多 {} 行",
                self.record + 1,
                l.max_rows
            ));
        }
        self.cells += 1;
        if self.cells > l.max_cells {
            return Err(format!("单元格过多（最多 {} 个）", l.max_cells));
        }
        row.push(cell);
        Ok(())
    }

    /// Keeps record numbers: a blank record becomes an empty row.
    fn end_row(&mut self, row: Vec<String>) -> Result<(), String> {
        self.record += 1;
        self.column = 0;
        if self.rows.len() >= self.limits.max_rows {
            // Only blank records get here (a value this far down was refused): nothing to keep.
            return Ok(());
        }
        if row.iter().any(|c| !c.trim().is_empty()) {
            self.rows.push(row);
        } else {
            self.rows.push(Vec::new());
        }
        Ok(())
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
                // A leading BOM is quoted too, or a reader would take it for the file's own.
                if c.contains([',', ';', '\t', '"', '\n', '\r'])
                    || c.trim() != c
                    || c.starts_with('\u{FEFF}')
                {
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

    fn parse(text: &str) -> Vec<Vec<String>> {
        super::parse(text, &super::super::limits::Limits::for_bytes(1 << 20)).expect("parse")
    }

    #[test]
    fn wide_and_long_files_are_refused_with_the_cell() {
        let limits = super::super::limits::Limits {
            max_rows: 3,
            max_columns: 4,
            max_cells: 8,
            ..super::super::limits::Limits::for_bytes(1 << 20)
        };
        let ok = "a,b,c,d,,,,,,,,\n1,2\n";
        assert_eq!(
            super::parse(ok, &limits).expect("trailing empties"),
            vec![vec!["a", "b", "c", "d"], vec!["1", "2"]]
        );
        let wide = "a,,,,,,x\n";
        let err = super::parse(wide, &limits).expect_err("wide");
        assert!(err.contains("第 1 行第 7 列"), "{err}");
        let long = "a\nb\nc\nd\n";
        let err = super::parse(long, &limits).expect_err("long");
        assert!(err.contains("第 4 行"), "{err}");
        let many = "a,b,c,d\ne,f,g,h\ni\n";
        let err = super::parse(many, &limits).expect_err("cells");
        assert!(err.contains("单元格过多"), "{err}");
    }

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
