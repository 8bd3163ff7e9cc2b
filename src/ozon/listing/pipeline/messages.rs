//! Ozon's per-item error codes in Chinese, with Ozon's own words kept beside them; codes we do
//! not know are shown verbatim.

/// What a code means for the seller, if we know it.
fn meaning(code: &str) -> Option<&'static str> {
    Some(match code {
        "SPU_already_exists" => {
            "Ozon 上已有相同的商品卡片。要跟卖请把草稿改为“按 SKU 跟卖”，否则请修改货号或条码"
        }
        "missing_required_attribute" | "EMPTY_REQUIRED" | "error_attribute_values_empty" => {
            "缺少必填属性，请在草稿中补全"
        }
        "error_attribute_values_out_of_range" | "VALUE_MAX_LIMIT" => "属性值超出允许范围或数量",
        "item_limit_exceeded" => "今日新建商品额度已用完",
        "Incorrect_density" => "重量与尺寸不合理（密度超出 Ozon 的范围）",
        "missing_dimension" => "缺少尺寸或重量",
        "price_is_negative" | "price_out_of_range" => "价格无效",
        "old_price_less_than_price" => "原价必须高于售价",
        "vat_invalid" => "增值税税率无效",
        "name_too_long" => "名称超过 500 个字符",
        "all_image_failed" | "all_image_unprocessed" => "Ozon 无法下载任何一张图片",
        "description_category_invalid"
        | "description_category_has_no_description_type"
        | "description_category_is_legacy"
        | "levels_category_not_found"
        | "description_category_is_empty"
        | "description_type_is_empty" => "类目或类型无效，请刷新类目缓存后重新选择",
        "SELLER_NO_CONTRACT_FAILED" => "卖家尚未与 Ozon 签约",
        "Invalid_state" => "商品当前状态不允许此操作",
        "TOO_MANY_REQUESTS" => "更新太频繁，Ozon 暂时拒绝",
        "PRICE_IS_NOT_SENT" => "尚未设置价格，不能设置库存",
        "WAREHOUSE_NOT_FOUND" => "仓库不存在",
        "offer_id_not_found" | "NOT_FOUND_ERROR" => "Ozon 上找不到这个货号",
        "product_is_not_created" | "PRODUCT_HAS_NOT_BEEN_TAGGED_YET" => "商品卡片尚未创建完成",
        "STOCK_TOO_BIG" => "库存必须小于 1000000",
        "PRODUCT_IS_ARCHIVED" => "商品已归档",
        _ => return None,
    })
}

/// One Ozon error as the pages show it: "中文说明（Ozon：code: message）", or Ozon's words alone.
pub fn explain(code: &str, message: &str) -> String {
    let ozon = match (code.is_empty(), message.is_empty()) {
        (true, _) => message.to_string(),
        (false, true) => code.to_string(),
        (false, false) => format!("{code}: {message}"),
    };
    match meaning(code) {
        Some(zh) => format!("{zh}（Ozon：{ozon}）"),
        None => format!("Ozon：{ozon}"),
    }
}

/// Several item errors joined for one product.
pub fn explain_all(errors: &[crate::ozon::client::products::ItemError]) -> String {
    let parts: Vec<String> = errors.iter().map(|e| explain(&e.code, &e.text())).collect();
    if parts.is_empty() {
        "Ozon 拒绝了此商品，但没有给出原因".to_string()
    } else {
        parts.join("；")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_codes_are_translated_and_unknown_ones_kept() {
        let spu = explain("SPU_already_exists", "SPU already exists");
        assert!(spu.starts_with("Ozon 上已有相同的商品卡片"), "{spu}");
        assert!(
            spu.contains("SPU_already_exists: SPU already exists"),
            "{spu}"
        );
        assert_eq!(
            explain("NEW_CODE", "Something new"),
            "Ozon：NEW_CODE: Something new"
        );
        assert_eq!(explain_all(&[]), "Ozon 拒绝了此商品，但没有给出原因");
    }
}
