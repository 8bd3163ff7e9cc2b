//! Drafts as spreadsheets: one row per draft, fixed columns then one column per attribute.
//! Headers carry their key, `货号* (offer_id)` or `品牌* [85]`, so columns may be moved,
//! left out or added by hand. The same layout serves the template, the import and the export.

use std::collections::HashMap;

use crate::ozon::listing::validate::MAX_OFFER_ID_CHARS;
use crate::ozon::listing::{
    AttributeSpec, Draft, DraftAttribute, DraftMode, DraftStock, DraftValue,
};

/// The fixed columns: key, label, required.
pub const FIELDS: &[(&str, &str, bool)] = &[
    ("offer_id", "货号", true),
    ("name", "商品名称", true),
    ("description", "描述", false),
    ("description_category_id", "类目ID", true),
    ("type_id", "类型ID", true),
    ("mode", "建卡方式", false),
    ("follow_sku", "跟卖目标SKU", false),
    ("barcode", "条码", false),
    ("depth", "长度", true),
    ("width", "宽度", true),
    ("height", "高度", true),
    ("dimension_unit", "尺寸单位", true),
    ("weight", "重量", true),
    ("weight_unit", "重量单位", true),
    ("price", "售价", true),
    ("old_price", "划线价", false),
    ("vat", "增值税", true),
    ("currency_code", "币种", true),
    ("images", "图片", true),
    ("stocks", "库存", false),
];

const MODES: &[(DraftMode, &[&str])] = &[
    (DraftMode::New, &["新建商品卡", "new", "新建"]),
    (
        DraftMode::FollowSku,
        &["按SKU跟卖", "follow_sku", "跟卖：按 SKU 复制已有商品卡"],
    ),
    (
        DraftMode::FollowBarcode,
        &["按条码跟卖", "follow_barcode", "跟卖：按相同条码建卡"],
    ),
];

/// One column of the layout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Column {
    Field(&'static str),
    Attribute {
        id: i64,
        name: String,
        required: bool,
    },
}

impl Column {
    pub fn header(&self) -> String {
        match self {
            Column::Field(key) => {
                let (label, required) = FIELDS
                    .iter()
                    .find(|(k, ..)| k == key)
                    .map(|(_, l, r)| (*l, *r))
                    .unwrap_or((key, false));
                format!("{label}{} ({key})", if required { "*" } else { "" })
            }
            Column::Attribute { id, name, required } => {
                format!("{name}{} [{id}]", if *required { "*" } else { "" })
            }
        }
    }

    /// The column a header names, by `(key)`, `[id]`, or a bare key or label.
    pub fn from_header(header: &str) -> Option<Column> {
        let h = header.trim();
        if let Some(inner) = h.strip_suffix(']').and_then(|s| s.rsplit_once('[')) {
            let id = inner.1.trim().parse::<i64>().ok()?;
            let name = inner.0.trim().trim_end_matches('*').trim().to_string();
            return Some(Column::Attribute {
                id,
                name,
                required: false,
            });
        }
        let key = h
            .strip_suffix(')')
            .and_then(|s| s.rsplit_once('('))
            .map(|(_, k)| k.trim())
            .unwrap_or(h);
        let bare = key.trim_end_matches('*').trim();
        FIELDS
            .iter()
            .find(|(k, label, _)| k.eq_ignore_ascii_case(bare) || *label == bare)
            .map(|(k, ..)| Column::Field(k))
    }
}

/// The fixed columns, then the attributes: required first, each group in Ozon's order.
pub fn columns(specs: &[AttributeSpec]) -> Vec<Column> {
    let mut out: Vec<Column> = FIELDS.iter().map(|(k, ..)| Column::Field(k)).collect();
    let mut sorted: Vec<&AttributeSpec> = specs.iter().collect();
    sorted.sort_by_key(|s| !s.is_required);
    out.extend(sorted.into_iter().map(|s| Column::Attribute {
        id: s.id,
        name: s.name.clone(),
        required: s.is_required,
    }));
    out
}

fn mode_label(mode: DraftMode) -> &'static str {
    MODES
        .iter()
        .find(|(m, _)| *m == mode)
        .map(|(_, names)| names[0])
        .unwrap_or_default()
}

