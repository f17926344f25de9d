//! Overrides in PostgreSQL, as `sqlite/overrides.rs`: made, removed, read
//! back one at a time, and those in force and upcoming.
use chrono::{DateTime, Utc};
use deadpool_postgres::Transaction;
use tokio_postgres::Row;

use crate::hub::rules::Actor;
use crate::hub::store::overrides::{OVERRIDE_COLUMNS, StoredOverride, live_sql};
use crate::hub::store::stored::queue_time;
use crate::incident::{NewOverride, Override};

use super::StoreError;
use super::rows::{get, get_u64, to_i64};

/// Records `new` as made by `by`; the override as recorded.
pub async fn insert(
    tx: &Transaction<'_>,
    by: &Actor<'_>,
    new: &NewOverride,
) -> Result<Override, StoreError> {
    let stmt = tx
        .prepare_cached(
            "INSERT INTO overrides (responder, starts, until, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .await?;
    let row = tx
        .query_one(
            &stmt,
            &[
                &new.responder,
                &queue_time(new.start),
                &queue_time(new.end),
                &by.who,
                &queue_time(by.now),
            ],
        )
        .await?;
    let id = get_u64(&row, 0).map_err(StoreError::Corrupt)?;
    find(tx, id)
        .await?
        .ok_or_else(|| StoreError::Corrupt("a new override is not there".into()))
}

/// Marks override `id` removed by `by`, now.
pub async fn remove(tx: &Transaction<'_>, by: &Actor<'_>, id: u64) -> Result<(), StoreError> {
    let stmt = tx
        .prepare_cached("UPDATE overrides SET removed_by = $2, removed_at = $3 WHERE id = $1")
        .await?;
    tx.execute(&stmt, &[&to_i64(id), &by.who, &queue_time(by.now)])
        .await?;
    Ok(())
}

/// Override `id`, if there is one.
pub async fn find(tx: &Transaction<'_>, id: u64) -> Result<Option<Override>, StoreError> {
    let sql = format!("SELECT {OVERRIDE_COLUMNS} FROM overrides WHERE id = $1");
    let stmt = tx.prepare_cached(&sql).await?;
    tx.query_opt(&stmt, &[&to_i64(id)])
        .await?
        .map(|r| decode(&r))
        .transpose()
}

/// The overrides not removed that end after `after`, soonest first.
pub async fn live(tx: &Transaction<'_>, after: DateTime<Utc>) -> Result<Vec<Override>, StoreError> {
    let stmt = tx.prepare_cached(&live_sql("$1")).await?;
    tx.query(&stmt, &[&queue_time(after)])
        .await?
        .iter()
        .map(decode)
        .collect()
}

fn decode(r: &Row) -> Result<Override, StoreError> {
    let stored = (|| -> Result<StoredOverride, String> {
        Ok(StoredOverride {
            id: get(r, 0)?,
            responder: get(r, 1)?,
            starts: get(r, 2)?,
            until: get(r, 3)?,
            created_by: get(r, 4)?,
            created_at: get(r, 5)?,
            removed_by: get(r, 6)?,
            removed_at: get(r, 7)?,
        })
    })();
    stored
        .and_then(StoredOverride::decode)
        .map_err(StoreError::Corrupt)
}
