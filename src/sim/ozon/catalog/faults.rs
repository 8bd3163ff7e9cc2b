//! What the simulated account injects: faults, delays, lost replies, odd shapes, throttling and
//! the per-Client-Id and image rate limits.

use super::*;

impl Catalog {
    /// `Some(1)` when images are over their requests per second.
    pub fn over_image_rate(&mut self) -> Option<u64> {
        let rps = self.config.image_rps?;
        let now = Instant::now();
        let entry = self.windows.entry("/img".into()).or_insert((now, 0));
        if now.duration_since(entry.0) >= Duration::from_secs(1) {
            *entry = (now, 0);
        }
        entry.1 += 1;
        (entry.1 > rps).then_some(1)
    }

    /// The injected fault for this call, if any.
    pub fn fault(&mut self) -> Option<&'static str> {
        self.served += 1;
        if self.config.circle_open {
            return Some("Circle is open");
        }
        let every = self.config.fail_every?;
        (every > 0 && self.served.is_multiple_of(every)).then_some("Internal error")
    }

    /// How long to wait before answering `path`.
    pub fn delay_for(&mut self, path: &str) -> Duration {
        if self.config.hang_paths.iter().any(|p| p == path) {
            match self.config.hang_times.as_mut() {
                None => return Duration::from_secs(3600),
                Some(n) if *n > 0 => {
                    *n -= 1;
                    return Duration::from_secs(3600);
                }
                Some(_) => {}
            }
        }
        self.config.latency
    }

    /// Counts a call for the odd-shapes mode: `Some(n)` when shapes are odd (n varies them).
    pub fn odd_call(&mut self) -> Option<u32> {
        self.config.odd_shapes.then(|| {
            self.odd_calls = self.odd_calls.wrapping_add(1);
            self.odd_calls
        })
    }

    /// `Some(retry_after)` when this call is one of the throttled ones.
    pub fn throttled(&mut self, path: &str) -> Option<u64> {
        match self.config.throttle.as_mut() {
            Some((p, n, secs)) if p == path && *n > 0 => {
                *n -= 1;
                Some(*secs)
            }
            _ => None,
        }
    }

    /// Whether the answer to this call (already carried out) is lost.
    pub fn lose_reply(&mut self, path: &str) -> bool {
        match self.config.lose_reply.as_mut() {
            Some((p, n)) if p == path && *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        }
    }

    /// `Some(retry_after_secs)` when this Client-Id is over its requests per second.
    pub fn over_rate(&mut self, client_id: &str) -> Option<u64> {
        let rps = self.config.rps?;
        let now = Instant::now();
        let entry = self
            .windows
            .entry(client_id.to_string())
            .or_insert((now, 0));
        if now.duration_since(entry.0) >= Duration::from_secs(1) {
            *entry = (now, 0);
        }
        entry.1 += 1;
        (entry.1 > rps).then_some(1)
    }
}
