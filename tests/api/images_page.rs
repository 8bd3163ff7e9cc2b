//! The 图片下载 page's door: tasks on a stored credential through server functions, live
//! progress over SSE, the ZIP, retry of failed items, and interruption by a restart.

use std::time::Duration;

use serde_json::Value;
use shopbridge::auth::Role;

use crate::helpers::TestApp;

const PASSWORD: &str = "correct horse battery";

/// An app with an admin who stored the demo credential, and a signed-in staff client.
async fn setup(app: &TestApp) -> (reqwest::Client, String) {
    let admin = app.admin_with_credential(PASSWORD).await;
    app.add_user("staff", Role::Staff, PASSWORD).await;
    let (_, names) = app.call(&admin, "ozon_credentials_names", &[]).await;
    let id = names[0]["id"].as_i64().expect("credential id").to_string();
    let staff = app.client();
    app.login(&staff, "staff", PASSWORD).await;
    (staff, id)
}

async fn start(
    app: &TestApp,
    client: &reqwest::Client,
    credential: &str,
    articles: &str,
) -> (u16, Value) {
    app.call(
        client,
        "image_task_start",
        &[
            ("credential_id", credential),
            ("articles", articles),
            ("field", "offer_id"),
            ("options", "{}"),
        ],
    )
    .await
}

