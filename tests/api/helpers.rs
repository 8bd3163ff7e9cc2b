//! Spawns the whole app on port 0 with its own data dir, and captures every log line.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, ORIGIN};
use serde_json::Value;
use shopbridge::auth::store::Actor;
use shopbridge::auth::{service, Role};
use shopbridge::server::config::{Config, LogFormat};
use shopbridge::server::{db, startup, telemetry};
use shopbridge::sim::ozon::OzonSim;
use shopbridge::sim::serve_router;
use sqlx::AnyPool;
use tokio::sync::oneshot;

/// Everything the app logged in this test process.
#[derive(Clone, Default)]
pub struct LogCapture(Arc<Mutex<Vec<u8>>>);

impl Write for LogCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut bytes) = self.0.lock() {
            bytes.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

pub fn logs() -> &'static LogCapture {
    static LOGS: OnceLock<LogCapture> = OnceLock::new();
    LOGS.get_or_init(|| {
        let capture = LogCapture::default();
        // Debug level: whatever the app might print about a request is in here.
        std::env::set_var("RUST_LOG", "debug,hyper=info,h2=info");
        let writer = capture.clone();
        telemetry::init_tracing(LogFormat::Text, false, move || writer.clone());
        capture
    })
}

pub fn captured_logs() -> String {
    let bytes = logs().0.lock().map(|b| b.clone()).unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

pub struct TestApp {
    pub base: String,
    pub sim_url: String,
    pub ozon_sim: OzonSim,
    pub pool: AnyPool,
    pub dir: tempfile::TempDir,
    shutdown: Option<oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

pub fn test_config(dir: &std::path::Path) -> Config {
    test_config_with(dir, &[])
}

/// The PostgreSQL server the suite runs against (`SHOPBRIDGE_TEST_POSTGRES`, a URL without a
/// database name, as `scripts/test-postgres` starts it), if any; unset, every app is on its
/// data dir's SQLite file.
pub fn test_postgres() -> Option<String> {
    std::env::var("SHOPBRIDGE_TEST_POSTGRES")
        .ok()
        .filter(|v| !v.trim().is_empty())
}

/// The database that stands for data dir `dir` on the test PostgreSQL server, made on first
/// use: a restart on the same dir finds the same data, another dir starts empty.
pub fn database_for(dir: &std::path::Path) -> Option<String> {
    use std::hash::{Hash, Hasher};
    let server = test_postgres()?;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    dir.hash(&mut hasher);
    let name = format!("sb_{:016x}", hasher.finish());
    let base = server.trim_end_matches('/').to_string();
    static MADE: OnceLock<Mutex<std::collections::HashSet<String>>> = OnceLock::new();
    let made = MADE.get_or_init(Default::default);
    let first = made
        .lock()
        .map(|mut m| m.insert(name.clone()))
        .unwrap_or(true);
    if first {
        let admin = format!("{base}/postgres");
        let create = format!("CREATE DATABASE {name}");
        // Its own thread and runtime: callers may be sync or inside a runtime.
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                sqlx::any::install_default_drivers();
                let pool = sqlx::any::AnyPoolOptions::new()
                    .max_connections(1)
                    .connect(&admin)
                    .await
                    .expect("test postgres server");
                match sqlx::query(&create).execute(&pool).await {
                    Ok(_) => {}
                    Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("42P04") => {}
                    Err(e) => panic!("create test database: {e}"),
                }
                pool.close().await;
            })
        })
        .join()
        .expect("create test database");
    }
    Some(format!("{base}/{name}"))
}

