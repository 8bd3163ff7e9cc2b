//! Spreadsheet import and export of drafts, against the cache and the drafts table: the
//! template of a type (with its dictionaries), the export, and the import that keeps the file
//! and reports row by row. The download routes are in `routes.rs`.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use crate::ozon::client::OzonCredentials;
use crate::ozon::listing::catalog::cache::{self, CacheError};
use crate::ozon::listing::drafts::service::Drafts;
use crate::ozon::listing::sheets::columns::{draft_of, normalized, shape_attributes, Column};
use crate::ozon::listing::{
    AttributeSpec, Draft, ImportReport, RowOutcome, RowStatus, MAX_SHEET_BYTES,
};
use crate::sheet::read_table;

/// Most data rows in one file.
pub const MAX_ROWS: usize = 2000;

pub use crate::ozon::listing::sheets::export::{export, template, Sheets};

/// Keeps the file, then makes or updates a draft per row. One bad row never stops the rest.
pub async fn import(
    service: &Drafts,
    credential_id: i64,
    creds: &OzonCredentials,
    file_name: &str,
    bytes: &[u8],
    by: &str,
) -> sqlx::Result<ImportReport> {
    let file_name: String = file_name
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let id = super::store::keep_file(service.pool(), credential_id, &file_name, bytes, by).await?;
    let mut report = ImportReport {
        id,
        file_name,
        ..ImportReport::default()
    };
    let (name, owned) = (report.file_name.clone(), bytes.to_vec());
    match crate::sheet::off_thread(move || read_table(&name, &owned, MAX_SHEET_BYTES)).await {
        Err(message) => report.error = Some(message),
        Ok(rows) => import_rows(service, credential_id, creds, rows, by, &mut report).await,
    }
    super::store::set_report(service.pool(), id, &report).await?;
    Ok(report)
}

