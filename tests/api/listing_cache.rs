//! The category cache against the simulator: a fill with paged dictionaries, a refresh that
//! makes an attribute required (diff + flagged draft), and a refresh killed halfway, then resumed.

use std::time::Duration;

use shopbridge::common::secret::Secret;
use shopbridge::ozon::client::{OzonClient, OzonCredentials};
use shopbridge::ozon::listing::{catalog::cache, catalog::refresh};

use crate::helpers::TestApp;

const CREDENTIAL: i64 = 7;
const CATEGORY: i64 = 200_001_483;
const TYPE: i64 = 971_445_087;

fn creds() -> OzonCredentials {
    OzonCredentials {
        client_id: "100001".into(),
        api_key: Secret::new("ozon-demo-valid-key-0001"),
    }
}

fn calls_to(app: &TestApp, path: &str) -> usize {
    app.ozon_sim
        .catalog
        .lock()
        .expect("catalog")
        .log
        .iter()
        .filter(|c| c.path == path)
        .count()
}

async fn add_draft(app: &TestApp, offer_id: &str) {
    let data = serde_json::json!({"offer_id": offer_id, "description_category_id": CATEGORY, "type_id": TYPE});
    sqlx::query(
        "INSERT INTO listing_drafts (offer_id, credential_id, data, updated_by, created_at, updated_at) \
         VALUES ($1, $2, $3, 'test', 0, 0)",
    )
    .bind(offer_id)
    .bind(CREDENTIAL)
    .bind(data.to_string())
    .execute(&app.pool)
    .await
    .expect("draft");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fill_search_and_paged_dictionaries() {
    let app = TestApp::spawn().await;
    let ozon = OzonClient::new(&app.sim_url).expect("client");
    let diff = refresh::refresh(&app.pool, &ozon, CREDENTIAL, &creds())
        .await
        .expect("refresh");
    assert!(diff.is_empty(), "a first fill is not a change: {diff:?}");
    let journals = cache::search_types(&app.pool, CREDENTIAL, "Журнал", 50)
        .await
        .expect("search");
    assert_eq!(
        journals.len(),
        3,
        "the same type under three categories: {journals:?}"
    );
    assert!(
        journals.iter().all(|n| n.path.starts_with("Книги / ")),
        "{journals:?}"
    );
    assert!(cache::pair_known(&app.pool, CREDENTIAL, CATEGORY, TYPE)
        .await
        .expect("known"));
    assert!(!cache::pair_known(&app.pool, CREDENTIAL, 200_001_482, TYPE)
        .await
        .expect("known"));
    assert!(!cache::pair_known(&app.pool, CREDENTIAL, CATEGORY, 0)
        .await
        .expect("a category is no type"));

    let specs = cache::attributes(&app.pool, &ozon, CREDENTIAL, &creds(), CATEGORY, TYPE)
        .await
        .expect("attributes");
    assert!(specs.iter().any(|s| s.id == 22232 && s.is_required));
    let before = calls_to(&app, "/v1/description-category/attribute/values");
    let values = cache::values(
        &app.pool,
        &ozon,
        CREDENTIAL,
        &creds(),
        (6548, CATEGORY, TYPE),
        100,
    )
    .await
    .expect("values");
    assert_eq!(values.len(), 250, "every page");
    assert_eq!(
        calls_to(&app, "/v1/description-category/attribute/values") - before,
        3,
        "3 pages of 100"
    );
    let again = cache::values(
        &app.pool,
        &ozon,
        CREDENTIAL,
        &creds(),
        (6548, CATEGORY, TYPE),
        100,
    )
    .await
    .expect("cached values");
    assert_eq!(again, values);
    assert_eq!(
        calls_to(&app, "/v1/description-category/attribute/values") - before,
        3,
        "served from the cache"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newly_required_attribute_is_a_diff_and_flags_the_draft() {
    let app = TestApp::spawn().await;
    let ozon = OzonClient::new(&app.sim_url).expect("client");
    add_draft(&app, "DRAFT-1").await;
    refresh::refresh(&app.pool, &ozon, CREDENTIAL, &creds())
        .await
        .expect("first fill");
    app.ozon_sim
        .catalog
        .lock()
        .expect("catalog")
        .config
        .now_required = vec![4383];
    let diff = refresh::refresh(&app.pool, &ozon, CREDENTIAL, &creds())
        .await
        .expect("refresh");
    assert_eq!(diff.newly_required.len(), 1, "{diff:?}");
    assert!(diff.newly_required[0].contains("4383"), "{diff:?}");
    assert_eq!(diff.flagged_drafts, vec!["DRAFT-1".to_string()]);
    let flag: Option<String> =
        sqlx::query_scalar("SELECT flag FROM listing_drafts WHERE offer_id = 'DRAFT-1'")
            .fetch_one(&app.pool)
            .await
            .expect("flag");
    assert!(flag.unwrap_or_default().contains("类目属性已变化"));
    let stored: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM catalog_diffs WHERE credential_id = $1")
            .bind(CREDENTIAL)
            .fetch_one(&app.pool)
            .await
            .expect("diffs");
    assert_eq!(stored, 1);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_withdrawn_dictionary_value_is_a_diff_and_flags_the_draft() {
    let app = TestApp::spawn().await;
    let ozon = OzonClient::new(&app.sim_url).expect("client");
    add_draft(&app, "DRAFT-1").await;
    refresh::refresh(&app.pool, &ozon, CREDENTIAL, &creds())
        .await
        .expect("first fill");
    let key = (22232, CATEGORY, TYPE);
    let values = cache::values(&app.pool, &ozon, CREDENTIAL, &creds(), key, 2000)
        .await
        .expect("dictionary");
    let withdrawn = values[0].0;
    let unchanged = refresh::refresh(&app.pool, &ozon, CREDENTIAL, &creds())
        .await
        .expect("refresh without changes");
    assert!(unchanged.is_empty(), "{unchanged:?}");
    app.ozon_sim
        .catalog
        .lock()
        .expect("catalog")
        .config
        .withdrawn_values = vec![withdrawn];
    let diff = refresh::refresh(&app.pool, &ozon, CREDENTIAL, &creds())
        .await
        .expect("refresh");
    assert_eq!(diff.changed_dictionaries.len(), 1, "{diff:?}");
    assert!(
        diff.changed_dictionaries[0].contains("（22232）新增 0 个值，删除 1 个值"),
        "{diff:?}"
    );
    assert_eq!(diff.flagged_drafts, vec!["DRAFT-1".to_string()]);
    let after = cache::values(&app.pool, &ozon, CREDENTIAL, &creds(), key, 2000)
        .await
        .expect("dictionary after");
    assert_eq!(after.len(), values.len() - 1);
    assert!(!after.iter().any(|(id, _)| *id == withdrawn));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_killed_halfway_resumes_without_a_half_tree() {
    let app = TestApp::spawn().await;
    let ozon = OzonClient::new(&app.sim_url).expect("client");
    add_draft(&app, "DRAFT-2").await;
    app.ozon_sim
        .catalog
        .lock()
        .expect("catalog")
        .config
        .hang_paths = vec!["/v1/description-category/attribute".into()];
    let pool = app.pool.clone();
    let client = ozon.clone();
    let running =
        tokio::spawn(async move { refresh::refresh(&pool, &client, CREDENTIAL, &creds()).await });
    // Wait until the tree is fetched and kept, then kill the refresh mid-way.
    let mut kept = false;
    for _ in 0..200 {
        let tree: Option<String> =
            sqlx::query_scalar("SELECT tree_zh FROM catalog_refreshes WHERE status = 'running'")
                .fetch_optional(&app.pool)
                .await
                .expect("refresh row")
                .flatten();
        if tree.is_some() {
            kept = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(kept, "the tree was kept in the refresh row");
    running.abort();
    let visible: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM catalog_nodes")
        .fetch_one(&app.pool)
        .await
        .expect("nodes");
    assert_eq!(visible, 0, "nothing half-written is visible");

    app.ozon_sim
        .catalog
        .lock()
        .expect("catalog")
        .config
        .hang_paths
        .clear();
    let trees = calls_to(&app, "/v1/description-category/tree");
    refresh::refresh(&app.pool, &ozon, CREDENTIAL, &creds())
        .await
        .expect("resumed");
    assert_eq!(
        calls_to(&app, "/v1/description-category/tree"),
        trees,
        "the tree was not fetched again"
    );
    let visible: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM catalog_nodes WHERE type_id > 0")
        .fetch_one(&app.pool)
        .await
        .expect("nodes");
    assert!(visible > 0);
    let attrs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM catalog_attributes")
        .fetch_one(&app.pool)
        .await
        .expect("attributes");
    assert_eq!(attrs, 1, "the draft's pair was fetched");
    let status: String =
        sqlx::query_scalar("SELECT status FROM catalog_refreshes ORDER BY id DESC LIMIT 1")
            .fetch_one(&app.pool)
            .await
            .expect("status");
    assert_eq!(status, "done");
    app.stop().await;
}
