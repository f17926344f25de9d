//! The delivery queue in PostgreSQL: deliveries queued as one round in the
//! change's transaction, cancelled, written back after an attempt, and
//! taken for sending under a lease, `FOR UPDATE SKIP LOCKED`, so that two
//! hubs never take the same delivery and a hub that died holding some
//! leaves them to the others once their lease runs out. Times are queue
//! times (nine fraction digits always) compared as text, as in SQLite.
use chrono::{DateTime, Utc};
use deadpool_postgres::Transaction;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

use crate::hub::deliveries::{Delivery, DeliveryRecord};
use crate::hub::rules::pages::NewDelivery;
use crate::hub::rules::{Recorded, Unanswered};
use crate::hub::store::stored::{
    DELIVERY_COLUMNS, INCIDENT_COLUMN_COUNT, INCIDENT_COLUMNS, QueuedRow, StoredDelivery,
    parse_time, queue_time,
};

use super::StoreError;
use super::rows::{get, incident_from_row, row_id, to_i64};

/// Queues `deliveries` as the next round of `incident`; how many.
pub async fn queue(
    tx: &Transaction<'_>,
    now: DateTime<Utc>,
    incident: Option<u64>,
    deliveries: &[NewDelivery],
) -> Result<usize, StoreError> {
    if deliveries.is_empty() {
        return Ok(0);
    }
    let round: i64 = match incident {
        Some(id) => {
            let stmt = tx
                .prepare_cached(
                    "SELECT COALESCE(MAX(round), 0) + 1 FROM deliveries WHERE incident_id = $1",
                )
                .await?;
            tx.query_one(&stmt, &[&to_i64(id)]).await?.try_get(0)?
        }
        None => 1,
    };
    let started = queue_time(now);
    let insert = tx
        .prepare_cached(
            "INSERT INTO deliveries (id, incident_id, recipient_kind, recipient, contact_index, via,
                 contact_to, event, paged, detail, round, started_at, due_at, state, attempts,
                 next_attempt_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'queued', 0, $13)",
        )
        .await?;
    for d in deliveries {
        let row = QueuedRow::of(d)?;
        tx.execute(
            &insert,
            &[
                &row.id,
                &incident.map(to_i64),
                &row.kind,
                &row.recipient,
                &i64::from(d.contact_index),
                &d.contact.via.as_str(),
                &d.contact.to,
                &d.event.as_str(),
                &row.paged,
                &d.detail,
                &round,
                &started,
                &queue_time(d.due_at.max(now)),
            ],
        )
        .await?;
    }
    Ok(deliveries.len())
}

/// Cancels incident `id`'s deliveries to people still queued, and marks
/// those being sent as stopped: not tried again if this attempt fails.
pub async fn cancel_waiting(tx: &Transaction<'_>, id: u64) -> Result<(), StoreError> {
    let cancel = tx
        .prepare_cached(
            "UPDATE deliveries SET state = 'cancelled'
              WHERE incident_id = $1 AND state = 'queued' AND recipient_kind = 'person'",
        )
        .await?;
    let stop = tx
        .prepare_cached(
            "UPDATE deliveries SET stopped = TRUE
              WHERE incident_id = $1 AND state = 'sending' AND recipient_kind = 'person'",
        )
        .await?;
    let id = to_i64(id);
    // Together: one round trip.
    let by_id: [&(dyn ToSql + Sync); 1] = [&id];
    futures::try_join!(tx.execute(&cancel, &by_id), tx.execute(&stop, &by_id))?;
    Ok(())
}

/// The delivery with id `id`.
pub async fn find(tx: &Transaction<'_>, id: &str) -> Result<Option<DeliveryRecord>, StoreError> {
    let sql = format!("SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE id = $1");
    let stmt = tx.prepare_cached(&sql).await?;
    tx.query_opt(&stmt, &[&id])
        .await?
        .map(|r| stored(&r).and_then(StoredDelivery::decode))
        .transpose()
        .map_err(StoreError::Corrupt)
}

/// The deliveries of `incident` (or of none), in the order they were queued.
pub async fn of_incident(
    tx: &Transaction<'_>,
    incident: Option<u64>,
) -> Result<Vec<DeliveryRecord>, StoreError> {
    let sql = format!(
        "SELECT {DELIVERY_COLUMNS} FROM deliveries
          WHERE incident_id IS NOT DISTINCT FROM $1 ORDER BY queued_order"
    );
    let stmt = tx.prepare_cached(&sql).await?;
    tx.query(&stmt, &[&incident.map(to_i64)])
        .await?
        .iter()
        .map(|r| stored(r).and_then(StoredDelivery::decode))
        .collect::<Result<_, _>>()
        .map_err(StoreError::Corrupt)
}

/// Writes what an attempt did.
pub async fn record(tx: &Transaction<'_>, r: &Recorded) -> Result<(), StoreError> {
    let stmt = tx
        .prepare_cached(
            "UPDATE deliveries SET state = $2, next_attempt_at = $3, last_error = $4,
                 answered_at = $5, lease_until = NULL
              WHERE id = $1",
        )
        .await?;
    tx.execute(
        &stmt,
        &[
            &r.id,
            &r.state.as_str(),
            &queue_time(r.next_attempt_at),
            &r.last_error,
            &r.answered_at.map(queue_time),
        ],
    )
    .await?;
    Ok(())
}

