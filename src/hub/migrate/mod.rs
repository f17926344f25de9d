//! `oncall migrate --from PATH --to postgres://...`: a SQLite hub moved to
//! PostgreSQL, where several hubs may serve it, and then checked.
//!
//! The SQLite file is read in one read transaction, without changing it
//! (`store::sqlite::export`); its rows go into the empty database in one
//! PostgreSQL transaction (`store::postgres::import`), as they are: ids,
//! timelines, steps, hand-offs, idempotency records, deliveries with their
//! states and leases, the change number and the hub id. Keeping the change
//! number and the hub id means a console polling the old hub keeps its
//! cursor and ETag when it is pointed at a hub on the new database: the
//! same id tells it the data is the same, and the next change is the next
//! number, so it picks up only what changed instead of reloading the list.
//! (This is also why the SQLite hub must not serve the file again: two
//! databases with one id and diverging changes would mislead consoles.)
//!
//! Then both are compared ([`compare`]): row by row, and as the hub reads
//! them, through each store's own read paths.
mod compare;

use std::path::Path;

use serde::Serialize;

use super::store::copy::{self, HubRows, HubView, TABLES};
use super::store::{PgTarget, PostgresStore, StoreError, postgres, sqlite};

pub use compare::differences;

/// What a migration or a comparison found.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The SQLite file.
    pub from: String,
    /// The database, without its password.
    pub to: String,
    /// Rows of each kind, in the SQLite file and in PostgreSQL.
    pub counts: Vec<Count>,
    /// The change number in each.
    pub change_seq: (i64, i64),
    /// The hub id in each.
    pub hub_id: (String, String),
    /// Every difference found, in words; none when both hold the same.
    pub differences: Vec<String>,
}

impl Report {
    /// Whether both hold the same.
    pub fn same(&self) -> bool {
        self.differences.is_empty()
    }
}

/// How many rows of one kind each holds.
#[derive(Debug, Clone, Serialize)]
pub struct Count {
    pub what: &'static str,
    pub sqlite: usize,
    pub postgres: usize,
}

/// Copies the hub at `from` into the empty database `to`, then compares
/// them. Nothing is written to `to` unless everything is (and nothing ever
/// to `from`).
pub async fn migrate(from: &Path, to: &PgTarget) -> Result<Report, StoreError> {
    let (rows, view) = read_file(from).await?;
    postgres::import(to, &rows).await?;
    compare_with(from, rows, view, to).await
}

/// Compares the hub at `from` with the database `to`.
pub async fn compare(from: &Path, to: &PgTarget) -> Result<Report, StoreError> {
    let (rows, view) = read_file(from).await?;
    compare_with(from, rows, view, to).await
}

async fn read_file(from: &Path) -> Result<(HubRows, HubView), StoreError> {
    let from = from.to_path_buf();
    tokio::task::spawn_blocking(move || sqlite::export(&from))
        .await
        .map_err(|e| StoreError::Worker(e.to_string()))?
}

async fn compare_with(
    from: &Path,
    rows: HubRows,
    view: HubView,
    to: &PgTarget,
) -> Result<Report, StoreError> {
    let theirs = postgres::export(to).await?;
    let mut ids: Vec<u64> = view.incidents.keys().copied().collect();
    ids.extend(
        theirs
            .rows("incidents")
            .iter()
            .filter_map(|r| match r.first() {
                Some(copy::Value::Int(id)) => u64::try_from(*id).ok(),
                _ => None,
            }),
    );
    ids.sort_unstable();
    ids.dedup();
    let store = PostgresStore::connect(to).await?;
    let their_view = copy::view_of(&store, &ids).await?;
    drop(store);
    let counts = TABLES
        .iter()
        .map(|t| Count {
            what: t.what.1,
            sqlite: rows.rows(t.name).len(),
            postgres: theirs.rows(t.name).len(),
        })
        .collect();
    Ok(Report {
        from: from.display().to_string(),
        to: to.to_string(),
        counts,
        change_seq: (rows.change_seq, theirs.change_seq),
        hub_id: (rows.hub_id.clone(), theirs.hub_id.clone()),
        differences: differences(&rows, &view, &theirs, &their_view),
    })
}
