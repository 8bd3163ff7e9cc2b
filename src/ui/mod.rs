//! Shared UI: strings, timestamps and small components used by every page.

pub mod components;
pub mod files;
pub mod text;
pub mod time;

/// Text for HTML or SVG markup built by hand (pages outside Leptos, server-drawn charts).
pub fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
