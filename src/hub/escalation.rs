//! Escalation, by a person (`POST .../escalate`) or by the hub itself when an
//! incident waits unacknowledged at a level longer than the level's `after`.
//! Either way the incident moves to the next level of its service's policy,
//! belongs to whom that level reaches, and must be acknowledged afresh.
use chrono::{DateTime, TimeDelta, Utc};
use rusqlite::{Transaction, params};

use crate::incident::{EventKind, HUB_ACTOR, Incident, Status};

use super::changes::{Actor, append, refuse, refuse_resolved, touch};
use super::handoff;
use super::policy::Paging;
use super::rota::Cover;
use super::store::{StoreError, find, parse_time, require, time_text, to_i64};

/// Hands the incident to the next level, which must acknowledge it afresh.
pub fn escalate(
    tx: &Transaction<'_>,
    by: Actor<'_>,
    id: u64,
    note: Option<&str>,
    paging: &Paging,
) -> Result<Incident, StoreError> {
    let current = find(tx, id)?.ok_or(StoreError::NotFound(id))?;
    if current.status == Status::Resolved {
        return refuse_resolved(tx, id, "it cannot be escalated");
    }
    let service = &current.service;
    let Some(next) = paging.next_level(service, current.escalation_level) else {
        return refuse(
            tx,
            id,
            "last_level",
            format!(
                "incident #{id} is already at {}, the last level of {}",
                paging.level_name(service, current.escalation_level),
                paging.policy_name(service)
            ),
        );
    };
    let handoffs = handoff::covers(tx, by.now, paging)?;
    step_up(tx, by, &current, next, note, paging, &handoffs)?;
    require(tx, id)
}

/// One pass of the escalation timers at `now`: every unacknowledged incident
/// that has waited at its level at least the level's `after` goes up one
/// level, by the hub. Returns the ids escalated. An incident at its policy's
/// last level stays there: there is nobody further to reach.
pub fn escalate_overdue(
    tx: &Transaction<'_>,
    now: DateTime<Utc>,
    paging: &Paging,
) -> Result<Vec<u64>, StoreError> {
    let waiting: Vec<(i64, String)> = tx
        .prepare_cached(
            "SELECT id, level_since FROM incidents WHERE status = 'triggered' ORDER BY id",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let by = Actor {
        who: HUB_ACTOR,
        now,
        taken: None,
    };
    let handoffs = handoff::covers(tx, now, paging)?;
    let mut escalated = Vec::new();
    for (id, since) in waiting {
        let id = u64::try_from(id)
            .map_err(|_| StoreError::Corrupt(format!("incident id {id} is negative")))?;
        // One incident that cannot be read must not stop the others climbing.
        let read = parse_time(&since)
            .map_err(|detail| StoreError::Unreadable { id, detail })
            .and_then(|since| Ok((since, find(tx, id)?)));
        let (since, current) = match read {
            Ok((since, Some(current))) => (since, current),
            Ok((_, None)) => continue,
            Err(e @ StoreError::Unreadable { .. }) => {
                tracing::warn!(id, error = %e, "incident #{id} left out of the escalation pass");
                continue;
            }
            Err(e) => return Err(e),
        };
        let service = &current.service;
        let Some(after) = paging
            .level(service, current.escalation_level)
            .and_then(|l| l.after)
        else {
            continue;
        };
        let Some(next) = paging.next_level(service, current.escalation_level) else {
            continue;
        };
        let due = TimeDelta::from_std(after.0)
            .ok()
            .and_then(|after| since.checked_add_signed(after));
        if due.is_none_or(|due| now < due) {
            continue;
        }
        let why = format!("not acknowledged within {after}");
        step_up(tx, by, &current, next, Some(&why), paging, &handoffs)?;
        escalated.push(id);
    }
    Ok(escalated)
}

/// Moves `current` to level `next`: its owner becomes whom that level
/// reaches now, it waits for an acknowledgement again, and its timer starts
/// over.
fn step_up(
    tx: &Transaction<'_>,
    by: Actor<'_>,
    current: &Incident,
    next: u32,
    note: Option<&str>,
    paging: &Paging,
    handoffs: &[Cover],
) -> Result<(), StoreError> {
    let service = &current.service;
    let owner = paging.owner(service, next, by.now, handoffs);
    touch(tx, current.id, by)?;
    tx.execute(
        "UPDATE incidents SET escalation_level = ?2, status = 'triggered', owner = ?3,
             level_since = ?4 WHERE id = ?1",
        params![to_i64(current.id), next, owner, time_text(by.now)],
    )?;
    let mut text = format!(
        "escalated from {} to {}",
        paging.level_name(service, current.escalation_level),
        paging.level_name(service, next)
    );
    if let Some(owner) = &owner {
        text.push_str(&format!(" ({owner})"));
    }
    if let Some(note) = note.map(str::trim).filter(|n| !n.is_empty()) {
        text.push_str(": ");
        text.push_str(note);
    }
    append(tx, current.id, by, EventKind::Escalated, &text)
}