/// A value as a cell: its text, or `#id` for a dictionary value without text.
fn value_cell(v: &DraftValue) -> String {
    match v.dictionary_value_id {
        Some(id) if v.value.is_empty() => format!("#{id}"),
        _ => v.value.clone(),
    }
}

/// One draft as a row of `columns`.
pub fn row_of(columns: &[Column], d: &Draft) -> Vec<String> {
    columns
        .iter()
        .map(|c| match c {
            Column::Field(key) => field_cell(d, key),
            Column::Attribute { id, .. } => d
                .attributes
                .iter()
                .filter(|a| a.id == *id)
                .flat_map(|a| a.values.iter())
                .map(value_cell)
                .collect::<Vec<_>>()
                .join("; "),
        })
        .collect()
}

fn field_cell(d: &Draft, key: &str) -> String {
    let id = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    match key {
        "offer_id" => d.offer_id.clone(),
        "name" => d.name.clone(),
        "description" => d.description.clone(),
        "description_category_id" => id(d.description_category_id),
        "type_id" => id(d.type_id),
        "mode" => mode_label(d.mode).to_string(),
        "follow_sku" => d.follow_sku.clone(),
        "barcode" => d.barcode.clone(),
        "depth" => d.depth.clone(),
        "width" => d.width.clone(),
        "height" => d.height.clone(),
        "dimension_unit" => d.dimension_unit.clone(),
        "weight" => d.weight.clone(),
        "weight_unit" => d.weight_unit.clone(),
        "price" => d.price.clone(),
        "old_price" => d.old_price.clone(),
        "vat" => d.vat.clone(),
        "currency_code" => d.currency_code.clone(),
        "images" => d.images.join("\n"),
        "stocks" => d
            .stocks
            .iter()
            .map(|s| format!("{}:{}", s.warehouse_id, s.stock))
            .collect::<Vec<_>>()
            .join("; "),
        _ => String::new(),
    }
}

/// The draft a row describes, attribute cells still raw (see `shape_attributes`); or why the
/// row cannot become a draft.
pub fn draft_of(columns: &[Option<Column>], row: &[String]) -> Result<Draft, String> {
    let mut d = Draft::default();
    for (i, column) in columns.iter().enumerate() {
        let Some(column) = column else { continue };
        let cell = row.get(i).map(String::as_str).unwrap_or_default();
        match column {
            Column::Attribute { id, .. } => {
                if !cell.trim().is_empty() {
                    d.attributes.push(DraftAttribute {
                        id: *id,
                        values: vec![DraftValue {
                            dictionary_value_id: None,
                            value: cell.to_string(),
                        }],
                    });
                }
            }
            Column::Field(key) => set_field(&mut d, key, cell)?,
        }
    }
    let offer = d.offer_id.trim();
    if offer.is_empty() {
        return Err("货号为空，无法建立草稿".into());
    }
    if offer.chars().count() > MAX_OFFER_ID_CHARS
        || offer.contains(['/', '\\'])
        || offer.chars().any(char::is_control)
    {
        return Err("货号最多 50 个字符，且不能包含 /、\\ 或控制字符".into());
    }
    d.offer_id = offer.to_string();
    Ok(d)
}

