//! The pipeline board: products by state, their timelines and receipts, submit and retry.

pub mod api;
pub mod outcomes;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
