//! Time: unix seconds for every stored timestamp, and the pipelines' clock, which runs `scale`
//! times faster than the wall clock (1 in production; tests and the benchmark run it at the
//! simulator's time scale, so Ozon's 30-second and hourly rules take milliseconds).

use std::time::{Duration, Instant};

/// Seconds since the Unix epoch; every timestamp in the database uses this.
pub fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[derive(Clone, Copy, Debug)]
pub struct Clock {
    scale: u32,
    wall: i64,
    start: Instant,
}

impl Clock {
    pub fn new(scale: u32) -> Self {
        Clock {
            scale: scale.max(1),
            wall: now_unix(),
            start: Instant::now(),
        }
    }

    /// A clock whose scaled time started at unix second `anchor` rather than now, so several
    /// processes given the same anchor agree on the time however late each started (nodes
    /// sharing a database at a test's time scale; at scale 1 every anchor gives the wall time).
    pub fn anchored(scale: u32, anchor: i64) -> Self {
        let scale = scale.max(1);
        let elapsed = (now_unix() - anchor).max(0);
        Clock {
            scale,
            wall: anchor + elapsed * i64::from(scale),
            start: Instant::now(),
        }
    }

    /// Now, in (scaled) unix seconds.
    pub fn now(&self) -> i64 {
        self.wall + (self.start.elapsed().as_secs_f64() * f64::from(self.scale)) as i64
    }

    /// How long `secs` of pipeline time last on the wall clock.
    pub fn real(&self, secs: i64) -> Duration {
        Duration::from_secs_f64(secs.max(0) as f64 / f64::from(self.scale))
    }

    pub fn scale(&self) -> u32 {
        self.scale
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaled_time_runs_faster() {
        let clock = Clock::new(1000);
        let before = clock.now();
        std::thread::sleep(Duration::from_millis(20));
        assert!(clock.now() - before >= 19, "20 ms at ×1000 is ≥ 19 s");
        assert_eq!(clock.real(30), Duration::from_millis(30));
        assert_eq!(Clock::new(1).real(5), Duration::from_secs(5));
    }
}
