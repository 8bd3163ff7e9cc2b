//! Ozon Seller API: the client (server only) and the image pipeline; the listing pipeline later.

#[cfg(feature = "ssr")]
pub mod client;
pub mod images;
pub mod listing;
