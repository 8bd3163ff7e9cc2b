//! Product drafts: the editor, picture checks and uploads, Cloudinary settings.

pub mod api;
pub mod cloudinary;
pub mod editor;
pub mod picture;

#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;

use crate::ozon::listing::{Draft, Problem};

/// A saved draft: the credential it uses, the draft, its last problems and any cache-change flag.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SavedDraft {
    pub credential_id: i64,
    pub draft: Draft,
    pub problems: Vec<Problem>,
    pub flag: Option<String>,
}
