//! The pre-submit validator (the listing PRD's §9.1 checklist and more). Pure: the caller
//! supplies what the cache knows. The image HEAD check is `cache`'s async part.

use std::collections::{HashMap, HashSet};

use super::domain::{
    discount_problem, grams_per, mm_per, Barcode, Decimal, OfferId, DENSITY_MAX, DENSITY_MIN,
    VAT_VALUES,
};
use super::{AttributeSpec, Draft, DraftMode, Problem};

pub const MAX_NAME_CHARS: usize = 500;
pub const MAX_IMAGES: usize = 30;
pub const MAX_OFFER_ID_CHARS: usize = OfferId::MAX_CHARS;

/// What the category cache says about a draft's category and type.
#[derive(Clone, Debug, Default)]
pub struct CatalogFacts {
    /// The pair exists in the cached tree and the type is a leaf.
    pub pair_known: bool,
    /// The type's attributes.
    pub attributes: Vec<AttributeSpec>,
    /// Known dictionary value ids per attribute id (only dictionary attributes).
    pub values: HashMap<i64, HashSet<i64>>,
}

struct Problems(Vec<Problem>);

impl Problems {
    fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(Problem {
            field: field.into(),
            message: message.into(),
        });
    }
}

/// Every problem of `draft`, in field order. Empty means it can be submitted.
pub fn validate(draft: &Draft, facts: &CatalogFacts) -> Vec<Problem> {
    let mut p = Problems(Vec::new());
    if let Err(why) = OfferId::parse(&draft.offer_id) {
        p.add("offer_id", why);
    }
    let name_len = draft.name.trim().chars().count();
    if name_len == 0 {
        p.add("name", "商品名称不能为空");
    } else if name_len > MAX_NAME_CHARS {
        p.add(
            "name",
            format!("商品名称最多 {MAX_NAME_CHARS} 个字符，现在 {name_len} 个"),
        );
    }
    match (draft.description_category_id, draft.type_id) {
        (Some(_), Some(_)) if !facts.pair_known => p.add(
            "type_id",
            "类目与类型的组合在类目缓存中不存在，或类型不是末级节点，请重新选择",
        ),
        (Some(_), Some(_)) => {}
        _ => p.add("type_id", "请选择类目和商品类型（末级节点）"),
    }
    check_barcode(draft, &mut p);
    check_sizes(draft, &mut p);
    check_prices(draft, &mut p);
    check_attributes(draft, facts, &mut p);
    if draft.images.is_empty() {
        p.add("images", "至少需要 1 张图片（第一张为主图）");
    } else if draft.images.len() > MAX_IMAGES {
        p.add(
            "images",
            format!("最多 {MAX_IMAGES} 张图片，现在 {} 张", draft.images.len()),
        );
    }
    for (i, url) in draft.images.iter().enumerate() {
        let url = url.trim();
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            p.add(
                format!("images.{}", i + 1),
                "图片地址应以 http:// 或 https:// 开头",
            );
        }
    }
    for (i, stock) in draft.stocks.iter().enumerate() {
        if stock
            .stock
            .trim()
            .parse::<u32>()
            .map_or(true, |n| n >= 1_000_000)
        {
            p.add(format!("stocks.{}", i + 1), "库存应为 0 到 999999 的整数");
        }
    }
    p.0
}

fn check_barcode(draft: &Draft, p: &mut Problems) {
    let barcode = draft.barcode.trim();
    if !barcode.is_empty() {
        if let Err(message) = Barcode::parse(barcode) {
            p.add("barcode", message);
        }
    }
    match draft.mode {
        DraftMode::FollowSku if draft.follow_sku.trim().parse::<u64>().is_err() => {
            p.add("follow_sku", "跟卖模式需要目标商品的 SKU（数字）")
        }
        DraftMode::FollowBarcode if barcode.is_empty() => {
            p.add("barcode", "按条码跟卖需要填写条码")
        }
        _ => {}
    }
}

