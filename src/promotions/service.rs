//! The promotions service: what publishing needs (the platforms' clients and tokens, the media
//! store) and which promotions this process is publishing, with the publisher's bell. Built
//! without the HTTP server; the pages and the publisher share one.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use crate::platforms::hub::Hub;
use crate::storage::MediaStore;

#[derive(Clone)]
pub struct Promotions {
    hub: Hub,
    media: MediaStore,
    publishing: Arc<Mutex<HashSet<i64>>>,
    bell: Arc<tokio::sync::Notify>,
}

impl std::fmt::Debug for Promotions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Promotions").finish_non_exhaustive()
    }
}

/// A promotion claimed for one publish step run; released when dropped.
pub struct Claim {
    set: Arc<Mutex<HashSet<i64>>>,
    id: i64,
}

impl Drop for Claim {
    fn drop(&mut self) {
        if let Ok(mut set) = self.set.lock() {
            set.remove(&self.id);
        }
    }
}

impl Promotions {
    pub fn new(hub: Hub, media: MediaStore) -> Self {
        Promotions {
            hub,
            media,
            publishing: Arc::default(),
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
        let mut set = self.publishing.lock().ok()?;
        set.insert(id).then(|| Claim {
            set: self.publishing.clone(),
            id,
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claim_holds_until_dropped() {
        let set: Arc<Mutex<HashSet<i64>>> = Arc::default();
        let claim = |id| {
            let mut s = set.lock().expect("lock");
            s.insert(id).then(|| Claim {
                set: set.clone(),
                id,
            })
        };
        let first = claim(1).expect("free");
        assert!(claim(1).is_none(), "held");
        assert!(claim(2).is_some(), "another promotion is free");
        drop(first);
        assert!(claim(1).is_some(), "released");
    }
}
