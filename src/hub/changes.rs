//! Every change to an incident, each run inside the writer's transaction:
//! what the change needs is read, its rule (`rules`) decides, and what it
//! decided is written; the incident row, its timeline entry and the hub's
//! change counter move together or not at all.
use rusqlite::{Transaction, params};

use crate::incident::{AckRequest, Incident, NewIncident, Opened, StepRequest};

use super::handoff;
use super::policy::Paging;
use super::rules::{self, Opening, Refusal, Transition, Update};
use super::store::{StoreError, find, open_with_key, require, time_text, to_i64};

pub use super::rules::Actor;

/// Opens `new`, or folds it into the open incident with the same dedup key.
/// `new` must already be checked.
pub fn open_or_fold(
    tx: &Transaction<'_>,
    by: Actor<'_>,
    new: &NewIncident,
    paging: &Paging,
) -> Result<Opened, StoreError> {
    let existing = match &new.dedup_key {
        Some(key) => open_with_key(tx, key)?,
        None => None,
    };
    // Only an incident that opens needs to know who is on call.
    let covers = match existing {
        Some(_) => Vec::new(),
        None => handoff::covers(tx, by.now, paging)?,
    };
    let decided = rules::open_or_fold(new, existing.as_ref(), paging, by.now, &covers);
    let id = write(tx, by, &decided)?.unwrap_or_default();
    Ok(Opened {
        folded: existing.is_some(),
        incident: require(tx, id)?,
    })
}

pub fn acknowledge(
    tx: &Transaction<'_>,
    by: Actor<'_>,
    id: u64,
    req: &AckRequest,
) -> Result<Incident, StoreError> {
    let current = found(tx, id)?;
    let decided = rules::acknowledge(&current, by.who, req).map_err(|r| refused(tx, r))?;
    changed(tx, by, id, &decided)
}

pub fn resolve(
    tx: &Transaction<'_>,
    by: Actor<'_>,
    id: u64,
    note: Option<&str>,
) -> Result<Incident, StoreError> {
    let current = found(tx, id)?;
    let decided = rules::resolve(&current, note).map_err(|r| refused(tx, r))?;
    changed(tx, by, id, &decided)
}

pub fn add_note(
    tx: &Transaction<'_>,
    by: Actor<'_>,
    id: u64,
    text: &str,
) -> Result<Incident, StoreError> {
    let current = found(tx, id)?;
    changed(tx, by, id, &rules::add_note(&current, text))
}

pub fn set_step(
    tx: &Transaction<'_>,
    by: Actor<'_>,
    id: u64,
    req: &StepRequest,
) -> Result<Incident, StoreError> {
    let current = require(tx, id)?;
    match rules::set_step(&current, req) {
        Transition::Unchanged => Ok(current),
        decided => changed(tx, by, id, &decided),
    }
}

/// Incident `id`, without its timeline; not there is a refusal.
pub(super) fn found(tx: &Transaction<'_>, id: u64) -> Result<Incident, StoreError> {
    find(tx, id)?.ok_or_else(|| refused(tx, Refusal::NotFound(id)))
}

/// Writes `decided` and reads incident `id` back, with its timeline.
pub(super) fn changed(
    tx: &Transaction<'_>,
    by: Actor<'_>,
    id: u64,
    decided: &Transition,
) -> Result<Incident, StoreError> {
    write(tx, by, decided)?;
    require(tx, id)
}

/// The refusal as the error the change ends with.
pub(super) fn refused(tx: &Transaction<'_>, refusal: Refusal) -> StoreError {
    match refusal {
        Refusal::NotFound(id) => StoreError::NotFound(id),
        Refusal::Invalid(message) => StoreError::Invalid(message),
        Refusal::Forbidden(message) => StoreError::Forbidden(message),
        Refusal::State { id, code, message } => match require(tx, id) {
            Ok(incident) => StoreError::Refused {
                code,
                message,
                incident: Box::new(incident),
            },
            Err(e) => e,
        },
    }
}