/// A config for `dir`, with `extra` variables on top.
pub fn test_config_with(dir: &std::path::Path, extra: &[(&str, &str)]) -> Config {
    let mut vars: Vec<(String, String)> = vec![
        (
            "SHOPBRIDGE_DATA_DIR".into(),
            dir.to_string_lossy().into_owned(),
        ),
        ("SHOPBRIDGE_BIND".into(), "127.0.0.1:0".into()),
    ];
    if let Some(url) = database_for(dir) {
        vars.push(("SHOPBRIDGE_DATABASE_URL".into(), url));
    }
    vars.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    Config::from_lookup(move |name| {
        vars.iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    })
    .expect("test config is valid")
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(&[]).await
    }

    /// The app with its own data dir and its own Ozon simulator (demo accounts).
    pub async fn spawn_with(extra: &[(&str, &str)]) -> TestApp {
        Self::spawn_in(tempfile::tempdir().expect("tempdir"), extra).await
    }

    /// The app on an existing data dir (a restart), with a fresh simulator.
    pub async fn spawn_in(dir: tempfile::TempDir, extra: &[(&str, &str)]) -> TestApp {
        Self::spawn_with_sim(dir, OzonSim::demo(), extra).await
    }

    /// The app on `dir` against the given simulator.
    pub async fn spawn_with_sim(
        dir: tempfile::TempDir,
        ozon_sim: OzonSim,
        extra: &[(&str, &str)],
    ) -> TestApp {
        logs();
        let sim_addr = serve_router("127.0.0.1:0".parse().expect("addr"), ozon_sim.router())
            .await
            .expect("ozon simulator");
        let sim_url = format!("http://{sim_addr}");
        let mut vars = vec![("SHOPBRIDGE_OZON_API_URL", sim_url.as_str())];
        vars.extend_from_slice(extra);
        let config = test_config_with(dir.path(), &vars);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind port 0");
        let addr = listener.local_addr().expect("local addr");
        let (tx, rx) = oneshot::channel::<()>();
        let run_config = config.clone();
        let handle = tokio::spawn(async move {
            startup::run(run_config, listener, async move {
                let _ = rx.await;
            })
            .await
        });
        let base = format!("http://{addr}");
        wait_until_healthy(&base).await;
        let pool = db::open(&config).await.expect("open db");
        TestApp {
            base,
            sim_url,
            ozon_sim,
            pool,
            dir,
            shutdown: Some(tx),
            handle: Some(handle),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A browser-like client: cookie jar, same-origin `Origin` header, no redirects followed.
    pub fn client(&self) -> reqwest::Client {
        let mut headers = HeaderMap::new();
        headers.insert(ORIGIN, HeaderValue::from_str(&self.base).expect("origin"));
        reqwest::Client::builder()
            .cookie_store(true)
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::none())
            // A stuck request fails its test instead of hanging the run.
            .timeout(Duration::from_secs(30))
            .build()
            .expect("client")
    }

    pub async fn add_user(&self, name: &str, role: Role, password: &str) -> i64 {
        service::create_user(&self.pool, &Actor::cli(), name, "", role, password.into())
            .await
            .expect("create user")
    }

    /// Calls a server function with form fields; returns status and JSON body.
    pub async fn call(
        &self,
        client: &reqwest::Client,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> (u16, Value) {
        let res = client
            .post(self.url(&format!("/sf/{endpoint}")))
            .form(form)
            .send()
            .await
            .expect("server fn request");
        let status = res.status().as_u16();
        let text = res.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, body)
    }

    pub async fn login(&self, client: &reqwest::Client, name: &str, password: &str) -> Value {
        let (status, body) = self
            .call(
                client,
                "login",
                &[("username", name), ("password", password)],
            )
            .await;
        assert_eq!(status, 200, "login answered {status}: {body}");
        body
    }

    /// A signed-in admin ("admin") who has stored the demo credential 主店 (id 1).
    pub async fn admin_with_credential(&self, password: &str) -> reqwest::Client {
        self.add_user("admin", Role::Admin, password).await;
        let admin = self.client();
        self.login(&admin, "admin", password).await;
        let (status, body) = self
            .call(
                &admin,
                "ozon_credentials_add",
                &[
                    ("name", "主店"),
                    ("client_id", "100001"),
                    ("api_key", "ozon-demo-valid-key-0001"),
                ],
            )
            .await;
        assert_eq!(status, 200, "{body}");
        admin
    }

    /// Stops the app and hands back its data dir.
    pub async fn stop_keeping_data(mut self) -> tempfile::TempDir {
        self.shutdown_and_wait().await;
        let placeholder = tempfile::tempdir().expect("tempdir");
        std::mem::replace(&mut self.dir, placeholder)
    }

    pub async fn stop(mut self) {
        self.shutdown_and_wait().await;
    }

    async fn shutdown_and_wait(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(handle) = self.handle.take() {
            let result = tokio::time::timeout(Duration::from_secs(10), handle).await;
            let outcome = result.expect("server stops within 10 s").expect("join");
            outcome.expect("server exits cleanly");
        }
    }
}

async fn wait_until_healthy(base: &str) {
    let client = reqwest::Client::new();
    for _ in 0..200 {
        if let Ok(res) = client.get(format!("{base}/healthz")).send().await {
            if res.status().is_success() {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("app at {base} never became healthy");
}

/// The value of the session cookie `client` holds for `app`.
pub fn session_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("shopbridge_session="))
        .map(|v| v.split(';').next().unwrap_or_default().to_string())
}

pub const ADMIN_PASSWORD: &str = "admin-pass-0001";
pub const STAFF_PASSWORD: &str = "staff-pass-0001";

/// The database variable a `shopbridge` process on data dir `dir` needs under
/// `SHOPBRIDGE_TEST_POSTGRES` (nothing on SQLite).
pub fn database_env(dir: &std::path::Path) -> Vec<(&'static str, String)> {
    database_for(dir)
        .map(|url| vec![("SHOPBRIDGE_DATABASE_URL", url)])
        .unwrap_or_default()
}

/// Everything the database holds, as text, to search for what must never be stored in the
/// clear: on SQLite the file and its WAL byte for byte (after a checkpoint); on PostgreSQL
/// every row of every table.
pub async fn stored_text(pool: &AnyPool, dir: &std::path::Path) -> String {
    if test_postgres().is_some() {
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT CAST(table_name AS TEXT) FROM information_schema.tables \
             WHERE table_schema = 'public'",
        )
        .fetch_all(pool)
        .await
        .expect("tables");
        let mut out = String::new();
        for table in tables {
            let rows: Vec<String> =
                sqlx::query_scalar(&format!("SELECT CAST(t AS TEXT) FROM \"{table}\" t"))
                    .fetch_all(pool)
                    .await
                    .expect("rows");
            assert!(out.len() < 200_000_000, "test database too large to read");
            out.push_str(&rows.join("\n"));
        }
        return out;
    }
    let _ = sqlx::query("PRAGMA wal_checkpoint(FULL)")
        .execute(pool)
        .await;
    let mut bytes = std::fs::read(dir.join("shopbridge.db")).unwrap_or_default();
    bytes.extend(std::fs::read(dir.join("shopbridge.db-wal")).unwrap_or_default());
    String::from_utf8_lossy(&bytes).into_owned()
}
