//! Escalation, by a person (`POST .../escalate`) or by the hub itself when an
//! incident waits unacknowledged at a level longer than the level's `after`.
//! Either way the incident moves to the next level of its service's policy,
//! belongs to whom that level reaches, and must be acknowledged afresh.
use chrono::{DateTime, TimeDelta, Utc};

use crate::hub::policy::Paging;
use crate::hub::rota::Cover;
use crate::incident::{AtLastLevel, Escalation, EventKind, Incident, Status};

use super::incident::resolved;
use super::{Refusal, Transition, Update};

/// An unacknowledged incident, and when it reached its current level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    pub incident: Incident,
    pub level_since: DateTime<Utc>,
}

/// Hands `current` to the next level, which must acknowledge it afresh.
pub fn escalate(
    current: &Incident,
    note: Option<&str>,
    paging: &Paging,
    now: DateTime<Utc>,
    covers: &[Cover],
) -> Result<Transition, Refusal> {
    let id = current.id;
    if current.status == Status::Resolved {
        return Err(resolved(id, "it cannot be escalated"));
    }
    let service = &current.service;
    match paging.escalation(service, current.escalation_level, now, covers) {
        Ok(up) => Ok(Transition::Update(step_up(current, up, note))),
        Err(AtLastLevel { at }) => Err(Refusal::State {
            id,
            code: "last_level",
            message: format!(
                "incident #{id} is already at {at}, the last level of {}",
                paging.policy_name(service)
            ),
        }),
    }
}

/// What the escalation timers do at `now`: every unacknowledged incident
/// that has waited at its level at least the level's `after` goes up one
/// level, by the hub, in the order given. An incident at its policy's last
/// level stays there: there is nobody further to reach. A squashed one
/// stands still: climbing would hand it to someone who is not paged.
pub fn overdue(
    waiting: &[Waiting],
    paging: &Paging,
    now: DateTime<Utc>,
    covers: &[Cover],
) -> Vec<Update> {
    waiting
        .iter()
        .filter(|w| w.incident.status == Status::Triggered && w.incident.squashed_by.is_none())
        .filter_map(|w| {
            let current = &w.incident;
            let service = &current.service;
            let after = paging
                .level(service, current.escalation_level)
                .and_then(|l| l.after)?;
            let due = TimeDelta::from_std(after.0)
                .ok()
                .and_then(|after| w.level_since.checked_add_signed(after));
            if due.is_none_or(|due| now < due) {
                return None;
            }
            let up = paging
                .escalation(service, current.escalation_level, now, covers)
                .ok()?;
            let why = format!("not acknowledged within {after}");
            Some(step_up(current, up, Some(&why)))
        })
        .collect()
}

/// Moves `current` up as `up` says: its owner becomes whom that level
/// reaches, it waits for an acknowledgement again, and its timer starts over.
fn step_up(current: &Incident, up: Escalation, note: Option<&str>) -> Update {
    let Escalation {
        from,
        level,
        to,
        who: owner,
    } = up;
    let mut text = format!("escalated from {from} to {to}");
    if let Some(owner) = &owner {
        text.push_str(&format!(" ({owner})"));
    }
    if let Some(note) = note.map(str::trim).filter(|n| !n.is_empty()) {
        text.push_str(": ");
        text.push_str(note);
    }
    Update {
        status: Some(Status::Triggered),
        owner: Some(owner),
        level: Some(level),
        ..Update::entry(current.id, EventKind::Escalated, text)
    }
}
