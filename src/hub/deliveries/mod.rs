//! Pages on their way to people. The queue is a table of the store, written
//! in the same transaction as the change that pages (a change answered is a
//! page queued); this module says what one queued message is, how it leaves
//! and what became of it:
//!
//! - [`Delivery`]: one message to one contact of a person or a channel, with
//!   an id that stays the same on every attempt, so a receiver can drop a
//!   repeat.
//! - [`Sender`]: how a delivery leaves, a trait, so the formats and
//!   transports (ntfy, a signed webhook, Slack, email) plug in from outside
//!   the hub, and tests plug in a sender of their own.
//! - [`SendOutcome`]: what one attempt came to.
//! - `worker`: the task that sends what is due; `backoff`: the wait before
//!   the next attempt after a failure.
//!
//! What pages whom is a rule (`rules::pages`), and so is what an outcome
//! does to a delivery (`rules::delivered`).
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};

use crate::config::{Contact, NotifySettings, ResponderConfig};

pub mod backoff;
pub mod notify_sender;
pub mod worker;

pub use backoff::Backoff;

/// Why a page is sent, whom it is for, and the incident as it was when
/// paged: the types `notify` writes pages from, stored in the queue as they
/// are.
pub use crate::notify::{PageEvent, PagedIncident, Recipient, SendOutcome};

/// One message to one contact, as the worker hands it to the [`Sender`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// Made when the delivery is queued and the same on every attempt.
    pub id: String,
    pub event: PageEvent,
    /// `None` for a hand-off, which is about a shift rather than an incident.
    pub incident: Option<PagedIncident>,
    pub recipient: Recipient,
    /// The contact as it was queued: a config changed since does not send
    /// a queued page elsewhere.
    pub contact: Contact,
    /// Where the contact stood in the person's list (0 is tried first).
    pub contact_index: u32,
    /// Every page of an incident (opened, escalated, a repeat) starts a
    /// round; its contacts count their `after` from the round's start.
    pub round: u32,
    /// This attempt, from 1. An attempt the hub died during counts: it may
    /// have reached the receiver.
    pub attempt: u32,
    /// More to say: a hand-off's summary.
    pub detail: Option<String>,
}

/// How a delivery leaves the hub: one attempt per call. The worker bounds
/// each call by [`DeliverySettings::attempt_timeout`] as well, and runs each
/// in a task of its own, so a slow sender costs one delivery its time and
/// no other.
pub trait Sender: Send + Sync + 'static {
    fn send<'a>(&'a self, delivery: &'a Delivery) -> BoxFuture<'a, SendOutcome>;
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryState {
    /// Waiting for its time (`next_attempt_at`).
    Queued,
    /// Taken by a worker until `lease_until`; past it (the hub died while
    /// sending) it is sent again, under the same id.
    Sending,
    /// The receiver took it: never sent again.
    Delivered,
    /// Given up: refused for good, or too many attempts, or too late.
    Failed,
    /// Acknowledged, resolved, or a new round began before its time came.
    Cancelled,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Queued => "queued",
            DeliveryState::Sending => "sending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Failed => "failed",
            DeliveryState::Cancelled => "cancelled",
        }
    }
}

impl FromStr for DeliveryState {
    type Err = String;

    fn from_str(s: &str) -> Result<DeliveryState, String> {
        serde_json::from_value(serde_json::Value::String(s.to_string()))
            .map_err(|_| format!("unknown delivery state '{s}'"))
    }
}

/// A delivery as the queue holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeliveryRecord {
    /// `attempt` is the number of attempts made so far.
    pub delivery: Delivery,
    pub state: DeliveryState,
    /// When its round started and when its contact is due in it.
    pub started_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub next_attempt_at: DateTime<Utc>,
    pub lease_until: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    /// When the receiver took it.
    pub answered_at: Option<DateTime<Utc>>,
    /// Its page ended (acknowledged, resolved, paged anew) while it was
    /// being sent: a failure of this attempt is not tried again.
    pub stopped: bool,
}

/// How deliveries are retried and sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliverySettings {
    pub backoff: Backoff,
    /// Given up after this many failed attempts...
    pub max_attempts: u32,
    /// ...or once it is this late, whichever comes first: a page hours late
    /// tells nobody anything.
    pub give_up_after: Duration,
    /// One attempt may take this long, connecting included.
    pub attempt_timeout: Duration,
    /// How long a delivery taken for sending stays the worker's; longer than
    /// an attempt, so only a delivery whose hub died is taken again.
    pub lease: Duration,
    /// At most this many attempts at once.
    pub concurrency: usize,
}

impl Default for DeliverySettings {
    fn default() -> Self {
        DeliverySettings {
            backoff: backoff::DEFAULT,
            max_attempts: 10,
            give_up_after: Duration::from_secs(60 * 60),
            attempt_timeout: Duration::from_secs(15),
            lease: Duration::from_secs(60),
            concurrency: 32,
        }
    }
}

/// What a hub pages with: whom and when (`notify`), and how (`sender`).
/// Without a sender nothing is queued and nothing is sent, and `repeat` and
/// `ack_timeout` do nothing.
#[derive(Clone)]
pub struct Pages {
    pub notify: NotifySettings,
    pub sender: Option<Arc<dyn Sender>>,
    pub delivery: DeliverySettings,
}

impl Pages {
    /// Nobody is paged outside the console.
    pub fn off() -> Pages {
        Pages {
            notify: NotifySettings::default(),
            sender: None,
            delivery: DeliverySettings::default(),
        }
    }

    /// Paging as `notify` says, through `sender`.
    pub fn new(notify: NotifySettings, sender: Arc<dyn Sender>) -> Pages {
        Pages {
            notify,
            sender: Some(sender),
            delivery: DeliverySettings::default(),
        }
    }

    /// What the rules page by for a hub of `responders`: nothing without a
    /// sender, so a hub that cannot send queues nothing that would go out,
    /// late, once it can.
    pub fn rules(&self, responders: &[ResponderConfig]) -> PageRules {
        let notify = match self.sender {
            Some(_) => self.notify.clone(),
            None => NotifySettings::default(),
        };
        let anyone = !notify.channels.is_empty()
            || responders
                .iter()
                .any(|r| !notify.contacts_of(&r.name).is_empty());
        PageRules {
            notify,
            delivery: self.delivery,
            anyone,
        }
    }
}

/// What a change needs to know of paging.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageRules {
    pub notify: NotifySettings,
    pub delivery: DeliverySettings,
    /// Whether anyone (a person or a channel) could be paged at all: when
    /// not, changes skip paging altogether.
    pub anyone: bool,
}

impl PageRules {
    /// Whether the timers have repeats or ack timeouts to look for.
    pub fn has_timers(&self) -> bool {
        self.notify.repeat.is_some() || self.notify.ack_timeout.is_some()
    }
}

impl fmt::Debug for Pages {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("notify", &self.notify)
            .field("sender", &self.sender.as_ref().map(|_| "..."))
            .field("delivery", &self.delivery)
            .finish()
    }
}

/// A new delivery id: 16 random bytes as hex, after a prefix that says what
/// it is in a receiver's logs.
pub fn new_delivery_id() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)?;
    Ok(format!("dlv_{}", hex::encode(bytes)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn delivery_ids_differ_and_say_what_they_are() {
        let a = super::new_delivery_id().unwrap();
        let b = super::new_delivery_id().unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with("dlv_") && a.len() == 36, "{a}");
    }
}
