//! Overrides in SQL: made, removed, read back one at a time, and those in
//! force and upcoming (which are also covers of the rota).
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::hub::rules::Actor;
use crate::hub::store::overrides::{OVERRIDE_COLUMNS, StoredOverride, live_sql};
use crate::hub::store::stored::queue_time;
use crate::incident::{NewOverride, Override};

use super::StoreError;
use super::rows::to_i64;

/// Records `new` as made by `by`; the override as recorded.
pub fn insert(
    conn: &Connection,
    by: &Actor<'_>,
    new: &NewOverride,
) -> Result<Override, StoreError> {
    let id: i64 = conn
        .prepare_cached(
            "INSERT INTO overrides (responder, starts, until, created_by, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
        )?
        .query_row(
            params![
                new.responder,
                queue_time(new.start),
                queue_time(new.end),
                by.who,
                queue_time(by.now),
            ],
            |r| r.get(0),
        )?;
    find(conn, u64::try_from(id).unwrap_or_default())?
        .ok_or_else(|| StoreError::Corrupt("a new override is not there".into()))
}

/// Marks override `id` removed by `by`, now.
pub fn remove(conn: &Connection, by: &Actor<'_>, id: u64) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE overrides SET removed_by = ?2, removed_at = ?3 WHERE id = ?1")?
        .execute(params![to_i64(id), by.who, queue_time(by.now)])?;
    Ok(())
}

/// Override `id`, if there is one.
pub fn find(conn: &Connection, id: u64) -> Result<Option<Override>, StoreError> {
    let sql = format!("SELECT {OVERRIDE_COLUMNS} FROM overrides WHERE id = ?1");
    conn.prepare_cached(&sql)?
        .query_row([to_i64(id)], stored)
        .optional()?
        .map(decode)
        .transpose()
}

/// The overrides not removed that end after `after`, soonest first.
pub fn live(conn: &Connection, after: DateTime<Utc>) -> Result<Vec<Override>, StoreError> {
    conn.prepare_cached(&live_sql("?1"))?
        .query_map([queue_time(after)], stored)?
        .map(|r| decode(r?))
        .collect()
}

fn stored(r: &Row<'_>) -> rusqlite::Result<StoredOverride> {
    Ok(StoredOverride {
        id: r.get(0)?,
        responder: r.get(1)?,
        starts: r.get(2)?,
        until: r.get(3)?,
        created_by: r.get(4)?,
        created_at: r.get(5)?,
        removed_by: r.get(6)?,
        removed_at: r.get(7)?,
    })
}

fn decode(s: StoredOverride) -> Result<Override, StoreError> {
    s.decode().map_err(StoreError::Corrupt)
}
