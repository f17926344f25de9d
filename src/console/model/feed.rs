//! The feed's health as the top bar tells it: live, stale since when and
//! why, or offline.
use std::time::Duration;

use chrono::{DateTime, Utc};

/// The feed as the top bar tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedStatus {
    pub name: String,
    pub poll_interval: Duration,
    /// Why there is no feed at all (no config, no token); the console still
    /// opens, for the runbooks.
    pub unavailable: Option<String>,
    pub last_ok: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    /// An oncall hub (escalation, notes, steps, hand-off) rather than an
    /// Alertmanager polled directly (acknowledge only).
    pub hub: bool,
}

/// What the top bar says about the feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Health {
    Connecting,
    Live,
    Stale { secs: i64, reason: String },
    Offline { reason: String },
}

impl FeedStatus {
    /// A hub feed not polled yet.
    pub fn new(name: impl Into<String>, poll_interval: Duration) -> FeedStatus {
        FeedStatus {
            name: name.into(),
            poll_interval,
            unavailable: None,
            last_ok: None,
            last_error: None,
            hub: true,
        }
    }

    pub fn health(&self, now: DateTime<Utc>) -> Health {
        if let Some(reason) = &self.unavailable {
            return Health::Offline {
                reason: reason.clone(),
            };
        }
        let limit = self.poll_interval.as_secs().max(1) as i64 * 3 + 2;
        match (&self.last_ok, &self.last_error) {
            (None, None) => Health::Connecting,
            (None, Some(e)) => Health::Offline { reason: e.clone() },
            (Some(ok), err) => {
                let secs = (now - *ok).num_seconds().max(0);
                match err {
                    Some(e) => Health::Stale {
                        secs,
                        reason: e.clone(),
                    },
                    None if secs > limit => Health::Stale {
                        secs,
                        reason: "no answer yet".into(),
                    },
                    None => Health::Live,
                }
            }
        }
    }
}
