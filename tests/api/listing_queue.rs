//! The listing pipeline's durable queue on the app's real SQLite file: one live job per
//! offer_id and queue, atomic claims under concurrency, back-off, and jobs a crash interrupted
//! queued again.

use std::collections::HashSet;

use shopbridge::ozon::listing::pipeline::queue::{self, Queue};

use crate::helpers::TestApp;

/// These tests drive the queue by hand, so the app's own worker stays off.
const NO_WORKER: &[(&str, &str)] = &[("SHOPBRIDGE_LISTING_WORKER", "false")];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_are_idempotent_by_offer_id_and_back_off() {
    let app = TestApp::spawn_with(NO_WORKER).await;
    let pool = &app.pool;
    assert!(queue::enqueue(pool, Queue::Import, "SB-1", 100)
        .await
        .expect("enqueue"));
    assert!(
        !queue::enqueue(pool, Queue::Import, "SB-1", 100)
            .await
            .expect("again"),
        "one live job per offer_id"
    );
    assert!(queue::enqueue(pool, Queue::Media, "SB-1", 100)
        .await
        .expect("other queue"));
    assert_eq!(
        queue::claim(pool, Queue::Import, 99).await.expect("claim"),
        None,
        "not due yet"
    );
    let job = queue::claim(pool, Queue::Import, 100)
        .await
        .expect("claim")
        .expect("due");
    assert_eq!((job.offer_id.as_str(), job.attempts), ("SB-1", 1));
    assert!(!queue::enqueue(pool, Queue::Import, "SB-1", 100)
        .await
        .expect("while running"));
    assert_eq!(
        queue::claim(pool, Queue::Import, 100).await.expect("claim"),
        None
    );

    queue::retry_at(pool, job.id, 115, "HTTP 503")
        .await
        .expect("retry");
    assert_eq!(
        queue::next_run(pool, Queue::Import, "SB-1")
            .await
            .expect("next"),
        Some(115)
    );
    assert_eq!(
        queue::claim(pool, Queue::Import, 110).await.expect("claim"),
        None,
        "backing off"
    );
    let again = queue::claim(pool, Queue::Import, 115)
        .await
        .expect("claim")
        .expect("due");
    assert_eq!((again.id, again.attempts), (job.id, 2));

    // A crash while it runs: at start-up it is queued again, its attempt not counted twice.
    assert_eq!(queue::requeue_interrupted(pool).await.expect("requeue"), 1);
    let resumed = queue::claim(pool, Queue::Import, 115)
        .await
        .expect("claim")
        .expect("requeued");
    assert_eq!((resumed.id, resumed.attempts), (job.id, 2));
    queue::finish(pool, resumed.id).await.expect("finish");
    assert!(queue::enqueue(pool, Queue::Import, "SB-1", 200)
        .await
        .expect("after done"));
    let last = queue::claim(pool, Queue::Import, 200)
        .await
        .expect("claim")
        .expect("due");
    queue::bury(pool, last.id, "SPU_already_exists")
        .await
        .expect("bury");
    let status: String = sqlx::query_scalar("SELECT status FROM listing_jobs WHERE id = $1")
        .bind(last.id)
        .fetch_one(pool)
        .await
        .expect("status");
    assert_eq!(status, "dead");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_workers_never_get_the_same_job() {
    let app = TestApp::spawn_with(NO_WORKER).await;
    for i in 0..300 {
        queue::enqueue(&app.pool, Queue::Commercial, &format!("SB-{i}"), 0)
            .await
            .expect("enqueue");
    }
    let mut workers = Vec::new();
    for w in 0..8 {
        let pool = app.pool.clone();
        workers.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            loop {
                let batch = if w % 2 == 0 {
                    queue::claim(&pool, Queue::Commercial, 1)
                        .await
                        .expect("claim")
                        .into_iter()
                        .collect()
                } else {
                    queue::claim_batch(&pool, Queue::Commercial, 1, 7)
                        .await
                        .expect("batch")
                };
                if batch.is_empty() {
                    break;
                }
                mine.extend(batch.into_iter().map(|j| j.offer_id));
            }
            mine
        }));
    }
    let mut all = Vec::new();
    for w in workers {
        all.extend(w.await.expect("worker"));
    }
    let unique: HashSet<&String> = all.iter().collect();
    assert_eq!(all.len(), 300, "every job claimed once");
    assert_eq!(unique.len(), 300, "no job claimed twice");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stored_history_is_always_a_legal_path() {
    use shopbridge::ozon::listing::pipeline::state::{State, Step};
    use shopbridge::ozon::listing::pipeline::store;
    let app = TestApp::spawn_with(NO_WORKER).await;
    let pool = &app.pool;
    assert!(matches!(
        store::transition(pool, "NOPE", State::MediaReady, Some(Step::Media), "").await,
        Err(store::StoreError::Unknown(_))
    ));
    assert!(store::admit(pool, "SB-1", 1).await.expect("admit"));
    assert!(
        !store::admit(pool, "SB-1", 1).await.expect("admit twice"),
        "idempotent"
    );
    store::transition(
        pool,
        "SB-1",
        State::MediaReady,
        Some(Step::Media),
        "2 张图片可访问",
    )
    .await
    .expect("media ready");
    let skip = store::transition(pool, "SB-1", State::Created, Some(Step::ImportResult), "").await;
    assert!(
        matches!(skip, Err(store::StoreError::NotAllowed { .. })),
        "no skipping a step"
    );
    store::transition(pool, "SB-1", State::Error, Some(Step::Import), "HTTP 503")
        .await
        .expect("error");
    assert_eq!(
        store::state_of(pool, "SB-1").await.expect("state"),
        (State::Error, Some(Step::Import))
    );
    store::send_to_review(pool, "SB-1").await.expect("review");
    let review: shopbridge::server::db::Flag =
        sqlx::query_scalar("SELECT needs_review FROM listing_products WHERE offer_id = 'SB-1'")
            .fetch_one(pool)
            .await
            .expect("flag");
    assert!(review.0);
    let wrong = store::transition(pool, "SB-1", State::Draft, None, "").await;
    assert!(
        matches!(wrong, Err(store::StoreError::NotAllowed { .. })),
        "a retry goes back to the failed step only"
    );
    store::transition(pool, "SB-1", State::MediaReady, None, "重试")
        .await
        .expect("retry");
    let (error, review): (Option<String>, shopbridge::server::db::Flag) =
        sqlx::query_as("SELECT error, needs_review FROM listing_products WHERE offer_id = 'SB-1'")
            .fetch_one(pool)
            .await
            .expect("row");
    assert_eq!(
        (error, review.0),
        (None, false),
        "a retry clears the error and the review flag"
    );
    let moves: Vec<(String, String)> = store::timeline(pool, "SB-1")
        .await
        .expect("timeline")
        .into_iter()
        .map(|t| (t.from, t.to))
        .collect();
    assert_eq!(
        moves,
        vec![
            ("Draft".to_string(), "MediaReady".to_string()),
            ("MediaReady".into(), "Error".into()),
            ("Error".into(), "MediaReady".into()),
        ]
    );
    assert_eq!(
        store::counts(pool).await.expect("counts"),
        vec![("MediaReady".to_string(), 1)]
    );
    app.stop().await;
}

