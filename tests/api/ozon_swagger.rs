//! Every request body the client builds validates against the official swagger
//! (`fixtures/wire/ozon-swagger-2026-04-30.json`, a copy of ../shared/wire). Object schemas are
//! closed (`additionalProperties: false`) so a misnamed field fails, and types are checked, so a
//! mistyped one does too. The check is the simulator's own (`sim::ozon::schema`), which answers
//! such a body with HTTP 400 as Ozon's gateway does.

use std::sync::OnceLock;

use serde::Serialize;
use serde_json::{json, Value};
use shopbridge::ozon::client::catalog::{
    AttributesRequest, TreeRequest, ValuesRequest, ValuesSearchRequest,
};
use shopbridge::ozon::client::commerce::{
    CursorRequest, PriceItem, PricesRequest, StockItem, StocksRequest, WarehouseListRequest,
};
use shopbridge::ozon::client::products::{
    ImportAttribute, ImportAttributeValue, ImportBySkuItem, ImportBySkuRequest, ImportInfoRequest,
    ImportItem, ImportRequest, PicturesInfoRequest, ProductInfoRequest, ProductListFilter,
    ProductListRequest,
};
use shopbridge::sim::ozon::schema::{request_errors, request_schema};

fn swagger() -> &'static Value {
    static SWAGGER: OnceLock<Value> = OnceLock::new();
    SWAGGER.get_or_init(|| {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/wire/ozon-swagger-2026-04-30.json");
        let text = std::fs::read_to_string(path).expect("swagger");
        serde_json::from_str(&text).expect("swagger is JSON")
    })
}

/// The simulator's gateway check (closed objects, types): the same one that refuses bodies with
/// HTTP 400 at run time.
fn errors_for(path: &str, body: &Value) -> Vec<String> {
    assert!(
        request_schema(path).is_some(),
        "{path} has a request schema in the swagger"
    );
    request_errors(path, body)
}

fn assert_valid<T: Serialize>(path: &str, request: &T) {
    let body = serde_json::to_value(request).expect("serialise");
    let errors = errors_for(path, &body);
    assert!(errors.is_empty(), "{path}: {errors:?}\n{body}");
}

fn import_item() -> ImportItem {
    ImportItem {
        offer_id: "SB-1".into(),
        name: "保温杯".into(),
        description_category_id: 17_028_922,
        type_id: 91_565,
        barcode: "4006381333931".into(),
        price: "1300.00".into(),
        old_price: "1500.00".into(),
        vat: "0.2".into(),
        currency_code: "CNY".into(),
        depth: 100,
        width: 80,
        height: 200,
        dimension_unit: "mm".into(),
        weight: 350,
        weight_unit: "g".into(),
        primary_image: "https://media.example/1.jpg".into(),
        images: vec!["https://media.example/2.jpg".into()],
        attributes: vec![ImportAttribute {
            complex_id: 0,
            id: 85,
            values: vec![ImportAttributeValue {
                dictionary_value_id: Some(971_082_156),
                value: "ShopBridge".into(),
            }],
        }],
    }
}

