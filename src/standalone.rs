//! Every capability's service on its own: a fresh SQLite file, the values built by hand, no
//! HTTP server and no Leptos (the image tasks have theirs in `ozon/images/service/tests.rs`).

use std::sync::Arc;

use sqlx::AnyPool;

use crate::auth::store::Actor;
use crate::common::alerts::Alerts;
use crate::common::clock::{now_unix, Clock};
use crate::server::config::Config;
use crate::vault::seal::{MasterKey, Sealer};

/// A migrated database in a new directory (kept alive by the returned guard).
async fn fresh() -> (tempfile::TempDir, AnyPool) {
    let dir = tempfile::tempdir().expect("dir");
    let pool = crate::server::db::open_database(&dir.path().join("shopbridge.db"))
        .await
        .expect("db");
    crate::server::db::migrate(&pool).await.expect("migrate");
    (dir, pool)
}

fn config() -> Config {
    Config::from_lookup(|name| {
        (name == "SHOPBRIDGE_DOUYIN_API_URL" || name == "SHOPBRIDGE_DOUDIAN_API_URL")
            .then(|| "http://127.0.0.1:9".to_string())
    })
    .expect("defaults")
}

/// The platforms' service on `pool`, its clients pointed where nothing listens.
fn hub(pool: &AnyPool) -> crate::platforms::hub::Hub {
    crate::platforms::hub::Hub::new(
        pool.clone(),
        Sealer::new(MasterKey::generate()),
        Arc::new(config()),
        Alerts::new(config().alerts),
    )
    .expect("hub")
}

#[tokio::test]
async fn auth_signs_in_a_user_it_created() {
    let (_dir, pool) = fresh().await;
    let password = "correct horse battery".to_string();
    let id = crate::auth::service::create_user(
        &pool,
        &Actor::cli(),
        "staff1",
        "员工一",
        crate::auth::Role::Staff,
        password.clone(),
    )
    .await
    .expect("created");
    let (outcome, user) =
        crate::auth::service::authenticate(&pool, "staff1", password, "127.0.0.1")
            .await
            .expect("checked");
    assert_eq!(outcome, crate::auth::LoginOutcome::SignedIn);
    assert_eq!(user.map(|u| u.id), Some(id));
    let (outcome, _) =
        crate::auth::service::authenticate(&pool, "staff1", "wrong one!!".into(), "127.0.0.1")
            .await
            .expect("checked");
    assert!(matches!(outcome, crate::auth::LoginOutcome::Refused(_)));
}

#[tokio::test]
async fn the_vault_seals_and_opens_a_credential_and_never_lists_it() {
    let (_dir, pool) = fresh().await;
    let sealer = Sealer::new(MasterKey::generate());
    let key = "ozon-standalone-key-0001";
    let id = crate::vault::service::create_credential(
        &pool,
        &sealer,
        &Actor::cli(),
        "主店",
        "100001",
        key,
    )
    .await
    .expect("created");
    let (_, creds) = crate::vault::service::open_credential(&pool, &sealer, id)
        .await
        .expect("opens");
    assert_eq!(creds.api_key.expose(), key);
    let listed = format!(
        "{:?}",
        crate::vault::service::list_views(&pool)
            .await
            .expect("list")
    );
    assert!(!listed.contains(key), "{listed}");
    let stored: String = sqlx::query_scalar("SELECT api_key_sealed FROM ozon_credentials")
        .fetch_one(&pool)
        .await
        .expect("row");
    assert!(!stored.is_empty() && !stored.contains(key));
}

#[tokio::test]
async fn the_listing_pipeline_runs_its_passes_on_an_empty_queue() {
    use crate::ozon::listing::pipeline::queue::Queue;
    let (_dir, pool) = fresh().await;
    let listing = crate::ozon::listing::pipeline::Listing::new(
        pool,
        crate::ozon::client::OzonClient::new("http://127.0.0.1:9").expect("client"),
        Sealer::new(MasterKey::generate()),
        crate::common::fetch::Fetcher::new(false, 1 << 20, std::time::Duration::from_secs(5))
            .expect("fetcher"),
        Clock::new(1000),
        Alerts::new(config().alerts),
    );
    for queue in [Queue::Media, Queue::Import, Queue::Commercial] {
        assert!(!listing.step(queue).await.expect("pass"), "nothing to do");
    }
    assert!(!listing.flush_stocks().await.expect("flush"));
    assert!(
        listing.credentials(42).await.is_err(),
        "a missing credential is a failure"
    );
}

