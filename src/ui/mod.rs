//! Shared UI: strings, timestamps and small components used by every page.

pub mod components;
pub mod files;
pub mod nav;
pub mod text;
pub mod time;
