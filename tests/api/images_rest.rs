//! `POST /api/v1/ozon/download` against the Ozon simulator and its image endpoint: the
//! design's example, per-article and per-image failures, validation, SSRF, and statelessness.

use serde_json::{json, Value};
use shopbridge::auth::store::Actor;
use shopbridge::sim::png::png_of_size;
use shopbridge::vault::api_keys::create_api_key;

use crate::helpers::{captured_logs, TestApp};

const OZON_KEY: &str = "ozon-demo-valid-key-0001";
const MEDIA: &str = "https://r2.example.com";

async fn app_with(extra: &[(&str, &str)]) -> (TestApp, String) {
    let mut vars = vec![
        ("SHOPBRIDGE_FETCH_ALLOW_PRIVATE", "true"),
        ("SHOPBRIDGE_MEDIA_PUBLIC_URL", MEDIA),
    ];
    vars.extend_from_slice(extra);
    let app = TestApp::spawn_with(&vars).await;
    let key = create_api_key(&app.pool, &Actor::cli(), "erp")
        .await
        .expect("api key");
    (app, key)
}

fn body(articles: &[&str]) -> Value {
    json!({
        "credential": {"client_id": "100001", "api_key": OZON_KEY},
        "articles": articles,
        "field": "offer_id",
        "user_id": "user_123",
    })
}

async fn post(app: &TestApp, key: &str, body: &Value) -> (u16, Value) {
    let res = reqwest::Client::new()
        .post(app.url("/api/v1/ozon/download"))
        .header("x-api-key", key)
        .json(body)
        .send()
        .await
        .expect("request");
    let status = res.status().as_u16();
    (status, res.json().await.expect("JSON body"))
}

async fn post_raw(app: &TestApp, key: &str, raw: Vec<u8>) -> (u16, Value) {
    let res = reqwest::Client::new()
        .post(app.url("/api/v1/ozon/download"))
        .header("x-api-key", key)
        .header("content-type", "application/json")
        .body(raw)
        .send()
        .await
        .expect("request");
    let status = res.status().as_u16();
    (status, res.json().await.expect("JSON body"))
}

/// Sets the image URLs of a product (as `/v2/product/pictures/import` would).
fn set_images(app: &TestApp, offer_id: &str, images: usize, files: Option<Vec<String>>) -> i64 {
    let mut catalog = app.ozon_sim.catalog.lock().expect("catalog");
    let product = catalog.add_product(offer_id, images);
    product.external_images = files;
    product.product_id
}

fn sim_image(app: &TestApp, product_id: i64, file: &str) -> String {
    format!("{}/img/{product_id}/{file}", app.sim_url)
}

