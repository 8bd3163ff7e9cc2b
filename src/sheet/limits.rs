//! What an upload may hold before it is refused, and the refusal of a file that is not a
//! readable workbook.

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

    /// Refuses a value at 0-based (`row`, `col`) past the last row or column allowed.
    pub fn check_position(&self, row: usize, col: usize) -> Result<(), String> {
        if row >= self.max_rows {
            return Err(format!(
                "第 {} 行有内容，表格最多 {} 行",
                row + 1,
                self.max_rows
            ));
        }
        if col >= self.max_columns {
            return Err(format!(
                "第 {} 行第 {} 列有内容，表格最多 {} 列",
                row + 1,
                col + 1,
                self.max_columns
            ));
        }
        Ok(())
    }
}

/// The refusal of a file calamine cannot open as a workbook.
pub fn broken() -> String {
    "无法读取 Excel 文件（XLSX/XLS：文件损坏、已加密，或不是 Excel 工作簿）".to_string()
}
