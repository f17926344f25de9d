//! Where the hub keeps incidents, in domain terms: [`Store`] is what the
//! handlers, the list cache and the timers ask of it, and [`Transaction`] is
//! what one change reads and writes while it runs (`hub::apply` drives it:
//! read what the change needs, ask its rule, write what the rule decided,
//! remember the answer under its Idempotency-Key, all in one transaction).
//! SQLite (`sqlite/`) keeps one hub's data in a file; PostgreSQL
//! (`postgres/`) keeps it where several hubs may share it. Nothing outside
//! this folder names their crates or their SQL: the hub's state opens the
//! store its [`DbTarget`] names.
//!
//! The methods are async so that a store over the network (PostgreSQL
//! through tokio-postgres) fits as well as SQLite, which runs its blocking
//! calls on threads of its own. They are native `async fn`s in traits (as
//! `impl Future + Send` where a handler awaits them), dispatched through the
//! [`Backend`] enum rather than `Box<dyn Store>`: the stores are known when
//! the hub is built, a `dyn` trait would box a future per call and lose the
//! generic [`Store::feed`], and a new store is one more variant with one
//! line per method.
use std::future::Future;
use std::path::PathBuf;

use chrono::{DateTime, Utc};

use crate::incident::{CloseFollowup, Followup, Handoff, Incident, NewOverride, Override, Squash};
use crate::report::NoiseReport;

use super::apply::{Applied, Work};
use super::deliveries::{Delivery, DeliveryRecord};
use super::heartbeat::Beat;
use super::rota::Cover;
use super::rules::pages::NewDelivery;
use super::rules::{
    Actor, HandoffRecord, NewFollowupRecord, NewSquashRecord, Opening, Recorded, Unanswered,
    Update, Waiting,
};

pub mod copy;
pub mod followups;
pub mod history;
pub mod overrides;
pub mod postgres;
pub mod report;
pub mod sqlite;
pub mod stored;
mod target;

pub use postgres::{PgTarget, PostgresStore};
pub use report::ReportWindow;
pub use sqlite::SqliteStore;
pub use target::DbTarget;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("there is no incident #{0}")]
    NotFound(u64),
    #[error("database busy: {0}")]
    Busy(String),
    #[error("database error: {0}")]
    Db(String),
    #[error(
        "the database was written by a newer oncall (schema {found}, this one knows up to {known}): \
         run a newer oncall, or point --db at another file or database"
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
    /// What was asked cannot be done with this database, and why (said
    /// whole, with what to do).
    #[error("{0}")]
    Refused(String),
    #[error("database worker stopped: {0}")]
    Worker(String),
}

/// What a list is built from, one incident at a time in feed order (open
/// before resolved, then most severe, then newest, then highest id), so a
/// long list is never held whole, only what the sink makes of it.
pub trait Sink: Send + 'static {
    /// One incident (without its timeline) of the snapshot taken at change
    /// `seq`.
    fn incident(&mut self, seq: u64, incident: Incident) -> Result<(), StoreError>;
}

/// The incidents themselves, gathered.
#[derive(Default)]
pub struct Gather(pub Vec<Incident>);

impl Sink for Gather {
    fn incident(&mut self, _seq: u64, incident: Incident) -> Result<(), StoreError> {
        self.0.push(incident);
        Ok(())
    }
}

