//! Image pipeline benchmark (run with `scripts/bench`): 100 articles × 8 images × ~400 KB from
//! the simulator (its own process), to the local store and to an S3 server (moto).
//!
//! For each store it measures, in one run:
//! - the limit: the same URLs fetched and stored by a bare parallel loop (same concurrency);
//! - the pipeline: `Pipeline::run` on the 100 articles (lookup included);
//! - peak RSS of each phase (VmHWM, reset through /proc/self/clear_refs);
//! - ten pipeline runs back to back, each one's peak RSS.

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use object_store::local::LocalFileSystem;
use object_store::{ObjectStore, ObjectStoreExt};
use shopbridge::common::secret::Secret;
use shopbridge::ozon::client::products::ProductInfoRequest;
use shopbridge::ozon::client::{OzonClient, OzonCredentials};
use shopbridge::ozon::images::pipeline::{DownloadRequest, NoProgress, Pipeline};
use shopbridge::server::config::DownloadSettings;
use shopbridge::storage::{MediaStore, StoreKind};
use tokio::sync::Semaphore;

const ARTICLES: usize = 100;
const IMAGES: usize = 8;
const IMAGE_KB: usize = 400;

struct Guard(Child);
impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

async fn wait_for(url: &str) {
    for _ in 0..400 {
        if reqwest::get(url).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{url} did not come up");
}

fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Peak resident set since the last reset, in MB.
fn peak_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

fn creds() -> OzonCredentials {
    OzonCredentials {
        client_id: "100001".into(),
        api_key: Secret::new("ozon-demo-valid-key-0001"),
    }
}

fn articles() -> Vec<String> {
    (1..=ARTICLES).map(|b| format!("BULK-{b:03}")).collect()
}

/// The bare loop: GET each URL into memory and put it, `concurrency` at a time.
async fn bare_loop(urls: &[String], store: Arc<dyn ObjectStore>, concurrency: usize) -> u64 {
    let http = reqwest::Client::new();
    let slots = Arc::new(Semaphore::new(concurrency));
    let mut set = tokio::task::JoinSet::new();
    for (i, url) in urls.iter().enumerate() {
        let (http, slots, store, url) = (http.clone(), slots.clone(), store.clone(), url.clone());
        set.spawn(async move {
            let _slot = slots.acquire().await.expect("semaphore");
            let bytes = http
                .get(&url)
                .send()
                .await
                .expect("get")
                .bytes()
                .await
                .expect("body");
            let size = bytes.len() as u64;
            let path = object_store::path::Path::from(format!("bare/{i}.png"));
            store.put(&path, bytes.into()).await.expect("put");
            size
        });
    }
    let mut total = 0;
    while let Some(size) = set.join_next().await {
        total += size.expect("join");
    }
    total
}

struct Row {
    store: &'static str,
    what: String,
    secs: f64,
    mb: f64,
    peak: f64,
}

async fn measure(
    label: &'static str,
    store: Arc<dyn ObjectStore>,
    kind: StoreKind,
    ozon: &OzonClient,
    urls: &[String],
    rows: &mut Vec<Row>,
    repeats: usize,
) {
    let settings = DownloadSettings::default();
    reset_peak();
    let start = Instant::now();
    let bytes = bare_loop(urls, store.clone(), settings.concurrency).await;
    let secs = start.elapsed().as_secs_f64();
    let mb = bytes as f64 / 1e6;
    rows.push(Row {
        store: label,
        what: "limit: bare parallel loop".into(),
        secs,
        mb,
        peak: peak_mb(),
    });
    let media = MediaStore::new(store, kind, "https://media.example.com".into());
    let pipeline = Pipeline::new(ozon.clone(), media, &settings, true).expect("pipeline");
    for run in 1..=repeats {
        reset_peak();
        let start = Instant::now();
        let report = pipeline
            .run(
                DownloadRequest {
                    credentials: creds(),
                    articles: shopbridge::ozon::images::validate::articles(&articles())
                        .expect("articles"),
                    field: Default::default(),
                    user_id: shopbridge::common::ids::UserId::parse("bench").expect("user"),
                    options: Default::default(),
                    done: Default::default(),
                },
                Arc::new(NoProgress),
            )
            .await
            .expect("report");
        let secs = start.elapsed().as_secs_f64();
        assert_eq!(
            report.success_images as usize,
            ARTICLES * IMAGES,
            "all images stored"
        );
        let bytes: u64 = report
            .items
            .iter()
            .flat_map(|i| i.images.iter())
            .map(|i| i.bytes)
            .sum();
        rows.push(Row {
            store: label,
            what: format!("pipeline run {run}"),
            secs,
            mb: bytes as f64 / 1e6,
            peak: peak_mb(),
        });
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let bin = std::env::var("SHOPBRIDGE_BIN").unwrap_or_else(|_| "target/release/shopbridge".into());
        let sim_port = free_port();
        let _sim = Guard(
            Command::new(&bin)
                .args([
                    "sim",
                    "--port",
                    &sim_port.to_string(),
                    "--bulk-products",
                    &ARTICLES.to_string(),
                    "--images-per-product",
                    &IMAGES.to_string(),
                    "--image-kb",
                    &IMAGE_KB.to_string(),
                ])
                .stdout(Stdio::null())
                .spawn()
                .expect("run the simulator (build target/release/shopbridge first)"),
        );
        let sim = format!("http://127.0.0.1:{sim_port}");
        wait_for(&sim).await;
        let ozon = OzonClient::new(&sim).expect("client");
        let info = ozon
            .product_info(
                &creds(),
                &ProductInfoRequest {
                    offer_id: articles(),
                    ..Default::default()
                },
            )
            .await
            .expect("lookup");
        let urls: Vec<String> = info.items.iter().flat_map(|p| p.ordered_images(false)).collect();
        assert_eq!(urls.len(), ARTICLES * IMAGES);

        let mut rows = Vec::new();
        let local = tempfile::tempdir().expect("tempdir");
        let store = Arc::new(LocalFileSystem::new_with_prefix(local.path()).expect("local"));
        measure("local", store, StoreKind::File, &ozon, &urls, &mut rows, 10).await;

        let moto_port = free_port();
        let _moto = Guard(
            Command::new("python3")
                .args(["-m", "moto.server", "-H", "127.0.0.1", "-p", &moto_port.to_string()])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("moto (pip install 'moto[server]')"),
        );
        let endpoint = format!("http://127.0.0.1:{moto_port}");
        wait_for(&endpoint).await;
        reqwest::Client::new()
            .put(format!("{endpoint}/bench"))
            .send()
            .await
            .expect("bucket");
        let s3 = object_store::aws::AmazonS3Builder::new()
            .with_bucket_name("bench")
            .with_endpoint(&endpoint)
            .with_allow_http(true)
            .with_region("us-east-1")
            .with_access_key_id("bench")
            .with_secret_access_key("bench")
            .build()
            .expect("s3");
        measure("s3 (moto)", Arc::new(s3), StoreKind::S3, &ozon, &urls, &mut rows, 2).await;

        let settings = DownloadSettings::default();
        let largest_mb = IMAGE_KB as f64 * 1000.0 / 1e6;
        println!(
            "\n{ARTICLES} articles × {IMAGES} images × {IMAGE_KB} KB; concurrency {}; target peak RSS ≤ {:.1} MB",
            settings.concurrency,
            80.0 + settings.concurrency as f64 * largest_mb
        );
        println!("{:<10} {:<28} {:>8} {:>8} {:>8} {:>11}", "store", "run", "secs", "MB", "MB/s", "peak RSS MB");
        for r in &rows {
            println!(
                "{:<10} {:<28} {:>8.2} {:>8.1} {:>8.1} {:>11.1}",
                r.store,
                r.what,
                r.secs,
                r.mb,
                r.mb / r.secs,
                r.peak
            );
        }
        for store in ["local", "s3 (moto)"] {
            let of: Vec<&Row> = rows.iter().filter(|r| r.store == store).collect();
            let limit = of[0].secs;
            let first = of[1];
            let best = of[1..].iter().map(|r| r.secs).fold(f64::MAX, f64::min);
            let peaks: Vec<f64> = of[1..].iter().map(|r| r.peak).collect();
            let max_peak = peaks.iter().cloned().fold(0.0, f64::max);
            println!(
                "{store}: pipeline/limit = {:.2}× (first run), {:.2}× (best run); peak RSS first {:.1} MB, max of {} runs {:.1} MB ({:+.1}%)",
                first.secs / limit,
                best / limit,
                first.peak,
                peaks.len(),
                max_peak,
                (max_peak / first.peak - 1.0) * 100.0
            );
        }
    });
}
