//! The real Ozon client against the simulator on loopback: lookups, images, an import task
//! reaching `imported`, the price-before-stock and 30-second stock rules inside HTTP 200,
//! read-back, 429 with Retry-After (and the client's retry), and 410 for removed methods.

use serde_json::json;
use shopbridge::common::secret::Secret;
use shopbridge::ozon::client::commerce::{
    CursorRequest, PriceItem, PricesRequest, StockItem, StocksRequest,
};
use shopbridge::ozon::client::products::{
    ImportAttribute, ImportAttributeValue, ImportInfoRequest, ImportItem, ImportRequest,
    ProductInfoRequest, ProductListFilter, ProductListRequest,
};
use shopbridge::ozon::client::{paging, OzonClient, OzonCredentials, OzonError};
use shopbridge::sim::ozon::catalog::SimConfig;
use shopbridge::sim::ozon::OzonSim;
use shopbridge::sim::serve_router;

const WAREHOUSE: i64 = 22_142_605_386_000;

async fn sim_with(config: SimConfig) -> (OzonSim, OzonClient, String) {
    let sim = OzonSim::demo_with(config);
    let addr = serve_router("127.0.0.1:0".parse().expect("addr"), sim.router())
        .await
        .expect("sim");
    let base = format!("http://{addr}");
    (sim, OzonClient::new(&base).expect("client"), base)
}

fn creds() -> OzonCredentials {
    OzonCredentials {
        client_id: "100001".into(),
        api_key: Secret::new("ozon-demo-valid-key-0001"),
    }
}

