//! The promotions service: what publishing needs (the platforms' clients and tokens, the media
//! store) and which promotions this process is publishing, with the publisher's bell. Built
//! without the HTTP server; the pages and the publisher share one.

use std::sync::Arc;

use crate::common::claims::{Claim, Claims};
use crate::platforms::hub::Hub;
use crate::storage::MediaStore;

#[derive(Clone)]
pub struct Promotions {
    hub: Hub,
    media: MediaStore,
    publishing: Claims,
    bell: Arc<tokio::sync::Notify>,
}

impl std::fmt::Debug for Promotions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Promotions").finish_non_exhaustive()
    }
}

impl Promotions {
    pub fn new(hub: Hub, media: MediaStore) -> Self {
        Promotions {
            hub,
            media,
            publishing: Claims::default(),
            bell: Arc::default(),
        }
    }

    pub fn hub(&self) -> &Hub {
        &self.hub
    }

    pub fn media(&self) -> &MediaStore {
        &self.media
    }

    /// Claims a promotion for one publish step run in this process; `None` while another runs.
    pub fn claim(&self, id: i64) -> Option<Claim> {
        self.publishing.claim(id)
    }

    /// Wakes the publisher (a promotion was confirmed).
    pub fn wake(&self) {
        self.bell.notify_one();
    }

    pub(super) async fn woken(&self) {
        self.bell.notified().await;
    }

    /// Reads review states and statistics back; answers how many promotions were read.
    pub async fn read_back(&self) -> sqlx::Result<usize> {
        super::readback::run_once(&self.hub).await
    }
}
