//! Follow-ups in PostgreSQL, as `sqlite/followups.rs`: added, closed, read
//! back one at a time, and listed.
use deadpool_postgres::Transaction;
use tokio_postgres::Row;

use crate::hub::rules::{Actor, NewFollowupRecord};
use crate::hub::store::followups::{
    FOLLOWUP_SELECT, StoredFollowup, insert_values, list_filter, stored_note,
};
use crate::hub::store::stored::queue_time;
use crate::incident::{CloseFollowup, Followup};

use super::StoreError;
use super::rows::{get, get_u64, to_i64};

/// Records `record` as added by `by`; the follow-up as recorded.
pub async fn insert(
    tx: &Transaction<'_>,
    by: &Actor<'_>,
    record: &NewFollowupRecord,
) -> Result<Followup, StoreError> {
    let (incident, text, owner, due) = insert_values(record);
    let stmt = tx
        .prepare_cached(
            "INSERT INTO followups (incident_id, text, owner, due, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .await?;
    let row = tx
        .query_one(
            &stmt,
            &[&incident, &text, &owner, &due, &by.who, &queue_time(by.now)],
        )
        .await?;
    let id = get_u64(&row, 0).map_err(StoreError::Corrupt)?;
    find(tx, id)
        .await?
        .ok_or_else(|| StoreError::Corrupt("a new follow-up is not there".into()))
}

/// Closes follow-up `id` as `req` says, by `by`, now.
pub async fn close(
    tx: &Transaction<'_>,
    by: &Actor<'_>,
    id: u64,
    req: &CloseFollowup,
) -> Result<(), StoreError> {
    let stmt = tx
        .prepare_cached(
            "UPDATE followups SET status = $2, note = $3, closed_by = $4, closed_at = $5 WHERE id = $1",
        )
        .await?;
    let note = stored_note(req.note.as_deref());
    tx.execute(
        &stmt,
        &[
            &to_i64(id),
            &req.status.as_str(),
            &note,
            &by.who,
            &queue_time(by.now),
        ],
    )
    .await?;
    Ok(())
}

/// Follow-up `id`, if there is one.
pub async fn find(tx: &Transaction<'_>, id: u64) -> Result<Option<Followup>, StoreError> {
    let sql = format!("{FOLLOWUP_SELECT} WHERE f.id = $1");
    let stmt = tx.prepare_cached(&sql).await?;
    tx.query_opt(&stmt, &[&to_i64(id)])
        .await?
        .map(|r| decode(&r))
        .transpose()
}

/// The follow-ups of `owner` (everyone's when none), only the open ones
/// with `open_only`; lowest id first.
pub async fn list(
    tx: &Transaction<'_>,
    owner: Option<&str>,
    open_only: bool,
) -> Result<Vec<Followup>, StoreError> {
    let sql = format!(
        "{FOLLOWUP_SELECT} {} ORDER BY f.id",
        list_filter("$1::TEXT", "$2::BOOLEAN")
    );
    let stmt = tx.prepare_cached(&sql).await?;
    tx.query(&stmt, &[&owner, &open_only])
        .await?
        .iter()
        .map(decode)
        .collect()
}

fn decode(r: &Row) -> Result<Followup, StoreError> {
    let stored = (|| -> Result<StoredFollowup, String> {
        Ok(StoredFollowup {
            id: get(r, 0)?,
            incident_id: get(r, 1)?,
            incident_title: get(r, 2)?,
            text: get(r, 3)?,
            owner: get(r, 4)?,
            due: get(r, 5)?,
            status: get(r, 6)?,
            note: get(r, 7)?,
            created_by: get(r, 8)?,
            created_at: get(r, 9)?,
            closed_by: get(r, 10)?,
            closed_at: get(r, 11)?,
        })
    })();
    stored
        .and_then(StoredFollowup::decode)
        .map_err(StoreError::Corrupt)
}
