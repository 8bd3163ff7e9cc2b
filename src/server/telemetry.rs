//! tracing: readable text by default, JSON with `SHOPBRIDGE_LOG_FORMAT=json`.

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

use super::config::LogFormat;

const DEFAULT_FILTER: &str = "info,sqlx=warn,tower_sessions=warn";

/// Installs the global subscriber writing to `writer`. `RUST_LOG` overrides the filter.
/// `ansi` colours text output (for a terminal). Returns false when a subscriber was already installed (tests install one per process).
pub fn init_tracing<W>(format: LogFormat, ansi: bool, writer: W) -> bool
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi && format == LogFormat::Text)
        .with_writer(writer);
    match format {
        LogFormat::Text => builder.try_init().is_ok(),
        LogFormat::Json => builder.json().try_init().is_ok(),
    }
}
