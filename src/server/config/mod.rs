//! Configuration from the environment (and `.env`), with the names and defaults of DESIGN.md.
//!
//! A bad value stops start-up with a message that names the variable.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::common::alerts::AlertSettings;
use crate::common::url::origin_of;
pub use crate::storage::S3Settings;
use crate::vault::seal::MasterKey;

mod parse;
use parse::*;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("配置错误：{var} = {value} 无效：{reason}")]
pub struct ConfigError {
    pub var: &'static str,
    pub value: String,
    pub reason: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub data_dir: PathBuf,
    /// `SHOPBRIDGE_DATABASE_URL` (`postgres://…`): the database several nodes share. Unset, the
    /// SQLite file in the data dir. Kept as a secret: the URL may hold a password.
    pub database_url: Option<crate::common::secret::Secret>,
    pub bind: SocketAddr,
    pub public_url: String,
    /// Whether `SHOPBRIDGE_PUBLIC_URL` was set; if not, the bound loopback address also counts
    /// as this site's origin (see `own_origins`).
    pub public_url_set: bool,
    pub ozon_api_url: String,
    pub douyin_api_url: String,
    pub doudian_api_url: String,
    pub storage_url: String,
    pub media_public_url: String,
    pub fetch_allow_private: bool,
    pub log_format: LogFormat,
    pub session_idle_minutes: i64,
    /// A session ends this long after sign-in, however active (`SHOPBRIDGE_SESSION_MAX_HOURS`).
    pub session_max_hours: u64,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`SHOPBRIDGE_TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// From `SHOPBRIDGE_MASTER_KEY`; `None` means the key file in the data dir.
    pub master_key: Option<MasterKey>,
    pub api_rate_per_minute: u32,
    /// `/metrics` asks for `Authorization: Bearer <this>` (`SHOPBRIDGE_METRICS_TOKEN`); unset,
    /// it answers direct loopback clients only.
    pub metrics_token: Option<crate::common::secret::Secret>,
    /// Seconds a stopping node answers `/readyz` 503 before it stops accepting connections,
    /// so a load balancer moves traffic away first (`SHOPBRIDGE_DRAIN_SECS`, default 0).
    pub drain_secs: u64,
    /// Requests per second per Ozon Client-Id (Ozon's limit is 50).
    pub ozon_rps: u32,
    /// How much faster than the clock the listing pipeline's waits run (1 = real time; tests
    /// and the benchmark run it with the simulator's time scale).
    pub listing_time_scale: u32,
    /// Where the scaled clocks start (`SHOPBRIDGE_TIME_ANCHOR`, unix seconds; default: when
    /// the process started). Nodes run at a time scale need the same anchor to agree.
    pub time_anchor: Option<i64>,
    /// Seconds before an Ozon request gives up (each of its tries).
    pub ozon_timeout_secs: u64,
    /// Whether the listing pipeline's worker runs in this process (tests of the queue itself
    /// switch it off).
    pub listing_worker: bool,
    pub alerts: AlertSettings,
    pub platforms: PlatformSettings,
    /// `shopbridge demo` sets this: every page says the data is demo data.
    pub demo: bool,
    /// `serve` opens a data dir `shopbridge demo` made (`SHOPBRIDGE_ALLOW_DEMO_DATA`).
    pub allow_demo_data: bool,
    pub s3: S3Settings,
    pub download: DownloadSettings,
}

/// Douyin and 抖店: where merchants authorise, what we ask for, how often shops sync.
#[derive(Clone, Debug)]
pub struct PlatformSettings {
    /// 抖店's service market (`SHOPBRIDGE_DOUDIAN_AUTH_URL`, https://fuwu.jinritemai.com).
    pub doudian_auth_url: String,
    /// Comma-separated Douyin scopes (`SHOPBRIDGE_DOUYIN_SCOPES`).
    pub douyin_scopes: String,
    /// Minutes between scheduled syncs (`SHOPBRIDGE_PLATFORM_SYNC_MINUTES`, 15).
    pub sync_minutes: i64,
    /// 抖店 gateway calls per second per app (`SHOPBRIDGE_DOUDIAN_RPS`, 10).
    pub doudian_rps: u32,
    /// How much faster than the clock token lifetimes and waits run
    /// (`SHOPBRIDGE_PLATFORM_TIME_SCALE`, 1; tests match the simulator's scale).
    pub time_scale: u32,
    /// Whether the token and sync scheduler runs in this process.
    pub scheduler: bool,
}

/// Bounds of the image download pipeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DownloadSettings {
    /// Images in flight at once, over all requests (`SHOPBRIDGE_DOWNLOAD_CONCURRENCY`, 16).
    pub concurrency: usize,
    /// Images in flight per image host (`SHOPBRIDGE_DOWNLOAD_PER_HOST`, 16).
    pub per_host: usize,
    /// Largest image read, in bytes (`SHOPBRIDGE_DOWNLOAD_MAX_MB`, 30 MB).
    pub max_bytes: u64,
    /// Deadline of one request (`SHOPBRIDGE_DOWNLOAD_DEADLINE_SECS`, 120 s).
    pub deadline_secs: u64,
}

impl Default for DownloadSettings {
    fn default() -> Self {
        DownloadSettings {
            concurrency: 16,
            per_host: 16,
            max_bytes: 30 * 1024 * 1024,
            deadline_secs: 120,
        }
    }
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads configuration through `lookup`, so tests can pass their own values.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let data_dir = PathBuf::from(get("SHOPBRIDGE_DATA_DIR").unwrap_or_else(|| "./data".into()));
        let bind = parse_bind(get("SHOPBRIDGE_BIND"))?;
        let database_url = parse_database_url(get("SHOPBRIDGE_DATABASE_URL"))?;
        let public_url_set = get("SHOPBRIDGE_PUBLIC_URL").is_some();
        let public_url = parse_url(
            "SHOPBRIDGE_PUBLIC_URL",
            get("SHOPBRIDGE_PUBLIC_URL").unwrap_or_else(|| "http://127.0.0.1:3000".into()),
        )?;
        let media_default = format!("{public_url}/media");
        let storage_default = format!("file://{}", data_dir.join("media").display());
        Ok(Config {
            bind,
            ozon_api_url: url_or(
                "SHOPBRIDGE_OZON_API_URL",
                &get,
                "https://api-seller.ozon.ru",
            )?,
            douyin_api_url: url_or("SHOPBRIDGE_DOUYIN_API_URL", &get, "https://open.douyin.com")?,
            doudian_api_url: url_or(
                "SHOPBRIDGE_DOUDIAN_API_URL",
                &get,
                "https://openapi-fxg.jinritemai.com",
            )?,
            storage_url: parse_storage(get("SHOPBRIDGE_STORAGE_URL").unwrap_or(storage_default))?,
            media_public_url: url_or("SHOPBRIDGE_MEDIA_PUBLIC_URL", &get, &media_default)?,
            fetch_allow_private: parse_bool(
                "SHOPBRIDGE_FETCH_ALLOW_PRIVATE",
                get("SHOPBRIDGE_FETCH_ALLOW_PRIVATE"),
            )?,
            log_format: parse_log_format(get("SHOPBRIDGE_LOG_FORMAT"))?,
            session_idle_minutes: parse_minutes(get("SHOPBRIDGE_SESSION_IDLE_MINUTES"))?,
            session_max_hours: parse_range("SHOPBRIDGE_SESSION_MAX_HOURS", &get, 72, 1, 24 * 90)?,
            trusted_proxies: parse_proxies(get("SHOPBRIDGE_TRUSTED_PROXIES"))?,
            master_key: parse_master_key(get("SHOPBRIDGE_MASTER_KEY"))?,
            api_rate_per_minute: parse_rate(get("SHOPBRIDGE_API_RATE_PER_MINUTE"))?,
            database_url,
            metrics_token: get("SHOPBRIDGE_METRICS_TOKEN")
                .filter(|t| !t.trim().is_empty())
                .map(crate::common::secret::Secret::new),
            drain_secs: parse_range("SHOPBRIDGE_DRAIN_SECS", &get, 0, 0, 300)?,
            ozon_rps: parse_ozon_rps(get("SHOPBRIDGE_OZON_RPS"))?,
            time_anchor: match get("SHOPBRIDGE_TIME_ANCHOR") {
                None => None,
                Some(v) => Some(v.trim().parse::<i64>().ok().filter(|t| *t > 0).ok_or(
                    ConfigError {
                        var: "SHOPBRIDGE_TIME_ANCHOR",
                        value: format!("{v:?}"),
                        reason: "应为 Unix 秒数（正整数）",
                    },
                )?),
            },
            listing_time_scale: parse_range("SHOPBRIDGE_LISTING_TIME_SCALE", &get, 1, 1, 10_000)?
                as u32,
            ozon_timeout_secs: parse_range("SHOPBRIDGE_OZON_TIMEOUT_SECS", &get, 30, 1, 300)?,
            listing_worker: get("SHOPBRIDGE_LISTING_WORKER").is_none()
                || parse_bool(
                    "SHOPBRIDGE_LISTING_WORKER",
                    get("SHOPBRIDGE_LISTING_WORKER"),
                )?,
            alerts: AlertSettings {
                telegram_api_url: url_or(
                    "SHOPBRIDGE_TELEGRAM_API_URL",
                    &get,
                    "https://api.telegram.org",
                )?,
                telegram_token: get("SHOPBRIDGE_TELEGRAM_BOT_TOKEN")
                    .map(crate::common::secret::Secret::new),
                telegram_chat_id: get("SHOPBRIDGE_TELEGRAM_CHAT_ID"),
                webhook_url: get("SHOPBRIDGE_ALERT_WEBHOOK_URL")
                    .map(|v| parse_url("SHOPBRIDGE_ALERT_WEBHOOK_URL", v))
                    .transpose()?,
            },
            platforms: PlatformSettings {
                doudian_auth_url: url_or(
                    "SHOPBRIDGE_DOUDIAN_AUTH_URL",
                    &get,
                    "https://fuwu.jinritemai.com",
                )?,
                douyin_scopes: get("SHOPBRIDGE_DOUYIN_SCOPES").unwrap_or_else(|| {
                    "user_info,renew_refresh_token,video.create.bind,video.data.bind".into()
                }),
                sync_minutes: parse_range("SHOPBRIDGE_PLATFORM_SYNC_MINUTES", &get, 15, 1, 1440)?
                    as i64,
                doudian_rps: parse_range("SHOPBRIDGE_DOUDIAN_RPS", &get, 10, 1, 1000)? as u32,
                time_scale: parse_range("SHOPBRIDGE_PLATFORM_TIME_SCALE", &get, 1, 1, 10_000_000)?
                    as u32,
                scheduler: get("SHOPBRIDGE_PLATFORM_SCHEDULER").is_none()
                    || parse_bool(
                        "SHOPBRIDGE_PLATFORM_SCHEDULER",
                        get("SHOPBRIDGE_PLATFORM_SCHEDULER"),
                    )?,
            },
            demo: get("SHOPBRIDGE_DEMO").is_some()
                && parse_bool("SHOPBRIDGE_DEMO", get("SHOPBRIDGE_DEMO"))?,
            allow_demo_data: get("SHOPBRIDGE_ALLOW_DEMO_DATA").is_some()
                && parse_bool(
                    "SHOPBRIDGE_ALLOW_DEMO_DATA",
                    get("SHOPBRIDGE_ALLOW_DEMO_DATA"),
                )?,
            s3: S3Settings {
                endpoint: get("SHOPBRIDGE_S3_ENDPOINT")
                    .map(|v| parse_url("SHOPBRIDGE_S3_ENDPOINT", v))
                    .transpose()?,
                access_key_id: get("AWS_ACCESS_KEY_ID"),
                secret_access_key: get("AWS_SECRET_ACCESS_KEY")
                    .map(crate::common::secret::Secret::new),
                region: get("AWS_REGION"),
            },
            download: DownloadSettings {
                concurrency: parse_range("SHOPBRIDGE_DOWNLOAD_CONCURRENCY", &get, 16, 1, 256)?
                    as usize,
                per_host: parse_range("SHOPBRIDGE_DOWNLOAD_PER_HOST", &get, 16, 1, 256)? as usize,
                max_bytes: parse_range("SHOPBRIDGE_DOWNLOAD_MAX_MB", &get, 30, 1, 500)?
                    * 1024
                    * 1024,
                deadline_secs: parse_range(
                    "SHOPBRIDGE_DOWNLOAD_DEADLINE_SECS",
                    &get,
                    120,
                    1,
                    3600,
                )?,
            },
            public_url,
            public_url_set,
            data_dir,
        })
    }

    /// The origins a browser request may come from: `SHOPBRIDGE_PUBLIC_URL`'s, and when that is
    /// not set, the address the server is bound to (`bound`), under its loopback names. Never
    /// the request's own `Host` header, which any client can forge.
    pub fn own_origins(&self, bound: Option<SocketAddr>) -> Vec<String> {
        let mut out = vec![origin_of(&self.public_url)];
        if let (false, Some(addr)) = (self.public_url_set, bound) {
            let port = addr.port();
            if addr.ip().is_loopback() || addr.ip().is_unspecified() {
                for host in ["127.0.0.1", "localhost", "[::1]"] {
                    out.push(format!("http://{host}:{port}"));
                }
            } else {
                out.push(format!("http://{addr}"));
            }
        }
        out.dedup();
        out
    }

    /// True when the public URL is https, so cookies must be `Secure`.
    pub fn is_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// Whether the database is PostgreSQL (shared by nodes) rather than the data dir's file.
    pub fn shared_database(&self) -> bool {
        self.database_url.is_some()
    }

    /// A clock at `scale`, from the configured anchor if there is one.
    pub fn clock(&self, scale: u32) -> crate::common::clock::Clock {
        match self.time_anchor {
            Some(anchor) => crate::common::clock::Clock::anchored(scale, anchor),
            None => crate::common::clock::Clock::new(scale),
        }
    }

    pub fn db_path(&self) -> PathBuf {
        self.data_dir.join("shopbridge.db")
    }
}

#[cfg(test)]
mod tests;
