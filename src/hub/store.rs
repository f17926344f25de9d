//! The hub's SQLite file: opening it, reading incidents back, and running
//! each change as one durable transaction.
//!
//! Two connections: one writer, so changes are serialised and a
//! check-then-update (like acknowledge's version check) cannot interleave with
//! another change, and one reader, which WAL lets run beside the writer.
//! Both are plain blocking calls; the HTTP side runs them on
//! `spawn_blocking` threads.
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, ErrorCode, OptionalExtension, Row, Transaction, TransactionBehavior};

use crate::incident::{EventKind, Incident, Severity, Status, TimelineEntry};

use super::schema;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("there is no incident #{0}")]
    NotFound(u64),
    /// The request cannot be carried out as asked (a hand-off to nobody); the
    /// message says what to send instead.
    #[error("{0}")]
    Invalid(String),
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
    writer: Mutex<Connection>,
    reader: Mutex<Connection>,
    /// The last committed change number, kept here so "has anything changed?"
    /// (ETags, list caches) never needs the database.
    seq: AtomicU64,
    hub_id: String,
}

impl Store {
    /// Opens (creating if needed) and migrates the database at `path`.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let mut writer = connect(path)?;
        schema::migrate(&mut writer)?;
        let (seq, hub_id): (i64, String) =
            writer.query_row("SELECT change_seq, hub_id FROM hub WHERE id = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        let reader = connect(path)?;
        Ok(Store {
            writer: Mutex::new(writer),
            reader: Mutex::new(reader),
            seq: AtomicU64::new(to_u64(seq, "change_seq")?),
            hub_id,
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
        let seq: i64 =
            conn.query_row("SELECT change_seq FROM hub WHERE id = 1", [], |r| r.get(0))?;
        self.seq
            .fetch_max(to_u64(seq, "change_seq")?, Ordering::AcqRel);
        Ok(out)
    }

    /// Runs `f` in one read transaction, so everything it reads is one
    /// consistent snapshot.
    pub fn read<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = lock(&self.reader);
        let tx = conn.transaction()?;
        f(&tx)
    }

    /// The incident with its timeline.
    pub fn get(&self, id: u64) -> Result<Incident, StoreError> {
        self.read(|tx| require(tx, id))
    }

    /// The change number the snapshot was taken at, and the incidents (without
    /// timelines) whose last change came after `since`, in feed order.
    pub fn list(&self, open_only: bool, since: u64) -> Result<(u64, Vec<Incident>), StoreError> {
        self.read(|tx| {
            let seq = seq_in(tx)?;
            let sql = format!(
                "SELECT {INCIDENT_COLUMNS} FROM incidents WHERE change_seq > ?1 {}",
                if open_only {
                    "AND status <> 'resolved'"
                } else {
                    ""
                }
            );
            let mut stmt = tx.prepare(&sql)?;
            let mut incidents = stmt
                .query_map([to_i64(since)], incident_from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            sort_for_feed(&mut incidents);
            Ok((seq, incidents))
        })
    }
}

/// Open before resolved, then most severe, then newest: what needs a human
/// now is at the top.
pub fn sort_for_feed(incidents: &mut [Incident]) {
    incidents.sort_by(|a, b| {
        (!a.status.is_open(), a.severity)
            .cmp(&(!b.status.is_open(), b.severity))
            .then_with(|| b.created_at.cmp(&a.created_at))
            .then_with(|| b.id.cmp(&a.id))
    });
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
fn lock(m: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

pub fn seq_in(conn: &Connection) -> Result<u64, StoreError> {
    let seq: i64 = conn.query_row("SELECT change_seq FROM hub WHERE id = 1", [], |r| r.get(0))?;
    to_u64(seq, "change_seq")
}

pub const INCIDENT_COLUMNS: &str = "id, dedup_key, title, service, severity, status, labels, \
     description, runbook, runbook_url, source, created_at, updated_at, owner, \
     escalation_level, occurrences, version";

fn incident_from_row(r: &Row<'_>) -> rusqlite::Result<Incident> {
    let labels: String = r.get(6)?;
    Ok(Incident {
        id: get_u64(r, 0)?,
        dedup_key: r.get(1)?,
        title: r.get(2)?,
        service: r.get(3)?,
        severity: parse_col(r, 4, |s| s.parse::<Severity>())?,
        status: parse_col(r, 5, parse_status)?,
        labels: serde_json::from_str(&labels).map_err(|e| conversion(6, e))?,
        description: r.get(7)?,
        runbook: r.get(8)?,
        runbook_url: r.get(9)?,
        source: r.get(10)?,
        created_at: parse_col(r, 11, parse_time)?,
        updated_at: parse_col(r, 12, parse_time)?,
        owner: r.get(13)?,
        escalation_level: r.get(14)?,
        occurrences: get_u64(r, 15)?,
        version: get_u64(r, 16)?,
        timeline: Vec::new(),
        steps: Default::default(),
    })
}

/// The incident, without its timeline, if it exists.
pub fn find(conn: &Connection, id: u64) -> Result<Option<Incident>, StoreError> {
    let sql = format!("SELECT {INCIDENT_COLUMNS} FROM incidents WHERE id = ?1");
    Ok(conn
        .query_row(&sql, [to_i64(id)], incident_from_row)
        .optional()?)
}

/// The incident with its timeline, oldest entry first.
pub fn require(conn: &Connection, id: u64) -> Result<Incident, StoreError> {
    let mut incident = find(conn, id)?.ok_or(StoreError::NotFound(id))?;
    let mut stmt = conn.prepare_cached(
        "SELECT at, who, kind, text FROM timeline WHERE incident_id = ?1 ORDER BY id",
    )?;
    incident.timeline = stmt
        .query_map([to_i64(id)], |r| {
            Ok(TimelineEntry {
                at: parse_col(r, 0, parse_time)?,
                who: r.get(1)?,
                kind: parse_col(r, 2, parse_kind)?,
                text: r.get(3)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT runbook, step FROM steps WHERE incident_id = ?1 ORDER BY runbook, step",
    )?;
    let rows = stmt.query_map([to_i64(id)], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?))
    })?;
    for row in rows {
        let (runbook, step) = row?;
        incident.steps.entry(runbook).or_default().insert(step);
    }
    Ok(incident)
}

pub fn time_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

pub fn parse_time(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("bad time '{s}': {e}"))
}

fn parse_status(s: &str) -> Result<Status, String> {
    match s {
        "triggered" => Ok(Status::Triggered),
        "acknowledged" => Ok(Status::Acknowledged),
        "resolved" => Ok(Status::Resolved),
        other => Err(format!("unknown status '{other}'")),
    }
}

fn parse_kind(s: &str) -> Result<EventKind, String> {
    serde_json::from_value(serde_json::Value::String(s.to_string()))
        .map_err(|_| format!("unknown timeline kind '{s}'"))
}

fn parse_col<T, E: std::fmt::Display>(
    r: &Row<'_>,
    idx: usize,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> rusqlite::Result<T> {
    let s: String = r.get(idx)?;
    parse(&s).map_err(|e| conversion(idx, e))
}

fn get_u64(r: &Row<'_>, idx: usize) -> rusqlite::Result<u64> {
    let v: i64 = r.get(idx)?;
    u64::try_from(v).map_err(|_| rusqlite::Error::IntegralValueOutOfRange(idx, v))
}

fn conversion(idx: usize, e: impl std::fmt::Display) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        idx,
        rusqlite::types::Type::Text,
        Box::new(std::io::Error::other(e.to_string())),
    )
}

fn to_u64(v: i64, what: &str) -> Result<u64, StoreError> {
    u64::try_from(v).map_err(|_| StoreError::Corrupt(format!("{what} is negative ({v})")))
}

/// Ids and counters beyond i64 cannot exist in SQLite; such a value from a
/// client simply matches nothing.
pub fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}
