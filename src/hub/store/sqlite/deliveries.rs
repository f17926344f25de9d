//! The delivery queue in SQL: deliveries queued as one round in the change's
//! transaction, cancelled, taken for sending under a lease, and written back
//! after an attempt; and what repeats and ack timeouts read.
//!
//! Times here are UTC with nine fraction digits always ([`queue_time`]), so
//! that they compare as text exactly: what is due is found by comparing them.
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};

use crate::hub::deliveries::{Delivery, DeliveryRecord};
use crate::hub::rules::pages::NewDelivery;
use crate::hub::rules::{Recorded, Unanswered};
use crate::hub::store::stored::{DELIVERY_COLUMNS, QueuedRow, StoredDelivery};

use super::StoreError;
use super::rows::{INCIDENT_COLUMNS, incident_from_row, is_bad_value, parse_time, to_i64};
use crate::hub::store::stored::INCIDENT_COLUMN_COUNT;

pub use crate::hub::store::stored::queue_time;

/// Queues `deliveries` as the next round of `incident`; how many.
pub fn queue(
    tx: &Transaction<'_>,
    now: DateTime<Utc>,
    incident: Option<u64>,
    deliveries: &[NewDelivery],
) -> Result<usize, StoreError> {
    if deliveries.is_empty() {
        return Ok(0);
    }
    let round: i64 = match incident {
        Some(id) => tx
            .prepare_cached(
                "SELECT COALESCE(MAX(round), 0) + 1 FROM deliveries WHERE incident_id = ?1",
            )?
            .query_row([to_i64(id)], |r| r.get(0))?,
        None => 1,
    };
    let started = queue_time(now);
    let mut insert = tx.prepare_cached(
        "INSERT INTO deliveries (id, incident_id, recipient_kind, recipient, contact_index, via,
             contact_to, event, paged, detail, round, started_at, due_at, state, attempts,
             next_attempt_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 'queued', 0, ?13)",
    )?;
    for d in deliveries {
        let row = QueuedRow::of(d)?;
        insert.execute(params![
            row.id,
            incident.map(to_i64),
            row.kind,
            row.recipient,
            d.contact_index,
            d.contact.via.as_str(),
            d.contact.to,
            d.event.as_str(),
            row.paged,
            d.detail,
            round,
            started,
            queue_time(d.due_at.max(now)),
        ])?;
    }
    Ok(deliveries.len())
}

/// Cancels incident `id`'s deliveries to people still queued, and marks
/// those being sent as stopped: not tried again if this attempt fails.
pub fn cancel_waiting(tx: &Transaction<'_>, id: u64) -> Result<(), StoreError> {
    tx.prepare_cached(
        "UPDATE deliveries SET state = 'cancelled'
          WHERE incident_id = ?1 AND state = 'queued' AND recipient_kind = 'person'",
    )?
    .execute([to_i64(id)])?;
    tx.prepare_cached(
        "UPDATE deliveries SET stopped = 1
          WHERE incident_id = ?1 AND state = 'sending' AND recipient_kind = 'person'",
    )?
    .execute([to_i64(id)])?;
    Ok(())
}

/// The delivery with id `id`.
pub fn find(conn: &Connection, id: &str) -> Result<Option<DeliveryRecord>, StoreError> {
    let sql = format!("SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE id = ?1");
    conn.prepare_cached(&sql)?
        .query_row([id], stored)
        .optional()?
        .map(StoredDelivery::decode)
        .transpose()
        .map_err(StoreError::Corrupt)
}

/// The deliveries of `incident` (or of none), in the order they were queued.
pub fn of_incident(
    conn: &Connection,
    incident: Option<u64>,
) -> Result<Vec<DeliveryRecord>, StoreError> {
    let sql =
        format!("SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE incident_id IS ?1 ORDER BY rowid");
    let rows: Vec<StoredDelivery> = conn
        .prepare_cached(&sql)?
        .query_map([incident.map(to_i64)], stored)?
        .collect::<Result<_, _>>()?;
    rows.into_iter()
        .map(|r| r.decode().map_err(StoreError::Corrupt))
        .collect()
}

/// Writes what an attempt did.
pub fn record(tx: &Transaction<'_>, r: &Recorded) -> Result<(), StoreError> {
    tx.prepare_cached(
        "UPDATE deliveries SET state = ?2, next_attempt_at = ?3, last_error = ?4,
             answered_at = ?5, lease_until = NULL
          WHERE id = ?1",
    )?
    .execute(params![
        r.id,
        r.state.as_str(),
        queue_time(r.next_attempt_at),
        r.last_error,
        r.answered_at.map(queue_time),
    ])?;
    Ok(())
}

/// A SQLite file is one hub's: deliveries it finds `sending` when it opens
/// were taken by a hub that died mid-send. They go again at once, under the
/// same ids, rather than a lease later: a page in flight when the machine
/// went down reaches its person as soon as the hub is back.
pub fn release_leases(conn: &Connection) -> Result<usize, StoreError> {
    let released = conn.execute(
        "UPDATE deliveries SET lease_until = ?1 WHERE state = 'sending'",
        [queue_time(DateTime::UNIX_EPOCH)],
    )?;
    Ok(released)
}

