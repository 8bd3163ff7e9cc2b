//! The category cache of each Ozon account: the type tree, attributes and dictionary values,
//! fetched on first use and refreshed daily with a diff.

pub mod api;

#[cfg(feature = "ssr")]
pub mod cache;
#[cfg(feature = "ssr")]
pub mod refresh;

use crate::ozon::listing::CatalogDiff;

/// One stored refresh diff, for admins.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DiffRow {
    pub credential_name: String,
    pub created_at: String,
    pub diff: CatalogDiff,
}
