//! Marketplace simulator: stands in for Ozon (and later Douyin/抖店) on loopback, speaking their
//! wire formats, with answers built from the recorded fixtures in `fixtures/`.

pub mod cli;
pub mod doudian;
pub mod douyin;
pub mod ozon;
pub mod png;

use std::net::SocketAddr;

use anyhow::Context;

/// Serves `router` on `addr` until the process ends; returns the bound address. The simulator
/// hands out demo credentials and redirects to whatever callback it was given, so it listens on
/// loopback only: any other address is refused.
pub async fn serve_router(addr: SocketAddr, router: axum::Router) -> anyhow::Result<SocketAddr> {
    check_loopback(addr)?;
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

/// Refuses a listen address that is not loopback (127.0.0.0/8 or ::1).
pub fn check_loopback(addr: SocketAddr) -> anyhow::Result<()> {
    if addr.ip().is_loopback() {
        Ok(())
    } else {
        anyhow::bail!(
            "模拟器只能监听本机回环地址（127.0.0.1 或 ::1），不能监听 {addr}：它会发放演示密钥"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_is_accepted() {
        for ok in ["127.0.0.1:3900", "127.0.0.2:1", "[::1]:3900"] {
            assert!(check_loopback(ok.parse().expect("addr")).is_ok(), "{ok}");
        }
        for bad in [
            "0.0.0.0:3900",
            "[::]:3900",
            "10.0.0.5:80",
            "[::ffff:127.0.0.1]:80",
        ] {
            let err = check_loopback(bad.parse().expect("addr")).expect_err(bad);
            assert!(err.to_string().contains("回环"), "{err}");
        }
    }
}
