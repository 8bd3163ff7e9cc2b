//! The category cache of each Ozon account: the type tree, attributes and dictionary values,
//! fetched on first use and refreshed daily with a diff.

pub mod api;

#[cfg(feature = "ssr")]
pub mod cache;
#[cfg(feature = "ssr")]
pub mod refresh;