fn set_field(d: &mut Draft, key: &str, cell: &str) -> Result<(), String> {
    let id = |label: &str| -> Result<Option<i64>, String> {
        let t = cell.trim();
        if t.is_empty() {
            return Ok(None);
        }
        t.parse::<i64>()
            .map(Some)
            .map_err(|_| format!("{label}「{}」不是数字", shorten(t)))
    };
    let text = cell.to_string();
    match key {
        "offer_id" => d.offer_id = text,
        "name" => d.name = text,
        "description" => d.description = text,
        "description_category_id" => d.description_category_id = id("类目ID")?,
        "type_id" => d.type_id = id("类型ID")?,
        "mode" => {
            let t = cell.trim();
            d.mode = if t.is_empty() {
                DraftMode::New
            } else {
                MODES
                    .iter()
                    .find(|(_, names)| names.iter().any(|n| n.eq_ignore_ascii_case(t)))
                    .map(|(m, _)| *m)
                    .ok_or_else(|| {
                        format!(
                            "建卡方式「{}」无效，应为新建商品卡、按SKU跟卖或按条码跟卖",
                            shorten(t)
                        )
                    })?
            }
        }
        "follow_sku" => d.follow_sku = text,
        "barcode" => d.barcode = text,
        "depth" => d.depth = text,
        "width" => d.width = text,
        "height" => d.height = text,
        "dimension_unit" => d.dimension_unit = text,
        "weight" => d.weight = text,
        "weight_unit" => d.weight_unit = text,
        "price" => d.price = text,
        "old_price" => d.old_price = text,
        "vat" => d.vat = text,
        "currency_code" => d.currency_code = text,
        "images" => d.images = cell.split_whitespace().map(str::to_string).collect(),
        "stocks" => d.stocks = stocks_of(cell)?,
        _ => {}
    }
    Ok(())
}

fn stocks_of(cell: &str) -> Result<Vec<DraftStock>, String> {
    cell.split([';', '；', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|part| {
            let (warehouse, stock) = part
                .split_once([':', '：'])
                .ok_or_else(|| format!("库存「{}」应写成 仓库ID:数量", shorten(part)))?;
            let warehouse_id = warehouse
                .trim()
                .parse::<i64>()
                .map_err(|_| format!("库存中的仓库ID「{}」不是数字", shorten(warehouse)))?;
            Ok(DraftStock {
                warehouse_id,
                stock: stock.trim().to_string(),
            })
        })
        .collect()
}

fn shorten(text: &str) -> String {
    let mut out: String = text.chars().take(40).collect();
    if text.chars().count() > 40 {
        out.push('…');
    }
    out
}

/// Splits collection cells on `;` and turns dictionary texts (or `#id`) into value ids, using
/// the type's attributes and its dictionaries. A text the dictionary lacks stays without an id,
/// so the validator names it.
pub fn shape_attributes(
    d: &mut Draft,
    specs: &[AttributeSpec],
    dictionaries: &HashMap<i64, Vec<(i64, String)>>,
) {
    for attr in &mut d.attributes {
        let Some(cell) = attr.values.first().map(|v| v.value.clone()) else {
            continue;
        };
        let spec = specs.iter().find(|s| s.id == attr.id);
        let parts: Vec<String> = if spec.is_some_and(|s| s.is_collection) {
            cell.split([';', '；'])
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .collect()
        } else {
            vec![cell]
        };
        let dictionary = spec
            .filter(|s| s.dictionary_id > 0)
            .and_then(|s| dictionaries.get(&s.id));
        attr.values = parts
            .into_iter()
            .map(|part| match dictionary {
                Some(known) => dictionary_value(known, part),
                None => DraftValue {
                    dictionary_value_id: None,
                    value: part,
                },
            })
            .collect();
    }
}

fn dictionary_value(known: &[(i64, String)], part: String) -> DraftValue {
    let t = part.trim();
    if let Some(id) = t.strip_prefix('#').and_then(|n| n.parse::<i64>().ok()) {
        return DraftValue {
            dictionary_value_id: Some(id),
            value: String::new(),
        };
    }
    let found = known.iter().find(|(_, v)| v == t).or_else(|| {
        known
            .iter()
            .find(|(_, v)| v.to_lowercase() == t.to_lowercase())
    });
    match found {
        Some((id, v)) => DraftValue {
            dictionary_value_id: Some(*id),
            value: v.clone(),
        },
        None => DraftValue {
            dictionary_value_id: None,
            value: part,
        },
    }
}

/// A draft without what cannot show in a sheet (attributes with no value), for comparing.
pub fn normalized(d: &Draft) -> Draft {
    let mut d = d.clone();
    d.offer_id = d.offer_id.trim().to_string();
    d.attributes.retain(|a| {
        a.values
            .iter()
            .any(|v| v.dictionary_value_id.is_some() || !v.value.trim().is_empty())
    });
    d
}

#[cfg(test)]
mod tests;
