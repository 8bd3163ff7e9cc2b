//! Ozon listing, part 2: the durable listing pipeline. Validated drafts go through media →
//! product import → commercial (prices, stocks) queues in SQLite, along the PRD's state machine,
//! within Ozon's limits, with receipts of every call, retries, review and alerts.

pub mod service_types;
pub mod state;

#[cfg(feature = "ssr")]
pub mod bulk;
#[cfg(feature = "ssr")]
mod commercial;
#[cfg(feature = "ssr")]
mod import;
#[cfg(feature = "ssr")]
pub mod inspector;
#[cfg(feature = "ssr")]
pub mod listing;
#[cfg(feature = "ssr")]
mod loops;
#[cfg(feature = "ssr")]
mod media;
#[cfg(feature = "ssr")]
pub mod messages;
#[cfg(feature = "ssr")]
pub mod pacing;
#[cfg(feature = "ssr")]
pub mod payload;
#[cfg(feature = "ssr")]
pub mod queue;
#[cfg(feature = "ssr")]
pub mod receipts;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod stocks;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod worker;

#[cfg(feature = "ssr")]
pub use listing::Listing;
