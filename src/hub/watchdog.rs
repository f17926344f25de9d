//! The watchdog: every `[hub.watchdog] every`, the hub pings an outside
//! dead man's switch (a Healthchecks check, say), but only while what it
//! promises still happens: its timers' pass ran lately, and no page waits
//! past its time. A hub that is down, wedged, or up but no longer paging
//! anyone stops pinging, and the switch tells someone. When unhealthy it
//! also POSTs why to `URL/fail` (Healthchecks' convention), unless told not
//! to, so the switch need not wait out its grace.
//!
//! Whether the hub is healthy is [`health`], a function of what was seen
//! and of the hub clock's now; the task only gathers, decides and pings. A
//! ping that fails is logged and changes nothing else.
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::config::{HumanDuration, WatchdogConfig};

use super::HubState;
use super::store::Store;

/// The timers are late after this many of their ticks without a pass that
/// succeeded.
pub const TIMERS_LATE_TICKS: u32 = 3;

/// A page waiting this long past its time (queued and not taken, or taken
/// and its lease run out) means the delivery worker is stuck or far behind:
/// it takes a due page at once, and an attempt ends well within its lease.
pub const DELIVERY_LATE: Duration = Duration::from_secs(5 * 60);

/// A ping waits this long for an answer at most.
const PING_TIMEOUT: Duration = Duration::from_secs(10);

/// What the watchdog saw of the hub at `now` (the hub clock's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub now: DateTime<Utc>,
    /// `None` when this hub runs no timers.
    pub timers: Option<TimersSeen>,
    /// `None` when this hub sends no pages; else when the earliest page
    /// waiting in the queue fell due (`Ok(None)`: none waits), or why the
    /// queue could not be read.
    pub deliveries: Option<Result<Option<DateTime<Utc>>, String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimersSeen {
    /// How often the pass runs.
    pub every: Duration,
    /// When a pass last succeeded (or the hub started, before the first).
    pub last_ok: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Health {
    Healthy,
    /// Why not, in a line for the log and the switch.
    Unhealthy(String),
}

/// Whether the hub does what it promises, judged from `seen`.
pub fn health(seen: &Seen) -> Health {
    if let Some(timers) = seen.timers {
        let bound = timers.every.saturating_mul(TIMERS_LATE_TICKS);
        if late_by(timers.last_ok, seen.now) > bound {
            return Health::Unhealthy(format!(
                "the timers' pass has not succeeded for {} (it runs every {})",
                HumanDuration(late_by(timers.last_ok, seen.now)),
                HumanDuration(timers.every)
            ));
        }
    }
    match &seen.deliveries {
        None | Some(Ok(None)) => {}
        Some(Ok(Some(due))) => {
            let late = late_by(*due, seen.now);
            if late > DELIVERY_LATE {
                return Health::Unhealthy(format!(
                    "a page due {} ago has not been sent: the delivery worker is stuck or far behind",
                    HumanDuration(late)
                ));
            }
        }
        Some(Err(e)) => {
            return Health::Unhealthy(format!("the delivery queue cannot be read: {e}"));
        }
    }
    Health::Healthy
}

/// How long before `now` `at` was; zero when it is not yet.
fn late_by(at: DateTime<Utc>, now: DateTime<Utc>) -> Duration {
    (now - at).to_std().unwrap_or(Duration::ZERO)
}

/// When the timers' pass last succeeded, as the hub clock's milliseconds:
/// written by the timers' task, read by the watchdog, no lock.
#[derive(Debug)]
pub struct Liveness {
    timers_ok_ms: AtomicI64,
}

impl Liveness {
    /// Counted from `started`: a hub whose first pass never succeeds is
    /// late a few ticks after it started.
    pub fn new(started: DateTime<Utc>) -> Liveness {
        Liveness {
            timers_ok_ms: AtomicI64::new(started.timestamp_millis()),
        }
    }

    pub fn timers_ran(&self, at: DateTime<Utc>) {
        self.timers_ok_ms
            .store(at.timestamp_millis(), Ordering::Relaxed);
    }

    pub fn timers_ok_at(&self) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(self.timers_ok_ms.load(Ordering::Relaxed))
            .unwrap_or(DateTime::<Utc>::MIN_UTC)
    }
}

/// What the watchdog looks at besides its config.
pub struct Watched {
    pub state: HubState,
    /// How often the timers run, if they do here.
    pub timers_every: Option<Duration>,
    /// Whether this hub sends pages.
    pub sends: bool,
}

impl Watched {
    async fn seen(&self) -> Seen {
        let deliveries = match self.sends {
            false => None,
            true => Some(
                self.state
                    .store()
                    .next_delivery_at(Vec::new())
                    .await
                    .map_err(|e| e.to_string()),
            ),
        };
        Seen {
            now: self.state.now(),
            timers: self.timers_every.map(|every| TimersSeen {
                every,
                last_ok: self.state.liveness().timers_ok_at(),
            }),
            deliveries,
        }
    }
}

/// Pings as `config` says until the task is aborted.
pub async fn run(watched: Watched, config: WatchdogConfig) {
    let client = match crate::feed::http::client_builder()
        .timeout(PING_TIMEOUT)
        .build()
    {
        Ok(client) => client,
        Err(e) => {
            tracing::error!(error = %e, "the watchdog cannot make an HTTP client; it will not ping");
            return;
        }
    };
    let mut ticks = tokio::time::interval(config.every.0);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut was_healthy = true;
    loop {
        ticks.tick().await;
        let health = health(&watched.seen().await);
        match (&health, was_healthy) {
            (Health::Unhealthy(why), true) => {
                tracing::error!(%why, "the hub is unhealthy: the watchdog stops pinging");
            }
            (Health::Healthy, false) => {
                tracing::info!("the hub is healthy again: the watchdog pings again");
            }
            _ => {}
        }
        was_healthy = health == Health::Healthy;
        let Some((url, body)) = ping(&health, &config) else {
            continue;
        };
        // One at a time, so the switch hears them in order; a slow one
        // delays the next tick, bounded by the client's timeout.
        match client.post(url).body(body).send().await {
            Ok(resp) if resp.status().is_success() => {}
            Ok(resp) => {
                tracing::warn!(url = %config.url.shown(), status = %resp.status(), "the watchdog's ping was refused");
            }
            Err(e) => {
                tracing::warn!(url = %config.url.shown(), error = %e, "the watchdog's ping failed");
            }
        }
    }
}

/// What to send for `health`: the ping, the report of why not, or nothing.
pub fn ping(health: &Health, config: &WatchdogConfig) -> Option<(reqwest::Url, String)> {
    match health {
        Health::Healthy => Some((config.url.0.clone(), "healthy".to_string())),
        Health::Unhealthy(why) if config.fail => Some((config.url.fail(), why.clone())),
        Health::Unhealthy(_) => None,
    }
}

#[cfg(test)]
mod tests;
