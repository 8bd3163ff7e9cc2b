//! The walk an `.xls` gets before calamine opens it (see [`check`]).

use std::io::{Cursor, Read};

use super::limits::{broken, Limits};

/// Walks the workbook stream's BIFF records once and refuses a sheet that reaches past the
/// limits before calamine opens it: calamine reserves a sheet's DIMENSIONS (rows × columns) up
/// front and lays every sheet out densely from its nearest to its farthest cell, so a few bytes
/// claiming row 4,000,000,000 or two cells 65,535 rows apart would take gigabytes, or abort the
/// process when the allocation fails.
pub(super) fn check(bytes: &[u8], limits: &Limits) -> Result<(), String> {
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
        limits.check_position(row, c1)?;
        cells = cells.saturating_add(c1 - c0 + 1);
        if cells > limits.max_cells {
            return Err(format!("单元格过多（最多 {} 个）", limits.max_cells));
        }
        let b = bounds.get_or_insert((row, row, c0, c1));
        *b = (b.0.min(row), b.1.max(row), b.2.min(c0), b.3.max(c1));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::read::rows;
    use super::*;

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
        check(real, &limits).expect("xlwt file");
    }
}