/// Takes what is due for sending (see `Store::claim_deliveries`). A row
/// that cannot be read back is given up, with why, rather than block the
/// queue.
pub fn claim(
    tx: &Transaction<'_>,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: usize,
    skip: &[String],
) -> Result<Vec<Delivery>, StoreError> {
    let skip = serde_json::to_string(skip)
        .map_err(|e| StoreError::Corrupt(format!("delivery ids do not serialise: {e}")))?;
    // Left sending by a hub that died after their page ended: over.
    tx.prepare_cached(
        "UPDATE deliveries SET state = 'cancelled', lease_until = NULL
          WHERE state = 'sending' AND stopped = 1 AND lease_until <= ?1",
    )?
    .execute([queue_time(now)])?;
    let sql = format!(
        "UPDATE deliveries SET state = 'sending', attempts = attempts + 1, lease_until = ?2
          WHERE id IN (
            SELECT id FROM (
              SELECT id, next_attempt_at AS t FROM deliveries
               WHERE state = 'queued' AND next_attempt_at <= ?1
              UNION ALL
              SELECT id, lease_until AS t FROM deliveries
               WHERE state = 'sending' AND lease_until <= ?1)
             WHERE id NOT IN (SELECT value FROM json_each(?4))
             ORDER BY t LIMIT ?3)
          RETURNING {DELIVERY_COLUMNS}"
    );
    let rows: Vec<StoredDelivery> = tx
        .prepare_cached(&sql)?
        .query_map(
            params![
                queue_time(now),
                queue_time(lease_until),
                i64::try_from(limit).unwrap_or(i64::MAX),
                skip
            ],
            stored,
        )?
        .collect::<Result<_, _>>()?;
    let mut claimed = Vec::with_capacity(rows.len());
    for row in rows {
        let id = row.id.clone();
        match row.decode() {
            Ok(record) => claimed.push(record.delivery),
            Err(why) => {
                tracing::warn!(id, error = %why, "a delivery cannot be read back; given up");
                tx.prepare_cached(
                    "UPDATE deliveries SET state = 'failed', lease_until = NULL, last_error = ?2
                      WHERE id = ?1",
                )?
                .execute(params![id, format!("unreadable: {why}")])?;
            }
        }
    }
    Ok(claimed)
}

/// When the next delivery falls due, leaving out those in `skip`.
pub fn next_at(conn: &Connection, skip: &[String]) -> Result<Option<DateTime<Utc>>, StoreError> {
    let skip = serde_json::to_string(skip)
        .map_err(|e| StoreError::Corrupt(format!("delivery ids do not serialise: {e}")))?;
    let next: Option<String> = conn
        .prepare_cached(
            "SELECT MIN(t) FROM (
               SELECT MIN(next_attempt_at) AS t FROM deliveries WHERE state = 'queued'
               UNION ALL
               SELECT MIN(lease_until) FROM deliveries
                WHERE state = 'sending' AND id NOT IN (SELECT value FROM json_each(?1)))",
        )?
        .query_row([skip], |r| r.get(0))?;
    next.map(|t| parse_time(&t).map_err(StoreError::Corrupt))
        .transpose()
}

/// The open incidents with when each was last paged (a round to its owner:
/// not one asking a helper) and last acknowledged (or taken over), lowest
/// id first.
pub fn unanswered(tx: &Transaction<'_>) -> Result<Vec<Unanswered>, StoreError> {
    let sql = format!(
        "SELECT {INCIDENT_COLUMNS},
           (SELECT MAX(d.started_at) FROM deliveries d
             WHERE d.incident_id = incidents.id AND d.recipient_kind = 'person'
               AND d.event <> 'help'),
           (SELECT t.at FROM timeline t
             WHERE t.incident_id = incidents.id AND t.kind IN ('acknowledged', 'assigned')
             ORDER BY t.id DESC LIMIT 1)
         FROM incidents WHERE status <> 'resolved' ORDER BY id"
    );
    let mut stmt = tx.prepare_cached(&sql)?;
    let mut rows = stmt.query([])?;
    let mut open = Vec::new();
    while let Some(row) = rows.next()? {
        let read = incident_from_row(row).and_then(|incident| {
            let time = |i: usize| -> rusqlite::Result<Option<DateTime<Utc>>> {
                row.get::<_, Option<String>>(i)?
                    .map(|t| parse_time(&t).map_err(|e| bad(i, e)))
                    .transpose()
            };
            Ok(Unanswered {
                incident,
                round_started: time(INCIDENT_COLUMN_COUNT)?,
                acknowledged_at: time(INCIDENT_COLUMN_COUNT + 1)?,
            })
        });
        match read {
            Ok(u) => open.push(u),
            Err(e) if is_bad_value(&e) => {
                let id: i64 = row.get(0)?;
                tracing::warn!(id, error = %e, "incident #{id} left out of repeats and ack timeouts");
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(open)
}

fn bad(idx: usize, e: impl std::fmt::Display) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        idx,
        rusqlite::types::Type::Text,
        Box::new(std::io::Error::other(e.to_string())),
    )
}

fn stored(r: &Row<'_>) -> rusqlite::Result<StoredDelivery> {
    Ok(StoredDelivery {
        id: r.get(0)?,
        // 1, incident_id, is in `paged` too, as it was paged.
        recipient_kind: r.get(2)?,
        recipient: r.get(3)?,
        contact_index: r.get(4)?,
        via: r.get(5)?,
        contact_to: r.get(6)?,
        event: r.get(7)?,
        paged: r.get(8)?,
        detail: r.get(9)?,
        round: r.get(10)?,
        started_at: r.get(11)?,
        due_at: r.get(12)?,
        state: r.get(13)?,
        attempts: r.get(14)?,
        next_attempt_at: r.get(15)?,
        lease_until: r.get(16)?,
        last_error: r.get(17)?,
        answered_at: r.get(18)?,
        stopped: r.get(19)?,
    })
}

#[cfg(test)]
mod tests;
