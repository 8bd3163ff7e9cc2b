//! `shopbridge sim`: the simulator on its own, for trying ShopBridge against it by hand and for
//! the benchmarks.

use crate::common::shutdown::shutdown_signal;

/// The options of `shopbridge sim`.
#[derive(clap::Args, Debug)]
pub struct SimArgs {
    #[arg(long, env = "SHOPBRIDGE_SIM_BIND", default_value = "127.0.0.1:3900")]
    pub bind: std::net::SocketAddr,
    /// Port on 127.0.0.1 (overrides --bind)
    #[arg(long)]
    pub port: Option<u16>,
    /// Simulated seconds per real second (e.g. 1000 makes 30 s last 30 ms)
    #[arg(long, default_value_t = 1.0)]
    pub time_scale: f64,
    /// Requests per second per Client-Id before 429
    #[arg(long, default_value_t = 50)]
    pub rps: u32,
    /// Extra products BULK-001… (benchmarks)
    #[arg(long, default_value_t = 0)]
    pub bulk_products: usize,
    /// Images per product
    #[arg(long, default_value_t = 3)]
    pub images_per_product: usize,
    /// Size of each image in KB
    #[arg(long, default_value_t = 200)]
    pub image_kb: usize,
    /// Delay before each image answer, in milliseconds
    #[arg(long, default_value_t = 0)]
    pub image_delay_ms: u64,
    /// Where 抖店's authorize page sends the merchant back
    #[arg(long, default_value = "http://127.0.0.1:3000/oauth/doudian/callback")]
    pub doudian_callback: String,
    /// Products of the demo 抖店 shop
    #[arg(long, default_value_t = 120)]
    pub doudian_products: usize,
    /// Orders of the demo 抖店 shop
    #[arg(long, default_value_t = 300)]
    pub doudian_orders: usize,
    /// Delay before each 抖店 list answer, in milliseconds (tests of interrupted syncs)
    #[arg(long, default_value_t = 0)]
    pub doudian_delay_ms: u64,
}

/// Serves Ozon, Douyin and 抖店 on `bind` until Ctrl-C, printing the demo accounts.
pub async fn run(args: SimArgs) -> anyhow::Result<()> {
    let SimArgs {
        bind,
        port,
        time_scale,
        rps,
        bulk_products,
        images_per_product,
        image_kb,
        image_delay_ms,
        doudian_callback,
        doudian_products,
        doudian_orders,
        doudian_delay_ms,
    } = args;
    let bind = port
        .map(|p| std::net::SocketAddr::from(([127, 0, 0, 1], p)))
        .unwrap_or(bind);
    let config = super::ozon::catalog::SimConfig {
        time_scale,
        rps: Some(rps),
        bulk_products,
        images_per_product,
        image_bytes: image_kb * 1000,
        image_latency: std::time::Duration::from_millis(image_delay_ms),
        ..Default::default()
    };
    let sim = super::ozon::OzonSim::demo_with(config);
    let scale = time_scale.max(1.0) as u32;
    let douyin = super::douyin::DouyinSim::new(scale);
    let doudian = super::doudian::DoudianSim::new(scale, doudian_products, doudian_orders);
    doudian.set_callback(&doudian_callback);
    // The Douyin app's configured redirect: the same ShopBridge, its Douyin callback.
    douyin.set_redirect_uri(&doudian_callback.replace("/oauth/doudian/", "/oauth/douyin/"));
    if let Ok(mut s) = doudian.state.lock() {
        s.delay = std::time::Duration::from_millis(doudian_delay_ms);
    }
    let router = sim.router().merge(douyin.router()).merge(doudian.router());
    let addr = super::serve_router(bind, router).await?;
    println!("Ozon 模拟器：http://{addr}（SHOPBRIDGE_OZON_API_URL=http://{addr}）");
    println!(
        "抖音/抖店模拟器：SHOPBRIDGE_DOUYIN_API_URL、SHOPBRIDGE_DOUDIAN_API_URL、SHOPBRIDGE_DOUDIAN_AUTH_URL 都设为 http://{addr}"
    );
    println!(
        "  抖音 client_key {} / client_secret {}",
        super::douyin::DEMO_CLIENT_KEY,
        super::douyin::DEMO_CLIENT_SECRET
    );
    println!(
        "  抖店 app_key {} / app_secret {} / service_id {}（回调 {doudian_callback}）",
        super::doudian::DEMO_APP_KEY,
        super::doudian::DEMO_APP_SECRET,
        super::doudian::DEMO_SERVICE_ID
    );
    println!("方法：{}", super::ozon::METHODS.join(" "));
    println!("已停用（410）：{}", super::ozon::REMOVED.join(" "));
    println!("商品：SB-001…SB-005（SB-005 无图片），图片 /img/<product_id>/<n>.png；仓库 22142605386000、22142605386001");
    println!("限速：每个 Client-Id 每秒 {rps} 次；时间倍率 {time_scale}");
    println!("演示账号：Client-Id 100001 / Api-Key ozon-demo-valid-key-0001（正常）");
    println!("          Client-Id 100002 / Api-Key ozon-demo-expiring-key-0002（5 天后过期）");
    println!("          Client-Id 100003 / Api-Key ozon-demo-norole-key-0003（缺少角色）");
    println!("          Client-Id 100004 / Api-Key ozon-demo-iplock-key-0004（IP 受限）");
    shutdown_signal().await;
    Ok(())
}
