//! What several capabilities use and none owns. Nothing here imports a capability or the
//! server: time and the pipelines' clock, pacing, the one retry backoff, per-key rate budgets,
//! alerts, the SSRF-guarded fetcher with its address guard and image sniffing, and the REST
//! envelope.

pub mod ids;
pub mod money;
pub mod text;
pub mod url;

#[cfg(feature = "ssr")]
pub mod address;
#[cfg(feature = "ssr")]
pub mod alerts;
#[cfg(feature = "ssr")]
pub mod backoff;
#[cfg(feature = "ssr")]
pub mod claims;
#[cfg(feature = "ssr")]
pub mod clock;
#[cfg(feature = "ssr")]
pub mod digest;
#[cfg(feature = "ssr")]
pub mod fetch;
#[cfg(feature = "ssr")]
pub mod json;
#[cfg(feature = "ssr")]
pub mod lease;
#[cfg(feature = "ssr")]
pub mod metrics;
#[cfg(feature = "ssr")]
pub mod pacer;
#[cfg(feature = "ssr")]
pub mod rate;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod secret;
#[cfg(feature = "ssr")]
pub mod shutdown;
#[cfg(feature = "ssr")]
pub mod sniff;
