//! The hub on PostgreSQL, which several hubs may share: each answers every
//! route as a SQLite hub would, and together they act as one.
//!
//! - Writes are serialised across hubs as SQLite's single writer serialises
//!   them in one: every change (`Store::apply`) runs in a READ COMMITTED
//!   transaction that first takes `pg_advisory_xact_lock(WRITES_LOCK)`,
//!   held until it commits; the changes a hub is asked for at once share
//!   that transaction, each in a savepoint, and one commit (`batch`). So
//!   change numbers (a counter row bumped in the
//!   change's transaction) are taken and committed in the same order and
//!   without gaps, and a since-cursor never skips a change committed late;
//!   acknowledge's version check, folding by dedup key and Idempotency-Keys
//!   (recalled, then remembered, inside the one locked transaction) hold
//!   across hubs: the same key sent to two hubs at once has one effect. The
//!   timers' pass is a change too, so an overdue incident is escalated once,
//!   by whichever hub's pass comes first; a hub that dies loses its session
//!   and its lock with it, and the next pass of another hub goes ahead.
//! - Each commit notifies its change number (`changes`), and every hub
//!   follows the counter in memory, so `304`s never touch the database.
//! - Lists are read in one REPEATABLE READ snapshot, counter and rows alike.
//! - Deliveries are taken `FOR UPDATE SKIP LOCKED` under a lease
//!   (`deliveries`), outside the writes lock.
//! - The schema is migrated at start by one hub while the others wait
//!   (`schema`).
mod batch;
mod changes;
mod deliveries;
mod followups;
mod heartbeats;
mod import;
mod overrides;
mod report;
mod rows;
mod schema;
mod squashes;
mod target;
mod transaction;
mod writes;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod, Runtime};
use tokio::task::JoinHandle;
use tokio_postgres::error::SqlState;
use tokio_postgres::{IsolationLevel, NoTls, Row};

use crate::hub::apply::{self, Applied, Work};
use crate::hub::deliveries::{Delivery, DeliveryRecord};
use crate::hub::rota::Cover;
use crate::incident::{Handoff, Incident};

use super::history::{HistoryQuery, history_sql};
use super::{Sink, Store, StoreError};

use rows::{FEED_ORDER, incident_from_row, row_id, seq_in, to_i64};
use transaction::PgTx;

pub use import::{export, import};
pub use target::PgTarget;

/// Held by every writing transaction until it ends: one writer at a time
/// across every hub on the database.
const WRITES_LOCK: i64 = 0x6f6e_6361_6c6c_0002;

/// Connections each hub keeps at most.
const POOL_SIZE: usize = 16;

/// How long a request waits for a connection before it is answered busy.
const POOL_WAIT: Duration = Duration::from_secs(10);

/// How often a change the database turned back (a deadlock, a lost
/// connection before the commit) is tried again before the client is told.
const RETRIES: usize = 3;

impl From<tokio_postgres::Error> for StoreError {
    fn from(e: tokio_postgres::Error) -> Self {
        let busy = [
            SqlState::T_R_SERIALIZATION_FAILURE,
            SqlState::T_R_DEADLOCK_DETECTED,
            SqlState::LOCK_NOT_AVAILABLE,
            SqlState::TOO_MANY_CONNECTIONS,
            SqlState::CANNOT_CONNECT_NOW,
            SqlState::ADMIN_SHUTDOWN,
        ];
        match (e.as_db_error(), e.code()) {
            (_, Some(code)) if busy.contains(code) => StoreError::Busy(e.to_string()),
            (Some(db), _) => StoreError::Db(db.to_string()),
            _ if e.is_closed() => {
                StoreError::Busy("the connection to the database was lost".into())
            }
            _ => StoreError::Busy(e.to_string()),
        }
    }
}

/// The store over one PostgreSQL database; cheap to clone.
#[derive(Clone)]
pub struct PostgresStore {
    shared: Arc<Shared>,
}

struct Shared {
    target: PgTarget,
    pool: Pool,
    /// The last change number seen: committed here, notified by another
    /// hub, or read from the database (`changes`).
    seq: Arc<AtomicU64>,
    hub_id: String,
    /// Where changes are made, a batch at a time (`batch`).
    writer: batch::Writer,
    /// The tasks following the change counter, and the writer's.
    followers: Vec<JoinHandle<()>>,
}

impl Drop for Shared {
    fn drop(&mut self) {
        for task in &self.followers {
            task.abort();
        }
    }
}

