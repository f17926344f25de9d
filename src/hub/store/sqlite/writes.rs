//! What a change writes, in SQL: a new incident, an update to one, their
//! timeline entries, and the hub's change counter, which every write moves
//! on so lists and ETags see it.
use rusqlite::{Transaction, params};

use crate::hub::rules::{Actor, Entry, Opening, Update};

use crate::hub::store::stored::RolesParams;

use super::StoreError;
use super::rows::{time_text, to_i64};

/// Opens an incident; its id.
pub fn insert(tx: &Transaction<'_>, by: &Actor<'_>, opening: &Opening) -> Result<u64, StoreError> {
    let new = &opening.new;
    let seq = next_seq(tx)?;
    let now = time_text(by.now);
    let labels = serde_json::to_string(&new.labels)
        .map_err(|e| StoreError::Corrupt(format!("labels do not serialise: {e}")))?;
    tx.prepare_cached(
        "INSERT INTO incidents (dedup_key, title, service, severity, status, labels, description,
             runbook, runbook_url, source, created_at, updated_at, owner,
             escalation_level, occurrences, version, change_seq, level_since, squashed_by)
         VALUES (COALESCE(?1, 'auto-' || lower(hex(randomblob(8)))), ?2, ?3, ?4, 'triggered', ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?12, 1, 1, 1, ?11, ?10, ?13)",
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
        opening.squashed_by.map(to_i64),
    ])?;
    let id = u64::try_from(tx.last_insert_rowid())
        .map_err(|_| StoreError::Corrupt("a new incident got a negative id".to_string()))?;
    append(tx, id, by, &opening.entry())?;
    Ok(id)
}

/// Every update bumps the version, the time and the change number, sets
/// what the update sets, and adds its timeline entry.
pub fn update(tx: &Transaction<'_>, by: &Actor<'_>, update: &Update) -> Result<(), StoreError> {
    let seq = next_seq(tx)?;
    let (set_owner, owner) = match &update.owner {
        Some(owner) => (true, owner.as_deref()),
        None => (false, None),
    };
    let (set_squash, squash) = match update.squashed_by {
        Some(squash) => (true, squash.map(to_i64)),
        None => (false, None),
    };
    let roles = RolesParams::of(update)?;
    // Every SET reads the row as it was: "the owner changes" compares the
    // old owner with the new one.
    tx.prepare_cached(
        "UPDATE incidents SET version = version + 1, updated_at = ?2, change_seq = ?3,
             status = COALESCE(?4, status),
             owner = CASE WHEN ?5 THEN ?6 ELSE owner END,
             escalation_level = COALESCE(?7, escalation_level),
             level_since = CASE WHEN ?7 IS NULL THEN level_since ELSE ?2 END,
             occurrences = COALESCE(?8, occurrences),
             squashed_by = CASE WHEN ?9 THEN ?10 ELSE squashed_by END,
             helpers = COALESCE(?11, helpers),
             major = CASE WHEN ?12 IS NULL THEN major ELSE 1 END,
             incident_manager = COALESCE(?12, incident_manager),
             snoozed_until = CASE WHEN COALESCE(?4, status) <> 'acknowledged' THEN NULL
                                  WHEN ?13 THEN ?14 ELSE snoozed_until END,
             previous_owner = CASE WHEN ?15 THEN ?16
                                   WHEN ?5 AND owner IS NOT ?6 THEN NULL
                                   ELSE previous_owner END,
             assigned_by = CASE WHEN ?15 THEN ?17
                                WHEN ?5 AND owner IS NOT ?6 THEN NULL
                                ELSE assigned_by END,
             status_update = COALESCE(?18, status_update)
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
        set_squash,
        squash,
        roles.helpers,
        update.manager,
        roles.set_snooze,
        roles.snoozed_until,
        roles.set_assigned,
        roles.previous_owner,
        roles.assigned_by,
        roles.status_update,
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

fn append(tx: &Transaction<'_>, id: u64, by: &Actor<'_>, entry: &Entry) -> Result<(), StoreError> {
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
