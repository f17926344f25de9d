//! Squashes: which squash in force keeps an incident quiet, and what changes
//! when that answer changes. An incident matching a squash in force is
//! squashed (its timeline says "squashed by #N (reason)"): it is stored,
//! folded and counted as usual, but pages nobody and its timers stand still.
//! When no squash in force matches it any more (its squash ran out or was
//! removed), it is released: its owner is paged again at once if it is
//! still triggered, its level's timer starting over, as notifications of a
//! still-firing alert resume when an Alertmanager silence ends. The hub
//! settles an open incident whenever it opens or folds, when a squash is
//! made or removed, and in every timers' pass (so a maintenance window
//! starts and ends on time, with or without a new occurrence).
use chrono::{DateTime, TimeDelta, Utc};

use crate::incident::{EventKind, Incident, NewSquash, Squash, Status};

use super::{Refusal, Update};

/// The longest a squash may run: past this it is a config change, not a
/// squash.
pub const MAX_SQUASH_DAYS: i64 = 366;

/// A squash checked and ready to record: when it starts is decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSquashRecord {
    pub matchers: std::collections::BTreeMap<String, String>,
    pub starts: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub reason: String,
}

/// Checks the times of `req` (its matchers and reason are checked by
/// `hub::validate`) at `now`: it starts now when it names no start, ends
/// after it starts and after now, and runs no longer than
/// [`MAX_SQUASH_DAYS`].
pub fn plan_squash(req: &NewSquash, now: DateTime<Utc>) -> Result<NewSquashRecord, Refusal> {
    let starts = req.starts.unwrap_or(now);
    if req.until <= now {
        return Err(Refusal::Invalid(
            "until is in the past: a squash must end after now".into(),
        ));
    }
    if req.until <= starts {
        return Err(Refusal::Invalid(
            "until must come after starts (or after now, when starts is not given)".into(),
        ));
    }
    if req.until - starts > TimeDelta::days(MAX_SQUASH_DAYS) {
        return Err(Refusal::Invalid(format!(
            "a squash may run at most {MAX_SQUASH_DAYS} days; change the alert or its threshold instead"
        )));
    }
    Ok(NewSquashRecord {
        matchers: req.matchers.clone(),
        starts,
        until: req.until,
        reason: req.reason.trim().to_string(),
    })
}

/// The squash in force at `now` that keeps `incident` quiet: of those that
/// match it, the one it already has, else the lowest id.
pub fn squash_for<'a>(
    incident: &Incident,
    squashes: &'a [Squash],
    now: DateTime<Utc>,
) -> Option<&'a Squash> {
    let mut matching = squashes
        .iter()
        .filter(|s| s.in_force(now) && s.matches(incident));
    let first = matching.clone().min_by_key(|s| s.id);
    matching
        .find(|s| Some(s.id) == incident.squashed_by)
        .or(first)
}

/// The timeline text of an incident squashed by `squash`.
pub fn squashed_text(squash: &Squash) -> String {
    format!("squashed by #{} ({})", squash.id, squash.reason)
}

/// What changes for open `incident` at `now`, given `squashes` (at least
/// every squash not over, and the one it has if that one still counts):
/// squashed by the squash in force that matches it, moved to another, or
/// released when none matches any more. Nothing when its squash stays, or
/// when it is resolved.
pub fn settle(incident: &Incident, squashes: &[Squash], now: DateTime<Utc>) -> Option<Update> {
    if incident.status == Status::Resolved {
        return None;
    }
    let id = incident.id;
    match (incident.squashed_by, squash_for(incident, squashes, now)) {
        (Some(had), Some(s)) if had == s.id => None,
        (_, Some(s)) => Some(Update {
            squashed_by: Some(Some(s.id)),
            ..Update::entry(id, EventKind::Squashed, squashed_text(s))
        }),
        (None, None) => None,
        (Some(had), None) => {
            let still_triggered = incident.status == Status::Triggered;
            let text = if still_triggered {
                format!("squash #{had} is over: paging again")
            } else {
                format!("squash #{had} is over")
            };
            Some(Update {
                squashed_by: Some(None),
                // Still waiting for someone: its level's timer starts over.
                level: still_triggered.then_some(incident.escalation_level),
                ..Update::entry(id, EventKind::Unsquashed, text)
            })
        }
    }
}

#[cfg(test)]
mod tests;
