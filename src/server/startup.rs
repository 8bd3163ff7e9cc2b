//! Start-up: takes a listener and a shutdown signal, so tests run the real app on port 0.

use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use leptos::config::LeptosOptions;
use sqlx::AnyPool;
use tokio::net::TcpListener;
use tower_sessions::ExpiredDeletion;

use super::config::Config;
use super::state::AppState;
use super::{db, http, lock};
use crate::auth::{password, store, throttle};
use crate::common::rate::RateLimiter;
use crate::ozon::client::OzonClient;
use crate::ozon::images::pipeline::Pipeline;
use crate::ozon::images::service::ImageTasks;

/// The Leptos options in `Leptos.toml`, read from the working directory when present.
const EMBEDDED_LEPTOS_TOML: &str = include_str!("../../Leptos.toml");

pub fn load_leptos_options() -> anyhow::Result<LeptosOptions> {
    let path = Path::new("Leptos.toml");
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(_) => EMBEDDED_LEPTOS_TOML.to_string(),
    };
    leptos::config::get_config_from_str(&text).context("Leptos.toml 无效")
}

/// Runs ShopBridge on `listener` until `shutdown` resolves.
pub async fn run(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    run_locked(config, listener, shutdown, None).await
}

/// [`run`], with the data-dir lock already taken (`shopbridge demo` takes it before it writes).
pub async fn run_locked(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
    lock: Option<lock::InstanceLock>,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("无法创建数据目录 {}", config.data_dir.display()))?;
    // One process per SQLite file; nodes sharing PostgreSQL need no lock (only the same key).
    let _lock = match lock {
        Some(lock) => Some(lock),
        None if config.shared_database() => None,
        None => Some(lock::lock_data_dir(&config.data_dir)?),
    };
    private_dir(&config.data_dir);
    refuse_media_over_data(&config)?;
    let pool = db::open(&config).await?;
    if !config.demo && !config.allow_demo_data && db::is_demo(&pool).await? {
        pool.close().await;
        anyhow::bail!(
            "数据目录 {} 是 `shopbridge demo` 的演示数据（演示账号、模拟器数据），正式服务不会使用它。\
             请用 SHOPBRIDGE_DATA_DIR 指定正式数据目录；如确实要打开它，设 SHOPBRIDGE_ALLOW_DEMO_DATA=true",
            config.data_dir.display()
        );
    }
    if store::count_users(&pool).await? == 0 {
        tracing::warn!(
            "还没有任何用户。创建第一个管理员：SHOPBRIDGE_PASSWORD='至少10个字符' shopbridge user add admin --role admin"
        );
    }
    let sealer = crate::vault::keyfile::open_vault(&pool, &config).await?;
    password::warm_up().await;
    let ozon = OzonClient::with_timeout(
        &config.ozon_api_url,
        Duration::from_secs(config.ozon_timeout_secs),
    )?
    .with_rate(config.ozon_rps);
    // Nodes sharing PostgreSQL keep Ozon's paces and the REST budget together, in it.
    let ozon = if config.shared_database() {
        ozon.with_shared_pace(pool.clone(), config.ozon_rps)
    } else {
        ozon
    };
    let media = crate::storage::MediaStore::open(
        &config.storage_url,
        &config.media_public_url,
        &config.s3,
    )?;
    let pipeline = Pipeline::new(
        ozon.clone(),
        media,
        &config.download,
        config.fetch_allow_private,
    )?;
    let interrupted = crate::ozon::images::store::mark_interrupted(&pool).await?;
    if interrupted > 0 {
        tracing::warn!(interrupted, "上次停止时有图片下载任务未完成，已标记为中断");
    }
    // One node on SQLite: whatever was running stopped with the last process. Nodes sharing
    // PostgreSQL leave running work alone (it may be a live node's); leases run out instead.
    let alone = !config.shared_database();
    if alone {
        crate::common::lease::forget_all(&pool).await?;
    }
    let requeued = if alone {
        crate::ozon::listing::pipeline::queue::requeue_interrupted(&pool).await?
    } else {
        0
    };
    if requeued > 0 {
        tracing::warn!(requeued, "上次停止时有上架任务在运行，已重新排队");
    }
    let orphans = crate::ozon::listing::pipeline::queue::requeue_orphans(&pool, i64::MAX).await?;
    if orphans > 0 {
        tracing::warn!(orphans, "上次停止时有商品停在两步之间，已重新排队");
    }
    let stocks = if alone {
        crate::ozon::listing::pipeline::pacing::recover_stocks(&pool).await?
    } else {
        0
    };
    if stocks > 0 {
        tracing::warn!(
            stocks,
            "上次停止时有库存写入未收到 Ozon 回复，将在 30 秒后重发"
        );
    }
    let listing = crate::ozon::listing::pipeline::Listing::new(
        pool.clone(),
        ozon.clone(),
        sealer.clone(),
        pipeline.fetcher().clone(),
        config.clock(config.listing_time_scale),
        crate::common::alerts::Alerts::new(config.alerts.clone()),
    );
    let bound = listener.local_addr()?;
    let own_origins: Arc<[String]> = config.own_origins(Some(bound)).into();
    if !config.public_url_set && !bound.ip().is_loopback() {
        tracing::warn!(
            %bound,
            "未设置 SHOPBRIDGE_PUBLIC_URL：只接受从 {} 打开的页面提交，请设为浏览器里的地址",
            own_origins.join("、")
        );
    }
    let config = Arc::new(config);
    let platforms = crate::platforms::hub::Hub::new(
        pool.clone(),
        sealer.clone(),
        config.clone(),
        listing.alerts().clone(),
    )?;
    let state = AppState {
        image_tasks: ImageTasks::new(pool.clone(), sealer.clone(), pipeline.clone()),
        platforms: platforms.clone(),
        promotions: crate::promotions::service::Promotions::new(
            platforms.clone(),
            pipeline.media().clone(),
        ),
        listing: listing.clone(),
        drafts: crate::ozon::listing::drafts::service::Drafts::new(
            pool.clone(),
            ozon.clone(),
            pipeline.fetcher().clone(),
        ),
        leptos_options: load_leptos_options()?,
        pool: pool.clone(),
        sealer,
        media: pipeline.media().clone(),
        fetcher: pipeline.fetcher().clone(),
        pipeline,
        ozon,
        api_limiter: Arc::new(if config.shared_database() {
            RateLimiter::new(config.api_rate_per_minute).shared(pool.clone())
        } else {
            RateLimiter::new(config.api_rate_per_minute)
        }),
        own_origins,
        config,
        readiness: crate::common::shutdown::Readiness::ready(),
    };
    // This node is running (renewed while it does): `key rotate` and operators can tell.
    let alive = crate::common::lease::hold(
        &pool,
        &format!("node:{}", crate::common::lease::node_id()),
        crate::common::lease::TTL,
    )
    .await?;
    let housekeeping = tokio::spawn(keep_house(pool.clone()));
    let catalog_refresh = tokio::spawn(crate::ozon::listing::catalog::refresh::refresh_daily(
        state.pool.clone(),
        state.ozon.clone(),
        state.sealer.clone(),
    ));
    let listing_worker = state
        .config
        .listing_worker
        .then(|| tokio::spawn(listing.run()));
    let platform_scheduler = state
        .config
        .platforms
        .scheduler
        .then(|| tokio::spawn(crate::platforms::scheduler::run(platforms.clone())));
    let publisher = state
        .config
        .platforms
        .scheduler
        .then(|| tokio::spawn(crate::promotions::publish::run(state.promotions.clone())));
    let addr = listener.local_addr()?;
    tracing::info!(%addr, "ShopBridge 已启动");
    // Told to stop: /readyz answers 503 at once, connections are still taken for the drain
    // period (a load balancer sees the 503 and moves traffic away), then the server stops.
    let readiness = state.readiness.clone();
    let drain = std::time::Duration::from_secs(state.config.drain_secs);
    let shutdown = async move {
        shutdown.await;
        readiness.drain();
        if !drain.is_zero() {
            tracing::info!(seconds = drain.as_secs(), "draining before stopping");
            tokio::time::sleep(drain).await;
        }
    };
    let app = http::router(state).into_make_service_with_connect_info::<SocketAddr>();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    housekeeping.abort();
    catalog_refresh.abort();
    if let Some(worker) = listing_worker {
        worker.abort();
    }
    if let Some(scheduler) = platform_scheduler {
        scheduler.abort();
    }
    if let Some(publisher) = publisher {
        publisher.abort();
    }
    if let Some(alive) = alive {
        alive.release().await;
    }
    pool.close().await;
    tracing::info!("ShopBridge 已停止");
    served.context("HTTP 服务异常退出")
}