fn check_sizes(draft: &Draft, p: &mut Problems) {
    let mm = mm_per(&draft.dimension_unit);
    if mm.is_none() {
        p.add("dimension_unit", "尺寸单位应为 mm、cm 或 in");
    }
    let grams = grams_per(&draft.weight_unit);
    if grams.is_none() {
        p.add("weight_unit", "重量单位应为 g、kg 或 lb");
    }
    let mut positive = |field: &str, label: &str, value: &str| match Decimal::parse(value)
        .filter(|d| !d.is_zero())
    {
        Some(d) => Some(d.as_f64()),
        None => {
            p.add(field, format!("{label}应为大于 0 的数字"));
            None
        }
    };
    let depth = positive("depth", "长度", &draft.depth);
    let width = positive("width", "宽度", &draft.width);
    let height = positive("height", "高度", &draft.height);
    let weight = positive("weight", "重量", &draft.weight);
    if let (Some(d), Some(w), Some(h), Some(g), Some(mm), Some(gr)) =
        (depth, width, height, weight, mm, grams)
    {
        let cm3 = (d * mm / 10.0) * (w * mm / 10.0) * (h * mm / 10.0);
        let density = g * gr / cm3;
        if !(DENSITY_MIN..=DENSITY_MAX).contains(&density) {
            p.add(
                "weight",
                format!(
                    "重量与尺寸不符：密度 {density:.4} g/cm³ 超出 Ozon 允许的 {DENSITY_MIN}–{DENSITY_MAX}"
                ),
            );
        }
    }
}

fn check_prices(draft: &Draft, p: &mut Problems) {
    let price = Decimal::parse(&draft.price).filter(|d| !d.is_zero());
    if price.is_none() {
        p.add("price", "售价应为大于 0 的数字（最多 6 位小数）");
    }
    let old = if draft.old_price.trim().is_empty() {
        Decimal::parse("0")
    } else {
        Decimal::parse(&draft.old_price)
    };
    match (price, old) {
        (_, None) => p.add("old_price", "划线价应为数字，留空或 0 表示无折扣"),
        (Some(price), Some(old)) => {
            if let Some(message) = discount_problem(price, old, draft.currency_code.trim()) {
                p.add("old_price", message);
            }
        }
        _ => {}
    }
    if !VAT_VALUES.contains(&draft.vat.trim()) {
        p.add("vat", format!("增值税应为 {} 之一", VAT_VALUES.join("、")));
    }
    if draft.currency_code.trim().is_empty() {
        p.add("currency_code", "请选择币种（须与 Ozon 店铺币种一致）");
    }
}

fn check_attributes(draft: &Draft, facts: &CatalogFacts, p: &mut Problems) {
    for spec in &facts.attributes {
        let field = format!("attributes.{}", spec.id);
        let values: Vec<_> = draft
            .attributes
            .iter()
            .filter(|a| a.id == spec.id)
            .flat_map(|a| a.values.iter())
            .filter(|v| v.dictionary_value_id.is_some() || !v.value.trim().is_empty())
            .collect();
        if values.is_empty() {
            if spec.is_required {
                p.add(field, format!("必填属性「{}」未填写", spec.name));
            }
            continue;
        }
        let max = if spec.is_collection {
            usize::try_from(spec.max_value_count)
                .ok()
                .filter(|m| *m > 0)
        } else {
            Some(1)
        };
        if let Some(max) = max.filter(|m| values.len() > *m) {
            p.add(
                &field,
                format!("「{}」最多 {max} 个值，现在 {} 个", spec.name, values.len()),
            );
        }
        for v in &values {
            if spec.dictionary_id > 0 {
                let known = facts.values.get(&spec.id);
                match v.dictionary_value_id {
                    None => p.add(&field, format!("「{}」须从字典中选择", spec.name)),
                    Some(id) if known.is_some_and(|k| !k.contains(&id)) => {
                        p.add(&field, format!("「{}」的字典值 {id} 无效", spec.name))
                    }
                    _ => {}
                }
                continue;
            }
            let value = v.value.trim();
            let ok = match spec.kind.as_str() {
                "Integer" => value.parse::<i64>().is_ok(),
                "Decimal" => Decimal::parse(value.trim_start_matches('-')).is_some(),
                "Boolean" => matches!(value, "true" | "false"),
                _ => true,
            };
            if !ok {
                p.add(
                    &field,
                    format!("「{}」应为{}", spec.name, kind_label(&spec.kind)),
                );
            }
        }
    }
    for attr in &draft.attributes {
        if !facts.attributes.is_empty() && !facts.attributes.iter().any(|s| s.id == attr.id) {
            p.add(
                format!("attributes.{}", attr.id),
                "该类型没有这个属性（类目可能已变化）",
            );
        }
    }
}

fn kind_label(kind: &str) -> &'static str {
    match kind {
        "Integer" => "整数",
        "Decimal" => "数字",
        "Boolean" => "是/否（true 或 false）",
        _ => "文本",
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests;