impl PostgresStore {
    /// Connects to `target`, migrates it (one hub at a time), and starts
    /// following its change counter.
    pub async fn connect(target: &PgTarget) -> Result<PostgresStore, StoreError> {
        // Errors here are said by the caller with the database's name.
        let mut client = target.connect().await?;
        schema::migrate(&mut client).await?;
        drop(client);
        let manager = Manager::from_config(
            target.config().clone(),
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(POOL_WAIT))
            .build()
            .map_err(|e| StoreError::Worker(format!("cannot make a connection pool: {e}")))?;
        let conn = pool
            .get()
            .await
            .map_err(|e| StoreError::Busy(format!("cannot connect: {}", target::said(&e))))?;
        let row = conn
            .query_one("SELECT change_seq, hub_id FROM hub WHERE id = 1", &[])
            .await?;
        let seq = rows::get_u64(&row, 0).map_err(StoreError::Corrupt)?;
        let hub_id: String = rows::get(&row, 1).map_err(StoreError::Corrupt)?;
        drop(conn);
        let seq = Arc::new(AtomicU64::new(seq));
        let mut followers = changes::follow(target.clone(), pool.clone(), seq.clone());
        let (writer, writing) = batch::Writer::start(pool.clone(), target.clone(), seq.clone());
        followers.push(writing);
        tracing::info!(db = %target, "the hub's store is PostgreSQL");
        Ok(PostgresStore {
            shared: Arc::new(Shared {
                target: target.clone(),
                pool,
                seq,
                hub_id,
                writer,
                followers,
            }),
        })
    }

    async fn conn(&self) -> Result<Object, StoreError> {
        self.shared
            .pool
            .get()
            .await
            .map_err(|e| self.shared.target.unreachable(&e))
    }

    /// Has the change number reach at least `seq`.
    fn seen(&self, seq: u64) {
        self.shared.seq.fetch_max(seq, Ordering::AcqRel);
    }

    /// Runs a dry run in a read-only snapshot.
    async fn try_out(&self, work: &Work) -> Result<Applied, StoreError> {
        let mut conn = self.conn().await?;
        let tx = snapshot(&mut conn).await?;
        let applied = apply::run(&mut PgTx::new(&tx), work).await?;
        tx.rollback().await?;
        Ok(applied)
    }

    async fn feed_rows(&self, open_only: bool, since: u64) -> Result<(u64, Vec<Row>), StoreError> {
        let mut conn = self.conn().await?;
        let tx = snapshot(&mut conn).await?;
        let seq = seq_in(&tx).await?;
        let sql = format!(
            "SELECT {} FROM incidents WHERE change_seq > $1 {} {FEED_ORDER}",
            crate::hub::store::stored::INCIDENT_COLUMNS,
            if open_only {
                "AND status <> 'resolved'"
            } else {
                ""
            }
        );
        let stmt = tx.prepare_cached(&sql).await?;
        let rows = tx.query(&stmt, &[&to_i64(since)]).await?;
        tx.commit().await?;
        Ok((seq, rows))
    }
}

/// A read-only transaction that sees one snapshot throughout.
async fn snapshot(conn: &mut Object) -> Result<deadpool_postgres::Transaction<'_>, StoreError> {
    Ok(conn
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await?)
}

impl Store for PostgresStore {
    fn hub_id(&self) -> &str {
        &self.shared.hub_id
    }

    async fn current_seq(&self) -> Result<u64, StoreError> {
        Ok(self.shared.seq.load(Ordering::Acquire))
    }

    async fn resolved(&self, query: HistoryQuery) -> Result<Vec<Incident>, StoreError> {
        let (before, limit, patterns) = query.params();
        let sql = history_sql(patterns.len(), |n| format!("${n}"));
        let conn = self.conn().await?;
        let stmt = conn.prepare_cached(&sql).await?;
        let mut params: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = vec![&before, &limit];
        params.extend(
            patterns
                .iter()
                .map(|p| p as &(dyn tokio_postgres::types::ToSql + Sync)),
        );
        let rows = conn
            .query(&stmt, &params)
            .await
            .map_err(|e| self.shared.target.named(e.into()))?;
        let mut found = Vec::with_capacity(rows.len());
        for row in rows {
            match incident_from_row(&row) {
                Ok(incident) => found.push(incident),
                Err(e) => {
                    let id = row_id(&row);
                    tracing::warn!(id, error = %e, "incident #{id} left out of a search: its row cannot be read");
                }
            }
        }
        Ok(found)
    }

    async fn get(&self, id: u64) -> Result<Incident, StoreError> {
        let mut conn = self.conn().await?;
        let tx = snapshot(&mut conn).await?;
        let incident = rows::require(&tx, id).await;
        tx.commit().await?;
        incident
    }