/// Writes what a rule decided; the id of the incident opened or changed.
pub(super) fn write(
    tx: &Transaction<'_>,
    by: Actor<'_>,
    decided: &Transition,
) -> Result<Option<u64>, StoreError> {
    match decided {
        Transition::Unchanged => Ok(None),
        Transition::Open(opening) => insert(tx, by, opening).map(Some),
        Transition::Update(update) => {
            self::update(tx, by, update)?;
            Ok(Some(update.id))
        }
    }
}

fn insert(tx: &Transaction<'_>, by: Actor<'_>, opening: &Opening) -> Result<u64, StoreError> {
    let new = &opening.new;
    let seq = next_seq(tx)?;
    let now = time_text(by.now);
    let labels = serde_json::to_string(&new.labels)
        .map_err(|e| StoreError::Corrupt(format!("labels do not serialise: {e}")))?;
    tx.prepare_cached(
        "INSERT INTO incidents (dedup_key, title, service, severity, status, labels, description,
             runbook, runbook_url, source, created_at, updated_at, owner,
             escalation_level, occurrences, version, change_seq, level_since)
         VALUES (COALESCE(?1, 'auto-' || lower(hex(randomblob(8)))), ?2, ?3, ?4, 'triggered', ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?12, 1, 1, 1, ?11, ?10)",
    )?
    .execute(params![
        new.dedup_key,
        new.title,
        new.service,
        new.severity.as_str(),
        labels,
        new.description,
        new.runbook,
        new.runbook_url,
        opening.source,
        now,
        seq,
        opening.owner,
    ])?;
    let id = u64::try_from(tx.last_insert_rowid())
        .map_err(|_| StoreError::Corrupt("a new incident got a negative id".to_string()))?;
    append(tx, id, by, &opening.entry())?;
    Ok(id)
}

/// Every update bumps the version, the time and the change number, sets
/// what the update sets, and adds its timeline entry.
pub(super) fn update(
    tx: &Transaction<'_>,
    by: Actor<'_>,
    update: &Update,
) -> Result<(), StoreError> {
    let seq = next_seq(tx)?;
    let (set_owner, owner) = match &update.owner {
        Some(owner) => (true, owner.as_deref()),
        None => (false, None),
    };
    tx.prepare_cached(
        "UPDATE incidents SET version = version + 1, updated_at = ?2, change_seq = ?3,
             status = COALESCE(?4, status),
             owner = CASE WHEN ?5 THEN ?6 ELSE owner END,
             escalation_level = COALESCE(?7, escalation_level),
             level_since = CASE WHEN ?7 IS NULL THEN level_since ELSE ?2 END,
             occurrences = COALESCE(?8, occurrences)
         WHERE id = ?1",
    )?
    .execute(params![
        to_i64(update.id),
        time_text(by.now),
        seq,
        update.status.map(|s| s.as_str()),
        set_owner,
        owner,
        update.level,
        update.occurrences.map(to_i64),
    ])?;
    if let Some(mark) = &update.step {
        let sql = if mark.done {
            "INSERT INTO steps (incident_id, runbook, step) VALUES (?1, ?2, ?3)"
        } else {
            "DELETE FROM steps WHERE incident_id = ?1 AND runbook = ?2 AND step = ?3"
        };
        tx.prepare_cached(sql)?
            .execute(params![to_i64(update.id), mark.runbook, mark.step])?;
    }
    append(tx, update.id, by, &update.entry)
}

/// The next number of the hub-wide change counter.
fn next_seq(tx: &Transaction<'_>) -> Result<i64, StoreError> {
    Ok(tx
        .prepare_cached(
            "UPDATE hub SET change_seq = change_seq + 1 WHERE id = 1 RETURNING change_seq",
        )?
        .query_row([], |r| r.get(0))?)
}

fn append(
    tx: &Transaction<'_>,
    id: u64,
    by: Actor<'_>,
    entry: &rules::Entry,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO timeline (incident_id, at, who, kind, text, taken_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        to_i64(id),
        time_text(by.now),
        by.who,
        entry.kind.as_str(),
        entry.text,
        by.taken.map(time_text)
    ])?;
    Ok(())
}

#[cfg(test)]
mod tests;
