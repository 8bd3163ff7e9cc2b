//! SQLite: one file in the data dir, WAL, foreign keys on, migrations embedded.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

/// Opens (creating if missing) the database file and applies every pending migration.
pub async fn open_database(path: &Path) -> anyhow::Result<SqlitePool> {
    let url = format!("sqlite://{}", path.display());
    let options = SqliteConnectOptions::from_str(&url)
        .with_context(|| format!("数据库路径无效：{}", path.display()))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await
        .with_context(|| format!("无法打开数据库 {}", path.display()))?;
    migrate(&pool).await?;
    owner_only(path);
    Ok(pool)
}

/// The database and its WAL files readable by this user only (0600): they hold password
/// hashes and sealed secrets.
fn owner_only(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let name = path.as_os_str().to_string_lossy().into_owned();
        for file in [name.clone(), format!("{name}-wal"), format!("{name}-shm")] {
            let file = Path::new(&file);
            if file.exists() {
                if let Err(err) =
                    std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600))
                {
                    tracing::warn!(error = %err, file = %file.display(), "chmod 600 failed");
                }
            }
        }
    }
}

/// Whether `shopbridge demo` made this database.
pub async fn is_demo(pool: &SqlitePool) -> sqlx::Result<bool> {
    let value: Option<String> = sqlx::query_scalar("SELECT value FROM app_meta WHERE key = 'demo'")
        .fetch_optional(pool)
        .await?;
    Ok(value.as_deref() == Some("1"))
}

/// Marks this database as demo data.
pub async fn mark_demo(pool: &SqlitePool) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO app_meta (key, value) VALUES ('demo', '1') ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .execute(pool)
        .await?;
    Ok(())
}

/// A write transaction that takes SQLite's write lock at once (`BEGIN IMMEDIATE`). A deferred
/// transaction that reads and then writes fails with SQLITE_BUSY at once, busy timeout or not,
/// when another connection wrote in between; this one waits its turn instead.
pub async fn begin_write(
    pool: &SqlitePool,
) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
    pool.begin_with("BEGIN IMMEDIATE").await
}

/// Applies the migrations compiled into the binary.
pub async fn migrate(pool: &SqlitePool) -> anyhow::Result<()> {
    sqlx::migrate!("./migrations")
        .run(pool)
        .await
        .context("数据库迁移失败")?;
    let sessions = tower_sessions_sqlx_store::SqliteStore::new(pool.clone());
    sessions.migrate().await.context("会话表迁移失败")?;
    Ok(())
}