/// The data dir readable by this user only (0700).
pub fn private_dir(dir: &std::path::Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Err(err) = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)) {
            tracing::warn!(error = %err, dir = %dir.display(), "chmod 700 failed");
        }
    }
}

/// `/media/…` serves everything under a `file://` store: that store may not be the data dir or
/// hold it, or the database would be downloadable.
fn refuse_media_over_data(config: &Config) -> anyhow::Result<()> {
    let Some(root) = config.storage_url.strip_prefix("file://") else {
        return Ok(());
    };
    let canonical = |p: &std::path::Path| {
        std::fs::canonicalize(p)
            .or_else(|_| std::path::absolute(p))
            .unwrap_or_else(|_| p.to_path_buf())
    };
    let root = canonical(std::path::Path::new(root));
    let data = canonical(&config.data_dir);
    if data.starts_with(&root) {
        anyhow::bail!(
            "SHOPBRIDGE_STORAGE_URL（{}）包含数据目录 {}：/media/ 会把数据库公开出去。\
             请把图片存到数据目录之外或其子目录（默认 {}/media）",
            root.display(),
            data.display(),
            data.display()
        );
    }
    Ok(())
}

/// Deletes expired sessions and old login attempts, hourly; with several nodes, every minute,
/// marks the image tasks of a stopped node interrupted.
async fn keep_house(pool: AnyPool) {
    let sessions = crate::auth::sessions::DbSessions::new(pool.clone());
    let shared = db::backend(&pool) == db::Backend::Postgres;
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    for minute in 0u64.. {
        tick.tick().await;
        if shared {
            if let Err(err) = crate::ozon::images::store::mark_interrupted(&pool).await {
                tracing::warn!(error = %err, "interrupted image tasks not marked");
            }
        }
        if minute % 60 != 0 {
            continue;
        }
        if let Err(err) = sessions.delete_expired().await {
            tracing::warn!(error = %err, "expired session cleanup failed");
        }
        let cutoff = crate::common::clock::now_unix() - throttle::WINDOW_SECS * 4;
        if let Err(err) = store::prune_login_attempts(&pool, cutoff).await {
            tracing::warn!(error = %err, "login attempt cleanup failed");
        }
    }
}
