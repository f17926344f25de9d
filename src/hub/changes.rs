//! Every change to an incident, each run inside the writer's transaction: the
//! incident row, its timeline entry and the hub's change counter move
//! together or not at all.
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction, params};

use crate::incident::{AckRequest, EventKind, Incident, NewIncident, Opened, Status, StepRequest};

use super::handoff;
use super::policy::Paging;
use super::store::{StoreError, find, require, time_text, to_i64};

/// Who makes a change, and when.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub who: &'a str,
    pub now: DateTime<Utc>,
    /// When the action was taken, when that is worth showing beside `now`
    /// (it waited in a console's outbox): see `taken_at`.
    pub taken: Option<DateTime<Utc>>,
}

/// Opens `new`, or folds it into the open incident with the same dedup key.
/// `new` must already be checked. Without a dedup key the incident gets a
/// random one, so it never folds by accident. A new incident belongs to whom
/// level 1 of its service's policy reaches now; a repeat keeps its owner.
pub fn open_or_fold(
    tx: &Transaction<'_>,
    by: Actor<'_>,
    new: &NewIncident,
    paging: &Paging,
) -> Result<Opened, StoreError> {
    if let Some(key) = &new.dedup_key {
        let open: Option<i64> = tx
            .query_row(
                "SELECT id FROM incidents WHERE dedup_key = ?1 AND status <> 'resolved'",
                [key],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = open {
            let id = id as u64;
            touch(tx, id, by)?;
            tx.execute(
                "UPDATE incidents SET occurrences = occurrences + 1 WHERE id = ?1",
                [to_i64(id)],
            )?;
            let occurrences: i64 = tx.query_row(
                "SELECT occurrences FROM incidents WHERE id = ?1",
                [to_i64(id)],
                |r| r.get(0),
            )?;
            let text = format!("repeated ({occurrences} times)");
            append(tx, id, by, EventKind::Repeated, &text)?;
            return Ok(Opened {
                folded: true,
                incident: require(tx, id)?,
            });
        }
    }

    let seq = next_seq(tx)?;
    let now = time_text(by.now);
    let labels = serde_json::to_string(&new.labels)
        .map_err(|e| StoreError::Corrupt(format!("labels do not serialise: {e}")))?;
    let source = new.source.as_deref().unwrap_or("api");
    let handoffs = handoff::covers(tx, by.now, paging)?;
    let owner = paging.owner(&new.service, 1, by.now, &handoffs);
    tx.execute(
        "INSERT INTO incidents (dedup_key, title, service, severity, status, labels, description,
             runbook, runbook_url, source, created_at, updated_at, owner,
             escalation_level, occurrences, version, change_seq, level_since)
         VALUES (COALESCE(?1, 'auto-' || lower(hex(randomblob(8)))), ?2, ?3, ?4, 'triggered', ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?12, 1, 1, 1, ?11, ?10)",
        params![
            new.dedup_key,
            new.title,
            new.service,
            new.severity.as_str(),
            labels,
            new.description,
            new.runbook,
            new.runbook_url,
            source,
            now,
            seq,
            owner,
        ],
    )?;
    let id = tx.last_insert_rowid() as u64;
    let mut text = format!("opened via {source}");
    if let Some(owner) = &owner {
        text.push_str(&format!(
            ", owned by {owner} ({})",
            paging.level_name(&new.service, 1)
        ));
    }
    append(tx, id, by, EventKind::Opened, &text)?;
    Ok(Opened {
        folded: false,
        incident: require(tx, id)?,
    })
}

/// `by` takes the incident. Acknowledging again what one already holds
/// changes nothing, so a retried request is harmless.
pub fn acknowledge(
    tx: &Transaction<'_>,
    by: Actor<'_>,
    id: u64,
    req: &AckRequest,
) -> Result<Incident, StoreError> {
    let current = find(tx, id)?.ok_or(StoreError::NotFound(id))?;
    if current.status == Status::Resolved {
        return refuse_resolved(tx, id, "it cannot be acknowledged");
    }
    if let Some(seen) = req.version
        && seen != current.version
    {
        return refuse(
            tx,
            id,
            "conflict",
            format!(
                "incident #{id} changed since you saw it (version {seen}, now {}): look again before acknowledging",
                current.version
            ),
        );
    }
    if current.status == Status::Acknowledged {
        match current.owner.as_deref() {
            Some(owner) if owner == by.who => return require(tx, id),
            Some(owner) => {
                return refuse(
                    tx,
                    id,
                    "conflict",
                    format!("incident #{id} is already acknowledged by {owner}"),
                );
            }
            None => {}
        }
    }
    touch(tx, id, by)?;
    tx.execute(
        "UPDATE incidents SET status = 'acknowledged', owner = ?2 WHERE id = ?1",
        params![to_i64(id), by.who],
    )?;
    let note = req.note.as_deref().map(str::trim).unwrap_or("");
    append(tx, id, by, EventKind::Acknowledged, note)?;
    require(tx, id)
}

