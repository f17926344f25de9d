//! Hand-offs: the end of a shift recorded on the hub. One transaction checks
//! that the sender may hand off (the responder on call, or a lead), records
//! it, passes every open incident the outgoing responder holds to the
//! incoming one, and makes the incoming one on call to the end of the shift
//! (the stored hand-off is read back as a cover of the rota, so it survives
//! restarts). A dry run answers with the same checks and records nothing.
use chrono::{DateTime, TimeDelta, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};

use crate::incident::{EventKind, Handoff, HandoffPlan};

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
        // An integration is never on call, even if a hand-off recorded
        // before it was one says so.
        if paging.is_integration(&who) {
            continue;
        }
        covers.push(Cover {
            who,
            start: parse_time(&start).map_err(StoreError::Corrupt)?,
            end: parse_time(&end).map_err(StoreError::Corrupt)?,
        });
    }
    Ok(covers)
}

/// What `by` handing the shift to `to` (the rota's next person when `None`)
/// would do, or why it may not. Only the responder on call now may hand off,
/// or a lead (`lead`), who hands off the shift of whoever holds it. `to`,
/// when given, must already be a person of this hub.
pub fn plan(
    conn: &Connection,
    by: Actor<'_>,
    lead: bool,
    to: Option<&str>,
    paging: &Paging,
) -> Result<HandoffPlan, StoreError> {
    let handoffs = covers(conn, by.now, paging)?;
    let from = outgoing(by, lead, paging, &handoffs)?;
    let named = to.is_some();
    let to = match to {
        Some(to) => to.to_string(),
        None => {
            let no_rota = || {
                StoreError::Invalid(
                    "no rota: say who takes over, like {\"to\": \"bob\", \"note\": \"...\"}"
                        .to_string(),
                )
            };
            paging.next_on_call(by.now, &handoffs).ok_or_else(no_rota)?
        }
    };
    if to == from {
        let why = match (named, from == by.who) {
            (true, true) => format!("{to} cannot hand off to themselves"),
            (true, false) => format!("{to} is on call already"),
            (false, true) => format!("the rota's next person is {to}, who is handing off"),
            (false, false) => format!("the rota's next person is {to}, who is on call already"),
        };
        return Err(StoreError::Invalid(format!(
            "{why}: say who takes over with \"to\""
        )));
    }
    let moves = conn
        .prepare_cached(
            "SELECT id FROM incidents WHERE owner = ?1 AND status <> 'resolved' ORDER BY id",
        )?
        .query_map([&from], |r| r.get::<_, i64>(0))?
        .map(|id| {
            let id = id?;
            u64::try_from(id)
                .map_err(|_| StoreError::Corrupt(format!("incident id {id} is negative")))
        })
        .collect::<Result<_, _>>()?;
    Ok(HandoffPlan {
        from,
        to,
        until: paging.rota().map(|r| r.shift_end(by.now)),
        moves,
    })
}

/// Whose shift a hand-off by `by` passes on, or the refusal naming who is
/// on call. Without a rota nobody holds the pager: the sender passes on only
/// what they hold.
fn outgoing(
    by: Actor<'_>,
    lead: bool,
    paging: &Paging,
    handoffs: &[Cover],
) -> Result<String, StoreError> {
    let Some(rota) = paging.rota() else {
        return Ok(by.who.to_string());
    };
    match rota.who_at(by.now, handoffs) {
        Some(on_call) if on_call == by.who || lead => Ok(on_call.to_string()),
        Some(on_call) => Err(StoreError::Forbidden(format!(
            "{on_call} is on call now: only {on_call} or a lead may hand off the shift"
        ))),
        None if lead => Ok(by.who.to_string()),
        None => Err(StoreError::Forbidden(
            "nobody is on call now: only a lead may hand off the shift".to_string(),
        )),
    }
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
    let HandoffPlan {
        from,
        to,
        until,
        moves,
    } = plan(tx, by, lead, to, paging)?;
    let mut text = format!("handed over from {from} to {to}");
    if from != by.who {
        text.push_str(&format!(" by {}", by.who));
    }
    for &id in &moves {
        touch(tx, id, by)?;
        tx.execute(
            "UPDATE incidents SET owner = ?2 WHERE id = ?1",
            params![to_i64(id), to],
        )?;
        append(tx, id, by, EventKind::Reassigned, &text)?;
    }

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
            note,
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
        note: note.to_string(),
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