#[test]
fn every_request_we_build_matches_the_official_schema() {
    let filter = ProductListFilter {
        offer_id: vec!["SB-1".into()],
        product_id: vec!["223681945".into()],
        visibility: "ALL".into(),
    };
    assert_valid(
        "/v3/product/list",
        &ProductListRequest {
            filter: filter.clone(),
            last_id: String::new(),
            limit: 1000,
        },
    );
    assert_valid(
        "/v3/product/info/list",
        &ProductInfoRequest {
            offer_id: vec!["SB-1".into()],
            ..Default::default()
        },
    );
    assert_valid(
        "/v3/product/info/list",
        &ProductInfoRequest {
            sku: vec!["33373353831".into()],
            ..Default::default()
        },
    );
    assert_valid(
        "/v2/product/pictures/info",
        &PicturesInfoRequest {
            product_id: vec!["89898989".into()],
        },
    );
    assert_valid(
        "/v3/product/import",
        &ImportRequest {
            items: vec![import_item()],
        },
    );
    assert_valid(
        "/v1/product/import/info",
        &ImportInfoRequest {
            task_id: 172_549_793,
        },
    );
    assert_valid(
        "/v1/product/import-by-sku",
        &ImportBySkuRequest {
            items: vec![ImportBySkuItem {
                sku: 298_789_742,
                offer_id: "SB-2".into(),
                name: "Cup".into(),
                price: "2300".into(),
                old_price: "2590".into(),
                vat: "0.1".into(),
                currency_code: "RUB".into(),
            }],
        },
    );
    assert_valid(
        "/v1/product/import/prices",
        &PricesRequest {
            prices: vec![PriceItem {
                offer_id: "SB-1".into(),
                price: "1300".into(),
                old_price: "0".into(),
                min_price: "1000".into(),
                currency_code: "RUB".into(),
                vat: "0.2".into(),
            }],
        },
    );
    assert_valid(
        "/v2/products/stocks",
        &StocksRequest {
            stocks: vec![StockItem {
                offer_id: "SB-1".into(),
                product_id: 313_455_276,
                stock: 5,
                warehouse_id: 22_142_605_386_000,
            }],
        },
    );
    let cursor = CursorRequest {
        cursor: String::new(),
        filter,
        limit: 1000,
    };
    assert_valid("/v5/product/info/prices", &cursor);
    assert_valid("/v4/product/info/stocks", &cursor);
    assert_valid(
        "/v1/description-category/tree",
        &TreeRequest {
            language: "ZH_HANS".into(),
        },
    );
    assert_valid(
        "/v1/description-category/attribute",
        &AttributesRequest {
            description_category_id: 200_000_933,
            type_id: 93_080,
            language: "DEFAULT".into(),
        },
    );
    assert_valid(
        "/v1/description-category/attribute/values",
        &ValuesRequest {
            attribute_id: 85,
            description_category_id: 17_054_869,
            type_id: 97_311,
            language: "DEFAULT".into(),
            last_value_id: 0,
            limit: 100,
        },
    );
    assert_valid(
        "/v1/description-category/attribute/values/search",
        &ValuesSearchRequest {
            attribute_id: 85,
            description_category_id: 17_054_869,
            type_id: 97_311,
            value: "Name".into(),
            limit: 100,
        },
    );
    assert_valid(
        "/v2/warehouse/list",
        &WarehouseListRequest {
            cursor: String::new(),
            limit: 200,
        },
    );
    // /v1/roles and /v4/product/info/limit take `{}` and have no request schema;
    // /v2/product/pictures/import (2026-09-03) is newer than this swagger.
    for path in ["/v1/roles", "/v4/product/info/limit"] {
        assert!(
            swagger()["paths"][path]["post"]["requestBody"].is_null(),
            "{path}"
        );
    }
}

#[test]
fn a_misnamed_or_mistyped_field_fails() {
    let misnamed =
        json!({"filter": {"offer_ids": ["SB-1"], "visibility": "ALL"}, "last_id": "", "limit": 10});
    assert!(
        !errors_for("/v3/product/list", &misnamed).is_empty(),
        "offer_ids is not a field"
    );
    let mistyped = json!({"stocks": [{"offer_id": "SB-1", "stock": "five", "warehouse_id": 1}]});
    assert!(
        !errors_for("/v2/products/stocks", &mistyped).is_empty(),
        "stock must be an integer"
    );
    let task_as_string = json!({"task_id": "172549793"});
    assert!(
        !errors_for("/v1/product/import/info", &task_as_string).is_empty(),
        "task_id is int64"
    );
}

#[test]
fn removed_methods_are_not_in_todays_swagger_or_our_client() {
    let source = include_str!("../../src/ozon/client/mod.rs");
    for removed in [
        "\"/v2/product/import\"",
        "\"/v1/product/pictures/import\"",
        "\"/v1/warehouse/list\"",
    ] {
        assert!(!source.contains(removed), "the client calls {removed}");
    }
    assert!(swagger()["paths"]["/v2/product/import"].is_null());
}