#[tokio::test]
async fn drafts_save_an_invalid_draft_with_its_problems_and_refuse_a_corrupt_row() {
    use crate::ozon::client::{OzonClient, OzonCredentials};
    use crate::ozon::listing::drafts::service::Drafts;
    let (_dir, pool) = fresh().await;
    let drafts = Drafts::new(
        pool.clone(),
        OzonClient::new("http://127.0.0.1:9").expect("client"),
        crate::common::fetch::Fetcher::new(false, 1 << 20, std::time::Duration::from_secs(5))
            .expect("fetcher"),
    );
    let creds = OzonCredentials {
        client_id: "1".into(),
        api_key: crate::common::secret::Secret::new("k"),
    };
    let draft = crate::ozon::listing::Draft {
        offer_id: "A-1".into(),
        name: "保温杯".into(),
        barcode: "12345".into(),
        ..Default::default()
    };
    // No category chosen: nothing is fetched, the draft is saved with what is wrong.
    let problems = drafts
        .save_checked(7, &creds, &draft, "staff1")
        .await
        .expect("saved");
    assert!(!problems.is_empty(), "an incomplete draft has problems");
    let saved = drafts.find("A-1").await.expect("read").expect("found");
    assert_eq!((saved.credential_id, saved.draft), (7, draft));
    assert_eq!(saved.problems, problems);
    let rows = drafts.list().await.expect("list");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].problems, problems.len());
    sqlx::query("UPDATE listing_drafts SET data = '{not json' WHERE offer_id = 'A-1'")
        .execute(&pool)
        .await
        .expect("corrupt");
    let err = drafts
        .find("A-1")
        .await
        .expect_err("a corrupt row is an error");
    assert!(err.to_string().contains("A-1"), "{err}");
    assert!(drafts.list().await.is_err(), "the list does not hide it");
}

#[tokio::test]
async fn platforms_store_a_connection_and_refuse_what_an_account_lacks() {
    use crate::platforms::registry::{adapter, PlatformError};
    let (_dir, pool) = fresh().await;
    let hub = hub(&pool);
    let tokens = crate::douyin::wire::Tokens {
        access_token: "act.standalone".into(),
        expires_in: 3600,
        refresh_token: "rft.standalone".into(),
        refresh_expires_in: Some(86_400),
        open_id: "open-1".into(),
        ..Default::default()
    };
    let id = hub
        .save_connection("douyin", "open-1", "小店主播", &tokens, "cli")
        .await
        .expect("saved");
    let accounts = hub.accounts().await.expect("accounts");
    assert_eq!(accounts.iter().map(|a| a.id).collect::<Vec<_>>(), [id]);
    let douyin = adapter("douyin").expect("built");
    assert_eq!(douyin.sync_shops(&hub, id).await.expect("no shops"), 0);
    let shop = crate::platforms::sync::Shop {
        id: 1,
        account_id: id,
        platform: "douyin".into(),
        shop_id: "s".into(),
        shop_name: "s".into(),
    };
    assert!(matches!(
        douyin.sync_products(&hub, &shop).await,
        Err(PlatformError::Unsupported(_))
    ));
    assert!(adapter("taobao").is_none());
    let sealed: Option<String> =
        sqlx::query_scalar("SELECT access_token_sealed FROM platform_accounts")
            .fetch_one(&pool)
            .await
            .expect("row");
    let sealed = sealed.expect("the token is stored sealed");
    assert!(!sealed.is_empty() && !sealed.contains("act.standalone"));
}

#[tokio::test]
async fn promotions_schedule_a_draft_once() {
    let (_dir, pool) = fresh().await;
    let hub = hub(&pool);
    let account = hub
        .save_connection(
            "douyin",
            "open-2",
            "主播",
            &crate::douyin::wire::Tokens::default(),
            "cli",
        )
        .await
        .expect("account");
    let form = crate::promotions::PromotionForm {
        kind: "live".into(),
        account_id: account,
        title: "直播预告".into(),
        ..Default::default()
    };
    let id = crate::promotions::store::save(&pool, &form, "staff1")
        .await
        .expect("draft");
    let draft = crate::promotions::store::get(&pool, id).await.expect("row");
    assert_eq!(draft.map(|r| r.state), Some("draft".to_string()));
    assert!(crate::promotions::store::schedule(&pool, id, "staff1")
        .await
        .expect("scheduled"));
    assert!(
        !crate::promotions::store::schedule(&pool, id, "staff2")
            .await
            .expect("answered"),
        "a scheduled promotion is not scheduled again"
    );
    // The service on the same parts: one claim per promotion at a time; nothing published yet,
    // so the read-back reads nothing (and calls nobody).
    let media = crate::storage::MediaStore::open(
        "memory://",
        "http://127.0.0.1/media",
        &Default::default(),
    )
    .expect("media");
    let promotions = crate::promotions::service::Promotions::new(hub, media);
    let claim = promotions.claim(id).expect("free");
    assert!(promotions.claim(id).is_none(), "claimed once");
    drop(claim);
    assert!(promotions.claim(id).is_some(), "released");
    assert_eq!(promotions.read_back().await.expect("read back"), 0);
}

#[tokio::test]
async fn stats_of_an_empty_shop_are_zero() {
    let (_dir, pool) = fresh().await;
    let view = crate::stats::store::view(&pool, now_unix(), 30)
        .await
        .expect("view");
    assert_eq!((view.days, view.orders), (30, 0));
    assert!(view.top.is_empty());
}
