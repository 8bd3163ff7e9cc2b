//! Per-account Cloudinary settings (admins set them, staff read them, bad names refused) and
//! the picture check each draft image shows (format, pixels, 3:4, size), through the SSRF guard.

use shopbridge::auth::Role;

use crate::helpers::TestApp;

const PASSWORD: &str = "correct horse battery";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cloudinary_settings_are_per_account_and_checked() {
    let app = TestApp::spawn().await;
    let admin = app.admin_with_credential(PASSWORD).await;
    app.add_user("staff", Role::Staff, PASSWORD).await;
    let staff = app.client();
    app.login(&staff, "staff", PASSWORD).await;

    let (_, none) = app
        .call(&staff, "listing_cloudinary_get", &[("credential_id", "1")])
        .await;
    assert_eq!(none, serde_json::Value::Null);
    let save = |cloud: &'static str, folder: &'static str| {
        [
            ("credential_id", "1"),
            ("cloud_name", cloud),
            ("folder", folder),
        ]
    };
    let (status, _) = app
        .call(&staff, "listing_cloudinary_save", &save("shop", "products"))
        .await;
    assert_eq!(status, 403, "staff cannot change it");
    for (cloud, folder, expected) in [
        ("evil.com/x", "products", "Cloud name"),
        ("<script>", "", "Cloud name"),
        ("shop", "../etc", "不能包含 .."),
    ] {
        let (status, body) = app
            .call(&admin, "listing_cloudinary_save", &save(cloud, folder))
            .await;
        assert_eq!(status, 422, "{cloud} {folder}: {body}");
        assert!(body.to_string().contains(expected), "{body}");
    }
    let (status, body) = app
        .call(
            &admin,
            "listing_cloudinary_save",
            &[
                ("credential_id", "9"),
                ("cloud_name", "shop"),
                ("folder", ""),
            ],
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = app
        .call(
            &admin,
            "listing_cloudinary_save",
            &save("demo-shop", "/products/"),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, got) = app
        .call(&staff, "listing_cloudinary_get", &[("credential_id", "1")])
        .await;
    assert_eq!(got["cloud_name"], "demo-shop");
    assert_eq!(got["folder"], "products", "slashes trimmed");
    let audited: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'cloudinary_update'")
            .fetch_one(&app.pool)
            .await
            .expect("audit");
    assert_eq!(audited, 1);
    let (status, _) = app
        .call(&admin, "listing_cloudinary_save", &save("", ""))
        .await;
    assert_eq!(status, 200);
    let (_, gone) = app
        .call(&staff, "listing_cloudinary_get", &[("credential_id", "1")])
        .await;
    assert_eq!(gone, serde_json::Value::Null, "an empty name turns it off");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn picture_checks_show_format_size_and_ratio() {
    let app = TestApp::spawn_with(&[("SHOPBRIDGE_FETCH_ALLOW_PRIVATE", "true")]).await;
    app.add_user("staff", Role::Staff, PASSWORD).await;
    let staff = app.client();
    app.login(&staff, "staff", PASSWORD).await;
    let url = format!("{}/img/100001/1.png", app.sim_url);
    let (status, info) = app
        .call(&staff, "listing_picture_info", &[("url", &url)])
        .await;
    assert_eq!(status, 200, "{info}");
    assert_eq!(info["format"], "PNG");
    let (w, h) = (
        info["width"].as_u64().unwrap_or_default(),
        info["height"].as_u64().unwrap_or_default(),
    );
    assert!(w > 0 && h > 0, "{info}");
    assert!(info["bytes"].as_u64().unwrap_or_default() > 0, "{info}");
    let notes = info["notes"].to_string();
    assert!(notes.contains("HTTPS"), "an http:// URL is noted: {notes}");
    assert_eq!(
        notes.contains("3:4"),
        (w as f64 / h as f64 - 0.75).abs() > 0.0075,
        "the ratio note matches the pixels: {info}"
    );
    let (status, body) = app
        .call(
            &staff,
            "listing_picture_info",
            &[("url", &format!("{}/img/100001/page-1.jpg", app.sim_url))],
        )
        .await;
    assert_eq!(status, 422, "HTML labelled as an image: {body}");
    assert!(body.to_string().contains("不是图片"), "{body}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn picture_checks_refuse_private_addresses_by_default() {
    let app = TestApp::spawn().await;
    app.add_user("staff", Role::Staff, PASSWORD).await;
    let staff = app.client();
    app.login(&staff, "staff", PASSWORD).await;
    for url in [
        "http://127.0.0.1:1/a.png",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
    ] {
        let (status, body) = app
            .call(&staff, "listing_picture_info", &[("url", url)])
            .await;
        assert_eq!(status, 422, "{url}: {body}");
        assert!(body.to_string().contains("已拒绝"), "{url}: {body}");
    }
    let anonymous = app.client();
    let (status, _) = app
        .call(
            &anonymous,
            "listing_picture_info",
            &[("url", "https://example.com/a.png")],
        )
        .await;
    assert_eq!(status, 401);
    app.stop().await;
}