// No `release_leases` at start, unlike SQLite: there a file is one hub's, so
// whatever it finds `sending` was left by its own last run. Here the other
// hubs on the database hold leases of their own, on pages in flight right
// now; a dead hub's leases simply run out and `claim` takes them over.

/// Takes what is due for sending (see `Store::claim_deliveries`). Rows
/// another hub is taking at this moment are skipped, not waited for; a row
/// that cannot be read back is given up, with why, rather than block the
/// queue.
pub async fn claim(
    tx: &Transaction<'_>,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: usize,
    skip: &[String],
) -> Result<Vec<Delivery>, StoreError> {
    let now = queue_time(now);
    // Left sending by a hub that died after their page ended: over.
    let stmt = tx
        .prepare_cached(
            "UPDATE deliveries SET state = 'cancelled', lease_until = NULL
              WHERE id IN (SELECT id FROM deliveries
                            WHERE state = 'sending' AND stopped AND lease_until <= $1
                            FOR UPDATE SKIP LOCKED)",
        )
        .await?;
    tx.execute(&stmt, &[&now]).await?;
    let sql = format!(
        "UPDATE deliveries SET state = 'sending', attempts = attempts + 1, lease_until = $2
          WHERE id IN (
            SELECT id FROM deliveries
             WHERE ((state = 'queued' AND next_attempt_at <= $1)
                    OR (state = 'sending' AND lease_until <= $1))
               AND NOT (id = ANY($4))
             ORDER BY CASE WHEN state = 'queued' THEN next_attempt_at ELSE lease_until END
             LIMIT $3
             FOR UPDATE SKIP LOCKED)
          RETURNING {DELIVERY_COLUMNS}"
    );
    let stmt = tx.prepare_cached(&sql).await?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = tx
        .query(&stmt, &[&now, &queue_time(lease_until), &limit, &skip])
        .await?;
    let mut claimed = Vec::with_capacity(rows.len());
    for row in rows {
        let id: String = get(&row, 0).map_err(StoreError::Corrupt)?;
        match stored(&row).and_then(StoredDelivery::decode) {
            Ok(record) => claimed.push(record.delivery),
            Err(why) => {
                tracing::warn!(id, error = %why, "a delivery cannot be read back; given up");
                tx.execute(
                    "UPDATE deliveries SET state = 'failed', lease_until = NULL, last_error = $2
                      WHERE id = $1",
                    &[&id, &format!("unreadable: {why}")],
                )
                .await?;
            }
        }
    }
    Ok(claimed)
}

/// When the next delivery falls due, leaving out those in `skip`.
pub async fn next_at(
    tx: &Transaction<'_>,
    skip: &[String],
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let stmt = tx
        .prepare_cached(
            "SELECT MIN(t) FROM (
               SELECT MIN(next_attempt_at) AS t FROM deliveries WHERE state = 'queued'
               UNION ALL
               SELECT MIN(lease_until) FROM deliveries
                WHERE state = 'sending' AND NOT (id = ANY($1))) AS due",
        )
        .await?;
    let next: Option<String> = tx.query_one(&stmt, &[&skip]).await?.try_get(0)?;
    next.map(|t| parse_time(&t).map_err(StoreError::Corrupt))
        .transpose()
}

/// The open incidents with when each was last paged (a round to its owner:
/// not one asking a helper) and last acknowledged (or taken over), lowest
/// id first.
pub async fn unanswered(tx: &Transaction<'_>) -> Result<Vec<Unanswered>, StoreError> {
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
    let stmt = tx.prepare_cached(&sql).await?;
    let mut open = Vec::new();
    for row in tx.query(&stmt, &[]).await? {
        let read = incident_from_row(&row).and_then(|incident| {
            let time = |i: usize| -> Result<Option<DateTime<Utc>>, String> {
                get::<Option<&str>>(&row, i)?.map(parse_time).transpose()
            };
            Ok(Unanswered {
                incident,
                round_started: time(INCIDENT_COLUMN_COUNT)?,
                acknowledged_at: time(INCIDENT_COLUMN_COUNT + 1)?,
            })
        });
        match read {
            Ok(u) => open.push(u),
            Err(e) => {
                let id = row_id(&row);
                tracing::warn!(id, error = %e, "incident #{id} left out of repeats and ack timeouts");
            }
        }
    }
    Ok(open)
}

fn stored(r: &Row) -> Result<StoredDelivery, String> {
    Ok(StoredDelivery {
        id: get(r, 0)?,
        // 1, incident_id, is in `paged` too, as it was paged.
        recipient_kind: get(r, 2)?,
        recipient: get(r, 3)?,
        contact_index: get(r, 4)?,
        via: get(r, 5)?,
        contact_to: get(r, 6)?,
        event: get(r, 7)?,
        paged: get(r, 8)?,
        detail: get(r, 9)?,
        round: get(r, 10)?,
        started_at: get(r, 11)?,
        due_at: get(r, 12)?,
        state: get(r, 13)?,
        attempts: get(r, 14)?,
        next_attempt_at: get(r, 15)?,
        lease_until: get(r, 16)?,
        last_error: get(r, 17)?,
        answered_at: get(r, 18)?,
        stopped: get(r, 19)?,
    })
}
