//! Listing tools: the inspector (our records against Ozon) and the commercial CSV.

pub mod api;
pub mod pages;
