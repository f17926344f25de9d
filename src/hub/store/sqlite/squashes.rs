//! Squashes in SQL: made, removed, read back one at a time, those not yet
//! over, and the history since a time. Their times are queue times (nine
//! fraction digits), so "over after T" is a text comparison.
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::hub::rules::{Actor, NewSquashRecord};
use crate::hub::store::stored::{
    SQUASH_COLUMNS, StoredSquash, matchers_json, queue_time, squash_over_after,
};
use crate::incident::{Incident, Squash};

use super::StoreError;
use super::rows::{INCIDENT_COLUMNS, incident_from_row, is_bad_value, to_i64};

/// Records `record` as made by `by`; the squash as recorded.
pub fn insert(
    conn: &Connection,
    by: &Actor<'_>,
    record: &NewSquashRecord,
) -> Result<Squash, StoreError> {
    let id: i64 = conn
        .prepare_cached(
            "INSERT INTO squashes (matchers, starts, until, reason, created_by, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
        )?
        .query_row(
            params![
                matchers_json(record)?,
                queue_time(record.starts),
                queue_time(record.until),
                record.reason,
                by.who,
                queue_time(by.now),
            ],
            |r| r.get(0),
        )?;
    find(conn, u64::try_from(id).unwrap_or_default())?
        .ok_or_else(|| StoreError::Corrupt("a new squash is not there".into()))
}

/// Marks squash `id` removed by `by`, now.
pub fn remove(conn: &Connection, by: &Actor<'_>, id: u64) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE squashes SET removed_by = ?2, removed_at = ?3 WHERE id = ?1")?
        .execute(params![to_i64(id), by.who, queue_time(by.now)])?;
    Ok(())
}

/// Squash `id`, if there is one.
pub fn find(conn: &Connection, id: u64) -> Result<Option<Squash>, StoreError> {
    let sql = format!("SELECT {SQUASH_COLUMNS} FROM squashes WHERE id = ?1");
    conn.prepare_cached(&sql)?
        .query_row([to_i64(id)], stored)
        .optional()?
        .map(decode)
        .transpose()
}

/// The squashes over after `after` (in force or scheduled then, or ended
/// since), or all of them; lowest id first.
pub fn since(conn: &Connection, after: Option<DateTime<Utc>>) -> Result<Vec<Squash>, StoreError> {
    let sql = format!(
        "SELECT {SQUASH_COLUMNS} FROM squashes WHERE ?1 IS NULL OR {} ORDER BY id",
        squash_over_after("?1")
    );
    conn.prepare_cached(&sql)?
        .query_map([after.map(queue_time)], stored)?
        .map(|r| decode(r?))
        .collect()
}

fn stored(r: &Row<'_>) -> rusqlite::Result<StoredSquash> {
    Ok(StoredSquash {
        id: r.get(0)?,
        matchers: r.get(1)?,
        starts: r.get(2)?,
        until: r.get(3)?,
        reason: r.get(4)?,
        created_by: r.get(5)?,
        created_at: r.get(6)?,
        removed_by: r.get(7)?,
        removed_at: r.get(8)?,
    })
}

fn decode(s: StoredSquash) -> Result<Squash, StoreError> {
    s.decode().map_err(StoreError::Corrupt)
}

/// The open incidents marked squashed, lowest id first; one that cannot be
/// read is left out and logged, so it cannot keep the others quiet.
pub fn squashed_open(conn: &Connection) -> Result<Vec<Incident>, StoreError> {
    let sql = format!(
        "SELECT {INCIDENT_COLUMNS} FROM incidents
          WHERE squashed_by IS NOT NULL AND status <> 'resolved' ORDER BY id"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query([])?;
    let mut open = Vec::new();
    while let Some(row) = rows.next()? {
        match incident_from_row(row) {
            Ok(incident) => open.push(incident),
            Err(e) if is_bad_value(&e) => {
                let id: i64 = row.get(0)?;
                tracing::warn!(id, error = %e, "incident #{id} left out of the squash pass");
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(open)
}
