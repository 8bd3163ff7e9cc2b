//! `shopbridge demo`: ShopBridge on its simulators with seeded, clearly labelled demo data — a
//! demo admin, an Ozon credential, Douyin and 抖店 apps, a connected Douyin account and a 抖店
//! shop (whose products and orders then sync). Seeding goes through the app's own doors over
//! loopback HTTP (server functions and the OAuth dance), so the demo runs the real code paths.
//! Re-running on the same data dir keeps what is there.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context};

use super::config::Config;
use super::{db, startup};
use crate::auth::store::Actor;
use crate::auth::{service, store, Role};
use crate::sim::doudian::{self, DoudianSim};
use crate::sim::douyin::{self, DouyinSim};
use crate::sim::ozon::OzonSim;

mod listing;
mod promotions;
mod scale;
mod visitor;
use visitor::Visitor;

pub const DEMO_USER: &str = "demo";

/// The demo admin's password for this run: `SHOPBRIDGE_DEMO_PASSWORD` when set (scripts), else
/// a new random one, printed at start. A demo dir is reachable by anyone who can reach the port,
/// so no password is ever the same on two machines.
fn demo_password() -> String {
    if let Some(p) = std::env::var("SHOPBRIDGE_DEMO_PASSWORD")
        .ok()
        .filter(|p| p.chars().count() >= 10)
    {
        return p;
    }
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}

/// Whether the database at `path` may be used (or made) as demo data: none yet, one marked as
/// demo, or one from before the mark whose only account is the demo admin.
async fn demo_dir_or_refuse(config: &Config) -> anyhow::Result<sqlx::AnyPool> {
    let path = config.db_path();
    let existed = path.exists();
    let pool = db::open_database(&path).await?;
    let ok = !existed
        || db::is_demo(&pool).await?
        || sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM users WHERE name != $1")
            .bind(DEMO_USER)
            .fetch_one(&pool)
            .await?
            == 0;
    if !ok {
        pool.close().await;
        bail!(
            "数据目录 {} 里是正式数据（有演示账号以外的用户），演示模式不会使用它。\
             请用 --data-dir 指定一个新目录（默认 ./demo-data）",
            config.data_dir.display()
        );
    }
    db::mark_demo(&pool).await?;
    Ok(pool)
}

