//! Listing pipeline benchmark (run with `scripts/bench listing`): 10,000 products from Draft to
//! ReadyForSale against the simulator set to Ozon's published limits, with time scaled so a day
//! lasts 10 s:
//! - 50 requests per second per Client-Id (real time), `/v2/products/stocks` 80 per minute
//!   (real time, 100 pairs each), 1 write per product–warehouse pair per 30 s and 10 price
//!   updates per product per hour (simulated time);
//! - 1500 new cards per day (`/v4/product/info/limit`), import tasks done after 5 s (simulated).
//!
//! It reports the wall time from the first submit to the last ReadyForSale, the lower bound
//! those limits allow (cards released per quota window, then stock requests 0.75 s apart, first
//! come first served; and total requests at 50 per second), their ratio, and the count of 429
//! answers and of TOO_MANY_REQUESTS inside HTTP 200.

use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderValue, ORIGIN};
use serde_json::{json, Value};
use shopbridge::auth::store::Actor;
use shopbridge::auth::{service, Role};
use shopbridge::ozon::listing::{drafts::store as drafts, Draft};
use shopbridge::server::config::Config;
use shopbridge::server::{db, startup};
use shopbridge::sim::ozon::catalog::SimConfig;
use shopbridge::sim::ozon::OzonSim;

const DAY_REAL_SECS: f64 = 10.0;
const DAILY_CREATE: usize = 1500;
const STOCK_SPACING: f64 = 0.75;
const RPS: f64 = 50.0;
const PASSWORD: &str = "bench-password-123";

