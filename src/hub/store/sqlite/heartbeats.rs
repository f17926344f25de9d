//! Heartbeats in SQL: one row per heartbeat pinged at least once, read
//! whole and written whole (`stored::StoredBeat` is the row's text form,
//! shared with PostgreSQL).
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::hub::heartbeat::Beat;
use crate::hub::store::stored::{HEARTBEAT_COLUMNS, StoredBeat};

use super::StoreError;

fn stored(r: &Row<'_>) -> rusqlite::Result<StoredBeat> {
    Ok(StoredBeat {
        name: r.get(0)?,
        state: r.get(1)?,
        since: r.get(2)?,
        last_ping: r.get(3)?,
        last_status: r.get(4)?,
        exit_code: r.get(5)?,
        run_id: r.get(6)?,
        log: r.get(7)?,
        run_started: r.get(8)?,
        due: r.get(9)?,
    })
}

/// Heartbeat `name`'s row, if it has one.
pub fn one(conn: &Connection, name: &str) -> Result<Option<Beat>, StoreError> {
    let row = conn
        .prepare_cached(&format!(
            "SELECT {HEARTBEAT_COLUMNS} FROM heartbeats WHERE name = ?1"
        ))?
        .query_row([name], stored)
        .optional()?;
    row.map(StoredBeat::decode)
        .transpose()
        .map_err(StoreError::Corrupt)
}

/// Every heartbeat's row, by name; one that cannot be read is logged and
/// left out.
pub fn all(conn: &Connection) -> Result<Vec<Beat>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {HEARTBEAT_COLUMNS} FROM heartbeats ORDER BY name"
    ))?;
    let rows = stmt.query_map([], stored)?;
    let mut beats = Vec::new();
    for row in rows {
        match row?.decode() {
            Ok(beat) => beats.push(beat),
            Err(e) => tracing::error!(error = %e, "a heartbeat cannot be read from the database"),
        }
    }
    Ok(beats)
}

/// Writes `beat`'s row, made or replaced.
pub fn put(conn: &Connection, beat: &Beat) -> Result<(), StoreError> {
    let s = StoredBeat::of(beat);
    conn.prepare_cached(&format!(
        "INSERT OR REPLACE INTO heartbeats ({HEARTBEAT_COLUMNS})
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
    ))?
    .execute(params![
        s.name,
        s.state,
        s.since,
        s.last_ping,
        s.last_status,
        s.exit_code,
        s.run_id,
        s.log,
        s.run_started,
        s.due
    ])?;
    Ok(())
}
