//! The hub's SQLite file: opening it, reading incidents back, and running
//! each change as a durable transaction.
//!
//! One writing connection, so changes are serialised and a check-then-update
//! (like acknowledge's version check) cannot interleave with another change.
//! Changes reach it through the group-commit thread (`batch`), each in a
//! savepoint of its own; [`SqliteStore::write`] runs one transaction on the
//! caller's thread (tests). Readers take a connection from a small pool,
//! which WAL lets run beside the writer and beside each other, so rebuilding
//! a long list does not hold up a poll. SQLite blocks, so reads run on
//! `spawn_blocking` threads; the change code (`hub::apply`, async for every
//! store) runs to completion on the thread that holds the transaction, as
//! nothing it awaits here ever waits.
mod batch;
mod deliveries;
mod export;
mod file;
mod followups;
mod handoffs;
mod heartbeats;
mod overrides;
mod report;
mod rows;
mod schema;
mod squashes;
mod transaction;
mod writes;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, mpsc};
use std::thread::JoinHandle;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, ErrorCode, Transaction};

use crate::hub::apply::{self, Applied, Work};
use crate::hub::deliveries::{Delivery, DeliveryRecord};
use crate::hub::rota::Cover;
use crate::incident::{Handoff, Incident, Override, Squash};

use super::history::{HistoryQuery, history_sql};
use super::{Sink, Store, StoreError};

use rows::{FEED_ORDER, INCIDENT_COLUMNS, incident_from_row, is_bad_value, require, seq_in};
use rows::{to_i64, to_u64};
use transaction::SqliteTx;

pub use export::export;

/// Idle reader connections kept for the next read; more are opened when
/// more reads run at once, and closed after.
const IDLE_READERS: usize = 4;

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
                StoreError::Busy(e.to_string())
            }
            _ => StoreError::Db(e.to_string()),
        }
    }
}

/// The store over one SQLite file; cheap to clone.
#[derive(Clone)]
pub struct SqliteStore {
    shared: Arc<Shared>,
}

struct Shared {
    path: PathBuf,
    /// The group-commit thread's connection, for [`SqliteStore::write`].
    #[cfg(test)]
    writer: Arc<Mutex<Connection>>,
    readers: Mutex<Vec<Connection>>,
    /// The last committed change number, kept here so "has anything changed?"
    /// (ETags, list caches) never needs the database.
    seq: Arc<AtomicU64>,
    hub_id: String,
    jobs: Option<mpsc::Sender<batch::Job>>,
    batcher: Option<JoinHandle<()>>,
}

impl SqliteStore {
    /// Opens (creating if needed, owner-only) and migrates the database at
    /// `path`, and starts its group-commit thread. A file there that is not
    /// a database is refused ([`StoreError::NotADatabase`]).
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        file::prepare(path)?;
        let mut writer = connect(path)?;
        schema::migrate(&mut writer)?;
        let released = deliveries::release_leases(&writer)?;
        if released > 0 {
            tracing::info!(
                released,
                "pages in flight when the hub stopped go again now"
            );
        }
        let (seq, hub_id): (i64, String) =
            writer.query_row("SELECT change_seq, hub_id FROM hub WHERE id = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        let reader = connect(path)?;
        let writer = Arc::new(Mutex::new(writer));
        let seq = Arc::new(AtomicU64::new(to_u64(seq, "change_seq")?));
        let (jobs, queued) = mpsc::channel();
        let batcher = std::thread::Builder::new()
            .name("hub-writer".to_string())
            .spawn({
                let (writer, seq) = (writer.clone(), seq.clone());
                move || batch::run(writer, queued, seq)
            })
            .map_err(|e| StoreError::Worker(format!("cannot start the writer thread: {e}")))?;
        Ok(SqliteStore {
            shared: Arc::new(Shared {
                path: path.to_path_buf(),
                #[cfg(test)]
                writer,
                readers: Mutex::new(vec![reader]),
                seq,
                hub_id,
                jobs: Some(jobs),
                batcher: Some(batcher),
            }),
        })
    }

