//! Heartbeats in PostgreSQL's SQL: one row per heartbeat pinged at least
//! once, read whole and written whole, in the text forms SQLite keeps
//! (`stored::StoredBeat`), so `oncall migrate` copies rows as they are.
use deadpool_postgres::Transaction;
use tokio_postgres::Row;

use crate::hub::heartbeat::Beat;
use crate::hub::store::stored::{HEARTBEAT_COLUMNS, StoredBeat};

use super::StoreError;
use super::rows::get;

fn decoded(r: &Row) -> Result<Beat, String> {
    StoredBeat {
        name: get(r, 0)?,
        state: get(r, 1)?,
        since: get(r, 2)?,
        last_ping: get(r, 3)?,
        last_status: get(r, 4)?,
        exit_code: get(r, 5)?,
        run_id: get(r, 6)?,
        log: get(r, 7)?,
        run_started: get(r, 8)?,
        due: get(r, 9)?,
    }
    .decode()
}

/// Heartbeat `name`'s row, if it has one.
pub async fn one(tx: &Transaction<'_>, name: &str) -> Result<Option<Beat>, StoreError> {
    let row = tx
        .query_opt(
            &format!("SELECT {HEARTBEAT_COLUMNS} FROM heartbeats WHERE name = $1"),
            &[&name],
        )
        .await?;
    row.as_ref()
        .map(decoded)
        .transpose()
        .map_err(StoreError::Corrupt)
}

/// Every heartbeat's row, by name; one that cannot be read is logged and
/// left out.
pub async fn all(tx: &Transaction<'_>) -> Result<Vec<Beat>, StoreError> {
    let rows = tx
        .query(
            &format!("SELECT {HEARTBEAT_COLUMNS} FROM heartbeats ORDER BY name"),
            &[],
        )
        .await?;
    let mut beats = Vec::new();
    for row in &rows {
        match decoded(row) {
            Ok(beat) => beats.push(beat),
            Err(e) => tracing::error!(error = %e, "a heartbeat cannot be read from the database"),
        }
    }
    Ok(beats)
}

/// Writes `beat`'s row, made or replaced.
pub async fn put(tx: &Transaction<'_>, beat: &Beat) -> Result<(), StoreError> {
    let s = StoredBeat::of(beat);
    tx.execute(
        &format!(
            "INSERT INTO heartbeats ({HEARTBEAT_COLUMNS})
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (name) DO UPDATE SET
                 state = EXCLUDED.state, since = EXCLUDED.since,
                 last_ping = EXCLUDED.last_ping, last_status = EXCLUDED.last_status,
                 exit_code = EXCLUDED.exit_code, run_id = EXCLUDED.run_id,
                 log = EXCLUDED.log, run_started = EXCLUDED.run_started, due = EXCLUDED.due"
        ),
        &[
            &s.name,
            &s.state,
            &s.since,
            &s.last_ping,
            &s.last_status,
            &s.exit_code,
            &s.run_id,
            &s.log,
            &s.run_started,
            &s.due,
        ],
    )
    .await?;
    Ok(())
}