async fn wait_done(app: &TestApp, client: &reqwest::Client, id: i64) -> Value {
    for _ in 0..200 {
        let (status, view) = app
            .call(client, "image_task_get", &[("id", &id.to_string())])
            .await;
        assert_eq!(status, 200, "{view}");
        if view["status"] != "running" {
            return view;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("task {id} did not finish");
}

/// How often the simulator served an image (`product_id/file`).
fn hits(app: &TestApp, path: &str) -> u32 {
    app.ozon_sim
        .catalog
        .lock()
        .expect("catalog")
        .image_hits(path)
}

fn sim_files(app: &TestApp, offer_id: &str, files: &[&str]) {
    let mut catalog = app.ozon_sim.catalog.lock().expect("catalog");
    let product = catalog.add_product(offer_id, 1);
    let id = product.product_id;
    product.external_images = Some(
        files
            .iter()
            .map(|f| format!("{}/img/{id}/{f}", app.sim_url))
            .collect(),
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_run_a_task_and_watch_it_to_the_end() {
    let app = TestApp::spawn_with(&[("SHOPBRIDGE_FETCH_ALLOW_PRIVATE", "true")]).await;
    let (staff, credential) = setup(&app).await;
    let (status, id) = start(&app, &staff, &credential, "SB-001\nSB-002\n\nSB-001\nNOPE").await;
    assert_eq!(status, 200, "{id}");
    let id = id.as_i64().expect("task id");

    // SSE: the view as JSON events, the last one final.
    let sse = staff
        .get(app.url(&format!("/ozon/images/tasks/{id}/events")))
        .send()
        .await
        .expect("sse");
    assert_eq!(sse.headers()["content-type"], "text/event-stream");
    let text = sse.text().await.expect("stream ends with the task");
    let last = text
        .lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .next_back()
        .expect("an event");
    let last: Value = serde_json::from_str(last).expect("json event");
    assert_eq!(last["status"], "done", "{last}");

    let view = wait_done(&app, &staff, id).await;
    assert_eq!(view["username"], "staff");
    assert_eq!(view["credential_name"], "主店");
    assert_eq!(
        view["articles"].as_array().map(Vec::len),
        Some(3),
        "duplicates collapse"
    );
    let items = view["items"].as_array().expect("items");
    assert_eq!(items[0]["success_images"], 3);
    assert_eq!(
        items[0]["images"][0]["bytes"], 200_000,
        "per-image detail is kept: {}",
        items[0]
    );
    assert!(items[2]["error"]
        .as_str()
        .unwrap_or_default()
        .starts_with("PRODUCT_NOT_FOUND"));
    // The page's keys are per user id.
    let url = items[0]["urls"][0].as_str().expect("url");
    assert!(url.contains("/media/users/"), "{url}");

    let (_, recent) = app.call(&staff, "image_tasks_recent", &[]).await;
    assert_eq!(recent[0]["id"], id);
    assert_eq!(recent[0]["status"], "done");
    assert_eq!(recent[0]["success_images"], 6);

    // ZIP: six stored entries and a central directory that says so.
    let zip = staff
        .get(app.url(&format!("/ozon/images/tasks/{id}/zip")))
        .send()
        .await
        .expect("zip");
    assert_eq!(zip.headers()["content-type"], "application/zip");
    let bytes = zip.bytes().await.expect("zip bytes");
    let locals = bytes.windows(4).filter(|w| *w == b"PK\x03\x04").count();
    assert_eq!(locals, 6);
    let end = bytes.len() - 22;
    assert_eq!(&bytes[end..end + 4], b"PK\x05\x06");
    assert_eq!(u16::from_le_bytes([bytes[end + 10], bytes[end + 11]]), 6);

    // Signed-out visitors get neither.
    let anonymous = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let res = anonymous
        .get(app.url(&format!("/ozon/images/tasks/{id}/zip")))
        .send()
        .await
        .expect("zip");
    assert_ne!(res.status().as_u16(), 200);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_page_input_gets_a_chinese_reason() {
    let app = TestApp::spawn_with(&[]).await;
    let (staff, credential) = setup(&app).await;
    for (articles, expected) in [
        ("", "articles 不能为空"),
        ("ok\n../etc/passwd", "第 2 个货号"),
        (&"x".repeat(51), "超过 50 个字符"),
    ] {
        let (status, body) = start(&app, &staff, &credential, articles).await;
        assert_eq!(status, 422, "{body}");
        assert!(body.to_string().contains(expected), "{body}");
    }
    let (status, body) = start(&app, &staff, "999", "SB-001").await;
    assert_eq!(status, 422);
    assert!(body.to_string().contains("凭证不存在"), "{body}");
    let (status, body) = app
        .call(
            &staff,
            "image_task_start",
            &[
                ("credential_id", &credential),
                ("articles", "A"),
                ("field", "title"),
                ("options", "{}"),
            ],
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = app
        .call(
            &staff,
            "image_task_start",
            &[
                ("credential_id", &credential),
                ("articles", "A"),
                ("field", "sku"),
                ("options", "{\"max_side\":1}"),
            ],
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("max_side"), "{body}");
    let (_, recent) = app.call(&staff, "image_tasks_recent", &[]).await;
    assert_eq!(
        recent.as_array().map(Vec::len),
        Some(0),
        "no task for refused input"
    );

    let csv = shopbridge::ozon::images::to_base64("货号\nSB-001\nSB-003\n".as_bytes());
    let (status, body) = app
        .call(
            &staff,
            "image_articles_from_file",
            &[("name", "list.csv"), ("data", &csv)],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, serde_json::json!(["SB-001", "SB-003"]));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_fetches_only_the_failed_images() {
    let app = TestApp::spawn_with(&[("SHOPBRIDGE_FETCH_ALLOW_PRIVATE", "true")]).await;
    let (staff, credential) = setup(&app).await;
    sim_files(&app, "RETRY-1", &["1.png", "missing-2.png", "3.png"]);
    let (_, id) = start(&app, &staff, &credential, "RETRY-1\nSB-002").await;
    let id = id.as_i64().expect("id");
    let view = wait_done(&app, &staff, id).await;
    assert_eq!(view["items"][0]["failed_images"], 1, "{view}");
    let product = app
        .ozon_sim
        .catalog
        .lock()
        .expect("catalog")
        .products
        .last()
        .expect("p")
        .product_id;

    // The CDN gets the picture back; retry asks for it alone.
    {
        let mut catalog = app.ozon_sim.catalog.lock().expect("catalog");
        let p = catalog.products.last_mut().expect("p");
        p.external_images = Some(
            ["1.png", "2.png", "3.png"]
                .iter()
                .map(|f| format!("{}/img/{product}/{f}", app.sim_url))
                .collect(),
        );
    }
    let (status, body) = app
        .call(&staff, "image_task_resume", &[("id", &id.to_string())])
        .await;
    assert_eq!(status, 200, "{body}");
    let view = wait_done(&app, &staff, id).await;
    assert_eq!(view["status"], "done");
    assert_eq!(view["items"][0]["success_images"], 3, "{view}");
    assert_eq!(view["items"][0]["failed_images"], 0);
    assert_eq!(
        view["items"][1]["success_images"], 3,
        "the complete item is kept"
    );
    assert_eq!(
        hits(&app, &format!("{product}/1.png")),
        1,
        "image 1 was not fetched again"
    );
    assert_eq!(hits(&app, &format!("{product}/2.png")), 1);
    assert_eq!(hits(&app, "100002/1.png"), 1, "SB-002 was not run again");
    let (status, body) = app
        .call(&staff, "image_task_resume", &[("id", &id.to_string())])
        .await;
    assert_eq!(status, 422, "nothing left to retry: {body}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_marks_running_tasks_interrupted_and_continue_finishes_them() {
    let app = TestApp::spawn_with(&[("SHOPBRIDGE_FETCH_ALLOW_PRIVATE", "true")]).await;
    let (staff, credential) = setup(&app).await;
    let (_, id) = start(&app, &staff, &credential, "SB-001").await;
    let id = id.as_i64().expect("id");
    wait_done(&app, &staff, id).await;
    // As if the server had stopped after image 1 of SB-001 and before SB-003.
    let (view, _) = shopbridge::ozon::images::store::find(&app.pool, id)
        .await
        .expect("find")
        .expect("task");
    let mut items: Vec<Value> =
        serde_json::from_value(serde_json::to_value(&view.items).expect("json")).expect("items");
    let first = items[0]["images"][0].clone();
    items[0]["images"] = Value::Array(vec![first]);
    items[0]["success_images"] = 1.into();
    sqlx::query(
        "UPDATE image_tasks SET status = 'running', articles = $1, items = $2 WHERE id = $3",
    )
    .bind(r#"["SB-001","SB-003"]"#)
    .bind(Value::Array(items).to_string())
    .bind(id)
    .execute(&app.pool)
    .await
    .expect("update");
    let before = app
        .ozon_sim
        .catalog
        .lock()
        .expect("catalog")
        .image_hits("100001/1.png");

    let dir = app.stop_keeping_data().await;
    let app = TestApp::spawn_in(dir, &[("SHOPBRIDGE_FETCH_ALLOW_PRIVATE", "true")]).await;
    let staff = app.client();
    app.login(&staff, "staff", PASSWORD).await;
    let (_, view) = app
        .call(&staff, "image_task_get", &[("id", &id.to_string())])
        .await;
    assert_eq!(view["status"], "interrupted", "{view}");
    assert!(view["error"].as_str().unwrap_or_default().contains("继续"));
    let _ = credential;

    let (status, body) = app
        .call(&staff, "image_task_resume", &[("id", &id.to_string())])
        .await;
    assert_eq!(status, 200, "{body}");
    let view = wait_done(&app, &staff, id).await;
    assert_eq!(view["status"], "done", "{view}");
    assert_eq!(view["items"][0]["success_images"], 3, "{view}");
    assert_eq!(view["items"][1]["success_images"], 3, "{view}");
    assert_eq!(before, 1);
    assert_eq!(
        hits(&app, "100001/1.png"),
        0,
        "the stored image was not fetched again"
    );
    assert_eq!(hits(&app, "100001/2.png"), 1);
    app.stop().await;
}
