//! The feed's health as the top bar tells it: live, stale since when and
//! why (red after a minute), or offline; and whether anything was ever
//! received, so that an empty list is not mistaken for a quiet shift.
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::feed::Capabilities;

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
    /// What the feed can do: a hub everything, an Alertmanager polled
    /// directly acknowledge only. Keys ask it before sending anything.
    pub capabilities: Capabilities,
    /// The feed has been stale for more than a minute and the responder was
    /// told (the bell rang once); cleared when it answers again.
    pub alarmed: bool,
    /// The hub that answers, as `host[:port]`: told only for a feed of
    /// several hubs, where which one answers is worth knowing.
    pub answering: Option<String>,
}

/// A feed stale for longer than this turns red and rings the bell once.
pub const ALARM_SECONDS: i64 = 60;

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
            capabilities: Capabilities::HUB,
            alarmed: false,
            answering: None,
        }
    }

    /// Whether the feed ever answered (or a saved copy of it was read):
    /// without that, an empty list says nothing about what is open.
    pub fn known(&self) -> bool {
        self.last_ok.is_some()
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

impl Health {
    /// Stale for more than a minute: red, and worth the bell once.
    pub fn alarming(&self) -> bool {
        matches!(self, Health::Stale { secs, .. } if *secs > ALARM_SECONDS)
    }

    /// The health to the grain the screen shows it (seconds, then minutes,
    /// then hours), so the clock redraws only when the words change.
    pub fn rounded(self) -> Health {
        match self {
            Health::Stale { secs, reason } => Health::Stale {
                secs: match secs {
                    s if s < 120 => s,
                    s if s < 7200 => s / 60 * 60,
                    s => s / 3600 * 3600,
                },
                reason,
            },
            other => other,
        }
    }
}

/// "45s", "3m", "2h": how long the feed has been stale, as the top bar and
/// the message that it is back say it.
pub fn stale_for(secs: i64) -> String {
    match secs {
        s if s < 120 => format!("{s}s"),
        s if s < 7200 => format!("{}m", s / 60),
        s => format!("{}h", s / 3600),
    }
}
