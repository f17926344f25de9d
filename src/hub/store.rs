//! The hub's SQLite file: opening it, reading incidents back, and running
//! each change as a durable transaction.
//!
//! One writing connection, so changes are serialised and a check-then-update
//! (like acknowledge's version check) cannot interleave with another change.
//! Changes from requests reach it through the group-commit thread
//! ([`Store::submit`], see `batch`); [`Store::write`] runs one transaction on
//! the caller's thread (bulk loads, the timers, tests). Readers take a
//! connection from a small pool, which WAL lets run beside the writer and
//! beside each other, so rebuilding a long list does not hold up a poll.
//! Reads and [`Store::write`] block; the HTTP side runs them on
//! `spawn_blocking` threads.
mod batch;
mod file;
mod rows;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, mpsc};
use std::thread::JoinHandle;

use rusqlite::{Connection, ErrorCode, Transaction, TransactionBehavior};

use crate::incident::Incident;

use super::schema;

use rows::{FEED_ORDER, INCIDENT_COLUMNS, incident_from_row, is_bad_value, to_u64};
pub use rows::{find, open_with_key, parse_time, require, seq_in, time_text, to_i64};

/// Idle reader connections kept for the next read; more are opened when
/// more reads run at once, and closed after.
const IDLE_READERS: usize = 4;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("there is no incident #{0}")]
    NotFound(u64),
    /// The request cannot be carried out as asked (a hand-off to nobody); the
    /// message says what to send instead.
    #[error("{0}")]
    Invalid(String),
    /// The one asking may not make this change (a hand-off by someone who
    /// is not on call); the message says who may.
    #[error("{0}")]
    Forbidden(String),
    /// The incident's state does not allow the change; `code` is the wire code.
    #[error("{message}")]
    Refused {
        code: &'static str,
        message: String,
        incident: Box<Incident>,
    },
    #[error("database busy: {0}")]
    Busy(rusqlite::Error),
    #[error("database error: {0}")]
    Db(rusqlite::Error),
    #[error(
        "the database was written by a newer oncall (schema {found}, this one knows up to {known}): \
         run a newer oncall, or point --db at another file"
    )]
    TooNew { found: i64, known: i64 },
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
    /// One incident's row holds what this hub cannot read back (edited by
    /// hand, a damaged page): the other incidents are unaffected.
    #[error("incident #{id} is stored in a form this hub cannot read: {detail}")]
    Unreadable { id: u64, detail: String },
    /// The file at the database's path is something else: SQLite would
    /// take it for a new database and the hub would start over on it.
    #[error(
        "{} {why}, so it is not an oncall hub database, and the hub will not start a new one over it: \
         move it away to start a new hub at this path, or point --db at the hub's database file",
        path.display()
    )]
    NotADatabase { path: PathBuf, why: String },
    #[error("{0}")]
    File(String),
    #[error("database worker stopped: {0}")]
    Worker(String),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Busy(e),
            _ => StoreError::Db(e),
        }
    }
}

pub struct Store {
    path: PathBuf,
    writer: Arc<Mutex<Connection>>,
    readers: Mutex<Vec<Connection>>,
    /// The last committed change number, kept here so "has anything changed?"
    /// (ETags, list caches) never needs the database.
    seq: Arc<AtomicU64>,
    hub_id: String,
    jobs: Option<mpsc::Sender<batch::Job>>,
    batcher: Option<JoinHandle<()>>,
}

impl Store {
    /// Opens (creating if needed, owner-only) and migrates the database at
    /// `path`, and starts its group-commit thread. A file there that is not
    /// a database is refused ([`StoreError::NotADatabase`]).
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        file::prepare(path)?;
        let mut writer = connect(path)?;
        schema::migrate(&mut writer)?;
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
        Ok(Store {
            path: path.to_path_buf(),
            writer,
            readers: Mutex::new(vec![reader]),
            seq,
            hub_id,
            jobs: Some(jobs),
            batcher: Some(batcher),
        })
    }

    pub fn current_seq(&self) -> u64 {
        self.seq.load(Ordering::Acquire)
    }

    /// A name for this database file, stable across restarts.
    pub fn hub_id(&self) -> &str {
        &self.hub_id
    }

    /// Runs `f` in one write transaction and commits; an error rolls back.
    /// Returns only once the commit is on disk (`synchronous=FULL`).
    pub fn write<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        // Still under the writer lock, so the published number only grows.
        self.seq.fetch_max(seq_in(&conn)?, Ordering::AcqRel);
        Ok(out)
    }

    /// Queues `change` for the group-commit thread: it runs in a savepoint of
    /// its own inside a transaction shared with the other changes waiting,
    /// and its result comes back once that transaction is on disk. An error
    /// rolls back this change alone. Nothing blocks: await the answer.
    pub fn submit<T, F>(&self, change: F) -> impl Future<Output = Result<T, StoreError>> + use<T, F>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>) -> Result<T, StoreError> + Send + 'static,
    {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let reply: batch::Reply<T> = Box::new(move |result| {
            // The client may have gone; the change stands all the same.
            let _ = answer.send(result);
        });
        let queued = self.jobs.as_ref().is_some_and(|jobs| {
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

    /// Runs `f` in one read transaction, so everything it reads is one
    /// consistent snapshot.
    pub fn read<T>(
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

    /// The incident with its timeline.
    pub fn get(&self, id: u64) -> Result<Incident, StoreError> {
        self.read(|tx| require(tx, id))
    }

    /// The change number the snapshot was taken at, and the incidents (without
    /// timelines) whose last change came after `since`, in feed order.
    pub fn list(&self, open_only: bool, since: u64) -> Result<(u64, Vec<Incident>), StoreError> {
        let mut incidents = Vec::new();
        let seq = self.feed(open_only, since, |_, incident| {
            incidents.push(incident);
            Ok(())
        })?;
        Ok((seq, incidents))
    }

    /// As [`Store::list`], one incident at a time: a long list is never
    /// held whole, only what `each` makes of it. `each` gets the snapshot's
    /// change number with every incident; it is also returned. A row that
    /// cannot be read back is left out and logged with its id: one bad row
    /// must not take the whole feed away from every console.
    pub fn feed(
        &self,
        open_only: bool,
        since: u64,
        mut each: impl FnMut(u64, Incident) -> Result<(), StoreError>,
    ) -> Result<u64, StoreError> {
        self.read(|tx| {
            let seq = seq_in(tx)?;
            let sql = format!(
                "SELECT {INCIDENT_COLUMNS} FROM incidents WHERE change_seq > ?1 {} {FEED_ORDER}",
                if open_only {
                    "AND status <> 'resolved'"
                } else {
                    ""
                }
            );
            let mut stmt = tx.prepare_cached(&sql)?;
            let mut rows = stmt.query([to_i64(since)])?;
            while let Some(row) = rows.next()? {
                match incident_from_row(row) {
                    Ok(incident) => each(seq, incident)?,
                    Err(e) if is_bad_value(&e) => {
                        let id: i64 = row.get(0)?;
                        tracing::warn!(id, error = %e, "incident #{id} left out of the list: its row cannot be read");
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            Ok(seq)
        })
    }
}

impl Drop for Store {
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
