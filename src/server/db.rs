//! The database: one SQLite file in the data dir (the default, nothing to install), or
//! PostgreSQL when `SHOPBRIDGE_DATABASE_URL` names one. Every store speaks to either through
//! sqlx's `Any` driver with the same SQL; where the two dialects differ (a write lock, full-text
//! search, JSON) the store asks [`backend`]. Migrations are embedded, one set per backend.

use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, Executor};

/// Which database a pool speaks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The backend behind `pool` (from its URL; no round trip).
pub fn backend(pool: &AnyPool) -> Backend {
    match pool.connect_options().database_url.scheme() {
        "postgres" | "postgresql" => Backend::Postgres,
        _ => Backend::Sqlite,
    }
}

/// The configured database: PostgreSQL when `SHOPBRIDGE_DATABASE_URL` is set, else the data
/// dir's SQLite file (the data dir must exist).
pub async fn open(config: &super::config::Config) -> anyhow::Result<AnyPool> {
    match &config.database_url {
        Some(url) => open_url(url.expose()).await,
        None => open_database(&config.db_path()).await,
    }
}

/// Opens (creating if missing) the SQLite file at `path` and applies every pending migration.
pub async fn open_database(path: &Path) -> anyhow::Result<AnyPool> {
    sqlx::any::install_default_drivers();
    let url = sqlite_url(path);
    let pool = AnyPoolOptions::new()
        .max_connections(8)
        .after_connect(|conn, _| {
            Box::pin(async move {
                // WAL so readers never wait for the writer; a writer waits its turn for up to
                // 10 s instead of failing at once.
                conn.execute(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                )
                .await?;
                Ok(())
            })
        })
        .connect(&url)
        .await
        .with_context(|| format!("无法打开数据库 {}", path.display()))?;
    migrate(&pool).await?;
    owner_only(path);
    Ok(pool)
}

/// Connects to the PostgreSQL database at `url` and applies every pending migration.
pub async fn open_url(url: &str) -> anyhow::Result<AnyPool> {
    sqlx::any::install_default_drivers();
    let pool = AnyPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(10))
        .connect(url)
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "无法连接数据库（SHOPBRIDGE_DATABASE_URL）：{}",
                redact(url, &e)
            )
        })?;
    migrate(&pool).await?;
    Ok(pool)
}

/// An error message without the URL's password, whatever the driver put in it.
fn redact(url: &str, err: &sqlx::Error) -> String {
    let text = err.to_string();
    match reqwest::Url::parse(url)
        .ok()
        .and_then(|u| u.password().map(str::to_string))
    {
        Some(password) if !password.is_empty() => text.replace(&password, "***"),
        _ => text,
    }
}

/// `sqlite://<path>?mode=rwc`, the path percent-encoded where a URL would misread it.
fn sqlite_url(path: &Path) -> String {
    let mut encoded = String::new();
    for c in path.display().to_string().chars() {
        match c {
            '%' | ' ' | '#' | '?' | '"' | '<' | '>' | '`' | '{' | '}' => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    encoded.push_str(&format!("%{b:02X}"));
                }
            }
            c => encoded.push(c),
        }
    }
    format!("sqlite://{encoded}?mode=rwc")
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
pub async fn is_demo(pool: &AnyPool) -> sqlx::Result<bool> {
    let value: Option<String> = sqlx::query_scalar("SELECT value FROM app_meta WHERE key = 'demo'")
        .fetch_optional(pool)
        .await?;
    Ok(value.as_deref() == Some("1"))
}

/// Marks this database as demo data.
pub async fn mark_demo(pool: &AnyPool) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO app_meta (key, value) VALUES ('demo', '1') ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .execute(pool)
        .await?;
    Ok(())
}

/// A write transaction that waits its turn. On SQLite it takes the write lock at once (`BEGIN
/// IMMEDIATE`): a deferred transaction that reads and then writes fails with SQLITE_BUSY at
/// once, busy timeout or not, when another connection wrote in between. PostgreSQL locks rows
/// as they are written, so a plain `BEGIN` does.
pub async fn begin_write(pool: &AnyPool) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Any>> {
    match backend(pool) {
        Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await,
        Backend::Postgres => pool.begin().await,
    }
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Applies the migrations compiled into the binary, and the session table's.
pub async fn migrate(pool: &AnyPool) -> anyhow::Result<()> {
    let set = match backend(pool) {
        Backend::Sqlite => &SQLITE_MIGRATIONS,
        Backend::Postgres => &POSTGRES_MIGRATIONS,
    };
    set.run(pool).await.context("数据库迁移失败")?;
    Ok(())
}

/// A yes/no column read from either backend: SQLite keeps it as 0/1, PostgreSQL as BOOLEAN.
/// (sqlx's `Any` reads a `bool` only from a BOOLEAN.) Writes bind a plain `bool`, which either
/// backend stores as its own kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flag(pub bool);

impl From<Flag> for bool {
    fn from(flag: Flag) -> bool {
        flag.0
    }
}

impl sqlx::Type<sqlx::Any> for Flag {
    fn type_info() -> sqlx::any::AnyTypeInfo {
        <bool as sqlx::Type<sqlx::Any>>::type_info()
    }

    fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
        use sqlx::any::AnyTypeInfoKind as Kind;
        matches!(
            ty.kind(),
            Kind::Bool | Kind::SmallInt | Kind::Integer | Kind::BigInt
        )
    }
}

impl<'r> sqlx::Decode<'r, sqlx::Any> for Flag {
    fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        use sqlx::ValueRef;
        if value.type_info().kind() == sqlx::any::AnyTypeInfoKind::Bool {
            <bool as sqlx::Decode<sqlx::Any>>::decode(value).map(Flag)
        } else {
            <i64 as sqlx::Decode<sqlx::Any>>::decode(value).map(|n| Flag(n != 0))
        }
    }
}

