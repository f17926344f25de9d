//! Hand-offs: the end of a shift recorded on the hub. One transaction checks
//! that the sender may hand off (the responder on call, or a lead), records
//! it, passes every open incident the outgoing responder holds to the
//! incoming one, and makes the incoming one on call to the end of the shift
//! (the stored hand-off is read back as a cover of the rota, so it survives
//! restarts). A dry run answers with the same checks and records nothing.
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};

use crate::incident::{Handoff, HandoffPlan};

use super::changes::{Actor, update};
use super::policy::Paging;
use super::rota::Cover;
use super::rules;
use super::store::{StoreError, parse_time, time_text};

/// The hand-offs that can decide who is on call around `now`, oldest first
/// (see `rules::covers_since`).
pub fn covers(
    conn: &Connection,
    now: DateTime<Utc>,
    paging: &Paging,
) -> Result<Vec<Cover>, StoreError> {
    let Some(since) = rules::covers_since(paging, now) else {
        return Ok(Vec::new());
    };
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
        let cover = Cover {
            who,
            start: parse_time(&start).map_err(StoreError::Corrupt)?,
            end: parse_time(&end).map_err(StoreError::Corrupt)?,
        };
        if rules::keep_cover(paging, &cover) {
            covers.push(cover);
        }
    }
    Ok(covers)
}

/// What `by` handing the shift to `to` (the rota's next person when `None`)
/// would do, or why it may not (`rules::parties`).
pub fn plan(
    conn: &Connection,
    by: Actor<'_>,
    lead: bool,
    to: Option<&str>,
    paging: &Paging,
) -> Result<HandoffPlan, StoreError> {
    let handoffs = covers(conn, by.now, paging)?;
    let parties =
        rules::parties(by.who, lead, to, paging, by.now, &handoffs).map_err(|r| match r {
            rules::Refusal::Forbidden(m) => StoreError::Forbidden(m),
            rules::Refusal::Invalid(m) => StoreError::Invalid(m),
            rules::Refusal::NotFound(id) => StoreError::NotFound(id),
            rules::Refusal::State { message, .. } => StoreError::Invalid(message),
        })?;
    let moves = open_owned_by(conn, &parties.0)?;
    Ok(rules::plan(parties, moves, paging, by.now))
}

/// The open incidents `who` holds, by id.
fn open_owned_by(conn: &Connection, who: &str) -> Result<Vec<u64>, StoreError> {
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

/// Carries out what [`plan`] decides: records the hand-off and passes the
/// outgoing responder's open incidents on, all in `tx`.
pub fn record(
    tx: &Transaction<'_>,
    by: Actor<'_>,
    lead: bool,
    to: Option<&str>,
    note: &str,
    paging: &Paging,
) -> Result<Handoff, StoreError> {
    let planned = plan(tx, by, lead, to, paging)?;
    let record = rules::record(planned, by.who, note);
    for moved in &record.moves {
        update(tx, by, moved)?;
    }
    let HandoffPlan {
        from,
        to,
        until,
        moves,
    } = record.plan;
    let moved_json = serde_json::to_string(&moves)
        .map_err(|e| StoreError::Corrupt(format!("moved ids do not serialise: {e}")))?;
    let id: i64 = tx.query_row(
        "INSERT INTO handoffs (from_who, to_who, at, until, note, moved)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
        params![
            from,
            to,
            time_text(by.now),
            until.map(time_text),
            record.note,
            moved_json
        ],
        |r| r.get(0),
    )?;
    Ok(Handoff {
        id: u64::try_from(id)
            .map_err(|_| StoreError::Corrupt(format!("hand-off id {id} is negative")))?,
        from,
        to,
        at: by.now,
        note: record.note,
        moved: moves,
        until,
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
        .map(Stored::decode)
        .transpose()
        .map_err(StoreError::Corrupt)
}

/// A hand-off row as stored, before its times and ids are read.
struct Stored {
    id: i64,
    from: String,
    to: String,
    at: String,
    until: Option<String>,
    note: String,
    moved: String,
}

impl Stored {
    fn decode(self) -> Result<Handoff, String> {
        let id = self.id;
        Ok(Handoff {
            id: u64::try_from(id).map_err(|_| format!("hand-off id {id} is negative"))?,
            from: self.from,
            to: self.to,
            at: parse_time(&self.at)?,
            note: self.note,
            moved: serde_json::from_str(&self.moved)
                .map_err(|e| format!("hand-off #{id} has unreadable moved ids: {e}"))?,
            until: self.until.as_deref().map(parse_time).transpose()?,
        })
    }
}

fn stored_from_row(r: &Row<'_>) -> rusqlite::Result<Stored> {
    Ok(Stored {
        id: r.get(0)?,
        from: r.get(1)?,
        to: r.get(2)?,
        at: r.get(3)?,
        until: r.get(4)?,
        note: r.get(5)?,
        moved: r.get(6)?,
    })
}
