//! The bare endpoint of `scripts/bench pages`: the same queries the 商品, 订单 and 统计 pages run
//! (`platforms::lists`, `stats::store::view`), on the same SQLite file, answered as JSON by a
//! plain axum router — no session, no page rendering. `scripts/bench pages` drives it and the
//! real server with the same wrk load; the ratio is what our pages cost on top of the query.
//!
//! `BENCH_DB=<path to shopbridge.db> BENCH_PORT=<port> cargo bench --bench pages` serves until
//! killed.

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use shopbridge::platforms::lists::{self, OrderFilter, Start};
use sqlx::AnyPool;

#[derive(Deserialize, Default)]
#[serde(default)]
struct Args {
    q: String,
    page: i64,
    cursor: String,
    status: i64,
    days: i64,
}

fn start(a: &Args) -> Start {
    Start::parse(&a.cursor, a.page.max(1)).unwrap_or(Start::Page(1))
}

async fn products(State(pool): State<AnyPool>, Query(a): Query<Args>) -> Json<serde_json::Value> {
    let page = lists::products(&pool, &a.q, 0, start(&a)).await;
    Json(serde_json::to_value(page.ok()).unwrap_or_default())
}

async fn orders(State(pool): State<AnyPool>, Query(a): Query<Args>) -> Json<serde_json::Value> {
    let filter = OrderFilter {
        status: a.status,
        ..OrderFilter::default()
    };
    let page = lists::orders(&pool, filter, start(&a)).await;
    Json(serde_json::to_value(page.ok()).unwrap_or_default())
}

async fn stats(State(pool): State<AnyPool>, Query(a): Query<Args>) -> Json<serde_json::Value> {
    let days = if a.days == 0 { 30 } else { a.days };
    let view =
        shopbridge::stats::store::view(&pool, shopbridge::common::clock::now_unix(), days).await;
    Json(serde_json::to_value(view.ok()).unwrap_or_default())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // `cargo bench` passes `--bench`; nothing else is read from the command line.
    let db = std::env::var("BENCH_DB").map_err(|_| anyhow::anyhow!("set BENCH_DB"))?;
    let port: u16 = std::env::var("BENCH_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(3999);
    let pool = shopbridge::server::db::open_database(std::path::Path::new(&db)).await?;
    let app = Router::new()
        .route("/bare/healthz", get(|| async { "ok" }))
        .route("/bare/products", get(products))
        .route("/bare/orders", get(orders))
        .route("/bare/stats", get(stats))
        .with_state(pool);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("bare endpoint on 127.0.0.1:{port}");
    axum::serve(listener, app).await?;
    Ok(())
}
