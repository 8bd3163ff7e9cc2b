//! Types the pipeline's door shares with the pages.

use serde::{Deserialize, Serialize};

/// What happened to one product of a bulk action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub offer_id: String,
    pub ok: bool,
    pub message: String,
}
