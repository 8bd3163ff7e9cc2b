//! What runs only on PostgreSQL: the two migration sets compared, and several nodes.
//!
//! Several nodes: three real `shopbridge serve` processes on one PostgreSQL and one S3 server
//! (moto) share the listing pipeline; one is killed with SIGKILL mid-run. Every product reaches
//! its final state, none is imported twice, the work is spread over the nodes, and the
//! simulator never had to refuse a request: the per-Client-Id pace and the stock rules held
//! across the nodes together.
//!
//! Runs against the PostgreSQL of `SHOPBRIDGE_TEST_POSTGRES` (scripts/test starts one); without
//! it, it fails saying so.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use shopbridge::ozon::listing::drafts::store as drafts;
use shopbridge::sim::ozon::catalog::SimConfig;

use crate::images_s3::Moto;
use crate::listing_flow::flow;

const BIN: &str = env!("CARGO_BIN_EXE_shopbridge");
const BUCKET: &str = "shopbridge-media";

fn products() -> usize {
    std::env::var("MULTINODE_PRODUCTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000)
}

struct Node(Child);

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(data: &std::path::Path, sim_url: &str, storage: &[(&str, String)], anchor: i64) -> Node {
    let child = Command::new(BIN)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("SHOPBRIDGE_DATA_DIR", data)
        .envs(crate::helpers::database_env(data))
        .envs(storage.iter().map(|(k, v)| (*k, v.as_str())))
        .env("SHOPBRIDGE_BIND", "127.0.0.1:0")
        .env("SHOPBRIDGE_OZON_API_URL", sim_url)
        .env("SHOPBRIDGE_LISTING_TIME_SCALE", "100")
        .env("SHOPBRIDGE_TIME_ANCHOR", anchor.to_string())
        .env("SHOPBRIDGE_FETCH_ALLOW_PRIVATE", "true")
        .env("SHOPBRIDGE_OZON_TIMEOUT_SECS", "5")
        .arg("serve")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start shopbridge");
    Node(child)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_nodes_share_the_pipeline_and_survive_a_sigkill() {
    assert!(
        crate::helpers::test_postgres().is_some(),
        "this test needs PostgreSQL: SHOPBRIDGE_TEST_POSTGRES=$(scripts/postgres start) (scripts/test does it)"
    );
    let moto = Moto::start().await;
    let storage = vec![
        ("SHOPBRIDGE_STORAGE_URL", format!("s3://{BUCKET}/nodes")),
        ("SHOPBRIDGE_S3_ENDPOINT", moto.endpoint.clone()),
        ("AWS_ACCESS_KEY_ID", "testing".to_string()),
        ("AWS_SECRET_ACCESS_KEY", "testing-secret".to_string()),
        ("AWS_REGION", "us-east-1".to_string()),
    ];
    let storage_vars: Vec<(&str, &str)> = storage.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut vars = vec![("SHOPBRIDGE_LISTING_WORKER", "false")];
    vars.extend_from_slice(&storage_vars);
    // The drafts are made and submitted with every worker off: the queue holds them all.
    let f = flow(SimConfig::default(), &vars).await;
    let total = products();
    let ids: Vec<String> = (1..=total).map(|n| format!("NODE-{n:05}")).collect();
    for id in &ids {
        let draft = serde_json::from_value(f.draft(id, "多节点")).expect("draft");
        drafts::save(&f.app.pool, 1, &draft, &[], "test")
            .await
            .expect("save");
    }
    for chunk in ids.chunks(1000) {
        let refs: Vec<&str> = chunk.iter().map(String::as_str).collect();
        let outcomes = f.submit(&refs).await;
        let refused: Vec<&serde_json::Value> = outcomes
            .as_array()
            .into_iter()
            .flatten()
            .filter(|o| o["ok"] != true)
            .collect();
        assert!(refused.is_empty(), "{refused:?}");
    }
    let sim = f.app.ozon_sim.clone();
    let sim_url = f.app.sim_url.clone();
    let pool = f.app.pool.clone();
    let dir = f.app.stop_keeping_data().await;

    // Three nodes on the one database (one data dir is fine: with PostgreSQL nothing locks it,
    // and it gives them the same master key file).
    let anchor = shopbridge::common::clock::now_unix();
    let mut nodes: Vec<Node> = (0..3)
        .map(|_| start(dir.path(), &sim_url, &storage, anchor))
        .collect();
    // Kill one once imports are under way.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let imported = sim.catalog.lock().map(|c| c.import_log.len()).unwrap_or(0);
        if imported >= total / 4 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no imports after 60 s ({imported})"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut victim = nodes.remove(0);
    victim.0.kill().expect("SIGKILL");
    let _ = victim.0.wait();
    let owners_at_kill: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT lease_owner FROM listing_jobs WHERE lease_owner IS NOT NULL",
    )
    .fetch_all(&pool)
    .await
    .expect("owners");

    let deadline = tokio::time::Instant::now() + Duration::from_secs(240);
    let unfinished = loop {
        let unfinished: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM listing_products WHERE state NOT IN ('Live', 'ReadyForSale', 'Error')",
        )
        .fetch_one(&pool)
        .await
        .expect("count");
        if unfinished == 0 || tokio::time::Instant::now() > deadline {
            break unfinished;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    let stuck: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT p.offer_id, p.state, (SELECT kind || ' ' || status || ' ' || COALESCE(lease_owner, '-') \
         FROM listing_jobs j WHERE j.offer_id = p.offer_id ORDER BY j.id DESC LIMIT 1) \
         FROM listing_products p WHERE p.state NOT IN ('Live', 'ReadyForSale', 'Error') LIMIT 10",
    )
    .fetch_all(&pool)
    .await
    .expect("stuck");
    assert_eq!(
        unfinished, 0,
        "every product reaches a final state: {stuck:?}"
    );
    drop(nodes);
    let errors: Vec<(String, String)> = sqlx::query_as(
        "SELECT offer_id, COALESCE(error, '') FROM listing_products WHERE state = 'Error' LIMIT 10",
    )
    .fetch_all(&pool)
    .await
    .expect("errors");
    assert!(errors.is_empty(), "{errors:?}");
    let imports = sim
        .catalog
        .lock()
        .map(|c| c.import_log.clone())
        .unwrap_or_default();
    let mut seen = std::collections::HashMap::new();
    for id in &imports {
        *seen.entry(id.clone()).or_insert(0) += 1;
    }
    let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).take(10).collect();
    assert!(twice.is_empty(), "imported more than once: {twice:?}");
    assert_eq!(seen.len(), total, "every product imported");
    // The nodes shared the work, the killed one's included.
    assert!(
        owners_at_kill.len() >= 2,
        "jobs were claimed by several nodes: {owners_at_kill:?}"
    );
    // Ozon's pace and the stock rules held over the three nodes together.
    assert_eq!(sim.count_status(429), 0, "429 answers");
    let throttled: Vec<(String, String, String)> = sim
        .catalog
        .lock()
        .map(|c| {
            c.item_errors
                .iter()
                .filter(|e| e.2 == "TOO_MANY_REQUESTS")
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    assert!(
        throttled.is_empty(),
        "{:?}",
        &throttled[..throttled.len().min(10)]
    );
    drop(moto);
}

/// The two migration sets are one schema: every table and column of the SQLite set exists on
/// PostgreSQL and nothing else does, and so does every index (bar each backend's own search
/// index). A migration added to one set only fails here.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_migration_sets_make_the_same_schema() {
    use std::collections::BTreeSet;
    let Some(_) = crate::helpers::test_postgres() else {
        panic!("this test needs PostgreSQL: SHOPBRIDGE_TEST_POSTGRES=$(scripts/postgres start)");
    };
    let lite_dir = tempfile::tempdir().expect("tempdir");
    let lite = shopbridge::server::db::open_database(&lite_dir.path().join("s.db"))
        .await
        .expect("sqlite");
    let pg_dir = tempfile::tempdir().expect("tempdir");
    let url = crate::helpers::database_for(pg_dir.path()).expect("postgres");
    let pg = shopbridge::server::db::open_url(&url)
        .await
        .expect("postgres");
    let lite_columns: BTreeSet<(String, String)> = sqlx::query_as(
        "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE 'shop_products_fts%' \
         AND m.name != '_sqlx_migrations'",
    )
    .fetch_all(&lite)
    .await
    .expect("sqlite columns")
    .into_iter()
    .collect();
    let pg_columns: BTreeSet<(String, String)> = sqlx::query_as(
        "SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT) FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name != '_sqlx_migrations'",
    )
    .fetch_all(&pg)
    .await
    .expect("postgres columns")
    .into_iter()
    .collect();
    let only_lite: Vec<_> = lite_columns.difference(&pg_columns).collect();
    let only_pg: Vec<_> = pg_columns.difference(&lite_columns).collect();
    assert!(
        only_lite.is_empty() && only_pg.is_empty(),
        "columns only on SQLite: {only_lite:?}; only on PostgreSQL: {only_pg:?}"
    );
    assert!(lite_columns.len() > 300, "{} columns", lite_columns.len());
    let lite_indexes: BTreeSet<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex%'",
    )
    .fetch_all(&lite)
    .await
    .expect("sqlite indexes")
    .into_iter()
    .collect();
    let pg_indexes: BTreeSet<String> = sqlx::query_scalar(
        "SELECT CAST(indexname AS TEXT) FROM pg_indexes WHERE schemaname = 'public' \
         AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_key' \
         AND indexname NOT LIKE '%_trgm'",
    )
    .fetch_all(&pg)
    .await
    .expect("postgres indexes")
    .into_iter()
    .collect();
    let only_lite: Vec<_> = lite_indexes.difference(&pg_indexes).collect();
    let only_pg: Vec<_> = pg_indexes.difference(&lite_indexes).collect();
    assert!(
        only_lite.is_empty() && only_pg.is_empty(),
        "indexes only on SQLite: {only_lite:?}; only on PostgreSQL: {only_pg:?}"
    );
}