/// The hub's store.
pub trait Store: Send + Sync + 'static {
    /// A name for this database, stable across restarts: list ETags and
    /// cursors from another database never match ours.
    fn hub_id(&self) -> &str;

    /// The number of the last change: what ETags, the list cache and `304`
    /// compare. Asked of the store, so that several hubs sharing one
    /// database agree on it.
    fn current_seq(&self) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// The incident with its timeline and steps.
    fn get(&self, id: u64) -> impl Future<Output = Result<Incident, StoreError>> + Send;

    /// Every incident (only the open ones with `open_only`) whose last change
    /// came after `since`, from one snapshot, into `sink`; the change number
    /// of the snapshot and the sink come back. A row that cannot be read back
    /// is left out and logged with its id: one bad row must not take the
    /// whole feed away from every console.
    fn feed<S: Sink>(
        &self,
        open_only: bool,
        since: u64,
        sink: S,
    ) -> impl Future<Output = Result<(u64, S), StoreError>> + Send;

    /// As [`Store::feed`], gathered: the snapshot's change number and the
    /// incidents.
    fn list(
        &self,
        open_only: bool,
        since: u64,
    ) -> impl Future<Output = Result<(u64, Vec<Incident>), StoreError>> + Send {
        async move {
            let (seq, Gather(incidents)) = self.feed(open_only, since, Gather::default()).await?;
            Ok((seq, incidents))
        }
    }

    /// A page of resolved incidents that match `query`, newest first
    /// (`history`). A row that cannot be read back is left out and logged.
    fn resolved(
        &self,
        query: history::HistoryQuery,
    ) -> impl Future<Output = Result<Vec<Incident>, StoreError>> + Send;

    /// The covers of the rota recorded on the hub with a window ending after
    /// `since`: the hand-offs, oldest first, then the overrides made through
    /// the API and not removed.
    fn covers(
        &self,
        since: DateTime<Utc>,
    ) -> impl Future<Output = Result<Vec<Cover>, StoreError>> + Send;

    /// The last hand-off, or the last one addressed to `to`.
    fn latest_handoff(
        &self,
        to: Option<String>,
    ) -> impl Future<Output = Result<Option<Handoff>, StoreError>> + Send;

    /// Runs `work` in one transaction through `apply::run`, durably: its
    /// answer comes back once the change is on disk. A dry run reads and
    /// decides in a read transaction and writes nothing.
    fn apply(&self, work: Work) -> impl Future<Output = Result<Applied, StoreError>> + Send;

    /// Takes up to `limit` deliveries due at `now` for sending, durably:
    /// those queued whose time has come, and those left sending by a worker
    /// whose lease has run out (its hub died), except the ones in `skip`
    /// (this hub's own, still in flight). Each is marked sending until
    /// `lease_until`, its attempts counted one up, and comes back with that
    /// attempt's number.
    fn claim_deliveries(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: usize,
        skip: Vec<String>,
    ) -> impl Future<Output = Result<Vec<Delivery>, StoreError>> + Send;

    /// When the next delivery falls due (its time, or its lease's end), if
    /// any waits, leaving out those in `skip` (in flight here).
    fn next_delivery_at(
        &self,
        skip: Vec<String>,
    ) -> impl Future<Output = Result<Option<DateTime<Utc>>, StoreError>> + Send;

    /// The deliveries of incident `id` (or of no incident, the hand-offs'),
    /// in the order they were queued.
    fn deliveries(
        &self,
        incident: Option<u64>,
    ) -> impl Future<Output = Result<Vec<DeliveryRecord>, StoreError>> + Send;

    /// Every heartbeat's row (those pinged at least once), by name. One
    /// that cannot be read is left out and logged.
    fn heartbeats(&self) -> impl Future<Output = Result<Vec<Beat>, StoreError>> + Send;

    /// The noise report of `window`, aggregated in the database from one
    /// snapshot (`report`).
    fn report(
        &self,
        window: ReportWindow,
    ) -> impl Future<Output = Result<NoiseReport, StoreError>> + Send;
    /// The squashes not over by `after` (in force or scheduled then, or
    /// ended since), or all of them (`None`), lowest id first.
    fn squashes(
        &self,
        after: Option<DateTime<Utc>>,
    ) -> impl Future<Output = Result<Vec<Squash>, StoreError>> + Send;

    /// The overrides made through the API, not removed, that end after
    /// `after` (in force or upcoming then), soonest first.
    fn overrides(
        &self,
        after: DateTime<Utc>,
    ) -> impl Future<Output = Result<Vec<Override>, StoreError>> + Send;
    /// The follow-ups of `owner` (everyone's when `None`), only the open
    /// ones with `open_only`, lowest id first; not yet marked overdue.
    fn followups(
        &self,
        owner: Option<String>,
        open_only: bool,
    ) -> impl Future<Output = Result<Vec<Followup>, StoreError>> + Send;
}

/// One transaction of a store, as a change sees it. Nothing is kept unless
/// the whole change succeeds.
pub trait Transaction {
    /// The incident, without its timeline, if it exists.
    async fn incident(&mut self, id: u64) -> Result<Option<Incident>, StoreError>;

    /// The incident with its timeline and steps, if it exists.
    async fn history(&mut self, id: u64) -> Result<Option<Incident>, StoreError>;

    /// The open incident with dedup key `key`, if there is one.
    async fn open_with_key(&mut self, key: &str) -> Result<Option<Incident>, StoreError>;

    /// As [`Store::covers`], in this transaction.
    async fn covers(&mut self, since: DateTime<Utc>) -> Result<Vec<Cover>, StoreError>;

    /// The open incidents `who` holds, by id, lowest first.
    async fn open_owned_by(&mut self, who: &str) -> Result<Vec<u64>, StoreError>;

    /// The unacknowledged incidents and when each reached its level, lowest
    /// id first: the work of the escalation timers. One that cannot be read
    /// is left out and logged, so it cannot stop the others climbing.
    async fn waiting(&mut self) -> Result<Vec<Waiting>, StoreError>;