    async fn feed<S: Sink>(
        &self,
        open_only: bool,
        since: u64,
        mut sink: S,
    ) -> Result<(u64, S), StoreError> {
        let (seq, rows) = self
            .feed_rows(open_only, since)
            .await
            .map_err(|e| self.shared.target.named(e))?;
        self.seen(seq);
        // What the sink makes of a long list (a body, compressed) is work
        // for a thread of its own, not for the one answering requests.
        tokio::task::spawn_blocking(move || {
            for row in rows {
                match incident_from_row(&row) {
                    Ok(incident) => sink.incident(seq, incident)?,
                    Err(e) => {
                        let id = row_id(&row);
                        tracing::warn!(id, error = %e, "incident #{id} left out of the list: its row cannot be read");
                    }
                }
            }
            Ok((seq, sink))
        })
        .await
        .map_err(|e| StoreError::Worker(e.to_string()))?
    }

    async fn covers(&self, since: DateTime<Utc>) -> Result<Vec<Cover>, StoreError> {
        let mut conn = self.conn().await?;
        let tx = snapshot(&mut conn).await?;
        let covers = writes::covers(&tx, since).await?;
        tx.commit().await?;
        Ok(covers)
    }

    async fn latest_handoff(&self, to: Option<String>) -> Result<Option<Handoff>, StoreError> {
        let mut conn = self.conn().await?;
        let tx = snapshot(&mut conn).await?;
        let latest = writes::latest_handoff(&tx, to.as_deref()).await?;
        tx.commit().await?;
        Ok(latest)
    }

    async fn apply(&self, work: Work) -> Result<Applied, StoreError> {
        if work.dry_run {
            return self.try_out(&work).await;
        }
        // Made by the hub's writer task (`batch`), with the changes asked
        // for at the same time: a client that hangs up does not cut a
        // change off half way, which would leave it to its retry to find
        // out whether it was made.
        self.shared.writer.write(work).await
    }

    async fn claim_deliveries(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: usize,
        skip: Vec<String>,
    ) -> Result<Vec<Delivery>, StoreError> {
        let mut conn = self.conn().await?;
        let tx = conn.transaction().await?;
        let claimed = deliveries::claim(&tx, now, lease_until, limit, &skip).await?;
        tx.commit().await?;
        Ok(claimed)
    }

    async fn next_delivery_at(
        &self,
        skip: Vec<String>,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        let mut conn = self.conn().await?;
        let tx = snapshot(&mut conn).await?;
        let next = deliveries::next_at(&tx, &skip).await?;
        tx.commit().await?;
        Ok(next)
    }

    async fn deliveries(&self, incident: Option<u64>) -> Result<Vec<DeliveryRecord>, StoreError> {
        let mut conn = self.conn().await?;
        let tx = snapshot(&mut conn).await?;
        let records = deliveries::of_incident(&tx, incident).await?;
        tx.commit().await?;
        Ok(records)
    }

    async fn heartbeats(&self) -> Result<Vec<crate::hub::heartbeat::Beat>, StoreError> {
        let mut conn = self.conn().await?;
        let tx = snapshot(&mut conn).await?;
        let beats = heartbeats::all(&tx).await?;
        tx.commit().await?;
        Ok(beats)
    }

    async fn report(
        &self,
        window: crate::hub::store::ReportWindow,
    ) -> Result<crate::report::NoiseReport, StoreError> {
        let mut conn = self.conn().await?;
        let tx = snapshot(&mut conn).await?;
        let report = report::report(&tx, &window).await?;
        tx.commit().await?;
        Ok(report)
    }

    async fn squashes(
        &self,
        after: Option<DateTime<Utc>>,
    ) -> Result<Vec<crate::incident::Squash>, StoreError> {
        let mut conn = self.conn().await?;
        let tx = snapshot(&mut conn).await?;
        let found = squashes::since(&tx, after).await?;
        tx.commit().await?;
        Ok(found)
    }

    async fn overrides(
        &self,
        after: DateTime<Utc>,
    ) -> Result<Vec<crate::incident::Override>, StoreError> {
        let mut conn = self.conn().await?;
        let tx = snapshot(&mut conn).await?;
        let found = overrides::live(&tx, after).await?;
        tx.commit().await?;
        Ok(found)
    }

    async fn followups(
        &self,
        owner: Option<String>,
        open_only: bool,
    ) -> Result<Vec<crate::incident::Followup>, StoreError> {
        let mut conn = self.conn().await?;
        let tx = snapshot(&mut conn).await?;
        let found = followups::list(&tx, owner.as_deref(), open_only).await?;
        tx.commit().await?;
        Ok(found)
    }
}