pub fn resolve(
    tx: &Transaction<'_>,
    by: Actor<'_>,
    id: u64,
    note: Option<&str>,
) -> Result<Incident, StoreError> {
    let current = find(tx, id)?.ok_or(StoreError::NotFound(id))?;
    if current.status == Status::Resolved {
        return refuse_resolved(tx, id, "nothing to do");
    }
    touch(tx, id, by)?;
    tx.execute(
        "UPDATE incidents SET status = 'resolved' WHERE id = ?1",
        [to_i64(id)],
    )?;
    append(
        tx,
        id,
        by,
        EventKind::Resolved,
        note.map(str::trim).unwrap_or(""),
    )?;
    require(tx, id)
}

/// Notes are history, so they are welcome on resolved incidents too.
pub fn add_note(
    tx: &Transaction<'_>,
    by: Actor<'_>,
    id: u64,
    text: &str,
) -> Result<Incident, StoreError> {
    if find(tx, id)?.is_none() {
        return Err(StoreError::NotFound(id));
    }
    touch(tx, id, by)?;
    append(tx, id, by, EventKind::Note, text.trim())?;
    require(tx, id)
}

/// Ticks or unticks a runbook step. Asking for the state it already has
/// changes nothing, so a retried request is harmless.
pub fn set_step(
    tx: &Transaction<'_>,
    by: Actor<'_>,
    id: u64,
    req: &StepRequest,
) -> Result<Incident, StoreError> {
    let current = require(tx, id)?;
    let done_now = current
        .steps
        .get(&req.runbook)
        .is_some_and(|s| s.contains(&req.step));
    if done_now == req.done {
        return Ok(current);
    }
    touch(tx, id, by)?;
    if req.done {
        tx.execute(
            "INSERT INTO steps (incident_id, runbook, step) VALUES (?1, ?2, ?3)",
            params![to_i64(id), req.runbook, req.step],
        )?;
    } else {
        tx.execute(
            "DELETE FROM steps WHERE incident_id = ?1 AND runbook = ?2 AND step = ?3",
            params![to_i64(id), req.runbook, req.step],
        )?;
    }
    let verb = if req.done { "ticked" } else { "unticked" };
    let what = match req.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => format!("{verb} '{t}' (step {} of {})", req.step + 1, req.runbook),
        None => format!("{verb} step {} of {}", req.step + 1, req.runbook),
    };
    append(tx, id, by, EventKind::Step, &what)?;
    require(tx, id)
}

/// The next number of the hub-wide change counter.
fn next_seq(tx: &Transaction<'_>) -> Result<i64, StoreError> {
    Ok(tx.query_row(
        "UPDATE hub SET change_seq = change_seq + 1 WHERE id = 1 RETURNING change_seq",
        [],
        |r| r.get(0),
    )?)
}

/// What every change does to the row: a new version, time and change number.
pub(super) fn touch(tx: &Transaction<'_>, id: u64, by: Actor<'_>) -> Result<(), StoreError> {
    let seq = next_seq(tx)?;
    tx.execute(
        "UPDATE incidents SET version = version + 1, updated_at = ?2, change_seq = ?3 WHERE id = ?1",
        params![to_i64(id), time_text(by.now), seq],
    )?;
    Ok(())
}

pub(super) fn append(
    tx: &Transaction<'_>,
    id: u64,
    by: Actor<'_>,
    kind: EventKind,
    text: &str,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO timeline (incident_id, at, who, kind, text, taken_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        to_i64(id),
        time_text(by.now),
        by.who,
        kind.as_str(),
        text,
        by.taken.map(time_text)
    ])?;
    Ok(())
}

pub(super) fn refuse<T>(
    tx: &Transaction<'_>,
    id: u64,
    code: &'static str,
    message: String,
) -> Result<T, StoreError> {
    Err(StoreError::Refused {
        code,
        message,
        incident: Box::new(require(tx, id)?),
    })
}

pub(super) fn refuse_resolved<T>(
    tx: &Transaction<'_>,
    id: u64,
    consequence: &str,
) -> Result<T, StoreError> {
    refuse(
        tx,
        id,
        "resolved",
        format!(
            "incident #{id} is already resolved, {consequence}; if the problem is back, open a new incident"
        ),
    )
}

#[cfg(test)]
mod tests;
