//! ShopBridge: a marketplace back office in one binary.
//!
//! The same crate is compiled twice: with `ssr` it is the server (axum, SQLite, CLI), with
//! `hydrate` it is the browser bundle that hydrates the server-rendered pages.

pub mod app;
pub mod auth;
pub mod common;
pub mod error;
pub mod ozon;
pub mod platforms;
pub mod promotions;
pub mod stats;
pub mod ui;
pub mod vault;

#[cfg(feature = "ssr")]
pub mod douyin;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod sheet;
#[cfg(all(feature = "ssr", feature = "sim"))]
pub mod sim;
#[cfg(feature = "ssr")]
pub mod storage;

#[cfg(all(test, feature = "ssr"))]
mod layers;
#[cfg(all(test, feature = "ssr"))]
mod props;
#[cfg(all(test, feature = "ssr"))]
mod standalone;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    // Lets end-to-end tests wait for hydration: clicks before it are lost.
    if let Some(body) = leptos::prelude::document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}
