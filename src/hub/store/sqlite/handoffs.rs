//! Hand-offs in SQL: the covers of the rota read back from them, the open
//! incidents a responder holds, a hand-off recorded with the incidents it
//! passes on, and the last one.
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};

use crate::hub::rota::Cover;
use crate::hub::rules::{Actor, HandoffRecord};
use crate::hub::store::stored::StoredHandoff;
use crate::incident::Handoff;

use crate::hub::store::overrides::as_cover;

use super::StoreError;
use super::overrides;
use super::rows::{parse_time, time_text};
use super::writes::update;

/// The covers of the rota recorded on the hub with a window ending after
/// `since`: the hand-offs, oldest first, then the overrides made through the
/// API and not removed.
pub fn covers(conn: &Connection, since: DateTime<Utc>) -> Result<Vec<Cover>, StoreError> {
    // Stored times differ in their fraction digits, so text order is only
    // right to the second (`rules::covers_since` leaves a day's margin).
    let mut stmt = conn.prepare_cached(
        "SELECT to_who, at, until FROM handoffs
          WHERE until IS NOT NULL AND until > ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([time_text(since)], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut covers = Vec::new();
    for row in rows {
        let (who, start, end) = row?;
        let start = parse_time(&start).map_err(StoreError::Corrupt)?;
        covers.push(Cover {
            who,
            start,
            end: parse_time(&end).map_err(StoreError::Corrupt)?,
            made: start,
        });
    }
    covers.extend(overrides::live(conn, since)?.into_iter().map(as_cover));
    Ok(covers)
}

/// The open incidents `who` holds, by id.
pub fn open_owned_by(conn: &Connection, who: &str) -> Result<Vec<u64>, StoreError> {
    conn.prepare_cached(
        "SELECT id FROM incidents WHERE owner = ?1 AND status <> 'resolved' ORDER BY id",
    )?
    .query_map([who], |r| r.get::<_, i64>(0))?
    .map(|id| {
        let id = id?;
        u64::try_from(id).map_err(|_| StoreError::Corrupt(format!("incident id {id} is negative")))
    })
    .collect()
}

/// Records the hand-off and passes its incidents on, all in `tx`.
pub fn record(
    tx: &Transaction<'_>,
    by: &Actor<'_>,
    record: &HandoffRecord,
) -> Result<Handoff, StoreError> {
    for moved in &record.moves {
        update(tx, by, moved)?;
    }
    let plan = &record.plan;
    let moved_json = serde_json::to_string(&plan.moves)
        .map_err(|e| StoreError::Corrupt(format!("moved ids do not serialise: {e}")))?;
    let id: i64 = tx.query_row(
        "INSERT INTO handoffs (from_who, to_who, at, until, note, moved)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
        params![
            plan.from,
            plan.to,
            time_text(by.now),
            plan.until.map(time_text),
            record.note,
            moved_json
        ],
        |r| r.get(0),
    )?;
    Ok(Handoff {
        id: u64::try_from(id)
            .map_err(|_| StoreError::Corrupt(format!("hand-off id {id} is negative")))?,
        from: plan.from.clone(),
        to: plan.to.clone(),
        at: by.now,
        note: record.note.clone(),
        moved: plan.moves.clone(),
        until: plan.until,
    })
}

/// The last hand-off, or the last one addressed to `to`.
pub fn latest(conn: &Connection, to: Option<&str>) -> Result<Option<Handoff>, StoreError> {
    let columns = "id, from_who, to_who, at, until, note, moved";
    let found = match to {
        Some(to) => conn
            .query_row(
                &format!(
                    "SELECT {columns} FROM handoffs WHERE to_who = ?1 ORDER BY id DESC LIMIT 1"
                ),
                [to],
                stored_from_row,
            )
            .optional()?,
        None => conn
            .query_row(
                &format!("SELECT {columns} FROM handoffs ORDER BY id DESC LIMIT 1"),
                [],
                stored_from_row,
            )
            .optional()?,
    };
    found
        .map(StoredHandoff::decode)
        .transpose()
        .map_err(StoreError::Corrupt)
}

fn stored_from_row(r: &Row<'_>) -> rusqlite::Result<StoredHandoff> {
    Ok(StoredHandoff {
        id: r.get(0)?,
        from: r.get(1)?,
        to: r.get(2)?,
        at: r.get(3)?,
        until: r.get(4)?,
        note: r.get(5)?,
        moved: r.get(6)?,
    })
}
