//! Promotions against the Douyin simulator: simple and part uploads, image-text, a scheduled
//! publish firing at its (scaled) time, the confirmation rule, rejections with the platform's
//! reason, retries, read-back, delete, and bad input.

use std::time::Duration;

use shopbridge::sim::douyin::content::{sample_mp4, REFUSED_CODE};

use crate::promotions_fixture::{png, promo, MB};

const UPLOAD: &str = "/api/douyin/v1/video/upload_video/";
const PART: &str = "/api/douyin/v1/video/upload_video_part/";
const INIT: &str = "/api/douyin/v1/video/init_video_part_upload/";
const COMPLETE: &str = "/api/douyin/v1/video/complete_video_part_upload/";
const CREATE: &str = "/api/douyin/v1/video/create_video/";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_small_video_goes_up_whole_and_is_published_once_confirmed() {
    let t = promo(1, 0, &[]).await;
    let open_id = t.open_id().await;
    let mention = format!("@小店主播 {open_id}");
    let id = t
        .save(&[
            ("body", "新品上市 #好物推荐 @小店主播"),
            ("mentions", mention.as_str()),
            ("cover_tsp", "1.5"),
        ])
        .await;
    let (status, body) = t
        .upload(id, "video", "summer.mp4", sample_mp4(30_000, 2 * MB))
        .await;
    assert_eq!(status, 200, "{body}");
    let duration: Option<i64> =
        sqlx::query_scalar("SELECT duration_ms FROM promotion_media WHERE promotion_id = $1")
            .bind(id)
            .fetch_one(&t.p.app.pool)
            .await
            .expect("media");
    assert_eq!(duration, Some(30_000), "duration read from the stored file");

    // The confirmation rule: no tick, no publish — and nothing reaches Douyin.
    let (status, body) = t.publish(id, false).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("是否同步"), "{body}");
    assert!(
        body.to_string().contains("小店主播"),
        "names the account: {body}"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(t.p.douyin.count(UPLOAD, 0), 0);
    let (state, _) = t.wait_state(id, "draft").await;
    assert_eq!(state, "draft");

    let (status, body) = t.publish(id, true).await;
    assert_eq!(status, 200, "{body}");
    let (state, error) = t.wait_state(id, "published").await;
    assert_eq!(state, "published", "{error}");
    assert_eq!(t.p.douyin.count(UPLOAD, 0), 1);
    assert_eq!(t.p.douyin.count(INIT, 0), 0, "no part upload for 2 MB");
    assert_eq!(t.p.douyin.count(CREATE, 0), 1);
    let items = t.p.douyin.items();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].text, "新品上市 #好物推荐 @小店主播");
    assert_eq!(items[0].at_users, vec![open_id.clone()]);
    assert_eq!(items[0].body["cover_tsp"], 1.5);
    let item_id =
        t.p.text(&format!("SELECT item_id FROM promotions WHERE id = {id}"))
            .await;
    assert_eq!(item_id, items[0].item_id);

    // Audited with who confirmed.
    let audit: (String, String) = sqlx::query_as(
        "SELECT actor_name, detail FROM audit_log WHERE action = 'promotion.publish'",
    )
    .fetch_one(&t.p.app.pool)
    .await
    .expect("audit row");
    assert_eq!(audit.0, "admin");
    assert!(audit.1.contains("是否同步：是"), "{}", audit.1);

    // No token in the log, the page or the JSON the editor reads.
    let token =
        t.p.douyin
            .state
            .lock()
            .expect("sim")
            .accounts
            .values()
            .map(|a| a.access_token.clone())
            .next()
            .unwrap_or_default();
    assert!(token.starts_with("act."), "{token}");
    let page = t.p.html(&t.p.admin, &format!("/promotions/{id}")).await;
    let (_, json) =
        t.p.app
            .call(
                &t.p.admin,
                "promotion_detail",
                &[("id", &id.to_string()), ("flash", "false")],
            )
            .await;
    for (what, text) in [
        ("log", crate::helpers::captured_logs()),
        ("page", page),
        ("json", json.to_string()),
    ] {
        assert!(!text.contains(&token), "access token in the {what}");
    }

    // Read-back: the review passes, statistics arrive.
    for _ in 0..2 {
        let (status, body) = t.p.app.call(&t.p.admin, "promotions_readback", &[]).await;
        assert_eq!(status, 200, "{body}");
    }
    let (review, plays, likes): (String, i64, i64) =
        sqlx::query_as("SELECT review, plays, likes FROM promotions WHERE id = $1")
            .bind(id)
            .fetch_one(&t.p.app.pool)
            .await
            .expect("stats");
    assert_eq!(review, "passed");
    assert!(plays >= 120 && likes >= 12, "{plays} {likes}");

    // Delete follows the same rule.
    let sid = id.to_string();
    let (status, body) =
        t.p.app
            .call(
                &t.p.admin,
                "promotion_delete",
                &[("id", &sid), ("confirm", "false")],
            )
            .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("是否删除"), "{body}");
    assert!(!t.p.douyin.items()[0].deleted);
    let (status, body) =
        t.p.app
            .call(
                &t.p.admin,
                "promotion_delete",
                &[("id", &sid), ("confirm", "true")],
            )
            .await;
    assert_eq!(status, 200, "{body}");
    // Douyin has no delete method any more: nothing is called, the user is told to delete it
    // in the app, and ours is withdrawn.
    assert!(body.to_string().contains("抖音 App"), "{body}");
    assert!(!t.p.douyin.items()[0].deleted, "no delete call exists");
    let (state, _) = t.wait_state(id, "deleted").await;
    assert_eq!(state, "deleted");
    let deletes: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'promotion.delete' AND actor_name = 'admin'",
    )
    .fetch_one(&t.p.app.pool)
    .await
    .expect("audit");
    assert_eq!(deletes, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_video_goes_up_in_parts_of_at_least_5_mb() {
    let t = promo(1, 0, &[]).await;
    let id = t.save(&[]).await;
    let (status, body) = t
        .upload(id, "video", "long.mp4", sample_mp4(600_000, 61 * MB))
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = t.publish(id, true).await;
    assert_eq!(status, 200, "{body}");
    let (state, error) = t.wait_state(id, "published").await;
    assert_eq!(state, "published", "{error}");
    assert_eq!(t.p.douyin.count(UPLOAD, 0), 0, "not the simple upload");
    assert_eq!(t.p.douyin.count(INIT, 0), 1);
    assert_eq!(t.p.douyin.count(PART, 0), 4, "20 + 20 + 20 + 1 MB");
    assert_eq!(t.p.douyin.count(COMPLETE, 0), 1);
    assert_eq!(t.p.douyin.items().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn image_text_uploads_each_image_then_creates_one_post() {
    let t = promo(1, 0, &[]).await;
    let id = t.save(&[("kind", "image_text")]).await;
    for n in 0..3 {
        let (status, body) = t
            .upload(id, "images", &format!("p{n}.png"), png(4096))
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, body) = t.publish(id, true).await;
    assert_eq!(status, 200, "{body}");
    let (state, error) = t.wait_state(id, "published").await;
    assert_eq!(state, "published", "{error}");
    assert_eq!(t.p.douyin.count("/api/douyin/v1/video/upload_image/", 0), 3);
    assert_eq!(
        t.p.douyin
            .count("/api/douyin/v1/video/create_image_text/", 0),
        1
    );
    let items = t.p.douyin.items();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].image_ids.len(), 3);
    assert!(items[0].video_id.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scheduled_promotion_waits_for_its_time_then_publishes() {
    // ×600: an hour passes in 6 s.
    let t = promo(600, 0, &[]).await;
    let at =
        shopbridge::ui::time::format_timestamp(shopbridge::common::clock::now_unix() + 3600 + 60);
    let id = t.save(&[("publish_at", &at[..16])]).await;
    t.upload(id, "video", "a.mp4", sample_mp4(10_000, MB)).await;
    let (status, body) = t.publish(id, true).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.to_string().contains(&at[..16]), "{body}");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (state, _) = t.wait_state(id, "scheduled").await;
    assert_eq!(state, "scheduled", "15 simulated minutes in, still waiting");
    assert_eq!(t.p.douyin.count(CREATE, 0), 0);
    let (state, error) = t.wait_state(id, "published").await;
    assert_eq!(state, "published", "{error}");
    assert_eq!(t.p.douyin.count(CREATE, 0), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_and_review_failures_show_the_platforms_reason() {
    let t = promo(1, 0, &[]).await;
    let refused = t.save(&[("body", "全网最低 违禁 词")]).await;
    t.upload(refused, "video", "a.mp4", sample_mp4(10_000, MB))
        .await;
    t.publish(refused, true).await;
    let (state, error) = t.wait_state(refused, "failed").await;
    assert_eq!(state, "failed");
    assert!(
        error.contains(&REFUSED_CODE.to_string()) && error.contains("违禁"),
        "{error}"
    );
    assert_eq!(t.p.douyin.items().len(), 0, "nothing posted");
    let page =
        t.p.html(&t.p.admin, &format!("/promotions/{refused}"))
            .await;
    assert!(page.contains("违禁"), "the reason is on the page");

    let unfit = t.save(&[("body", "这条会被拒审")]).await;
    t.upload(unfit, "video", "b.mp4", sample_mp4(10_000, MB))
        .await;
    t.publish(unfit, true).await;
    assert_eq!(t.wait_state(unfit, "published").await.0, "published");
    for _ in 0..2 {
        t.p.app.call(&t.p.admin, "promotions_readback", &[]).await;
    }
    let (state, error) = t.wait_state(unfit, "failed").await;
    assert_eq!(state, "failed");
    assert!(error.contains("不适宜公开"), "{error}");
    let list = t.p.html(&t.p.admin, "/promotions").await;
    assert!(list.contains("不适宜公开"), "the list shows why");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_platform_is_retried_with_backoff() {
    let t = promo(200, 0, &[]).await;
    let id = t.save(&[]).await;
    t.upload(id, "video", "a.mp4", sample_mp4(10_000, MB)).await;
    t.p.douyin.state.lock().expect("sim").content.fail_next = Some(2100004);
    t.publish(id, true).await;
    let (state, error) = t.wait_state(id, "published").await;
    assert_eq!(state, "published", "{error}");
    let attempts: i64 = sqlx::query_scalar("SELECT attempts FROM promotions WHERE id = $1")
        .bind(id)
        .fetch_one(&t.p.app.pool)
        .await
        .expect("attempts");
    assert_eq!(attempts, 1);
    assert_eq!(t.p.douyin.count(UPLOAD, 2100004), 1);
    assert_eq!(t.p.douyin.items().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_with_a_reason_and_nothing_is_lost() {
    let t = promo(1, 0, &[]).await;
    for (fields, want) in [
        (vec![("kind", "tiktok")], "推广类型"),
        (vec![("publish_at", "2024-02-30 10:00")], "发布时间格式"),
        (vec![("product_ids", "../etc/passwd")], "商品编号"),
        (vec![("product_ids", "999999")], "不存在"),
        (vec![("cover_tsp", "NaN")], "封面时间点"),
        (vec![("account_id", "0")], "抖音账号"),
    ] {
        let (status, body) = t.save_with(&fields).await;
        assert_eq!(status, 422, "{fields:?}: {body}");
        assert!(body.to_string().contains(want), "{fields:?}: {body}");
    }
    let huge = "长".repeat(6000);
    let (status, _) = t.save_with(&[("body", huge.as_str())]).await;
    assert_eq!(status, 422);

    // Hostile text is kept as typed and shown escaped.
    let id = t.save(&[("title", "<script>alert(1)</script>")]).await;
    let page = t.p.html(&t.p.admin, &format!("/promotions/{id}")).await;
    assert!(!page.contains("<script>alert(1)"), "escaped on the page");
    assert!(page.contains("alert(1)"), "shown");
    let title =
        t.p.text(&format!("SELECT title FROM promotions WHERE id = {id}"))
            .await;
    assert_eq!(title, "<script>alert(1)</script>", "kept as typed");

    // Files: checked by content, not by name.
    let (status, body) = t
        .upload(
            id,
            "video",
            "x.mp4",
            b"<script>not a video</script>".to_vec(),
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("不是 MP4"),
        "{body}"
    );
    let (status, body) = t.upload(id, "video", "empty.mp4", Vec::new()).await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = t.upload(id, "images", "../../etc/passwd", png(100)).await;
    assert_eq!(status, 200, "{body}");
    let name =
        t.p.text(&format!(
            "SELECT file_name FROM promotion_media WHERE promotion_id = {id}"
        ))
        .await;
    assert_eq!(name, "passwd");
    let key =
        t.p.text(&format!(
            "SELECT object_key FROM promotion_media WHERE promotion_id = {id}"
        ))
        .await;
    assert!(
        key.starts_with(&format!("promotions/{id}/image-")) && !key.contains(".."),
        "{key}"
    );

    // Not publishable: a video draft with an image, an unknown mention, a 16-minute video.
    let (status, body) = t.publish(id, true).await;
    assert_eq!(status, 422);
    assert!(
        body.to_string().contains("短视频需要上传一个视频文件"),
        "{body}"
    );
    let long = t
        .save(&[
            ("body", "你好 @路人甲"),
            ("poi_id", "1"),
            ("micro_app_id", "tt1"),
            ("micro_app_title", "店"),
            ("micro_app_url", "pages/a"),
        ])
        .await;
    t.upload(long, "video", "long.mp4", sample_mp4(16 * 60_000, MB))
        .await;
    let (status, body) = t.publish(long, true).await;
    assert_eq!(status, 422);
    let text = body.to_string();
    assert!(text.contains("15 分钟"), "{text}");
    assert!(text.contains("@路人甲"), "{text}");
    assert!(text.contains("一种锚点"), "{text}");
    assert_eq!(t.p.douyin.count(UPLOAD, 0), 0, "nothing went to Douyin");

    // 31 images: the 31st is refused, the 30 are kept.
    let many = t.save(&[("kind", "image_text")]).await;
    for n in 0..30 {
        let (status, _) = t.upload(many, "images", &format!("{n}.png"), png(64)).await;
        assert_eq!(status, 200);
    }
    let (status, body) = t.upload(many, "images", "31.png", png(64)).await;
    assert_eq!(status, 422);
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("最多 30 张"),
        "{body}"
    );

    // Signed out: no upload.
    let anon = t.p.app.client();
    let res = anon
        .post(t.p.app.url(&format!("/promotions/{id}/media")))
        .header("accept", "application/json")
        .multipart(reqwest::multipart::Form::new().part(
            "video",
            reqwest::multipart::Part::bytes(sample_mp4(1000, 1000)).file_name("a.mp4"),
        ))
        .send()
        .await
        .expect("anon upload");
    assert_eq!(res.status().as_u16(), 401);
    let (status, _) =
        t.p.app
            .call(
                &anon,
                "promotion_publish",
                &[("id", "1"), ("confirm", "true")],
            )
            .await;
    assert_eq!(status, 401);
}