fn error_code(body: &Value) -> String {
    body["error"]
        .as_str()
        .unwrap_or_default()
        .split(':')
        .next()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_design_example_reproduces_the_contract() {
    let (app, key) = app_with(&[]).await;
    let first = set_images(&app, "123456", 8, None);
    let second = set_images(&app, "789012", 8, None);
    // The second product's fifth picture is gone from the CDN.
    let files: Vec<String> = (1..=8)
        .map(|n| {
            let file = if n == 5 {
                "missing-5.png".to_string()
            } else {
                format!("{n}.png")
            };
            sim_image(&app, second, &file)
        })
        .collect();
    app.ozon_sim
        .catalog
        .lock()
        .expect("catalog")
        .products
        .last_mut()
        .expect("p")
        .external_images = Some(files);

    let (status, res) = post(&app, &key, &body(&["123456", "789012"])).await;
    assert_eq!(status, 200, "{res}");
    assert_eq!(res["success"], true);
    let data = &res["data"];
    assert_eq!(data["total_articles"], 2);
    assert_eq!(data["processed"], 2);
    assert_eq!(data["total_images"], 16);
    assert_eq!(data["success_images"], 15);
    assert_eq!(data["failed_images"], 1);

    let a = &data["items"][0];
    assert_eq!(a["article"], "123456");
    assert_eq!(a["product_id"], first);
    assert_eq!(a["status"], "success");
    assert_eq!(
        (
            a["total_images"].as_u64(),
            a["success_images"].as_u64(),
            a["failed_images"].as_u64()
        ),
        (Some(8), Some(8), Some(0))
    );
    let urls: Vec<String> = (1..=8)
        .map(|n| format!("{MEDIA}/users/user_123/ozon/123456/123456_{n}.png"))
        .collect();
    assert_eq!(a["urls"], json!(urls));
    assert!(a.get("error").is_none(), "{a}");
    assert!(
        a.get("images").is_none(),
        "the REST view has no per-image detail: {a}"
    );

    let b = &data["items"][1];
    assert_eq!(b["article"], "789012");
    assert_eq!(b["product_id"], second);
    assert_eq!(b["status"], "success");
    assert_eq!(
        (b["success_images"].as_u64(), b["failed_images"].as_u64()),
        (Some(7), Some(1))
    );
    assert_eq!(b["urls"].as_array().map(Vec::len), Some(7));
    assert!(!b["urls"].to_string().contains("789012_5."), "{b}");
    let error = b["error"].as_str().unwrap_or_default();
    assert!(
        error.starts_with("DOWNLOAD_FAILED: 第 5 张图片") && error.contains("404"),
        "{error}"
    );

    // Stored byte for byte under the contract's key, in the local store by default.
    let shade = (first % 200) as u8;
    let stored = std::fs::read(
        app.dir
            .path()
            .join("media/users/user_123/ozon/123456/123456_3.png"),
    )
    .expect("object on disk");
    assert_eq!(stored, png_of_size(200_000, shade));
    // And served read-only under /media.
    let served = reqwest::get(app.url("/media/users/user_123/ozon/123456/123456_3.png"))
        .await
        .expect("media");
    assert_eq!(served.headers()["content-type"], "image/png");
    assert_eq!(
        served.bytes().await.expect("bytes").as_ref(),
        stored.as_slice()
    );
    let traversal = reqwest::get(app.url("/media/users/..%2F..%2Fshopbridge.db"))
        .await
        .expect("media");
    assert_eq!(traversal.status().as_u16(), 404);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_imageless_and_sku_lookups_report_per_article() {
    let (app, key) = app_with(&[]).await;
    let hostile = "<img src=x onerror=alert(1)>";
    let (status, res) = post(
        &app,
        &key,
        &body(&["SB-001", "NOPE", "SB-005", "SB-001", hostile]),
    )
    .await;
    assert_eq!(status, 200, "{res}");
    let items = res["data"]["items"].as_array().expect("items");
    assert_eq!(items.len(), 4, "duplicates collapse: {res}");
    assert_eq!(items[0]["status"], "success");
    assert_eq!(items[0]["success_images"], 3);
    assert_eq!(items[1]["status"], "failed");
    assert!(
        items[1]["error"]
            .as_str()
            .unwrap_or_default()
            .starts_with("PRODUCT_NOT_FOUND"),
        "{}",
        items[1]
    );
    assert!(items[1].get("product_id").is_none());
    assert_eq!(items[2]["status"], "failed");
    assert!(
        items[2]["error"]
            .as_str()
            .unwrap_or_default()
            .starts_with("NO_IMAGES"),
        "{}",
        items[2]
    );
    assert_eq!(items[3]["article"], hostile);
    assert!(items[3]["error"]
        .as_str()
        .unwrap_or_default()
        .starts_with("PRODUCT_NOT_FOUND"));

    let mut by_sku = body(&["200002", "not-a-number"]);
    by_sku["field"] = json!("sku");
    let (status, res) = post(&app, &key, &by_sku).await;
    assert_eq!(status, 200, "{res}");
    assert_eq!(res["data"]["items"][0]["product_id"], 100_002);
    assert_eq!(res["data"]["items"][0]["status"], "success");
    assert_eq!(res["data"]["items"][1]["status"], "failed");

    let mut bad = body(&["SB-001"]);
    bad["credential"]["api_key"] = json!("wrong-key-for-this-seller");
    let (status, res) = post(&app, &key, &bad).await;
    assert_eq!(status, 422, "{res}");
    assert_eq!(res["success"], false);
    assert_eq!(res["data"], Value::Null);
    assert_eq!(error_code(&res), "INVALID_CREDENTIALS");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_400_with_a_code() {
    let (app, key) = app_with(&[]).await;
    let res = reqwest::Client::new()
        .post(app.url("/api/v1/ozon/download"))
        .json(&body(&["SB-001"]))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status().as_u16(), 401);

    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"{not json".to_vec(), "INVALID_JSON"),
        (b"".to_vec(), "INVALID_JSON"),
        (b"[1,2]".to_vec(), "INVALID_JSON"),
        (vec![b' '; 1024 * 1024 + 10], "BODY_TOO_LARGE"),
        (
            br#"{"articles":["A"],"user_id":"u"}"#.to_vec(),
            "MISSING_FIELD",
        ),
    ];
    for (raw, code) in cases {
        let (status, res) = post_raw(&app, &key, raw).await;
        assert_eq!((status, error_code(&res)), (400, code.to_string()), "{res}");
        assert_eq!(res["success"], false);
    }

    let many: Vec<String> = (0..101).map(|i| format!("A{i}")).collect();
    let mut too_many = body(&[]);
    too_many["articles"] = json!(many);
    let long = "x".repeat(51);
    let mut with_key_number = body(&["A"]);
    with_key_number["credential"]["api_key"] = json!(987_654_321_987_u64);
    let mut bad_field = body(&["A"]);
    bad_field["field"] = json!("name");
    let mut bad_user = body(&["A"]);
    bad_user["user_id"] = json!("../other_user");
    let mut bad_options = body(&["A"]);
    bad_options["options"] = json!({"max_side": 3});
    let cases = vec![
        (body(&[]), "INVALID_ARTICLES"),
        (too_many, "INVALID_ARTICLES"),
        (body(&["ok", "../etc/passwd"]), "INVALID_ARTICLE"),
        (body(&["a\\b"]), "INVALID_ARTICLE"),
        (body(&[long.as_str()]), "INVALID_ARTICLE"),
        (body(&["a\u{7}b"]), "INVALID_ARTICLE"),
        (with_key_number, "INVALID_CREDENTIAL"),
        (bad_field, "INVALID_FIELD"),
        (bad_user, "INVALID_USER_ID"),
        (bad_options, "INVALID_OPTIONS"),
    ];
    for (request, code) in cases {
        let (status, res) = post(&app, &key, &request).await;
        assert_eq!(
            (status, error_code(&res)),
            (400, code.to_string()),
            "{request} → {res}"
        );
        assert!(
            !res.to_string().contains("987654321987"),
            "no credential echoed: {res}"
        );
    }
    let (_, res) = post(&app, &key, &body(&["ok", "../etc/passwd"])).await;
    assert!(
        res["error"]
            .as_str()
            .unwrap_or_default()
            .contains("第 2 个货号"),
        "{res}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn image_failures_are_per_image_and_transient_ones_retry() {
    let (app, key) = app_with(&[("SHOPBRIDGE_DOWNLOAD_MAX_MB", "1")]).await;
    let id = set_images(&app, "FAULTY", 1, None);
    let files = [
        "1.png",
        "big-2000000.png",
        "page-3.jpg",
        "flaky-4.png",
        "redirect-2.png",
        "redirect-5.png",
    ]
    .iter()
    .map(|f| sim_image(&app, id, f))
    .collect();
    app.ozon_sim
        .catalog
        .lock()
        .expect("catalog")
        .products
        .last_mut()
        .expect("p")
        .external_images = Some(files);
    let (status, res) = post(&app, &key, &body(&["FAULTY"])).await;
    assert_eq!(status, 200, "{res}");
    let item = &res["data"]["items"][0];
    assert_eq!(item["total_images"], 6, "{item}");
    assert_eq!(
        item["success_images"], 3,
        "1, flaky after a retry, 2 redirects: {item}"
    );
    assert_eq!(item["failed_images"], 3, "{item}");
    let urls = item["urls"].to_string();
    for n in [1, 4, 5] {
        assert!(urls.contains(&format!("FAULTY_{n}.png")), "{urls}");
    }
    // The per-image reasons are in the pipeline's own report (the page shows them).
    let report = run_pipeline_detail(&app).await;
    let reasons: Vec<String> = report
        .iter()
        .map(|i| {
            format!(
                "{} {}",
                i["code"].as_str().unwrap_or("ok"),
                i["message"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert!(reasons[1].contains("超过大小上限 1 MB"), "{reasons:?}");
    assert!(reasons[2].contains("不是图片"), "{reasons:?}");
    assert!(reasons[5].contains("重定向超过 3 次"), "{reasons:?}");
    app.stop().await;
}

/// The same request through the in-process pipeline, for its per-image outcomes.
async fn run_pipeline_detail(app: &TestApp) -> Vec<Value> {
    use shopbridge::ozon::client::{OzonClient, OzonCredentials};
    use shopbridge::ozon::images::pipeline::{DownloadRequest, NoProgress, Pipeline};
    use shopbridge::server::config::DownloadSettings;
    use shopbridge::storage::{MediaStore, StoreKind};
    let media = MediaStore::new(
        std::sync::Arc::new(object_store::memory::InMemory::new()),
        StoreKind::Memory,
        MEDIA.into(),
    );
    let settings = DownloadSettings {
        max_bytes: 1024 * 1024,
        ..Default::default()
    };
    let ozon = OzonClient::new(&app.sim_url).expect("client");
    let pipeline = Pipeline::new(ozon, media, &settings, true).expect("pipeline");
    let request = DownloadRequest {
        credentials: OzonCredentials {
            client_id: "100001".into(),
            api_key: shopbridge::common::secret::Secret::new(OZON_KEY),
        },
        articles: vec![shopbridge::common::ids::Article::parse("FAULTY").expect("article")],
        field: Default::default(),
        user_id: shopbridge::common::ids::UserId::parse("u").expect("user"),
        options: Default::default(),
        done: Default::default(),
    };
    let report = pipeline
        .run(request, std::sync::Arc::new(NoProgress))
        .await
        .expect("report");
    let value = serde_json::to_value(&report.items[0].images).expect("json");
    value.as_array().cloned().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limited_image_host_still_completes() {
    let (app, key) = app_with(&[]).await;
    set_images(&app, "LIMITED", 8, None);
    app.ozon_sim
        .catalog
        .lock()
        .expect("catalog")
        .config
        .image_rps = Some(4);
    let (status, res) = post(&app, &key, &body(&["LIMITED"])).await;
    assert_eq!(status, 200, "{res}");
    assert_eq!(res["data"]["success_images"], 8, "{res}");
    assert!(
        app.ozon_sim.count_status(429) > 0,
        "the simulator did rate-limit"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_ssrf_class_is_refused_with_the_flag_off() {
    let app = TestApp::spawn_with(&[("SHOPBRIDGE_MEDIA_PUBLIC_URL", MEDIA)]).await;
    let key = create_api_key(&app.pool, &Actor::cli(), "erp")
        .await
        .expect("key");
    let port = app.sim_url.rsplit(':').next().unwrap_or("80").to_string();
    let id = set_images(&app, "SSRF", 1, None);
    let targets = vec![
        sim_image(&app, id, "1.png"),
        format!("http://localhost:{port}/img/{id}/1.png"),
        format!("http://[::1]:{port}/img/{id}/1.png"),
        format!("http://0.0.0.0:{port}/img/{id}/1.png"),
        "http://10.0.0.8/a.jpg".into(),
        "http://172.16.5.4/a.jpg".into(),
        "http://192.168.1.1/a.jpg".into(),
        "http://169.254.169.254/latest/meta-data/".into(),
        "http://224.0.0.1/a.jpg".into(),
        "http://[fe80::1]/a.jpg".into(),
        "http://[fd00::1]/a.jpg".into(),
        "http://[::ffff:127.0.0.1]/a.jpg".into(),
        "file:///etc/passwd".into(),
        "ftp://example.com/a.jpg".into(),
    ];
    let count = targets.len();
    app.ozon_sim
        .catalog
        .lock()
        .expect("catalog")
        .products
        .last_mut()
        .expect("p")
        .external_images = Some(targets);
    let (status, res) = post(&app, &key, &body(&["SSRF"])).await;
    assert_eq!(status, 200, "{res}");
    let item = &res["data"]["items"][0];
    assert_eq!(item["failed_images"], count, "{item}");
    assert_eq!(item["status"], "failed");
    assert!(
        item["error"]
            .as_str()
            .unwrap_or_default()
            .contains("已拒绝"),
        "{item}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rest_door_keeps_nothing_of_the_credential() {
    let (app, key) = app_with(&[]).await;
    let secret = "ozon-demo-valid-key-0001";
    let (status, _) = post(&app, &key, &body(&["SB-002"])).await;
    assert_eq!(status, 200);
    let mut bad = body(&["SB-002"]);
    bad["credential"]["api_key"] = json!("leaky-secret-key-7731");
    let (_, res) = post(&app, &key, &bad).await;
    assert!(!res.to_string().contains("leaky-secret-key-7731"), "{res}");
    let text = crate::helpers::stored_text(&app.pool, app.dir.path()).await;
    assert!(
        text.contains("douyin"),
        "the stored text was read (platform_apps)"
    );
    assert!(
        !text.contains(secret) && !text.contains("leaky-secret-key-7731"),
        "the database holds the key"
    );
    let logs = captured_logs();
    assert!(
        !logs.contains(secret) && !logs.contains("leaky-secret-key-7731"),
        "logs hold the key"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_and_docs_describe_the_download() {
    let (app, _) = app_with(&[]).await;
    let spec: Value = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .expect("spec")
        .json()
        .await
        .expect("json");
    assert_eq!(spec["openapi"], "3.0.3");
    assert!(spec["paths"]["/api/v1/ozon/download"]["post"].is_object());
    let docs = reqwest::get(app.url("/api/v1/docs")).await.expect("docs");
    assert_eq!(docs.status().as_u16(), 200);
    let html = docs.text().await.expect("html");
    assert!(html.contains("/api/v1/ozon/download") && html.contains("INVALID_CREDENTIALS"));
    assert!(!html.contains("<script"), "the docs page needs no script");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_deadline_keeps_what_finished_and_times_out_the_rest() {
    let (app, key) = app_with(&[
        ("SHOPBRIDGE_DOWNLOAD_DEADLINE_SECS", "1"),
        ("SHOPBRIDGE_DOWNLOAD_CONCURRENCY", "1"),
    ])
    .await;
    set_images(&app, "SLOW", 8, None);
    app.ozon_sim
        .catalog
        .lock()
        .expect("catalog")
        .config
        .image_latency = std::time::Duration::from_millis(300);
    let (status, res) = post(&app, &key, &body(&["SLOW"])).await;
    assert_eq!(status, 200, "{res}");
    let item = &res["data"]["items"][0];
    let done = item["success_images"].as_u64().unwrap_or(0);
    assert!(
        (1..8).contains(&done),
        "some finished before the deadline: {item}"
    );
    assert_eq!(item["failed_images"].as_u64(), Some(8 - done));
    assert!(
        item["error"]
            .as_str()
            .unwrap_or_default()
            .starts_with("TIMEOUT"),
        "{item}"
    );
    assert_eq!(
        res["data"]["processed"], 0,
        "the article did not finish: {res}"
    );
    assert_eq!(item["urls"].as_array().map(Vec::len), Some(done as usize));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn processing_options_convert_what_is_stored() {
    let (app, key) = app_with(&[]).await;
    let mut request = body(&["SB-001"]);
    request["options"] = json!({"format": "jpeg", "max_side": 16, "quality": 70, "pad_3x4": true});
    let (status, res) = post(&app, &key, &request).await;
    assert_eq!(status, 200, "{res}");
    let url = res["data"]["items"][0]["urls"][0]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        url.ends_with("/users/user_123/ozon/SB-001/SB-001_1.jpg"),
        "{url}"
    );
    let stored = std::fs::read(
        app.dir
            .path()
            .join("media/users/user_123/ozon/SB-001/SB-001_1.jpg"),
    )
    .expect("stored jpeg");
    assert!(stored.starts_with(&[0xFF, 0xD8, 0xFF]), "a real JPEG");

    request["options"] = json!({"remove_background": true});
    request["articles"] = json!(["SB-002"]);
    let (_, res) = post(&app, &key, &request).await;
    let url = res["data"]["items"][0]["urls"][0]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        url.ends_with("SB-002_1.png"),
        "background removal gives PNG: {url}"
    );
    app.stop().await;
}
