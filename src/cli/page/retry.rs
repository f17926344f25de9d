//! Paging through a hub restart: a monitoring script that pages while the
//! hub restarts or fails over must not lose the page. The same request is
//! sent again, under one Idempotency-Key, with a growing pause, until the
//! hub answers or the time the script allowed is spent. Only a hub that does
//! not answer (or answers 5xx) is tried again: a refusal is final.
use std::time::Duration;

use tokio::time::Instant;

use crate::feed::client::Sending;
use crate::feed::{FeedError, HubClient};
use crate::incident::{NewIncident, Opened};

/// The first pause; each next one doubles, up to [`LONGEST_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_millis(250);
const LONGEST_PAUSE: Duration = Duration::from_secs(5);

/// The pause before try `n + 1` (n counts from 1), never past `left`.
pub fn pause(n: u32, left: Duration) -> Duration {
    let doubled = FIRST_PAUSE.saturating_mul(1u32 << n.saturating_sub(1).min(16));
    doubled.min(LONGEST_PAUSE).min(left)
}

/// Opens `new`, trying again for `retry_for` while the hub does not answer.
/// Each retry is said on stderr, so a script's log shows why it waited.
pub async fn open(
    client: &HubClient,
    new: &NewIncident,
    retry_for: Duration,
) -> Result<Opened, FeedError> {
    let key = crate::feed::outbox::new_key();
    let sending = Sending {
        key: &key,
        taken_at: chrono::Utc::now(),
    };
    let deadline = Instant::now() + retry_for;
    let mut tries = 0u32;
    loop {
        tries += 1;
        let e = match client.open_keyed(new, sending).await {
            Ok(opened) => return Ok(opened),
            Err(e) if e.is_transient() => e,
            Err(e) => return Err(e),
        };
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            if tries > 1 {
                eprintln!("gave up after {tries} tries over {}", shown(retry_for));
            }
            return Err(e);
        }
        let wait = pause(tries, left);
        eprintln!(
            "{e}; trying again in {} (for up to {} in all)",
            shown(wait),
            shown(retry_for)
        );
        tokio::time::sleep(wait).await;
    }
}

/// A pause as people read it: "250ms", "2s", "1m30s".
fn shown(d: Duration) -> String {
    let ms = d.as_millis();
    match ms {
        0..1000 => format!("{ms}ms"),
        _ if !ms.is_multiple_of(1000) => format!("{:.1}s", d.as_secs_f64()),
        _ if d.as_secs() < 60 => format!("{}s", d.as_secs()),
        _ if d.as_secs().is_multiple_of(60) => format!("{}m", d.as_secs() / 60),
        _ => format!("{}m{}s", d.as_secs() / 60, d.as_secs() % 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_double_up_to_a_ceiling_and_never_pass_the_time_left() {
        let plenty = Duration::from_secs(600);
        let pauses: Vec<u128> = (1..=8).map(|n| pause(n, plenty).as_millis()).collect();
        assert_eq!(pauses, [250, 500, 1000, 2000, 4000, 5000, 5000, 5000]);
        assert_eq!(pause(40, plenty), LONGEST_PAUSE, "no overflow");
        assert_eq!(
            pause(4, Duration::from_millis(700)),
            Duration::from_millis(700)
        );
    }

    #[test]
    fn pauses_read_as_people_write_them() {
        assert_eq!(shown(Duration::from_millis(250)), "250ms");
        assert_eq!(shown(Duration::from_millis(1500)), "1.5s");
        assert_eq!(shown(Duration::from_secs(10)), "10s");
        assert_eq!(shown(Duration::from_secs(60)), "1m");
        assert_eq!(shown(Duration::from_secs(90)), "1m30s");
    }
}