/// `scale` > 0 also writes that many products (and ten times as many orders) into the demo's
/// 抖店 shop once it is connected (scale.rs).
pub async fn run(port: u16, data_dir: PathBuf, scale: usize) -> anyhow::Result<()> {
    let douyin_sim = DouyinSim::new(1);
    let doudian_sim = DoudianSim::new(1, 120, 300);
    let router = OzonSim::demo()
        .router()
        .merge(douyin_sim.router())
        .merge(doudian_sim.router());
    let sim_addr = crate::sim::serve_router(SocketAddr::from(([127, 0, 0, 1], 0)), router).await?;
    let sim = format!("http://{sim_addr}");
    let base = format!("http://127.0.0.1:{port}");
    doudian_sim.set_callback(&format!("{base}/oauth/doudian/callback"));
    douyin_sim.set_redirect_uri(&format!("{base}/oauth/douyin/callback"));
    let data = data_dir.to_string_lossy().into_owned();
    let bind = format!("127.0.0.1:{port}");
    let config = Config::from_lookup(|name| match name {
        "SHOPBRIDGE_DATA_DIR" => Some(data.clone()),
        "SHOPBRIDGE_BIND" => Some(bind.clone()),
        "SHOPBRIDGE_PUBLIC_URL" => Some(base.clone()),
        "SHOPBRIDGE_OZON_API_URL"
        | "SHOPBRIDGE_DOUYIN_API_URL"
        | "SHOPBRIDGE_DOUDIAN_API_URL"
        | "SHOPBRIDGE_DOUDIAN_AUTH_URL" => Some(sim.clone()),
        "SHOPBRIDGE_FETCH_ALLOW_PRIVATE" | "SHOPBRIDGE_DEMO" => Some("true".into()),
        other => std::env::var(other).ok(),
    })?;
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("无法创建数据目录 {}", config.data_dir.display()))?;
    // The lock first: nothing is written to a directory a running server holds.
    let lock = super::lock::lock_data_dir(&config.data_dir)?;
    let db_path = config.db_path();
    let pool = demo_dir_or_refuse(&config).await?;
    let password = demo_password();
    match store::find_user_by_name(&pool, DEMO_USER).await? {
        None => {
            service::create_user(
                &pool,
                &Actor::cli(),
                DEMO_USER,
                "演示管理员",
                Role::Admin,
                password.clone(),
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        }
        Some(user) => {
            service::set_password(
                &pool,
                &Actor::cli(),
                user.id,
                password.clone(),
                "password_reset",
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        }
    }
    let already = store::count_users(&pool).await? > 0
        && sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM platform_accounts")
            .fetch_one(&pool)
            .await?
            > 0;
    pool.close().await;

    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .with_context(|| format!("无法监听 {}", config.bind))?;
    let server = tokio::spawn(startup::run_locked(
        config,
        listener,
        crate::common::shutdown::shutdown_signal(),
        Some(lock),
    ));
    let seeded = if already {
        Ok(())
    } else {
        seed(&base, &sim, &doudian_sim, &password).await
    };
    if let Err(e) = &seeded {
        eprintln!("演示数据未能全部写入：{e:#}");
    }
    if scale > 0 {
        let pool = db::open_database(&db_path).await?;
        if let Err(e) = scale::seed(&pool, scale).await {
            eprintln!("规模数据未能全部写入：{e:#}");
        }
        pool.close().await;
    }
    println!();
    println!("ShopBridge 演示模式（数据来自内置模拟器，均为演示数据）：{base}");
    println!("  登录：用户名 {DEMO_USER} / 密码 {password}（每次启动新生成）");
    println!("  已准备：Ozon 凭证「演示 Ozon 店」及 6 个上架草稿（3 个已提交上架流程）、抖音账号「小店主播」及其推广、抖店「测试店铺」（120 个商品、300 个订单，正在同步）");
    if scale > 0 {
        println!(
            "  规模数据：{scale} 个商品、{} 个订单写入「测试店铺」",
            scale * 10
        );
    }
    println!("  数据目录：{}（删除它即可重新开始）", data.as_str());
    server.await.context("服务异常退出")?
}

async fn seed(
    base: &str,
    sim: &str,
    doudian_sim: &DoudianSim,
    password: &str,
) -> anyhow::Result<()> {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()?;
    for _ in 0..100 {
        if http.get(format!("{base}/healthz")).send().await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let login = http
        .post(format!("{base}/sf/login"))
        .form(&[("username", DEMO_USER), ("password", password)])
        .send()
        .await?;
    let cookie = login
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("shopbridge_session="))
        .and_then(|v| v.split(';').next())
        .context("登录失败")?
        .to_string();
    let me = Visitor {
        http,
        base: base.to_string(),
        cookie,
    };
    me.call(
        "ozon_credentials_add",
        &[
            ("name", "演示 Ozon 店"),
            ("client_id", "100001"),
            ("api_key", "ozon-demo-valid-key-0001"),
        ],
    )
    .await?;
    listing::seed(&me, sim).await?;
    me.call(
        "platform_apps_update",
        &[
            ("platform", "douyin"),
            ("enabled", "on"),
            ("app_key", douyin::DEMO_CLIENT_KEY),
            ("app_secret", douyin::DEMO_CLIENT_SECRET),
        ],
    )
    .await?;
    me.call(
        "platform_apps_update",
        &[
            ("platform", "doudian"),
            ("enabled", "on"),
            ("app_key", doudian::DEMO_APP_KEY),
            ("app_secret", doudian::DEMO_APP_SECRET),
            ("service_id", doudian::DEMO_SERVICE_ID),
        ],
    )
    .await?;
    me.connect("douyin", sim).await?;
    promotions::seed(&me, doudian_sim).await?;
    me.connect("doudian", sim).await?;
    Ok(())
}
