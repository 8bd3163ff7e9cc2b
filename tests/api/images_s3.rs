//! The pipeline against a real S3-compatible server (moto, started here): objects land under
//! the contract's key, byte for byte, with their content type; a dead store gives
//! `R2_UPLOAD_FAILED` per image.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use object_store::aws::AmazonS3Builder;
use object_store::path::Path;
use object_store::{Attribute, ObjectStoreExt};
use serde_json::json;
use shopbridge::auth::store::Actor;
use shopbridge::sim::png::png_of_size;
use shopbridge::vault::api_keys::create_api_key;

use crate::helpers::TestApp;

const BUCKET: &str = "shopbridge-media";

/// moto's S3 server on a free loopback port; killed on drop.
pub struct Moto {
    child: Child,
    pub endpoint: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Moto {
    pub async fn start() -> Moto {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let child = Command::new("python3")
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 runs");
        let moto = Moto {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let client = reqwest::Client::new();
        for _ in 0..300 {
            if client.get(&moto.endpoint).send().await.is_ok() {
                let res = client
                    .put(format!("{}/{BUCKET}", moto.endpoint))
                    .send()
                    .await
                    .expect("create bucket");
                assert!(res.status().is_success(), "create bucket: {}", res.status());
                return moto;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("moto did not start: scripts/setup installs it (pip install 'moto[server]')");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn images_land_in_s3_byte_for_byte() {
    let moto = Moto::start().await;
    let storage = format!("s3://{BUCKET}/shop");
    let app = TestApp::spawn_with(&[
        ("SHOPBRIDGE_FETCH_ALLOW_PRIVATE", "true"),
        ("SHOPBRIDGE_STORAGE_URL", &storage),
        ("SHOPBRIDGE_S3_ENDPOINT", &moto.endpoint),
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing-secret"),
        ("AWS_REGION", "us-east-1"),
        ("SHOPBRIDGE_MEDIA_PUBLIC_URL", "https://r2.example.com"),
    ])
    .await;
    let key = create_api_key(&app.pool, &Actor::cli(), "erp")
        .await
        .expect("key");
    let body = json!({
        "credential": {"client_id": "100001", "api_key": "ozon-demo-valid-key-0001"},
        "articles": ["SB-001", "SB-002"],
        "user_id": "u42",
    });
    let client = reqwest::Client::new();
    let res: serde_json::Value = client
        .post(app.url("/api/v1/ozon/download"))
        .header("x-api-key", &key)
        .json(&body)
        .send()
        .await
        .expect("download")
        .json()
        .await
        .expect("json");
    assert_eq!(res["data"]["success_images"], 6, "{res}");
    assert_eq!(
        res["data"]["items"][1]["urls"][2],
        "https://r2.example.com/users/u42/ozon/SB-002/SB-002_3.png"
    );
    // Read back with a signed S3 client of our own.
    let s3 = AmazonS3Builder::new()
        .with_bucket_name(BUCKET)
        .with_endpoint(&moto.endpoint)
        .with_allow_http(true)
        .with_region("us-east-1")
        .with_access_key_id("testing")
        .with_secret_access_key("testing-secret")
        .build()
        .expect("s3 client");
    for (product, article) in [(100_001, "SB-001"), (100_002, "SB-002")] {
        for n in 1..=3 {
            let key = format!("shop/users/u42/ozon/{article}/{article}_{n}.png");
            let object = s3.get(&Path::from(key.as_str())).await.expect("object");
            assert_eq!(
                object
                    .attributes
                    .get(&Attribute::ContentType)
                    .map(|v| v.to_string()),
                Some("image/png".to_string()),
                "{key}"
            );
            let bytes = object.bytes().await.expect("bytes");
            assert_eq!(
                bytes.as_ref(),
                png_of_size(200_000, (product % 200) as u8).as_slice(),
                "{key}"
            );
        }
    }
    // /media reads through the same store.
    let served = client
        .get(app.url("/media/users/u42/ozon/SB-001/SB-001_2.png"))
        .send()
        .await
        .expect("media");
    assert_eq!(
        served.bytes().await.expect("bytes").as_ref(),
        png_of_size(200_000, 1).as_slice()
    );

    // The store goes away: each image fails with R2_UPLOAD_FAILED, the request still answers.
    drop(moto);
    let res: serde_json::Value = client
        .post(app.url("/api/v1/ozon/download"))
        .header("x-api-key", &key)
        .json(&body)
        .send()
        .await
        .expect("download")
        .json()
        .await
        .expect("json");
    assert_eq!(res["data"]["failed_images"], 6, "{res}");
    let error = res["data"]["items"][0]["error"]
        .as_str()
        .unwrap_or_default();
    assert!(error.starts_with("R2_UPLOAD_FAILED"), "{error}");
    assert!(!res.to_string().contains("testing-secret"), "{res}");
    app.stop().await;
}