fn products() -> usize {
    std::env::var("BENCH_PRODUCTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

/// Seconds after which a run that has not finished is reported as stuck.
fn stall_secs() -> u64 {
    std::env::var("BENCH_STALL_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(600)
}

fn draft(sim: &str, n: usize) -> Draft {
    serde_json::from_value(json!({
        "offer_id": format!("BENCH-{n:05}"),
        "name": format!("基准商品 {n}"),
        "description_category_id": 200_001_483,
        "type_id": 971_445_087,
        "barcode": "4600051000057",
        "depth": "20", "width": "14", "height": "2", "dimension_unit": "cm",
        "weight": "300", "weight_unit": "g",
        "price": "500", "old_price": "", "vat": "0", "currency_code": "CNY",
        "attributes": [
            {"id": 9048, "values": [{"value": "Книга"}]},
            {"id": 22232, "values": [{"dictionary_value_id": 5_056_737}]}
        ],
        "images": [format!("{sim}/img/100001/1.png")],
        "stocks": [{"warehouse_id": 22_142_605_386_000_i64, "stock": "5"}],
    }))
    .expect("draft")
}

/// The earliest the last stock request can go out: cards are released `DAILY_CREATE` per
/// quota window (the first window has `first` left and ends `first_reset` seconds after the
/// submit), and stock requests of 100 pairs leave 0.75 s apart in release order.
fn stock_bound(total: usize, first: usize, first_reset: f64, day: f64) -> f64 {
    let mut released = Vec::new();
    let mut left = total;
    let now = first.min(left);
    if now > 0 {
        released.push((0.0, now));
        left -= now;
    }
    let mut window = 0.0;
    while left > 0 {
        let n = DAILY_CREATE.min(left);
        released.push((first_reset + window * day, n));
        left -= n;
        window += 1.0;
    }
    let mut free = 0.0f64;
    let mut last = 0.0;
    for (at, n) in released {
        for _ in 0..n.div_ceil(100) {
            let send = free.max(at);
            last = send;
            free = send + STOCK_SPACING;
        }
    }
    last
}

async fn call(
    client: &reqwest::Client,
    base: &str,
    endpoint: &str,
    form: &[(&str, &str)],
) -> Value {
    let res = client
        .post(format!("{base}/sf/{endpoint}"))
        .form(form)
        .send()
        .await
        .expect("server fn");
    let status = res.status();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "{endpoint}: {status} {body}");
    body
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let total = products();
    let scale = 86_400.0 / DAY_REAL_SECS;
    let sim = OzonSim::demo_with(SimConfig {
        time_scale: scale,
        rps: Some(RPS as u32),
        daily_create: Some(DAILY_CREATE as i64),
        ..Default::default()
    });
    let sim_addr =
        shopbridge::sim::serve_router("127.0.0.1:0".parse().expect("addr"), sim.router())
            .await
            .expect("simulator");
    let sim_url = format!("http://{sim_addr}");
    let dir = tempfile::tempdir().expect("tempdir");
    let scale_text = scale.to_string();
    let vars: Vec<(String, String)> = [
        ("SHOPBRIDGE_DATA_DIR", dir.path().to_string_lossy().as_ref()),
        ("SHOPBRIDGE_BIND", "127.0.0.1:0"),
        ("SHOPBRIDGE_OZON_API_URL", &sim_url),
        ("SHOPBRIDGE_LISTING_TIME_SCALE", &scale_text),
        ("SHOPBRIDGE_FETCH_ALLOW_PRIVATE", "true"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let config = Config::from_lookup(move |name| {
        vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    })
    .expect("config");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let run_config = config.clone();
    tokio::spawn(async move { startup::run(run_config, listener, std::future::pending()).await });
    let http = reqwest::Client::new();
    for _ in 0..200 {
        if http.get(format!("{base}/healthz")).send().await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let pool = db::open_database(&config.db_path()).await.expect("db");
    service::create_user(
        &pool,
        &Actor::cli(),
        "admin",
        "",
        Role::Admin,
        PASSWORD.into(),
    )
    .await
    .expect("admin");
    let mut headers = HeaderMap::new();
    headers.insert(ORIGIN, HeaderValue::from_str(&base).expect("origin"));
    let admin = reqwest::Client::builder()
        .cookie_store(true)
        .default_headers(headers)
        .timeout(Duration::from_secs(600))
        .build()
        .expect("client");
    call(
        &admin,
        &base,
        "login",
        &[("username", "admin"), ("password", PASSWORD)],
    )
    .await;
    call(
        &admin,
        &base,
        "ozon_credentials_add",
        &[
            ("name", "基准"),
            ("client_id", "100001"),
            ("api_key", "ozon-demo-valid-key-0001"),
        ],
    )
    .await;
    call(
        &admin,
        &base,
        "listing_cache_refresh",
        &[("credential_id", "1")],
    )
    .await;
    let started = Instant::now();
    for n in 1..=total {
        drafts::save(&pool, 1, &draft(&sim_url, n), &[], "bench")
            .await
            .expect("draft");
    }
    println!(
        "{total} drafts saved in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    // The quota window as the submit starts.
    let (used, resets_in) = sim
        .catalog
        .lock()
        .map(|mut c| c.quota_now())
        .expect("quota");
    let t0 = Instant::now();
    let ids: Vec<String> = (1..=total).map(|n| format!("BENCH-{n:05}")).collect();
    for chunk in ids.chunks(1000) {
        let outcomes = call(
            &admin,
            &base,
            "listing_submit",
            &[("offer_ids", &chunk.join("\n"))],
        )
        .await;
        let refused: Vec<&Value> = outcomes
            .as_array()
            .into_iter()
            .flatten()
            .filter(|o| o["ok"] != true)
            .collect();
        assert!(refused.is_empty(), "{refused:?}");
    }
    let submitted = t0.elapsed().as_secs_f64();
    let mut last_report = Instant::now();
    let done = loop {
        let (ready, errors): (i64, i64) = sqlx::query_as(
            "SELECT COALESCE(SUM(state IN ('ReadyForSale', 'Live')), 0), COALESCE(SUM(state = 'Error'), 0) FROM listing_products",
        )
        .fetch_one(&pool)
        .await
        .expect("count");
        if ready as usize == total {
            break t0.elapsed().as_secs_f64();
        }
        assert_eq!(errors, 0, "products failed");
        if t0.elapsed() > Duration::from_secs(stall_secs()) {
            let states: Vec<(String, i64)> = sqlx::query_as(
                "SELECT state || ' / ' || COALESCE((SELECT kind || ' ' || status FROM listing_jobs j WHERE j.offer_id = p.offer_id ORDER BY id DESC LIMIT 1), '-'), COUNT(*) FROM listing_products p GROUP BY 1",
            )
            .fetch_all(&pool)
            .await
            .unwrap_or_default();
            let pending: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM stock_pending")
                .fetch_one(&pool)
                .await
                .unwrap_or(-1);
            panic!(
                "not finished after {} s: {states:?}; stock writes pending {pending}",
                stall_secs()
            );
        }
        if last_report.elapsed() > Duration::from_secs(10) {
            println!(
                "  {:.0} s: {ready} ReadyForSale",
                t0.elapsed().as_secs_f64()
            );
            last_report = Instant::now();
        }
        // A count over every product: often enough to time the finish, rarely enough not to
        // weigh on the run it measures.
        tokio::time::sleep(Duration::from_millis(100)).await;
    };

    let first = DAILY_CREATE.saturating_sub(used);
    let bound_stock = stock_bound(total, first, resets_in.as_secs_f64(), DAY_REAL_SECS);
    let calls = sim.calls.lock().map(|c| c.clone()).unwrap_or_default();
    let count = |path: &str| calls.iter().filter(|p| *p == path).count();
    let minimum_requests = 3 * total.div_ceil(100) + total.div_ceil(1000);
    let bound_rps = minimum_requests as f64 / RPS;
    let bound = bound_stock.max(bound_rps);
    let throttled = sim.count_status(429);
    let in_200 = sim
        .catalog
        .lock()
        .map(|c| {
            c.item_errors
                .iter()
                .filter(|e| e.2 == "TOO_MANY_REQUESTS")
                .count()
        })
        .unwrap_or(0);
    let imports = sim
        .catalog
        .lock()
        .map(|c| c.import_log.clone())
        .unwrap_or_default();
    let mut unique = imports.clone();
    unique.sort();
    unique.dedup();
    // When the stock requests went (receipt times are the pipeline's scaled clock): how long
    // before the first, and how much of the span Ozon's stock pace was left unused.
    let requests: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT created_at, COUNT(*) FROM stock_log WHERE state = 'accepted' \
         GROUP BY created_at ORDER BY created_at",
    )
    .fetch_all(&pool)
    .await
    .unwrap_or_default();
    let sent_at: Vec<i64> = requests.iter().map(|r| r.0).collect();
    if let Some(first) = sent_at.first() {
        let partial: Vec<String> = requests
            .iter()
            .filter(|r| r.1 < 100)
            .map(|r| format!("{}@{:.1}s", r.1, (r.0 - first) as f64 / scale))
            .collect();
        println!("stock requests under 100 pairs: {}", partial.join(" "));
    }
    let real = |d: i64| d as f64 / scale;
    let span = match (sent_at.first(), sent_at.last()) {
        (Some(a), Some(b)) => real(b - a),
        _ => 0.0,
    };
    let idle: f64 = sent_at
        .windows(2)
        .map(|w| (real(w[1] - w[0]) - STOCK_SPACING).max(0.0))
        .sum();
    let report = format!(
        "listing pipeline: {total} products Draft → ReadyForSale (a day = {DAY_REAL_SECS} s, 1500 cards/day, 50 rps, stocks 80/min)\n\
         submit calls took      {submitted:.1} s\n\
         wall time              {done:.1} s\n\
         lower bound            {bound:.1} s (stocks after quota releases {bound_stock:.1} s; {minimum_requests} requests at 50/s {bound_rps:.1} s)\n\
         ratio                  {:.3}×\n\
         429 answers            {throttled}\n\
         TOO_MANY_REQUESTS      {in_200}\n\
         imports sent           {} for {} offer ids (duplicates {})\n\
         stock requests         {} in {span:.1} s, the first {:.1} s after the submit; pace unused {idle:.1} s\n\
         requests               import {} · import/info {} · info/limit {} · prices {} · stocks {} · info/list {}\n",
        done / bound,
        imports.len(),
        unique.len(),
        imports.len() - unique.len(),
        sent_at.len(),
        done - span,
        count("/v3/product/import"),
        count("/v1/product/import/info"),
        count("/v4/product/info/limit"),
        count("/v1/product/import/prices"),
        count("/v2/products/stocks"),
        count("/v3/product/info/list"),
    );
    print!("{report}");
    let _ = std::fs::write("target/bench-listing.txt", &report);
}