async fn import_rows(
    service: &Drafts,
    credential_id: i64,
    creds: &OzonCredentials,
    rows: Vec<Vec<String>>,
    by: &str,
    report: &mut ImportReport,
) {
    let mut rows = rows.into_iter().enumerate();
    let Some((_, header)) = rows.by_ref().find(|(_, r)| !r.is_empty()) else {
        report.error = Some("文件里没有内容".into());
        return;
    };
    let cols: Vec<Option<Column>> = header.iter().map(|h| Column::from_header(h)).collect();
    for (h, c) in header.iter().zip(&cols) {
        if c.is_none() && !h.trim().is_empty() {
            report
                .warnings
                .push(format!("已忽略无法识别的列「{}」", h.trim()));
        }
    }
    let offer_col = cols
        .iter()
        .position(|c| c == &Some(Column::Field("offer_id")));
    if offer_col.is_none() {
        report.error = Some(
            "找不到货号列（表头应为「货号* (offer_id)」或 offer_id），请使用下载的模板".into(),
        );
        return;
    }
    let data: Vec<(usize, Vec<String>)> = rows.filter(|(_, r)| !r.is_empty()).collect();
    if data.len() > MAX_ROWS {
        report.error = Some(format!(
            "一次最多导入 {MAX_ROWS} 行，这个文件有 {} 行，请分开上传",
            data.len()
        ));
        return;
    }
    let name_col = cols.iter().position(|c| c == &Some(Column::Field("name")));
    let blank = |row: &[String], col: Option<usize>| {
        col.and_then(|i| row.get(i))
            .is_none_or(|c| c.trim().is_empty())
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut facts = Facts::default();
    for (index, row) in data {
        let row_no = index + 1;
        // A row with neither 货号 nor 名称 is the template's example or an unused row.
        if blank(&row, offer_col) && blank(&row, name_col) {
            continue;
        }
        let outcome = import_row(
            service,
            credential_id,
            creds,
            &cols,
            &row,
            by,
            &mut seen,
            &mut facts,
            row_no,
        )
        .await;
        report.rows.push(outcome);
    }
}

/// Attributes and dictionaries looked up once per import.
#[derive(Default)]
struct Facts {
    specs: HashMap<(i64, i64), Vec<AttributeSpec>>,
    dictionaries: HashMap<(i64, i64, i64), Vec<(i64, String)>>,
}

#[allow(clippy::too_many_arguments)]
async fn import_row(
    service: &Drafts,
    credential_id: i64,
    creds: &OzonCredentials,
    cols: &[Option<Column>],
    row: &[String],
    by: &str,
    seen: &mut HashMap<String, usize>,
    facts: &mut Facts,
    row_no: usize,
) -> RowOutcome {
    let rejected = |offer_id: String, reason: String| RowOutcome {
        row: row_no,
        offer_id,
        status: RowStatus::Rejected,
        reason,
        problems: Vec::new(),
    };
    let mut draft = match draft_of(cols, row) {
        Ok(d) => d,
        Err(reason) => {
            let offer = cols
                .iter()
                .position(|c| c == &Some(Column::Field("offer_id")))
                .and_then(|i| row.get(i))
                .cloned()
                .unwrap_or_default();
            return rejected(offer, reason);
        }
    };
    if let Some(first) = seen.get(&draft.offer_id) {
        return rejected(
            draft.offer_id.clone(),
            format!("货号与第 {first} 行重复，本行未导入"),
        );
    }
    seen.insert(draft.offer_id.clone(), row_no);
    if let Err(err) = shape(service, credential_id, creds, &mut draft, facts).await {
        return rejected(draft.offer_id.clone(), format!("读取类目缓存失败：{err}"));
    }
    let existing = match service.find(&draft.offer_id).await {
        Ok(found) => found,
        Err(err) => return rejected(draft.offer_id.clone(), format!("数据库错误：{err}")),
    };
    if let Some(saved) = &existing {
        if saved.credential_id == credential_id && normalized(&saved.draft) == normalized(&draft) {
            return RowOutcome {
                row: row_no,
                offer_id: draft.offer_id,
                status: RowStatus::Unchanged,
                reason: String::new(),
                problems: saved.problems.clone(),
            };
        }
    }
    match service.save_checked(credential_id, creds, &draft, by).await {
        Ok(problems) => RowOutcome {
            row: row_no,
            offer_id: draft.offer_id,
            status: if existing.is_some() {
                RowStatus::Updated
            } else {
                RowStatus::Created
            },
            reason: String::new(),
            problems,
        },
        Err(err) => rejected(draft.offer_id.clone(), format!("保存失败：{err}")),
    }
}

/// Splits collections and maps dictionary texts to ids, for a type the cache knows.
async fn shape(
    service: &Drafts,
    credential_id: i64,
    creds: &OzonCredentials,
    draft: &mut Draft,
    facts: &mut Facts,
) -> Result<(), CacheError> {
    let Some(pair @ (category_id, type_id)) = draft.description_category_id.zip(draft.type_id)
    else {
        return Ok(());
    };
    if let Entry::Vacant(slot) = facts.specs.entry(pair) {
        let specs =
            if cache::pair_known(service.pool(), credential_id, category_id, type_id).await? {
                cache::attributes(
                    service.pool(),
                    service.ozon(),
                    credential_id,
                    creds,
                    category_id,
                    type_id,
                )
                .await?
            } else {
                Vec::new()
            };
        slot.insert(specs);
    }
    let specs = facts.specs.get(&pair).cloned().unwrap_or_default();
    let mut dictionaries = HashMap::new();
    for spec in specs.iter().filter(|s| s.dictionary_id > 0) {
        if !draft.attributes.iter().any(|a| a.id == spec.id) {
            continue;
        }
        let key = (spec.id, category_id, type_id);
        if let Entry::Vacant(slot) = facts.dictionaries.entry(key) {
            let values = cache::values(
                service.pool(),
                service.ozon(),
                credential_id,
                creds,
                key,
                cache::MAX_VALUES_PAGE,
            )
            .await?;
            slot.insert(values);
        }
        if let Some(values) = facts.dictionaries.get(&key) {
            dictionaries.insert(spec.id, values.clone());
        }
    }
    shape_attributes(draft, &specs, &dictionaries);
    Ok(())
}
