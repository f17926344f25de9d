//! Squashes in PostgreSQL, as `sqlite/squashes.rs`: made, removed, read
//! back one at a time, those not yet over, and the history since a time.
use chrono::{DateTime, Utc};
use deadpool_postgres::Transaction;
use tokio_postgres::Row;

use crate::hub::rules::{Actor, NewSquashRecord};
use crate::hub::store::stored::{
    SQUASH_COLUMNS, StoredSquash, matchers_json, queue_time, squash_over_after,
};
use crate::incident::{Incident, Squash};

use super::StoreError;
use super::rows::{get, get_u64, incident_from_row, row_id, to_i64};
use crate::hub::store::stored::INCIDENT_COLUMNS;

/// Records `record` as made by `by`; the squash as recorded.
pub async fn insert(
    tx: &Transaction<'_>,
    by: &Actor<'_>,
    record: &NewSquashRecord,
) -> Result<Squash, StoreError> {
    let stmt = tx
        .prepare_cached(
            "INSERT INTO squashes (matchers, starts, until, reason, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .await?;
    let row = tx
        .query_one(
            &stmt,
            &[
                &matchers_json(record)?,
                &queue_time(record.starts),
                &queue_time(record.until),
                &record.reason,
                &by.who,
                &queue_time(by.now),
            ],
        )
        .await?;
    let id = get_u64(&row, 0).map_err(StoreError::Corrupt)?;
    find(tx, id)
        .await?
        .ok_or_else(|| StoreError::Corrupt("a new squash is not there".into()))
}

/// Marks squash `id` removed by `by`, now.
pub async fn remove(tx: &Transaction<'_>, by: &Actor<'_>, id: u64) -> Result<(), StoreError> {
    let stmt = tx
        .prepare_cached("UPDATE squashes SET removed_by = $2, removed_at = $3 WHERE id = $1")
        .await?;
    tx.execute(&stmt, &[&to_i64(id), &by.who, &queue_time(by.now)])
        .await?;
    Ok(())
}

/// Squash `id`, if there is one.
pub async fn find(tx: &Transaction<'_>, id: u64) -> Result<Option<Squash>, StoreError> {
    let sql = format!("SELECT {SQUASH_COLUMNS} FROM squashes WHERE id = $1");
    let stmt = tx.prepare_cached(&sql).await?;
    tx.query_opt(&stmt, &[&to_i64(id)])
        .await?
        .map(|r| decode(&r))
        .transpose()
}

/// The squashes over after `after` (in force or scheduled then, or ended
/// since), or all of them; lowest id first.
pub async fn since(
    tx: &Transaction<'_>,
    after: Option<DateTime<Utc>>,
) -> Result<Vec<Squash>, StoreError> {
    let sql = format!(
        "SELECT {SQUASH_COLUMNS} FROM squashes WHERE $1::TEXT IS NULL OR {} ORDER BY id",
        squash_over_after("$1")
    );
    let stmt = tx.prepare_cached(&sql).await?;
    tx.query(&stmt, &[&after.map(queue_time)])
        .await?
        .iter()
        .map(decode)
        .collect()
}

fn decode(r: &Row) -> Result<Squash, StoreError> {
    let stored = (|| -> Result<StoredSquash, String> {
        Ok(StoredSquash {
            id: get(r, 0)?,
            matchers: get(r, 1)?,
            starts: get(r, 2)?,
            until: get(r, 3)?,
            reason: get(r, 4)?,
            created_by: get(r, 5)?,
            created_at: get(r, 6)?,
            removed_by: get(r, 7)?,
            removed_at: get(r, 8)?,
        })
    })();
    stored
        .and_then(StoredSquash::decode)
        .map_err(StoreError::Corrupt)
}

/// The open incidents marked squashed, lowest id first; one that cannot be
/// read is left out and logged, so it cannot keep the others quiet.
pub async fn squashed_open(tx: &Transaction<'_>) -> Result<Vec<Incident>, StoreError> {
    let sql = format!(
        "SELECT {INCIDENT_COLUMNS} FROM incidents
          WHERE squashed_by IS NOT NULL AND status <> 'resolved' ORDER BY id"
    );
    let stmt = tx.prepare_cached(&sql).await?;
    let mut open = Vec::new();
    for row in tx.query(&stmt, &[]).await? {
        match incident_from_row(&row) {
            Ok(incident) => open.push(incident),
            Err(e) => {
                let id = row_id(&row);
                tracing::warn!(id, error = %e, "incident #{id} left out of the squash pass");
            }
        }
    }
    Ok(open)
}
