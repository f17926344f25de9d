//! Follow-ups in SQL: added, closed, read back one at a time, and listed
//! (by owner, open only or all). The shared columns and decoding are
//! `store::followups`.
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::hub::rules::{Actor, NewFollowupRecord};
use crate::hub::store::followups::{
    FOLLOWUP_SELECT, StoredFollowup, insert_values, list_filter, stored_note,
};
use crate::hub::store::stored::queue_time;
use crate::incident::{CloseFollowup, Followup};

use super::StoreError;
use super::rows::to_i64;

/// Records `record` as added by `by`; the follow-up as recorded.
pub fn insert(
    conn: &Connection,
    by: &Actor<'_>,
    record: &NewFollowupRecord,
) -> Result<Followup, StoreError> {
    let (incident, text, owner, due) = insert_values(record);
    let id: i64 = conn
        .prepare_cached(
            "INSERT INTO followups (incident_id, text, owner, due, created_by, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
        )?
        .query_row(
            params![incident, text, owner, due, by.who, queue_time(by.now)],
            |r| r.get(0),
        )?;
    find(conn, u64::try_from(id).unwrap_or_default())?
        .ok_or_else(|| StoreError::Corrupt("a new follow-up is not there".into()))
}

/// Closes follow-up `id` as `req` says, by `by`, now.
pub fn close(
    conn: &Connection,
    by: &Actor<'_>,
    id: u64,
    req: &CloseFollowup,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE followups SET status = ?2, note = ?3, closed_by = ?4, closed_at = ?5 WHERE id = ?1",
    )?
    .execute(params![
        to_i64(id),
        req.status.as_str(),
        stored_note(req.note.as_deref()),
        by.who,
        queue_time(by.now)
    ])?;
    Ok(())
}

/// Follow-up `id`, if there is one.
pub fn find(conn: &Connection, id: u64) -> Result<Option<Followup>, StoreError> {
    let sql = format!("{FOLLOWUP_SELECT} WHERE f.id = ?1");
    conn.prepare_cached(&sql)?
        .query_row([to_i64(id)], stored)
        .optional()?
        .map(decode)
        .transpose()
}

/// The follow-ups of `owner` (everyone's when none), only the open ones
/// with `open_only`; lowest id first.
pub fn list(
    conn: &Connection,
    owner: Option<&str>,
    open_only: bool,
) -> Result<Vec<Followup>, StoreError> {
    let sql = format!(
        "{FOLLOWUP_SELECT} {} ORDER BY f.id",
        list_filter("?1", "?2")
    );
    conn.prepare_cached(&sql)?
        .query_map(params![owner, open_only], stored)?
        .map(|r| decode(r?))
        .collect()
}

fn stored(r: &Row<'_>) -> rusqlite::Result<StoredFollowup> {
    Ok(StoredFollowup {
        id: r.get(0)?,
        incident_id: r.get(1)?,
        incident_title: r.get(2)?,
        text: r.get(3)?,
        owner: r.get(4)?,
        due: r.get(5)?,
        status: r.get(6)?,
        note: r.get(7)?,
        created_by: r.get(8)?,
        created_at: r.get(9)?,
        closed_by: r.get(10)?,
        closed_at: r.get(11)?,
    })
}

fn decode(s: StoredFollowup) -> Result<Followup, StoreError> {
    s.decode().map_err(StoreError::Corrupt)
}