    /// Runs `f` in one write transaction and commits; an error rolls back.
    /// Returns only once the commit is on disk (`synchronous=FULL`).
    #[cfg(test)]
    pub fn write<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = lock(&self.shared.writer);
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        // Still under the writer lock, so the published number only grows.
        self.shared.seq.fetch_max(seq_in(&conn)?, Ordering::AcqRel);
        Ok(out)
    }

    /// Queues `change` for the group-commit thread: it runs in a savepoint of
    /// its own inside a transaction shared with the other changes waiting,
    /// and its result comes back once that transaction is on disk. An error
    /// rolls back this change alone. Nothing blocks: await the answer.
    fn submit<T, F>(&self, change: F) -> impl Future<Output = Result<T, StoreError>> + use<T, F>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>) -> Result<T, StoreError> + Send + 'static,
    {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let reply: batch::Reply<T> = Box::new(move |result| {
            // The client may have gone; the change stands all the same.
            let _ = answer.send(result);
        });
        let queued = self.shared.jobs.as_ref().is_some_and(|jobs| {
            jobs.send(Box::new(batch::Pending::new(change, reply)))
                .is_ok()
        });
        async move {
            if !queued {
                return Err(StoreError::Worker(
                    "the writer thread has stopped".to_string(),
                ));
            }
            answered.await.map_err(|_| {
                StoreError::Worker("the writer thread stopped before answering".to_string())
            })?
        }
    }

    /// Runs `f` on a blocking thread in one read transaction, so everything
    /// it reads is one consistent snapshot.
    async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let shared = self.shared.clone();
        tokio::task::spawn_blocking(move || shared.read(f))
            .await
            .map_err(|e| StoreError::Worker(e.to_string()))?
    }
}

impl Shared {
    fn read<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let idle = lock(&self.readers).pop();
        let mut conn = match idle {
            Some(conn) => conn,
            None => connect(&self.path)?,
        };
        let result = conn
            .transaction()
            .map_err(StoreError::from)
            .and_then(|tx| f(&tx));
        let mut idle = lock(&self.readers);
        if idle.len() < IDLE_READERS {
            idle.push(conn);
        }
        result
    }

    fn feed<S: Sink>(&self, open_only: bool, since: u64, sink: &mut S) -> Result<u64, StoreError> {
        self.read(|tx| feed_in(tx, open_only, since, sink))
    }
}