fn stock(offer: &str, product_id: i64, n: i64) -> StocksRequest {
    StocksRequest {
        stocks: vec![StockItem {
            offer_id: offer.into(),
            product_id,
            stock: n,
            warehouse_id: WAREHOUSE,
        }],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lookups_and_images_come_from_the_catalog() {
    let (_sim, client, _) = sim_with(SimConfig {
        image_bytes: 50_000,
        ..Default::default()
    })
    .await;
    let request = ProductListRequest {
        filter: ProductListFilter::default(),
        last_id: String::new(),
        limit: 2,
    };
    let all = paging::list_all_products(&client, &creds(), request)
        .await
        .expect("list");
    assert_eq!(
        all.len(),
        5,
        "three pages of 2, 2 and 1 followed by last_id"
    );

    let info = client
        .product_info(
            &creds(),
            &ProductInfoRequest {
                offer_id: vec!["SB-001".into(), "SB-005".into(), "nope".into()],
                ..Default::default()
            },
        )
        .await
        .expect("info");
    assert_eq!(info.items.len(), 2);
    let first = info
        .items
        .iter()
        .find(|p| p.offer_id == "SB-001")
        .expect("SB-001");
    let urls = first.ordered_images(false);
    assert_eq!(urls.len(), 3);
    let no_images = info
        .items
        .iter()
        .find(|p| p.offer_id == "SB-005")
        .expect("SB-005");
    assert!(no_images.ordered_images(true).is_empty());

    let bytes = reqwest::get(&urls[0])
        .await
        .expect("image")
        .bytes()
        .await
        .expect("bytes");
    assert!(bytes.starts_with(b"\x89PNG"));
    assert_eq!(bytes.len(), 50_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prices_come_before_stocks_and_a_pair_waits_30_seconds() {
    // 10x: the 30-second rule lasts 3 s (the client itself spaces stock calls 750 ms apart,
    // Ozon's 80 a minute).
    let (_sim, client, _) = sim_with(SimConfig {
        time_scale: 10.0,
        ..Default::default()
    })
    .await;
    let before_price = client
        .update_stocks(&creds(), &stock("SB-001", 100_001, 7))
        .await
        .expect("200");
    assert_eq!(before_price.result[0].errors[0].code, "PRICE_IS_NOT_SENT");
    assert!(!before_price.result[0].updated);

    let price = PriceItem {
        offer_id: "SB-001".into(),
        price: "1300.00".into(),
        old_price: "1500.00".into(),
        min_price: String::new(),
        currency_code: "CNY".into(),
        vat: "0".into(),
    };
    let priced = client
        .import_prices(
            &creds(),
            &PricesRequest {
                prices: vec![price],
            },
        )
        .await
        .expect("prices");
    assert!(priced.result[0].updated);

    let first = client
        .update_stocks(&creds(), &stock("SB-001", 100_001, 7))
        .await
        .expect("stocks");
    assert!(first.result[0].updated, "{:?}", first.result[0].errors);
    let again = client
        .update_stocks(&creds(), &stock("SB-001", 100_001, 8))
        .await
        .expect("200 with an error inside");
    assert_eq!(again.result[0].errors[0].code, "TOO_MANY_REQUESTS");
    assert_eq!(
        again.result[0].errors[0].message,
        "Stock is updated too frequently"
    );
    tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
    let later = client
        .update_stocks(&creds(), &stock("SB-001", 100_001, 9))
        .await
        .expect("stocks");
    assert!(
        later.result[0].updated,
        "30 simulated seconds later the pair may be written again"
    );

    let filter = ProductListFilter {
        offer_id: vec!["SB-001".into()],
        ..Default::default()
    };
    let prices = paging::all_prices(
        &client,
        &creds(),
        CursorRequest {
            cursor: String::new(),
            filter: filter.clone(),
            limit: 100,
        },
    )
    .await
    .expect("v5");
    let sb1 = prices
        .iter()
        .find(|p| p.offer_id == "SB-001")
        .expect("SB-001 price");
    assert_eq!(sb1.price.price.as_ref().map(|m| m.as_str()), Some("1300"));
    let stocks = client
        .stocks_info(
            &creds(),
            &CursorRequest {
                cursor: String::new(),
                filter,
                limit: 100,
            },
        )
        .await
        .expect("v4");
    let sb1 = stocks
        .items
        .iter()
        .find(|s| s.offer_id == "SB-001")
        .expect("SB-001 stock");
    // One row per stock type; `present` includes the reserved unit; what we wrote is the
    // seller's warehouses net of it.
    let kinds: Vec<&str> = sb1.stocks.iter().map(|s| s.kind.as_str()).collect();
    assert_eq!(kinds, ["fbs", "rfbs", "fbo", "fbp"]);
    assert_eq!(
        (sb1.stocks[0].present, sb1.stocks[0].reserved),
        (Some(10), Some(1))
    );
    assert_eq!(
        shopbridge::ozon::listing::pipeline::inspector::sellable(&sb1.stocks),
        9
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_task_moves_from_pending_to_its_outcome() {
    // 100x: a task takes 5 simulated seconds, 50 ms here.
    let (sim, client, _) = sim_with(SimConfig {
        time_scale: 100.0,
        ..Default::default()
    })
    .await;
    let item = |offer: &str, with_attributes: bool| ImportItem {
        offer_id: offer.into(),
        name: "新杯子".into(),
        description_category_id: 17_028_922,
        type_id: 91_565,
        price: "100".into(),
        vat: "0".into(),
        currency_code: "CNY".into(),
        attributes: if with_attributes {
            vec![ImportAttribute {
                complex_id: 0,
                id: 85,
                values: vec![ImportAttributeValue {
                    dictionary_value_id: None,
                    value: "SB".into(),
                }],
            }]
        } else {
            Vec::new()
        },
        ..Default::default()
    };
    let task = client
        .import_products(
            &creds(),
            &ImportRequest {
                items: vec![
                    item("NEW-1", true),
                    item("NEW-2", false),
                    item("SB-001", true),
                ],
            },
        )
        .await
        .expect("import")
        .result
        .task_id
        .expect("task id");
    let pending = client
        .import_info(&creds(), &ImportInfoRequest { task_id: task })
        .await
        .expect("info");
    assert!(pending.result.items.iter().all(|i| i.status == "pending"));
    tokio::time::sleep(std::time::Duration::from_millis(80)).await;
    let done = client
        .import_info(&creds(), &ImportInfoRequest { task_id: task })
        .await
        .expect("info");
    let status = |offer: &str| {
        done.result
            .items
            .iter()
            .find(|i| i.offer_id == offer)
            .map(|i| (i.status.clone(), i.errors.first().map(|e| e.code.clone())))
    };
    assert_eq!(status("NEW-1"), Some(("imported".into(), None)));
    assert_eq!(
        status("NEW-2"),
        Some(("failed".into(), Some("missing_required_attribute".into())))
    );
    // Import is create or update: resending an existing offer_id overwrites its card.
    assert_eq!(status("SB-001"), Some(("imported".into(), None)));
    assert_eq!(
        sim.catalog.lock().expect("catalog").overwritten,
        vec!["SB-001".to_string()]
    );
    let info = client
        .product_info(
            &creds(),
            &ProductInfoRequest {
                offer_id: vec!["NEW-1".into()],
                ..Default::default()
            },
        )
        .await
        .expect("info");
    assert_eq!(info.items[0].statuses.status, "moderating");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_answer_429_and_the_client_waits_and_retries() {
    let (sim, client, base) = sim_with(SimConfig {
        rps: Some(2),
        ..Default::default()
    })
    .await;
    let http = reqwest::Client::new();
    let mut statuses = Vec::new();
    let mut retry_after = None;
    for _ in 0..4 {
        let res = http
            .post(format!("{base}/v4/product/info/limit"))
            .header("Client-Id", "100001")
            .header("Api-Key", "ozon-demo-valid-key-0001")
            .json(&json!({}))
            .send()
            .await
            .expect("call");
        statuses.push(res.status().as_u16());
        if res.status() == 429 {
            retry_after = res
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
        }
    }
    assert!(statuses.contains(&429), "{statuses:?}");
    assert_eq!(retry_after.as_deref(), Some("1"));
    assert!(sim.count_status(429) >= 1);

    // The client paces and honours Retry-After, so a burst still succeeds.
    let client_for_burst = client.clone();
    for _ in 0..4 {
        client_for_burst
            .roles(&creds())
            .await
            .expect("roles after waiting");
    }

    let gone = http
        .post(format!("{base}/v2/product/import"))
        .json(&json!({}))
        .send()
        .await
        .expect("call");
    assert_eq!(gone.status(), 410);
    let removed = client
        .roles(&OzonCredentials {
            client_id: "100001".into(),
            api_key: Secret::new("wrong-key-123"),
        })
        .await;
    assert!(matches!(removed, Err(OzonError::Unauthorized { .. })));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn categories_page_through_dictionary_values() {
    use shopbridge::ozon::client::catalog::{
        AttributesRequest, TreeRequest, ValuesRequest, ValuesSearchRequest,
    };
    let (_sim, client, _) = sim_with(SimConfig::default()).await;
    let tree = client
        .category_tree(
            &creds(),
            &TreeRequest {
                language: "ZH_HANS".into(),
            },
        )
        .await
        .expect("tree");
    assert!(!tree.result.is_empty());
    let attributes = client
        .attributes(
            &creds(),
            &AttributesRequest {
                description_category_id: 200_000_933,
                type_id: 93_080,
                language: "DEFAULT".into(),
            },
        )
        .await
        .expect("attributes");
    assert!(
        attributes
            .result
            .iter()
            .any(|a| a.id == Some(22232) && a.is_required),
        "ТН ВЭД is required"
    );
    let request = ValuesRequest {
        attribute_id: 85,
        description_category_id: 17_054_869,
        type_id: 97_311,
        language: "DEFAULT".into(),
        last_value_id: 0,
        limit: 100,
    };
    let values = paging::all_values(&client, &creds(), request)
        .await
        .expect("values");
    assert_eq!(
        values.len(),
        shopbridge::sim::ozon::categories::DICTIONARY_SIZE,
        "three pages followed by last_value_id"
    );
    let mut ids: Vec<i64> = values.iter().filter_map(|v| v.id).collect();
    ids.dedup();
    assert_eq!(ids.len(), values.len(), "no value twice");
    let found = client
        .attribute_values_search(
            &creds(),
            &ValuesSearchRequest {
                attribute_id: 85,
                description_category_id: 17_054_869,
                type_id: 97_311,
                value: "生成值 12".into(),
                limit: 100,
            },
        )
        .await
        .expect("search");
    assert!(found.result.iter().all(|v| v.value.contains("生成值 12")) && !found.result.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_rides_out_5xx_and_reports_faults_it_cannot() {
    use std::time::Duration;
    // Every second call fails: each call succeeds on its retry.
    let (sim, client, _) = sim_with(SimConfig {
        fail_every: Some(2),
        ..Default::default()
    })
    .await;
    for _ in 0..3 {
        client.roles(&creds()).await.expect("retried past the 500");
    }
    assert!(sim.count_status(500) >= 1);

    let (_sim, client, _) = sim_with(SimConfig {
        circle_open: true,
        ..Default::default()
    })
    .await;
    let err = client.roles(&creds()).await.expect_err("blocked");
    assert!(matches!(err, OzonError::RateLimited { .. }), "{err:?}");

    let hung = SimConfig {
        hang_paths: vec!["/v1/roles".into()],
        ..Default::default()
    };
    let (_sim, _, base) = sim_with(hung).await;
    let impatient = OzonClient::with_timeout(&base, Duration::from_millis(200)).expect("client");
    let started = std::time::Instant::now();
    let err = impatient.roles(&creds()).await.expect_err("times out");
    assert_eq!(err, OzonError::Timeout);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "three tries with backoff, not forever"
    );
    assert!(
        !format!("{err:?} {err}").contains("ozon-demo-valid-key-0001"),
        "no key in errors"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_picture_set_replaces_the_old_one_and_a_resend_is_skipped() {
    use shopbridge::ozon::client::products::{
        PicturesImportItem, PicturesImportRequest, PicturesInfoRequest,
    };
    let (_sim, client, _) = sim_with(SimConfig {
        time_scale: 1000.0,
        ..Default::default()
    })
    .await;
    let set = PicturesImportRequest {
        items: vec![PicturesImportItem {
            offer_id: "SB-002".into(),
            primary_image: "https://media.example/a.png".into(),
            color_image: String::new(),
            images: vec![
                "https://media.example/a.png".into(),
                "https://media.example/b.png".into(),
            ],
        }],
    };
    let mut outcomes = Vec::new();
    for _ in 0..2 {
        let task = client
            .pictures_import(&creds(), &set)
            .await
            .expect("import")
            .task_id
            .expect("task");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        let info = client
            .import_info(&creds(), &ImportInfoRequest { task_id: task })
            .await
            .expect("info");
        outcomes.push(info.result.items[0].status.clone());
    }
    assert_eq!(outcomes, ["imported", "skipped"]);
    let pictures = client
        .pictures_info(
            &creds(),
            &PicturesInfoRequest {
                product_id: vec!["100002".into()],
            },
        )
        .await
        .expect("info");
    assert_eq!(
        pictures.items[0].photo,
        ["https://media.example/a.png", "https://media.example/b.png"]
    );
}

/// The simulator refuses what Ozon's gateway refuses: a body that breaks the swagger (HTTP 400,
/// code 3), a key that is deactivated, missing a role, IP-locked or expired on every method
/// (403), more than 100 stock pairs (400), a stock write without the card's real product_id.
#[tokio::test]
async fn the_simulator_refuses_what_ozon_refuses() {
    use shopbridge::sim::ozon::{KeyBehaviour, SimAccount};
    let now = time::OffsetDateTime::now_utc();
    let at = |days: i64| {
        (now + time::Duration::days(days))
            .format(&time::format_description::well_known::Rfc3339)
            .expect("time")
    };
    let account = |id: &str, key: &str, days: i64, behaviour| SimAccount {
        client_id: id.into(),
        api_key: key.into(),
        roles: vec!["Admin".into()],
        expires_at: at(days),
        behaviour,
    };
    let sim = OzonSim::with_accounts(vec![
        account("1", "ok", 30, KeyBehaviour::Normal),
        account("2", "gone", 30, KeyBehaviour::Deactivated),
        account("3", "old", -1, KeyBehaviour::Normal),
        account("4", "norole", 30, KeyBehaviour::MissingRole),
    ]);
    // Statuses as the gateway sends them (odd-shapes mode would move some errors into 200).
    sim.catalog.lock().expect("catalog").config.odd_shapes = false;
    let addr = serve_router("127.0.0.1:0".parse().expect("addr"), sim.router())
        .await
        .expect("sim");
    let http = reqwest::Client::new();
    let post =
        |id: &'static str, key: &'static str, path: &'static str, body: serde_json::Value| {
            let http = http.clone();
            async move {
                let res = http
                    .post(format!("http://{addr}{path}"))
                    .header("Client-Id", id)
                    .header("Api-Key", key)
                    .json(&body)
                    .send()
                    .await
                    .expect("call");
                let status = res.status().as_u16();
                (
                    status,
                    res.json::<serde_json::Value>().await.unwrap_or_default(),
                )
            }
        };
    let list = serde_json::json!({"filter": {"visibility": "ALL"}, "last_id": "", "limit": 10});
    let (status, _) = post("1", "ok", "/v3/product/list", list.clone()).await;
    assert_eq!(status, 200);
    // Every refused key, on a method other than /v1/roles.
    for (id, key, reason) in [
        ("2", "gone", "deactivated"),
        ("3", "old", "expired"),
        ("4", "norole", "role"),
    ] {
        let (status, body) = post(id, key, "/v3/product/list", list.clone()).await;
        assert_eq!(status, 403, "{key}: {body}");
        assert!(
            body["message"]
                .as_str()
                .unwrap_or_default()
                .contains(reason),
            "{body}"
        );
    }
    let misnamed =
        serde_json::json!({"filter": {"offer_ids": ["SB-001"]}, "last_id": "", "limit": 10});
    let (status, body) = post("1", "ok", "/v3/product/list", misnamed).await;
    assert_eq!((status, body["code"].as_i64()), (400, Some(3)), "{body}");
    let pairs: Vec<serde_json::Value> = (0..101)
        .map(|n| serde_json::json!({"offer_id": format!("SB-{n}"), "product_id": 100_001, "stock": 1, "warehouse_id": 22_142_605_386_000i64}))
        .collect();
    let (status, body) = post(
        "1",
        "ok",
        "/v2/products/stocks",
        serde_json::json!({"stocks": pairs}),
    )
    .await;
    assert_eq!(status, 400, "101 pairs: {body}");
    let zero = serde_json::json!({"stocks": [{"offer_id": "SB-001", "product_id": 0, "stock": 1, "warehouse_id": 22_142_605_386_000i64}]});
    let (status, body) = post("1", "ok", "/v2/products/stocks", zero).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["result"][0]["errors"][0]["code"], "PRODUCT_NOT_FOUND",
        "{body}"
    );
}

/// Answers the platform is documented to send, served as they come: the client reads every
/// legal one and never takes an error for an empty success.
#[tokio::test]
async fn the_client_reads_every_legal_answer_and_never_misreads_an_error() {
    use axum::routing::post;
    let body =
        |text: &'static str| move || async move { ([("content-type", "application/json")], text) };
    let router = axum::Router::new()
        // An error inside HTTP 200, on /v1/roles and on info/list.
        .route("/err200/v1/roles", post(body(r#"{"code": 7, "message": "Api-key is deactivated, use another one or generate a new one", "details": []}"#)))
        .route("/err200/v3/product/info/list", post(body(r#"{"code": 16, "message": "Client-Id and Api-Key headers are required"}"#)))
        // A role list holding a null and a number-typed name.
        .route("/odd/v1/roles", post(body(r#"{"roles": [null, {"name": "Product", "methods": ["/v3/product/list", null]}, {"name": 7}], "expires_at": "2027-01-01T00:00:00Z"}"#)))
        // A null inside a nested array, ids in every spelling, both totals.
        .route("/odd/v3/product/info/list", post(body(r#"{"items": [null, {"id": "100001.0", "offer_id": "SB-001", "sku": 2.00001E+5, "barcodes": [null, "4600051000057"], "images": ["https://a/1.jpg", null], "errors": [null, {"code": "X", "level": "ERROR_LEVEL_WARNING", "texts": {"description": "d"}}], "statuses": {"is_created": "true"}}, {"id": 3, "offer_id": "SB-003", "statuses": null, "errors": null}], "total": 2, "total_items": 2}"#)))
        // An HTML page with HTTP 200.
        .route("/html/v1/roles", post(|| async { ([("content-type", "text/html")], "<html><body>maintenance</body></html>") }));
    let addr = serve_router("127.0.0.1:0".parse().expect("addr"), router)
        .await
        .expect("server");
    let client =
        |prefix: &str| OzonClient::new(&format!("http://{addr}/{prefix}")).expect("client");
    let info = ProductInfoRequest {
        offer_id: vec!["SB-001".into()],
        ..Default::default()
    };

    let err = client("err200")
        .roles(&creds())
        .await
        .expect_err("an error, not 0 roles");
    assert!(matches!(err, OzonError::Forbidden { .. }), "{err:?}");
    assert!(err.to_string().contains("已停用"), "{err}");
    let err = client("err200")
        .product_info(&creds(), &info)
        .await
        .expect_err("not an empty list");
    assert!(matches!(err, OzonError::Unauthorized { .. }), "{err:?}");

    let roles = client("odd")
        .roles(&creds())
        .await
        .expect("roles despite the null");
    let names: Vec<&str> = roles.roles.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["Product", "7"]);
    assert_eq!(roles.roles[0].methods, ["/v3/product/list"]);
    let items = client("odd")
        .product_info(&creds(), &info)
        .await
        .expect("info")
        .items;
    assert_eq!(items.len(), 2, "the null member is skipped, nothing else");
    assert_eq!((items[0].id, items[0].sku), (Some(100_001), Some(200_001)));
    assert_eq!(items[0].barcodes, ["4600051000057"]);
    assert!(items[0].statuses.is_created);
    assert!(
        !items[0].errors[0].blocks(),
        "a warning does not stop the card"
    );
    assert_eq!(items[0].errors[0].text(), "d");

    let err = client("html")
        .roles(&creds())
        .await
        .expect_err("HTML is never data");
    assert!(matches!(err, OzonError::NotJson { status: 200 }), "{err:?}");
}
