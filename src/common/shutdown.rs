//! Waiting for the process to be told to stop.

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("收到停止信号，正在关闭");
}

/// Whether the node still takes traffic: false from the moment it was told to stop.
#[derive(Clone, Debug, Default)]
pub struct Readiness(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl Readiness {
    pub fn ready() -> Self {
        Readiness(std::sync::Arc::new(std::sync::atomic::AtomicBool::new(
            true,
        )))
    }
    pub fn drain(&self) {
        self.0.store(false, std::sync::atomic::Ordering::SeqCst);
    }
    pub fn is_ready(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::SeqCst)
    }
}
