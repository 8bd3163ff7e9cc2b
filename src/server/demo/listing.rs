//! The demo's Ozon listing work: the category cache filled, six drafts of books in the
//! simulator's demo category (one with a problem left to fix), and three of them submitted, so
//! 草稿 and 上架流程 show a run moving through catalog → media → card → price → stock.

use serde_json::json;

use super::visitor::Visitor;

/// The simulator's demo category and type (books), its attributes and warehouses.
const CATEGORY: i64 = 200_001_483;
const TYPE: i64 = 971_445_087;
const WAREHOUSES: [i64; 2] = [22_142_605_386_000, 22_142_605_386_001];

const BOOKS: &[(&str, &str)] = &[
    ("DEMO-BOOK-001", "演示图书：三体（俄文版）"),
    ("DEMO-BOOK-002", "演示图书：活着（俄文版）"),
    ("DEMO-BOOK-003", "演示图书：围城（俄文版）"),
    ("DEMO-BOOK-004", "演示图书：边城（俄文版）"),
    ("DEMO-BOOK-005", "演示图书：红楼梦（俄文版）"),
    ("DEMO-BOOK-006", "演示图书：西游记（俄文版，缺条码）"),
];

/// A 12-digit prefix with its EAN-13 check digit.
fn ean13(prefix: &str) -> String {
    let sum: u32 = prefix
        .bytes()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    format!("{prefix}{}", (10 - sum % 10) % 10)
}

pub(super) async fn seed(me: &Visitor, sim: &str) -> anyhow::Result<()> {
    me.call("listing_cache_refresh", &[("credential_id", "1")])
        .await?;
    for (i, (offer_id, name)) in BOOKS.iter().enumerate() {
        let draft = json!({
            "offer_id": offer_id,
            "name": name,
            "description_category_id": CATEGORY,
            "type_id": TYPE,
            // The last one has no barcode: the editor shows what to fix.
            "barcode": if i == BOOKS.len() - 1 { String::new() } else { ean13(&format!("46000510010{i}")) },
            "depth": "20", "width": "14", "height": "2", "dimension_unit": "cm",
            "weight": "300", "weight_unit": "g",
            "price": format!("{}", 450 + i * 25), "old_price": "", "vat": "0", "currency_code": "CNY",
            "attributes": [
                {"id": 9048, "values": [{"value": "Книга"}]},
                {"id": 22232, "values": [{"dictionary_value_id": 5_056_737}]}
            ],
            "images": [format!("{sim}/img/100001/{}.png", 1 + i % 3)],
            "stocks": [
                {"warehouse_id": WAREHOUSES[0], "stock": format!("{}", 5 + i)},
                {"warehouse_id": WAREHOUSES[1], "stock": "3"}
            ],
        });
        me.call(
            "listing_draft_save",
            &[("credential_id", "1"), ("draft", &draft.to_string())],
        )
        .await?;
    }
    me.call(
        "listing_submit",
        &[("offer_ids", "DEMO-BOOK-001\nDEMO-BOOK-002\nDEMO-BOOK-003")],
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn check_digits_are_ean13s() {
        assert_eq!(super::ean13("460005100005"), "4600051000057");
        assert_eq!(super::ean13("400638133393"), "4006381333931");
    }
}
