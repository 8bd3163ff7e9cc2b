//! The image task service on its own: no HTTP server, a fresh SQLite file.

use super::*;
use crate::auth::store::Actor;
use crate::auth::Role;
use crate::ozon::client::OzonClient;
use crate::storage::{MediaStore, StoreKind};
use crate::vault::seal::{MasterKey, Sealer};

/// The service on its own: a fresh SQLite file, a memory store, an Ozon base where nothing
/// listens. No HTTP server, no Leptos.
#[tokio::test]
async fn image_tasks_run_without_the_server() {
    let dir = tempfile::tempdir().expect("dir");
    let pool = crate::server::db::open_database(&dir.path().join("t.db"))
        .await
        .expect("db");
    crate::server::db::migrate(&pool).await.expect("migrate");
    let sealer = Sealer::new(MasterKey::generate());
    let ozon = OzonClient::new("http://127.0.0.1:9").expect("client");
    let media = MediaStore::new(
        Arc::new(object_store::memory::InMemory::new()),
        StoreKind::Memory,
        "http://media.test".into(),
    );
    let settings = crate::server::config::DownloadSettings {
        concurrency: 2,
        per_host: 2,
        max_bytes: 1 << 20,
        deadline_secs: 10,
    };
    let pipeline = Pipeline::new(ozon, media, &settings, false).expect("pipeline");
    let tasks = ImageTasks::new(pool.clone(), sealer.clone(), pipeline);
    let user = CurrentUser {
        id: 7,
        name: "staff1".into(),
        display_name: "员工".into(),
        role: Role::Staff,
    };
    let offer = LookupField::OfferId;
    let refused = tasks.start(&user, 1, " \n ", offer, ProcessOptions::default());
    assert!(matches!(refused.await, Err(TaskError::Invalid(_))));
    let refused = tasks.start(&user, 0, "A-1", offer, ProcessOptions::default());
    assert!(matches!(refused.await, Err(TaskError::Invalid(m)) if m.contains("凭证")));
    let missing = tasks.start(&user, 99, "A-1", offer, ProcessOptions::default());
    assert!(matches!(missing.await, Err(TaskError::Vault(_))));
    assert!(matches!(tasks.view(42).await, Err(TaskError::NotFound)));
    assert!(matches!(
        tasks.resume(&user, 42).await,
        Err(TaskError::NotFound)
    ));

    let cred = crate::vault::service::create_credential(
        &pool,
        &sealer,
        &Actor::cli(),
        "主店",
        "100001",
        "ozon-test-key-0001",
    )
    .await
    .expect("credential");
    let id = tasks
        .start(
            &user,
            cred,
            "A-1\nA-2\nA-1",
            offer,
            ProcessOptions::default(),
        )
        .await
        .expect("started");
    let mut rx = tasks.subscribe(id).expect("live while it runs");
    assert_eq!(rx.borrow().articles, ["A-1", "A-2"], "duplicates collapse");
    let finished = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            if rx.borrow().status.is_final() {
                return rx.borrow().clone();
            }
            if rx.changed().await.is_err() {
                return rx.borrow().clone();
            }
        }
    })
    .await
    .expect("the task ends");
    assert_eq!(
        finished.status,
        TaskStatus::Failed,
        "nobody answers for Ozon"
    );
    assert!(finished.error.is_some());
    // The history row is written right after the live view ends.
    let mut stored = store::find(&pool, id).await.expect("row").expect("found").0;
    for _ in 0..50 {
        if stored.status != TaskStatus::Running {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        stored = store::find(&pool, id).await.expect("row").expect("found").0;
    }
    assert_eq!(stored.status, TaskStatus::Failed);
    assert_eq!(stored.credential_name, "主店");

    // A row whose JSON does not parse is an error, not an empty task.
    sqlx::query("UPDATE image_tasks SET items = 'not json' WHERE id = $1")
        .bind(id)
        .execute(&pool)
        .await
        .expect("corrupt");
    assert!(store::find(&pool, id).await.is_err());
}
