//! How long a failed page waits before its next attempt: doubling from a
//! few seconds up to a cap, with jitter so pages that failed together (a
//! receiver that was down) do not all come back at the same moment. Pure: the
//! random fraction is passed in, so the schedule is tested exactly.
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The wait after the first failure, before jitter.
    pub first: Duration,
    /// No wait is longer than this, jitter included.
    pub cap: Duration,
}

/// Two seconds, doubling, at most five minutes: a receiver that comes back
/// within a minute is reached within seconds of it; one down for an hour is
/// tried a dozen times an hour.
pub const DEFAULT_BACKOFF: Backoff = Backoff {
    first: Duration::from_secs(2),
    cap: Duration::from_secs(300),
};

impl Backoff {
    /// The wait after `failures` failed attempts (1 after the first), with
    /// `fraction` in [0, 1] choosing where in the upper half of the step it
    /// falls ("equal jitter": never less than half the step, so the waits
    /// still grow). A fraction outside [0, 1], or NaN, is clamped.
    pub fn delay(&self, failures: u32, fraction: f64) -> Duration {
        // Past 31 doublings any first step is over any cap.
        let doublings = failures.saturating_sub(1).min(31);
        let step = self
            .first
            .checked_mul(1u32 << doublings)
            .unwrap_or(self.cap)
            .min(self.cap);
        let fraction = if fraction.is_nan() {
            0.0
        } else {
            fraction.clamp(0.0, 1.0)
        };
        let half = step / 2;
        half + (step - half).mul_f64(fraction)
    }
}

/// A fraction in [0, 1) from the operating system's random source; the
/// middle when it has none (the waits still grow, only less spread).
pub fn random_fraction() -> f64 {
    let mut bytes = [0u8; 4];
    match getrandom::fill(&mut bytes) {
        Ok(()) => f64::from(u32::from_le_bytes(bytes)) / (f64::from(u32::MAX) + 1.0),
        Err(_) => 0.5,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: Backoff = DEFAULT_BACKOFF;

    #[test]
    fn waits_double_from_the_first_step() {
        let at_top: Vec<u64> = (1..=6).map(|n| B.delay(n, 1.0).as_secs()).collect();
        assert_eq!(at_top, [2, 4, 8, 16, 32, 64]);
    }

    #[test]
    fn jitter_spreads_each_wait_over_the_upper_half_of_its_step() {
        assert_eq!(B.delay(3, 0.0), Duration::from_secs(4));
        assert_eq!(B.delay(3, 0.5), Duration::from_secs(6));
        assert_eq!(B.delay(3, 1.0), Duration::from_secs(8));
    }

    #[test]
    fn no_wait_passes_the_cap_however_many_failures() {
        for n in [9, 10, 31, 32, 33, 1000, u32::MAX] {
            assert!(B.delay(n, 1.0) <= B.cap, "{n}");
            assert!(B.delay(n, 0.0) >= B.cap / 2, "{n}");
        }
    }

    #[test]
    fn a_fraction_out_of_range_is_clamped() {
        assert_eq!(B.delay(1, -3.0), Duration::from_secs(1));
        assert_eq!(B.delay(1, 7.0), Duration::from_secs(2));
        assert_eq!(B.delay(1, f64::NAN), Duration::from_secs(1));
    }

    #[test]
    fn the_zeroth_failure_waits_like_the_first() {
        assert_eq!(B.delay(0, 1.0), B.delay(1, 1.0));
    }

    #[test]
    fn random_fractions_stay_in_range() {
        for _ in 0..100 {
            let f = random_fraction();
            assert!((0.0..1.0).contains(&f), "{f}");
        }
    }
}
