//! Escalation, by a person (`POST .../escalate`) or by the hub's timers:
//! what `rules` decides, read and written in the caller's transaction.
use chrono::{DateTime, Utc};
use rusqlite::Transaction;

use crate::incident::{HUB_ACTOR, Incident};

use super::changes::{Actor, changed, found, refused, update};
use super::handoff;
use super::policy::Paging;
use super::rules::{self, Waiting};
use super::store::{StoreError, find, parse_time};

/// Hands the incident to the next level, which must acknowledge it afresh.
pub fn escalate(
    tx: &Transaction<'_>,
    by: Actor<'_>,
    id: u64,
    note: Option<&str>,
    paging: &Paging,
) -> Result<Incident, StoreError> {
    let current = found(tx, id)?;
    let covers = handoff::covers(tx, by.now, paging)?;
    let decided =
        rules::escalate(&current, note, paging, by.now, &covers).map_err(|r| refused(tx, r))?;
    changed(tx, by, id, &decided)
}

/// One pass of the escalation timers at `now`, by the hub. Returns the ids
/// escalated.
pub fn escalate_overdue(
    tx: &Transaction<'_>,
    now: DateTime<Utc>,
    paging: &Paging,
) -> Result<Vec<u64>, StoreError> {
    let waiting = waiting(tx)?;
    let covers = handoff::covers(tx, now, paging)?;
    let by = Actor {
        who: HUB_ACTOR,
        now,
        taken: None,
    };
    let due = rules::overdue(&waiting, paging, now, &covers);
    for step in &due {
        update(tx, by, step)?;
    }
    Ok(due.iter().map(|u| u.id).collect())
}

/// The unacknowledged incidents, oldest first. One that cannot be read is
/// left out and logged: it must not stop the others climbing.
fn waiting(tx: &Transaction<'_>) -> Result<Vec<Waiting>, StoreError> {
    let rows: Vec<(i64, String)> = tx
        .prepare_cached(
            "SELECT id, level_since FROM incidents WHERE status = 'triggered' ORDER BY id",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut waiting = Vec::with_capacity(rows.len());
    for (id, since) in rows {
        let id = u64::try_from(id)
            .map_err(|_| StoreError::Corrupt(format!("incident id {id} is negative")))?;
        let read = parse_time(&since)
            .map_err(|detail| StoreError::Unreadable { id, detail })
            .and_then(|since| Ok((since, find(tx, id)?)));
        match read {
            Ok((level_since, Some(incident))) => waiting.push(Waiting {
                incident,
                level_since,
            }),
            Ok((_, None)) => {}
            Err(e @ StoreError::Unreadable { .. }) => {
                tracing::warn!(id, error = %e, "incident #{id} left out of the escalation pass");
            }
            Err(e) => return Err(e),
        }
    }
    Ok(waiting)
}
