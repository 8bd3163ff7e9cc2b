//! Marketplace simulator: stands in for Ozon (and later Douyin/抖店) on loopback, speaking their
//! wire formats, with answers built from the recorded fixtures in `fixtures/`.

pub mod doudian;
pub mod douyin;
pub mod douyin_content;
pub mod ozon;
pub mod ozon_catalog;
pub mod ozon_categories;
pub mod ozon_commerce;
pub mod ozon_odd;
pub mod ozon_schema;
pub mod png;

use std::net::SocketAddr;

use anyhow::Context;

/// Serves `router` on `addr` until the process ends; returns the bound address.
pub async fn serve_router(addr: SocketAddr, router: axum::Router) -> anyhow::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("无法监听 {addr}"))?;
    let bound = listener.local_addr()?;
    tokio::spawn(async move {
        if let Err(err) = axum::serve(listener, router).await {
            tracing::error!(error = %err, "simulator stopped");
        }
    });
    Ok(bound)
}
