//! How long a failed delivery waits before its next attempt: doubling from a
//! few seconds up to a cap, with jitter so deliveries that failed together (a
//! receiver that was down) do not all come back at the same moment. Pure: the
//! random part is passed in, so the schedule is tested exactly.
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The wait after the first failure, before jitter.
    pub first: Duration,
    /// No wait is longer than this, jitter included.
    pub cap: Duration,
}

/// Two seconds, doubling, at most five minutes: a receiver back within a
/// minute is reached within seconds of it; one down for an hour is tried a
/// dozen times in that hour.
pub const DEFAULT: Backoff = Backoff {
    first: Duration::from_secs(2),
    cap: Duration::from_secs(300),
};

impl Backoff {
    /// The wait after `failures` failed attempts (1 after the first).
    /// `jitter`, any u32, picks where in the upper half of the step the wait
    /// falls ("equal jitter": never under half the step, so waits still grow).
    pub fn delay(&self, failures: u32, jitter: u32) -> Duration {
        // Past 31 doublings any first step is over any cap.
        let doublings = failures.saturating_sub(1).min(31);
        let step = self
            .first
            .checked_mul(1u32 << doublings)
            .unwrap_or(self.cap)
            .min(self.cap);
        let half = step / 2;
        let fraction = f64::from(jitter) / f64::from(u32::MAX);
        half + (step - half).mul_f64(fraction)
    }
}

/// A random u32 for [`Backoff::delay`]; the middle when the operating system
/// has no random bytes to give (the waits still grow, only less spread).
pub fn random_jitter() -> u32 {
    let mut bytes = [0u8; 4];
    match getrandom::fill(&mut bytes) {
        Ok(()) => u32::from_le_bytes(bytes),
        Err(_) => u32::MAX / 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: Backoff = DEFAULT;

    #[test]
    fn waits_double_from_the_first_step_up_to_the_cap() {
        let top: Vec<u64> = (1..=10).map(|n| B.delay(n, u32::MAX).as_secs()).collect();
        assert_eq!(top, [2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
        assert_eq!(B.delay(0, u32::MAX), B.delay(1, u32::MAX));
    }

    #[test]
    fn jitter_spreads_each_wait_over_the_upper_half_of_its_step() {
        assert_eq!(B.delay(3, 0), Duration::from_secs(4));
        assert_eq!(B.delay(3, u32::MAX), Duration::from_secs(8));
        let middle = B.delay(3, u32::MAX / 2);
        assert!(middle > Duration::from_millis(5990) && middle < Duration::from_millis(6010));
    }

    #[test]
    fn no_wait_passes_the_cap_however_many_failures() {
        for n in [9, 31, 32, 33, 1000, u32::MAX] {
            assert!(B.delay(n, u32::MAX) <= B.cap, "{n}");
            assert!(B.delay(n, 0) >= B.cap / 2, "{n}");
        }
    }
}
