//! A kill -9 while `create_video` is on its way, then a restart: the post is found on the
//! account instead of being made again — exactly one post.

use std::time::Duration;

use shopbridge::sim::douyin::content::sample_mp4;

use crate::platforms_crash::start;
use crate::promotions_fixture::{promo, MB};

async fn wait<F: Fn() -> bool>(what: &str, done: F) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !done() {
        assert!(tokio::time::Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_publishing_then_restart_leaves_exactly_one_post() {
    // The publisher runs only in the real binary started below.
    let t = promo(1, 0, &[("SHOPBRIDGE_PLATFORM_SCHEDULER", "false")]).await;
    let id = t.save(&[("body", "只发一次 #好物推荐")]).await;
    let (status, body) = t
        .upload(id, "video", "a.mp4", sample_mp4(20_000, 3 * MB))
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = t.publish(id, true).await;
    assert_eq!(status, 200, "{body}");
    let (douyin, sim_url, pool) = (
        t.p.douyin.clone(),
        t.p.sim_url.clone(),
        t.p.app.pool.clone(),
    );
    douyin.state.lock().expect("sim").content.create_delay = Duration::from_secs(30);
    let dir = t.p.app.stop_keeping_data().await;

    // Killed after Douyin made the post but before its answer arrived.
    let mut child = start(dir.path(), &sim_url);
    wait("the post is made", || douyin.items().len() == 1).await;
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    let (state, item, intent): (String, Option<String>, Option<i64>) =
        sqlx::query_as("SELECT state, item_id, create_sent_at FROM promotions WHERE id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .expect("row");
    assert_eq!(state, "publishing");
    assert!(item.is_none(), "the answer never came");
    assert!(intent.is_some(), "the intent was recorded before the call");

    douyin.state.lock().expect("sim").content.create_delay = Duration::ZERO;
    let mut child = start(dir.path(), &sim_url);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let item: Option<String> = loop {
        let row: (String, Option<String>) =
            sqlx::query_as("SELECT state, item_id FROM promotions WHERE id = $1")
                .bind(id)
                .fetch_one(&pool)
                .await
                .expect("row");
        if row.0 == "published" || tokio::time::Instant::now() > deadline {
            break row.1;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    child.kill().expect("stop");
    let _ = child.wait();

    let posts = douyin.items();
    assert_eq!(posts.len(), 1, "exactly one post");
    assert_eq!(item.as_deref(), Some(posts[0].item_id.as_str()));
    assert_eq!(douyin.count("/api/douyin/v1/video/create_video/", 0), 1);
    assert!(
        douyin.count("/api/douyin/v1/video/video_list/", 0) >= 1,
        "looked up first"
    );
    let found: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM promotion_events WHERE promotion_id = $1 AND message LIKE '%未重复发布%'",
    )
    .bind(id)
    .fetch_one(&pool)
    .await
    .expect("events");
    assert_eq!(found, 1);
}
