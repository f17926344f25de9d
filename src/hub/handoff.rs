//! Hand-offs: the end of a shift recorded on the hub. One transaction records
//! it, passes every open incident the outgoing responder holds to the
//! incoming one, and makes the incoming one on call to the end of the shift
//! (the stored hand-off is read back as a cover of the rota, so it survives
//! restarts).
use chrono::{DateTime, TimeDelta, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};

use crate::incident::{EventKind, Handoff};

use super::changes::{Actor, append, touch};
use super::policy::Paging;
use super::rota::Cover;
use super::store::{StoreError, parse_time, time_text, to_i64};

/// The hand-offs that can decide who is on call around `now`, oldest first:
/// those whose window ends after the shift before last. Without a rota a
/// hand-off covers nothing.
pub fn covers(
    conn: &Connection,
    now: DateTime<Utc>,
    paging: &Paging,
) -> Result<Vec<Cover>, StoreError> {
    let Some(rota) = paging.rota() else {
        return Ok(Vec::new());
    };
    // Stored times differ in their fraction digits, so text order is only
    // right to the second; a day's margin makes that harmless.
    let horizon = rota
        .shift()
        .checked_mul(2)
        .and_then(|d| d.checked_add(&TimeDelta::days(1)))
        .and_then(|back| now.checked_sub_signed(back))
        .unwrap_or(DateTime::<Utc>::MIN_UTC);
    let mut stmt = conn.prepare_cached(
        "SELECT to_who, at, until FROM handoffs
          WHERE until IS NOT NULL AND until > ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([time_text(horizon)], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut covers = Vec::new();
    for row in rows {
        let (who, start, end) = row?;
        covers.push(Cover {
            who,
            start: parse_time(&start).map_err(StoreError::Corrupt)?,
            end: parse_time(&end).map_err(StoreError::Corrupt)?,
        });
    }
    Ok(covers)
}

/// `by` hands the shift to `to`, or to the rota's next person when `to` is
/// `None`. `to`, when given, must already be a known responder.
pub fn record(
    tx: &Transaction<'_>,
    by: Actor<'_>,
    to: Option<&str>,
    note: &str,
    paging: &Paging,
) -> Result<Handoff, StoreError> {
    let named = to.is_some();
    let to = match to {
        Some(to) => to.to_string(),
        None => {
            let handoffs = covers(tx, by.now, paging)?;
            let no_rota = || {
                StoreError::Invalid(
                    "no rota: say who takes over, like {\"to\": \"bob\", \"note\": \"...\"}"
                        .to_string(),
                )
            };
            paging.next_on_call(by.now, &handoffs).ok_or_else(no_rota)?
        }
    };
    if to == by.who {
        let why = if named {
            format!("{to} cannot hand off to themselves")
        } else {
            format!("the rota's next person is {to}, who is handing off")
        };
        return Err(StoreError::Invalid(format!(
            "{why}: say who takes over with \"to\""
        )));
    }
    let until = paging.rota().map(|r| r.shift_end(by.now));

    let ids: Vec<i64> = tx
        .prepare_cached(
            "SELECT id FROM incidents WHERE owner = ?1 AND status <> 'resolved' ORDER BY id",
        )?
        .query_map([by.who], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let text = format!("handed over from {} to {to}", by.who);
    let mut moved = Vec::with_capacity(ids.len());
    for id in ids {
        let id = u64::try_from(id)
            .map_err(|_| StoreError::Corrupt(format!("incident id {id} is negative")))?;
        touch(tx, id, by)?;
        tx.execute(
            "UPDATE incidents SET owner = ?2 WHERE id = ?1",
            params![to_i64(id), to],
        )?;
        append(tx, id, by, EventKind::Reassigned, &text)?;
        moved.push(id);
    }

    let moved_json = serde_json::to_string(&moved)
        .map_err(|e| StoreError::Corrupt(format!("moved ids do not serialise: {e}")))?;
    let id: i64 = tx.query_row(
        "INSERT INTO handoffs (from_who, to_who, at, until, note, moved)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
        params![
            by.who,
            to,
            time_text(by.now),
            until.map(time_text),
            note,
            moved_json
        ],
        |r| r.get(0),
    )?;
    Ok(Handoff {
        id: u64::try_from(id)
            .map_err(|_| StoreError::Corrupt(format!("hand-off id {id} is negative")))?,
        from: by.who.to_string(),
        to,
        at: by.now,
        note: note.to_string(),
        moved,
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
