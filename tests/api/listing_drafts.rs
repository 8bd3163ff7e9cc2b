//! Drafts through the server functions: saved as typed even when invalid, every problem next
//! to its field, image URLs checked with HEAD through the SSRF guard, then fixed and clean.

use serde_json::{json, Value};
use shopbridge::auth::Role;

use crate::helpers::TestApp;

const PASSWORD: &str = "correct horse battery";
const CATEGORY: i64 = 200_001_483;
const TYPE: i64 = 971_445_087;

fn problem_fields(body: &Value) -> Vec<String> {
    body.as_array()
        .map(|list| {
            list.iter()
                .filter_map(|p| p["field"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drafts_are_kept_as_typed_and_checked_field_by_field() {
    let app = TestApp::spawn_with(&[("SHOPBRIDGE_FETCH_ALLOW_PRIVATE", "true")]).await;
    let admin = app.admin_with_credential(PASSWORD).await;
    app.add_user("staff", Role::Staff, PASSWORD).await;
    let staff = app.client();
    app.login(&staff, "staff", PASSWORD).await;

    let (status, _) = app
        .call(&staff, "listing_cache_refresh", &[("credential_id", "1")])
        .await;
    assert_eq!(status, 403, "staff cannot refresh the cache");
    let (status, diff) = app
        .call(&admin, "listing_cache_refresh", &[("credential_id", "1")])
        .await;
    assert_eq!(status, 200, "{diff}");
    let (_, found) = app
        .call(
            &staff,
            "listing_types_search",
            &[("credential_id", "1"), ("query", "Печатная")],
        )
        .await;
    assert_eq!(found.as_array().map(Vec::len), Some(3), "{found}");

    let image = format!("{}/img/100001/1.png", app.sim_url);
    let mut draft = json!({
        "offer_id": "BOOK-1",
        "name": "<script>alert(1)</script> 图书",
        "description_category_id": CATEGORY,
        "type_id": TYPE,
        "barcode": "4600051000058",
        "depth": "20", "width": "14", "height": "2", "dimension_unit": "cm",
        "weight": "300", "weight_unit": "g",
        "price": "500", "old_price": "", "vat": "0", "currency_code": "CNY",
        "attributes": [{"id": 9048, "values": [{"value": "Книга"}]}],
        "images": [image, format!("{}/img/100001/missing-2.png", app.sim_url)],
    });
    let (status, problems) = app
        .call(
            &staff,
            "listing_draft_save",
            &[("credential_id", "1"), ("draft", &draft.to_string())],
        )
        .await;
    assert_eq!(status, 200, "{problems}");
    let fields = problem_fields(&problems);
    assert!(fields.contains(&"barcode".to_string()), "{problems}");
    assert!(
        fields.contains(&"attributes.22232".to_string()),
        "{problems}"
    );
    assert!(fields.contains(&"images.2".to_string()), "{problems}");
    assert!(!fields.contains(&"images.1".to_string()), "{problems}");
    assert!(
        problems.to_string().contains("条码校验位错误"),
        "{problems}"
    );

    // Saved as typed, name and all.
    let stored: String =
        sqlx::query_scalar("SELECT data FROM listing_drafts WHERE offer_id = 'BOOK-1'")
            .fetch_one(&app.pool)
            .await
            .expect("draft row");
    let stored: Value = serde_json::from_str(&stored).expect("json");
    assert_eq!(stored["name"], "<script>alert(1)</script> 图书");
    assert_eq!(stored["barcode"], "4600051000058");

    // A dictionary value that is not in the dictionary, then a real one.
    draft["attributes"] = json!([
        {"id": 9048, "values": [{"value": "Книга"}]},
        {"id": 22232, "values": [{"dictionary_value_id": 1}]}
    ]);
    let (_, problems) = app
        .call(
            &staff,
            "listing_draft_save",
            &[("credential_id", "1"), ("draft", &draft.to_string())],
        )
        .await;
    assert!(problems.to_string().contains("字典值 1 无效"), "{problems}");

    draft["barcode"] = json!("4600051000057");
    draft["images"] = json!([image]);
    draft["attributes"][1]["values"][0]["dictionary_value_id"] = json!(5_056_737);
    let (status, problems) = app
        .call(
            &staff,
            "listing_draft_save",
            &[("credential_id", "1"), ("draft", &draft.to_string())],
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(problems, json!([]), "fixed: {problems}");

    let (status, body) = app
        .call(
            &staff,
            "listing_draft_save",
            &[("credential_id", "1"), ("draft", "{not json")],
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("草稿格式无效"), "{body}");

    // Ozon makes the weight attribute required: admins see the diff, the draft is flagged.
    app.ozon_sim
        .catalog
        .lock()
        .expect("catalog")
        .config
        .now_required = vec![4383];
    let (status, diff) = app
        .call(&admin, "listing_cache_refresh", &[("credential_id", "1")])
        .await;
    assert_eq!(status, 200, "{diff}");
    assert_eq!(diff["flagged_drafts"], json!(["BOOK-1"]), "{diff}");
    let (status, _) = app.call(&staff, "listing_diffs", &[]).await;
    assert_eq!(status, 403);
    let (_, diffs) = app.call(&admin, "listing_diffs", &[]).await;
    assert_eq!(diffs[0]["credential_name"], "主店", "{diffs}");
    assert!(
        diffs[0]["diff"]["newly_required"]
            .to_string()
            .contains("4383"),
        "{diffs}"
    );
    let (_, listed) = app.call(&staff, "listing_drafts_list", &[]).await;
    assert!(
        listed[0]["flag"]
            .as_str()
            .unwrap_or_default()
            .contains("类目属性已变化"),
        "{listed}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn image_checks_refuse_private_addresses_with_the_flag_off() {
    let app = TestApp::spawn().await;
    let admin = app.admin_with_credential(PASSWORD).await;
    let draft = json!({
        "offer_id": "SSRF-1",
        "images": ["http://169.254.169.254/latest/meta-data/", format!("{}/img/100001/1.png", app.sim_url)],
    });
    let (status, problems) = app
        .call(
            &admin,
            "listing_draft_save",
            &[("credential_id", "1"), ("draft", &draft.to_string())],
        )
        .await;
    assert_eq!(status, 200, "{problems}");
    let text = problems.to_string();
    assert!(
        text.contains("images.1") && text.contains("images.2"),
        "{text}"
    );
    assert!(text.contains("已拒绝"), "{text}");
    app.stop().await;
}
