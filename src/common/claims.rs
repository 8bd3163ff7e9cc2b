//! Ids claimed for one run in this process (a shop being synced, a promotion being published):
//! a claim is refused while another holds the id, and released when dropped.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

#[derive(Clone, Debug, Default)]
pub struct Claims(Arc<Mutex<HashSet<i64>>>);

/// One held id; dropping it releases the id.
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

impl Claims {
    /// Claims `id`; `None` while it is held.
    pub fn claim(&self, id: i64) -> Option<Claim> {
        let mut set = self.0.lock().ok()?;
        set.insert(id).then(|| Claim {
            set: self.0.clone(),
            id,
        })
    }

    pub fn is_held(&self, id: i64) -> bool {
        self.0.lock().map(|s| s.contains(&id)).unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claim_holds_until_dropped() {
        let claims = Claims::default();
        let first = claims.claim(1).expect("free");
        assert!(claims.claim(1).is_none() && claims.is_held(1), "held");
        assert!(claims.claim(2).is_some(), "another id is free");
        drop(first);
        assert!(!claims.is_held(1) && claims.claim(1).is_some(), "released");
    }
}