    /// Opens an incident; its id.
    async fn insert(&mut self, by: &Actor<'_>, opening: &Opening) -> Result<u64, StoreError>;

    /// Changes one incident as `update` says, with a new version, time and
    /// change number, and its timeline entry.
    async fn update(&mut self, by: &Actor<'_>, update: &Update) -> Result<(), StoreError>;

    /// Records a hand-off and passes its incidents on; the hand-off as
    /// recorded.
    async fn record_handoff(
        &mut self,
        by: &Actor<'_>,
        record: &HandoffRecord,
    ) -> Result<Handoff, StoreError>;

    /// The answer remembered for `who`'s key `key`, if any.
    async fn recall(&mut self, who: &str, key: &str) -> Result<Option<Remembered>, StoreError>;

    /// Remembers an answer under `who`'s key `key` at `at`, and forgets
    /// those remembered before `forget_before`.
    async fn remember(
        &mut self,
        who: &str,
        key: &str,
        answer: &Remembered,
        at: DateTime<Utc>,
        forget_before: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Queues `deliveries` as one round of incident `incident` (the round
    /// after its last; a hand-off's, with no incident, is round 1), started
    /// at `now`, each with a new delivery id.
    async fn queue(
        &mut self,
        now: DateTime<Utc>,
        incident: Option<u64>,
        deliveries: &[NewDelivery],
    ) -> Result<(), StoreError>;

    /// How many deliveries this transaction queued: the worker is woken
    /// after the commit when any were.
    fn queued(&self) -> usize;

    /// Cancels incident `id`'s deliveries to people still queued (not those
    /// being sent, nor those done).
    async fn cancel_waiting(&mut self, id: u64) -> Result<(), StoreError>;

    /// The delivery with id `id`, if there is one.
    async fn delivery(&mut self, id: &str) -> Result<Option<DeliveryRecord>, StoreError>;

    /// Writes what an attempt did to its delivery.
    async fn record_delivery(&mut self, recorded: &Recorded) -> Result<(), StoreError>;

    /// The open incidents, lowest id first, with when each was last paged
    /// and acknowledged: the work of repeats and ack timeouts. One that
    /// cannot be read is left out and logged.
    async fn unanswered(&mut self) -> Result<Vec<Unanswered>, StoreError>;

    /// The acknowledged incidents snoozed until `until` or before, lowest
    /// id first: the snoozes the timers end. One that cannot be read is
    /// left out and logged.
    async fn snoozed(&mut self, until: DateTime<Utc>) -> Result<Vec<Incident>, StoreError>;

    /// Heartbeat `name`'s row, if it was ever pinged.
    async fn heartbeat(&mut self, name: &str) -> Result<Option<Beat>, StoreError>;

    /// As [`Store::heartbeats`], in this transaction.
    async fn heartbeats(&mut self) -> Result<Vec<Beat>, StoreError>;

    /// Writes heartbeat `beat.name`'s row (made, or replaced).
    async fn put_heartbeat(&mut self, beat: &Beat) -> Result<(), StoreError>;
    /// As [`Store::squashes`], in this transaction.
    async fn squashes(&mut self, after: Option<DateTime<Utc>>) -> Result<Vec<Squash>, StoreError>;

    /// The open incidents marked squashed, lowest id first.
    async fn squashed_open(&mut self) -> Result<Vec<Incident>, StoreError>;

    /// Squash `id`, if there is one.
    async fn squash(&mut self, id: u64) -> Result<Option<Squash>, StoreError>;

    /// Records a squash made by `by`; the squash as recorded.
    async fn insert_squash(
        &mut self,
        by: &Actor<'_>,
        record: &NewSquashRecord,
    ) -> Result<Squash, StoreError>;

    /// Marks squash `id` removed by `by`, now.
    async fn remove_squash(&mut self, by: &Actor<'_>, id: u64) -> Result<(), StoreError>;

    /// Override `id`, removed or not, if there is one.
    async fn rota_override(&mut self, id: u64) -> Result<Option<Override>, StoreError>;

    /// Records an override made by `by`; the override as recorded.
    async fn insert_override(
        &mut self,
        by: &Actor<'_>,
        new: &NewOverride,
    ) -> Result<Override, StoreError>;

    /// Marks override `id` removed by `by`, now.
    async fn remove_override(&mut self, by: &Actor<'_>, id: u64) -> Result<(), StoreError>;
    /// Follow-up `id`, if there is one.
    async fn followup(&mut self, id: u64) -> Result<Option<Followup>, StoreError>;

    /// Records a follow-up added by `by`; the follow-up as recorded.
    async fn insert_followup(
        &mut self,
        by: &Actor<'_>,
        record: &NewFollowupRecord,
    ) -> Result<Followup, StoreError>;

    /// Closes follow-up `id` as `req` says, by `by`, now.
    async fn close_followup(
        &mut self,
        by: &Actor<'_>,
        id: u64,
        req: &CloseFollowup,
    ) -> Result<(), StoreError>;
}

/// An answer kept under an Idempotency-Key, with the fingerprint of the
/// request it answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remembered {
    pub fingerprint: String,
    pub status: u16,
    pub body: Vec<u8>,
}

/// The stores a hub can run on.
pub enum Backend {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl Store for Backend {
    fn hub_id(&self) -> &str {
        match self {
            Backend::Sqlite(s) => s.hub_id(),
            Backend::Postgres(s) => s.hub_id(),
        }
    }

    async fn current_seq(&self) -> Result<u64, StoreError> {
        match self {
            Backend::Sqlite(s) => s.current_seq().await,
            Backend::Postgres(s) => s.current_seq().await,
        }
    }

    async fn get(&self, id: u64) -> Result<Incident, StoreError> {
        match self {
            Backend::Sqlite(s) => s.get(id).await,
            Backend::Postgres(s) => s.get(id).await,
        }
    }

    async fn feed<S: Sink>(
        &self,
        open_only: bool,
        since: u64,
        sink: S,
    ) -> Result<(u64, S), StoreError> {
        match self {
            Backend::Sqlite(s) => s.feed(open_only, since, sink).await,
            Backend::Postgres(s) => s.feed(open_only, since, sink).await,
        }
    }

    async fn resolved(&self, query: history::HistoryQuery) -> Result<Vec<Incident>, StoreError> {
        match self {
            Backend::Sqlite(s) => s.resolved(query).await,
            Backend::Postgres(s) => s.resolved(query).await,
        }
    }

    async fn covers(&self, since: DateTime<Utc>) -> Result<Vec<Cover>, StoreError> {
        match self {
            Backend::Sqlite(s) => s.covers(since).await,
            Backend::Postgres(s) => s.covers(since).await,
        }
    }

    async fn latest_handoff(&self, to: Option<String>) -> Result<Option<Handoff>, StoreError> {
        match self {
            Backend::Sqlite(s) => s.latest_handoff(to).await,
            Backend::Postgres(s) => s.latest_handoff(to).await,
        }
    }

    async fn apply(&self, work: Work) -> Result<Applied, StoreError> {
        match self {
            Backend::Sqlite(s) => s.apply(work).await,
            Backend::Postgres(s) => s.apply(work).await,
        }
    }

    async fn claim_deliveries(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: usize,
        skip: Vec<String>,
    ) -> Result<Vec<Delivery>, StoreError> {
        match self {
            Backend::Sqlite(s) => s.claim_deliveries(now, lease_until, limit, skip).await,
            Backend::Postgres(s) => s.claim_deliveries(now, lease_until, limit, skip).await,
        }
    }

    async fn next_delivery_at(
        &self,
        skip: Vec<String>,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        match self {
            Backend::Sqlite(s) => s.next_delivery_at(skip).await,
            Backend::Postgres(s) => s.next_delivery_at(skip).await,
        }
    }

    async fn deliveries(&self, incident: Option<u64>) -> Result<Vec<DeliveryRecord>, StoreError> {
        match self {
            Backend::Sqlite(s) => s.deliveries(incident).await,
            Backend::Postgres(s) => s.deliveries(incident).await,
        }
    }

    async fn heartbeats(&self) -> Result<Vec<Beat>, StoreError> {
        match self {
            Backend::Sqlite(s) => s.heartbeats().await,
            Backend::Postgres(s) => s.heartbeats().await,
        }
    }

    async fn report(&self, window: ReportWindow) -> Result<NoiseReport, StoreError> {
        match self {
            Backend::Sqlite(s) => s.report(window).await,
            Backend::Postgres(s) => s.report(window).await,
        }
    }

    async fn squashes(&self, after: Option<DateTime<Utc>>) -> Result<Vec<Squash>, StoreError> {
        match self {
            Backend::Sqlite(s) => s.squashes(after).await,
            Backend::Postgres(s) => s.squashes(after).await,
        }
    }

    async fn overrides(&self, after: DateTime<Utc>) -> Result<Vec<Override>, StoreError> {
        match self {
            Backend::Sqlite(s) => s.overrides(after).await,
            Backend::Postgres(s) => s.overrides(after).await,
        }
    }

    async fn followups(
        &self,
        owner: Option<String>,
        open_only: bool,
    ) -> Result<Vec<Followup>, StoreError> {
        match self {
            Backend::Sqlite(s) => s.followups(owner, open_only).await,
            Backend::Postgres(s) => s.followups(owner, open_only).await,
        }
    }
}
