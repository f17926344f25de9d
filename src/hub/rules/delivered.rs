//! What one attempt at a delivery does to it: delivered (never sent again),
//! failed and tried again after a backoff, or given up (refused for good, too
//! many attempts, too late), or, when its page ended while it was on its way
//! (acknowledged, resolved, paged anew), failed and left at that. The incident's timeline says which, in one line
//! ("paged alice by ntfy: delivered (200 OK)"), written in the same
//! transaction as the delivery's new state.
//!
//! An outcome that comes late is weighed against the delivery as it is now:
//! one already delivered, given up or cancelled stays so; a failure from an
//! attempt that another has replaced (its hub died, its lease ran out, the
//! delivery went out again) is the newer attempt's to record; but an
//! acceptance always counts, so what a receiver took is never sent again.
use chrono::{DateTime, TimeDelta, Utc};

use crate::hub::deliveries::{
    DeliveryRecord, DeliverySettings, DeliveryState, PageEvent, Recipient, SendOutcome,
};
use crate::incident::EventKind;
use crate::sanitize;

use super::Entry;

/// The most of a receiver's answer or an error a timeline line keeps.
const MAX_WHY_CHARS: usize = 200;

/// What the worker reports of one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempted {
    pub id: String,
    /// The attempt's number, as the delivery was handed out with it.
    pub attempt: u32,
    pub outcome: SendOutcome,
    /// Random, for the backoff's jitter.
    pub jitter: u32,
}

/// The delivery's new state, and the line for its incident's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub id: String,
    pub state: DeliveryState,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    /// The incident to tell, and what.
    pub entry: Option<(u64, Entry)>,
}

/// What `attempted` does to `current` at `now`; `None` when it changes
/// nothing (see the module's notes).
pub fn record(
    current: &DeliveryRecord,
    attempted: &Attempted,
    settings: &DeliverySettings,
    now: DateTime<Utc>,
) -> Option<Recorded> {
    let d = &current.delivery;
    let replaced = current.state != DeliveryState::Sending || d.attempt != attempted.attempt;
    let (state, next_attempt_at, last_error, result) = match &attempted.outcome {
        SendOutcome::Accepted { .. } if current.state == DeliveryState::Delivered => return None,
        SendOutcome::Accepted { answer } => {
            let answer = short(answer);
            let said = if answer.is_empty() {
                "delivered".to_string()
            } else {
                format!("delivered ({answer})")
            };
            (DeliveryState::Delivered, now, None, said)
        }
        SendOutcome::Failed { .. } if replaced => return None,
        SendOutcome::Failed { why, retry } => {
            let why = short(why);
            let attempts = d.attempt;
            let wait = settings.backoff.delay(attempts, attempted.jitter);
            let next = TimeDelta::from_std(wait)
                .ok()
                .and_then(|w| now.checked_add_signed(w))
                .unwrap_or(DateTime::<Utc>::MAX_UTC);
            let too_late = TimeDelta::from_std(settings.give_up_after)
                .ok()
                .and_then(|g| current.due_at.checked_add_signed(g))
                .is_some_and(|deadline| next > deadline);
            if !retry {
                (
                    DeliveryState::Failed,
                    now,
                    Some(why.clone()),
                    format!("gave up: {why}"),
                )
            } else if current.stopped {
                let said = format!("failed: {why}; not tried again, the page is over");
                (DeliveryState::Cancelled, now, Some(why), said)
            } else if attempts >= settings.max_attempts || too_late {
                let said = format!("gave up after {attempts} attempts: {why}");
                (DeliveryState::Failed, now, Some(why), said)
            } else {
                let said = format!("failed: {why}, trying again");
                (DeliveryState::Queued, next, Some(why), said)
            }
        }
    };
    let entry = d.incident.as_ref().map(|incident| {
        (
            incident.id,
            Entry {
                kind: EventKind::Paged,
                text: format!(
                    "{}: {result}",
                    paged_whom(&d.recipient, d.contact.via.as_str(), d.event)
                ),
            },
        )
    });
    Some(Recorded {
        id: d.id.clone(),
        state,
        next_attempt_at,
        last_error,
        answered_at: (state == DeliveryState::Delivered).then_some(now),
        entry,
    })
}

/// "paged alice by ntfy", "paged team-chat by slack (resolved)".
fn paged_whom(recipient: &Recipient, via: &str, event: PageEvent) -> String {
    let name = sanitize::line(recipient.name());
    let why = match event {
        PageEvent::Opened => String::new(),
        PageEvent::AckTimeout => " (ack timeout)".to_string(),
        other => format!(" ({})", other.as_str()),
    };
    format!("paged {name} by {via}{why}")
}

/// An answer or error from outside as one clean line, cut short.
fn short(text: &str) -> String {
    let line = sanitize::line(text.trim());
    match line.char_indices().nth(MAX_WHY_CHARS) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line,
    }
}

#[cfg(test)]
mod tests;