/// [`Store::feed`] in one read transaction on `conn`.
fn feed_in<S: Sink>(
    conn: &Connection,
    open_only: bool,
    since: u64,
    sink: &mut S,
) -> Result<u64, StoreError> {
    let seq = seq_in(conn)?;
    let sql = format!(
        "SELECT {INCIDENT_COLUMNS} FROM incidents WHERE change_seq > ?1 {} {FEED_ORDER}",
        if open_only {
            "AND status <> 'resolved'"
        } else {
            ""
        }
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query([to_i64(since)])?;
    while let Some(row) = rows.next()? {
        match incident_from_row(row) {
            Ok(incident) => sink.incident(seq, incident)?,
            Err(e) if is_bad_value(&e) => {
                let id: i64 = row.get(0)?;
                tracing::warn!(id, error = %e, "incident #{id} left out of the list: its row cannot be read");
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(seq)
}

/// [`Store::resolved`] on `conn`.
fn resolved_in(conn: &Connection, query: &HistoryQuery) -> Result<Vec<Incident>, StoreError> {
    let (before, limit, patterns) = query.params();
    let sql = history_sql(patterns.len(), |n| format!("?{n}"));
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut params: Vec<&dyn rusqlite::ToSql> = vec![&before, &limit];
    params.extend(patterns.iter().map(|p| p as &dyn rusqlite::ToSql));
    let mut rows = stmt.query(params.as_slice())?;
    let mut found = Vec::new();
    while let Some(row) = rows.next()? {
        match incident_from_row(row) {
            Ok(incident) => found.push(incident),
            Err(e) if is_bad_value(&e) => {
                let id: i64 = row.get(0)?;
                tracing::warn!(id, error = %e, "incident #{id} left out of a search: its row cannot be read");
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(found)
}

impl Store for SqliteStore {
    fn hub_id(&self) -> &str {
        &self.shared.hub_id
    }

    async fn current_seq(&self) -> Result<u64, StoreError> {
        Ok(self.shared.seq.load(Ordering::Acquire))
    }

    async fn get(&self, id: u64) -> Result<Incident, StoreError> {
        self.read(move |tx| require(tx, id)).await
    }

    async fn feed<S: Sink>(
        &self,
        open_only: bool,
        since: u64,
        mut sink: S,
    ) -> Result<(u64, S), StoreError> {
        let shared = self.shared.clone();
        tokio::task::spawn_blocking(move || {
            let seq = shared.feed(open_only, since, &mut sink)?;
            Ok((seq, sink))
        })
        .await
        .map_err(|e| StoreError::Worker(e.to_string()))?
    }

    async fn resolved(&self, query: HistoryQuery) -> Result<Vec<Incident>, StoreError> {
        self.read(move |tx| resolved_in(tx, &query)).await
    }

    async fn covers(&self, since: DateTime<Utc>) -> Result<Vec<Cover>, StoreError> {
        self.read(move |tx| handoffs::covers(tx, since)).await
    }

    async fn latest_handoff(&self, to: Option<String>) -> Result<Option<Handoff>, StoreError> {
        self.read(move |tx| handoffs::latest(tx, to.as_deref()))
            .await
    }

    async fn apply(&self, work: Work) -> Result<Applied, StoreError> {
        let dry_run = work.dry_run;
        let run = move |tx: &Transaction<'_>| {
            futures::executor::block_on(apply::run(&mut SqliteTx::new(tx), &work))
        };
        if dry_run {
            return self.read(run).await;
        }
        self.submit(run).await
    }

    async fn claim_deliveries(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: usize,
        skip: Vec<String>,
    ) -> Result<Vec<Delivery>, StoreError> {
        self.submit(move |tx| deliveries::claim(tx, now, lease_until, limit, &skip))
            .await
    }

    async fn next_delivery_at(
        &self,
        skip: Vec<String>,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.read(move |tx| deliveries::next_at(tx, &skip)).await
    }

    async fn deliveries(&self, incident: Option<u64>) -> Result<Vec<DeliveryRecord>, StoreError> {
        self.read(move |tx| deliveries::of_incident(tx, incident))
            .await
    }

    async fn heartbeats(&self) -> Result<Vec<crate::hub::heartbeat::Beat>, StoreError> {
        self.read(|tx| heartbeats::all(tx)).await
    }

    async fn report(
        &self,
        window: crate::hub::store::ReportWindow,
    ) -> Result<crate::report::NoiseReport, StoreError> {
        self.read(move |tx| report::report(tx, &window)).await
    }

    async fn squashes(&self, after: Option<DateTime<Utc>>) -> Result<Vec<Squash>, StoreError> {
        self.read(move |tx| squashes::since(tx, after)).await
    }

    async fn overrides(&self, after: DateTime<Utc>) -> Result<Vec<Override>, StoreError> {
        self.read(move |tx| overrides::live(tx, after)).await
    }

    async fn followups(
        &self,
        owner: Option<String>,
        open_only: bool,
    ) -> Result<Vec<crate::incident::Followup>, StoreError> {
        self.read(move |tx| followups::list(tx, owner.as_deref(), open_only))
            .await
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        // No sender, no more jobs: the thread finishes what it holds and ends.
        self.jobs = None;
        if let Some(batcher) = self.batcher.take()
            && batcher.thread().id() != std::thread::current().id()
        {
            // Waited for, so the file is closed once the store is gone (a
            // restart on the same file finds it free).
            let _ = batcher.join();
        }
    }
}

fn connect(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Corrupt(format!(
            "{} cannot use write-ahead logging (journal mode stays {mode})",
            path.display()
        )));
    }
    // An answered write must survive power loss, not just a crash.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(conn)
}

// A panic while a connection was locked unwound through its Transaction,
// which rolled back; the connection itself is still sound.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests;