/// A yes/no/unknown column ([`Flag`] or NULL).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MaybeFlag(pub Option<bool>);

impl From<MaybeFlag> for Option<bool> {
    fn from(flag: MaybeFlag) -> Option<bool> {
        flag.0
    }
}

impl sqlx::Type<sqlx::Any> for MaybeFlag {
    fn type_info() -> sqlx::any::AnyTypeInfo {
        <Flag as sqlx::Type<sqlx::Any>>::type_info()
    }

    fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
        <Flag as sqlx::Type<sqlx::Any>>::compatible(ty)
    }
}

impl<'r> sqlx::Decode<'r, sqlx::Any> for MaybeFlag {
    fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        use sqlx::ValueRef;
        if value.is_null() {
            return Ok(MaybeFlag(None));
        }
        <Flag as sqlx::Decode<sqlx::Any>>::decode(value).map(|f| MaybeFlag(Some(f.0)))
    }
}

/// The two-argument maximum: SQLite's scalar `MAX(a, b)`, PostgreSQL's `GREATEST(a, b)`.
pub fn greatest(pool: &AnyPool) -> &'static str {
    backend(pool).greatest()
}

/// The two-argument minimum (`MIN(a, b)` / `LEAST(a, b)`).
pub fn least(pool: &AnyPool) -> &'static str {
    match backend(pool) {
        Backend::Sqlite => "MIN",
        Backend::Postgres => "LEAST",
    }
}

/// What a claiming `SELECT` ends with so that two nodes never take the same rows: PostgreSQL
/// locks what it picks and passes over what another transaction holds; SQLite has one writer
/// (and one node), so nothing.
pub fn skip_locked(pool: &AnyPool) -> &'static str {
    match backend(pool) {
        Backend::Sqlite => "",
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
    }
}

/// An integer member of a JSON text column, for `WHERE` and `SELECT`.
pub fn json_int(backend: Backend, column: &str, key: &str) -> String {
    match backend {
        Backend::Sqlite => format!("json_extract({column}, '$.{key}')"),
        Backend::Postgres => format!("(({column})::jsonb ->> '{key}')::bigint"),
    }
}

/// The backend behind a connection or transaction (`&mut **tx`).
pub fn backend_of(conn: &sqlx::AnyConnection) -> Backend {
    match conn.backend_name() {
        "PostgreSQL" => Backend::Postgres,
        _ => Backend::Sqlite,
    }
}

impl Backend {
    /// See [`greatest`].
    pub fn greatest(self) -> &'static str {
        match self {
            Backend::Sqlite => "MAX",
            Backend::Postgres => "GREATEST",
        }
    }
}

/// A statement put together piece by piece with numbered placeholders (`$1`, `$2`, …), which
/// both backends read. (sqlx's `QueryBuilder` writes `?` for the `Any` driver, which
/// PostgreSQL refuses.)
#[derive(Clone, Debug, Default)]
pub struct Sql {
    text: String,
    binds: Vec<Bind>,
}

/// A value bound into a [`Sql`].
#[derive(Clone, Debug)]
pub enum Bind {
    Int(i64),
    Text(String),
}

impl From<i64> for Bind {
    fn from(v: i64) -> Self {
        Bind::Int(v)
    }
}

impl From<String> for Bind {
    fn from(v: String) -> Self {
        Bind::Text(v)
    }
}

impl From<&str> for Bind {
    fn from(v: &str) -> Self {
        Bind::Text(v.to_string())
    }
}

impl Sql {
    pub fn new(text: impl Into<String>) -> Self {
        Sql {
            text: text.into(),
            binds: Vec::new(),
        }
    }

    pub fn push(&mut self, text: impl AsRef<str>) -> &mut Self {
        self.text.push_str(text.as_ref());
        self
    }

    /// Appends the next placeholder and binds `value` to it.
    pub fn push_bind(&mut self, value: impl Into<Bind>) -> &mut Self {
        self.binds.push(value.into());
        self.text.push_str(&format!("${}", self.binds.len()));
        self
    }

    pub fn sql(&self) -> &str {
        &self.text
    }

    /// The statement as a query of rows of `T`.
    pub fn query_as<'q, T>(
        &'q self,
    ) -> sqlx::query::QueryAs<'q, sqlx::Any, T, sqlx::any::AnyArguments<'q>>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        let mut q = sqlx::query_as::<sqlx::Any, T>(&self.text);
        for b in &self.binds {
            q = match b {
                Bind::Int(v) => q.bind(*v),
                Bind::Text(v) => q.bind(v.as_str()),
            };
        }
        q
    }

    /// The statement as a query of one value.
    pub fn query_scalar<'q, T>(
        &'q self,
    ) -> sqlx::query::QueryScalar<'q, sqlx::Any, T, sqlx::any::AnyArguments<'q>>
    where
        (T,): for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        let mut q = sqlx::query_scalar::<sqlx::Any, T>(&self.text);
        for b in &self.binds {
            q = match b {
                Bind::Int(v) => q.bind(*v),
                Bind::Text(v) => q.bind(v.as_str()),
            };
        }
        q
    }
}

/// An inner join whose tables SQLite must read in the written order (its `CROSS JOIN`, the
/// planner hint the volume queries rely on); PostgreSQL plans a plain `JOIN` well and takes no
/// `ON` after `CROSS JOIN`.
pub fn ordered_join(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "CROSS JOIN",
        Backend::Postgres => "JOIN",
    }
}

/// Joins a group's texts: `GROUP_CONCAT(x, sep)` on SQLite, `string_agg(x, sep)` on PostgreSQL.
pub fn group_concat(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "GROUP_CONCAT",
        Backend::Postgres => "string_agg",
    }
}
