//! Ozon Seller API: the client (server only) and, later, the image and listing pipelines.

#[cfg(feature = "ssr")]
pub mod client;