/// UAT-004: a stock written every 5 seconds for two minutes goes out at most once per 30 s —
/// within the two minutes at most ceil(120/30) = 4 requests — and Ozon ends with the last value.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stock_writes_to_a_pair_are_merged_thirty_seconds_apart() {
    use shopbridge::ozon::listing::pipeline::pacing;
    let app = TestApp::spawn_with(NO_WORKER).await;
    let pool = &app.pool;
    let mut sent: Vec<(i64, i64)> = Vec::new();
    let mut other = Vec::new();
    for t in 0..=150 {
        if t < 120 && t % 5 == 0 {
            let due = pacing::put_stock(pool, "SB-1", 22, 1000 - t, t)
                .await
                .expect("put");
            let gap = pacing::STOCK_GAP_SECS + pacing::MARGIN_SECS;
            assert!(due >= t && due <= t + gap, "shown send time {due} at {t}");
        }
        if t == 7 {
            pacing::put_stock(pool, "SB-2", 22, 5, t)
                .await
                .expect("other pair");
        }
        for (offer, warehouse, stock) in pacing::take_due_stocks(pool, t, 100).await.expect("take")
        {
            // Ozon applies it straight away; the pair's 30 s count from then.
            pacing::stock_applied(pool, &offer, warehouse, t)
                .await
                .expect("applied");
            if offer == "SB-1" && warehouse == 22 {
                sent.push((t, stock));
            } else {
                other.push((t, offer, stock));
            }
        }
    }
    let in_window = sent.iter().filter(|(t, _)| *t < 120).count();
    assert!(in_window <= 4, "{sent:?}");
    for pair in sent.windows(2) {
        assert!(pair[1].0 - pair[0].0 >= 30, "{sent:?}");
    }
    assert_eq!(
        sent.last().map(|(_, s)| *s),
        Some(1000 - 115),
        "the last value wins: {sent:?}"
    );
    assert_eq!(
        other,
        vec![(7, "SB-2".to_string(), 5)],
        "another pair is not held back"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn price_updates_wait_for_a_free_slot_in_the_hour() {
    use shopbridge::ozon::listing::pipeline::pacing;
    let app = TestApp::spawn_with(NO_WORKER).await;
    for i in 0..10 {
        sqlx::query(
            "INSERT INTO price_log (offer_id, currency, price, old_price, state, created_at) \
             VALUES ('SB-1', 'CNY', '100', '0', 'accepted', $1)",
        )
        .bind(1_000 + i * 60)
        .execute(&app.pool)
        .await
        .expect("price row");
    }
    sqlx::query(
        "INSERT INTO price_log (offer_id, currency, price, old_price, state, created_at) \
         VALUES ('SB-1', 'CNY', '100', '0', 'failed', 1700)",
    )
    .execute(&app.pool)
    .await
    .expect("failed row");
    assert_eq!(
        pacing::price_slot(&app.pool, "SB-1", 2_000)
            .await
            .expect("slot"),
        1_000 + 3600 + pacing::MARGIN_SECS,
        "an hour after the oldest of the last ten, with the margin"
    );
    assert_eq!(
        pacing::price_slot(&app.pool, "SB-2", 2_000)
            .await
            .expect("slot"),
        2_000
    );
    app.stop().await;
}
