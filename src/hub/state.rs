//! What every request handler shares: the store, who may come in, the
//! policies and the clock, and the cached lists; and the one way a change is
//! made ([`HubState::apply`]). What the config file decides is held as one
//! value ([`Configured`]) that a reload (SIGHUP) replaces whole: a request
//! or a change sees the old config or the new one, never half of each.
use std::sync::{Arc, PoisonError, RwLock};

use chrono::{DateTime, Utc};

use crate::incident::{HUB_ACTOR, NewIncident, Opened};

use tokio::sync::Notify;

use super::HubSettings;
use super::apply::{Applied, Work};
use super::auth::Responders;
use super::change::{Change, Outcome, Settled, TimersDone};
use super::clock::Clock;
use super::deliveries::{DeliveryRecord, DeliveryState, PageRules};
use super::error::ApiError;
use super::heartbeat::Heartbeats;
use super::idempotency::{Answer, IdempotencyKey};
use super::list_cache::ListCache;
use super::metrics::{Escalated, Metrics};
use super::policy::Paging;
use super::rules::Attempted;
use super::store::{Backend, DbTarget, PostgresStore, SqliteStore, Store, StoreError};
use super::taken_at::TakenAt;
use super::validate;
use super::watchdog::Liveness;

/// The hub's shared state; cheap to clone.
#[derive(Clone)]
pub struct HubState {
    inner: Arc<Inner>,
}

struct Inner {
    store: Backend,
    /// What the config file decides, replaced whole by [`HubState::reconfigure`].
    configured: RwLock<Arc<Configured>>,
    /// Whether the hub has a way to send pages, and how it retries them:
    /// fixed at start (the sender is built once), the rules rebuilt from each
    /// config the hub is given.
    pages_from: super::Pages,
    /// Told after a change that queued deliveries commits: the delivery
    /// worker sends them at once rather than at its next look.
    deliveries_queued: Notify,
    clock: Arc<dyn Clock>,
    lists: ListCache,
    metrics: Metrics,
    /// When the timers last ran, for the watchdog.
    liveness: Liveness,
}

/// The parts of the hub that its config file decides, as one value.
struct Configured {
    responders: Arc<Responders>,
    paging: Arc<Paging>,
    pages: Arc<PageRules>,
    alertmanager: Arc<crate::config::AlertmanagerConfig>,
    heartbeats: Arc<Heartbeats>,
    metrics_access: crate::config::MetricsAccess,
    /// The hub's time zone: the noise report's nights.
    timezone: crate::config::TimeZoneName,
}

impl Configured {
    fn new(config: crate::config::HubConfig, pages: &super::Pages) -> Configured {
        Configured {
            responders: Arc::new(Responders::from_config(&config.responders)),
            paging: Arc::new(Paging::from_config(&config)),
            pages: Arc::new(pages.rules(&config.responders)),
            alertmanager: Arc::new(config.alertmanager),
            heartbeats: Arc::new(Heartbeats::new(config.heartbeats)),
            metrics_access: config.metrics,
            timezone: config.timezone,
        }
    }
}

impl HubState {
    /// Opens (creating and migrating as needed) the SQLite file of
    /// `settings`. Blocks on file I/O; from async code, call it on a
    /// blocking thread. A PostgreSQL database is reached with
    /// [`HubState::connect`].
    pub fn open(settings: HubSettings) -> anyhow::Result<HubState> {
        let DbTarget::Sqlite(path) = &settings.db else {
            anyhow::bail!(
                "{} is a PostgreSQL database: it is opened with HubState::connect",
                settings.db
            );
        };
        let store = SqliteStore::open(path).map_err(|e| match e {
            // Names the file already, and what to do about it.
            StoreError::NotADatabase { .. } => anyhow::anyhow!("{e}"),
            e => anyhow::anyhow!("cannot open the hub database {}: {e}", path.display()),
        })?;
        Ok(HubState::with_store(Backend::Sqlite(store), settings))
    }

    /// Opens the database `settings` names, whichever store it is: a SQLite
    /// file (on a blocking thread), or a PostgreSQL database, migrated if it
    /// is behind, which other hubs may be serving too.
    pub async fn connect(settings: HubSettings) -> anyhow::Result<HubState> {
        match &settings.db {
            DbTarget::Sqlite(_) => tokio::task::spawn_blocking(move || HubState::open(settings))
                .await
                .map_err(|e| anyhow::anyhow!("the task opening the hub database failed: {e}"))?,
            DbTarget::Postgres(target) => {
                let store = PostgresStore::connect(target)
                    .await
                    .map_err(|e| anyhow::anyhow!("cannot open the hub database {target}: {e}"))?;
                Ok(HubState::with_store(Backend::Postgres(store), settings))
            }
        }
    }

    fn with_store(store: Backend, settings: HubSettings) -> HubState {
        let configured = Configured::new(settings.config, &settings.pages);
        HubState {
            inner: Arc::new(Inner {
                store,
                configured: RwLock::new(Arc::new(configured)),
                pages_from: settings.pages,
                deliveries_queued: Notify::new(),
                liveness: Liveness::new(settings.clock.now()),
                clock: settings.clock,
                lists: ListCache::default(),
                metrics: Metrics::new(),
            }),
        }
    }

    /// Takes `config` (already checked, as at start) in place of the one the
    /// hub runs on: responders and their tokens, the rota and escalation,
    /// heartbeats, contacts and channels, the Alertmanager mapping, metrics
    /// access and the time zone. Changes already made are not made again;
    /// `notify` gives the contacts and channels, paged through the sender the
    /// hub started with (a hub started without one still pages nobody).
    pub fn reconfigure(
        &self,
        config: crate::config::HubConfig,
        notify: crate::config::NotifySettings,
    ) {
        let pages = super::Pages {
            notify,
            sender: self.inner.pages_from.sender.clone(),
            delivery: self.inner.pages_from.delivery,
        };
        let configured = Arc::new(Configured::new(config, &pages));
        *self
            .inner
            .configured
            .write()
            .unwrap_or_else(PoisonError::into_inner) = configured;
    }

    fn configured(&self) -> Arc<Configured> {
        self.inner
            .configured
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The number of the last change; an `IncidentList::cursor`.
    pub async fn cursor(&self) -> anyhow::Result<u64> {
        Ok(self.store().current_seq().await?)
    }

    /// Opens (or folds) each of `incidents` as `who` would by posting them,
    /// each checked and each its own change, in one transaction. For filling a
    /// hub in bulk (the demo, benchmarks) without a request per incident.
    pub async fn open_incidents(
        &self,
        who: &str,
        incidents: Vec<NewIncident>,
    ) -> anyhow::Result<Vec<Opened>> {
        let checked = incidents
            .into_iter()
            .map(validate::new_incident)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        match self.made(who, Change::OpenMany(checked)).await? {
            Outcome::OpenedMany(opened) => Ok(opened),
            other => anyhow::bail!("opening incidents answered {other:?}"),
        }
    }

    /// One pass of the timers at the hub clock's now (see [`HubState::timers`]);
    /// the ids escalated.
    pub async fn escalate_overdue(&self) -> anyhow::Result<Vec<u64>> {
        Ok(self.timers().await?.escalated)
    }

    /// One pass of the timers at the hub clock's now: every unacknowledged
    /// incident that has waited at its level as long as the level's `after`
    /// goes up a level; one still unacknowledged `repeat` after its last page
    /// is paged again; one acknowledged and not resolved for `ack_timeout`
    /// is triggered again; a heartbeat past its due time and grace, or
    /// whose run outlasted its grace, goes down and opens its incident;
    /// squashes that started or ended take or release their incidents.
    /// The running hub calls this every few seconds; tests call it after
    /// moving a `ManualClock`.
    pub async fn timers(&self) -> anyhow::Result<TimersDone> {
        // Always run: squashes start and end whatever the paging settings.
        let done = match self.made(HUB_ACTOR, Change::EscalateOverdue).await? {
            Outcome::Timers(done) => done,
            other => anyhow::bail!("the timers' pass answered {other:?}"),
        };
        self.inner.liveness.timers_ran(self.now());
        self.metrics()
            .escalated(Escalated::Automatic, done.escalated.len());
        Ok(done)
    }

    /// Records what one attempt at a delivery through a contact of kind
    /// `via` came to; its state now, or `None` when the attempt came late
    /// and changed nothing.
    pub async fn record_delivery(
        &self,
        attempted: Attempted,
        via: crate::config::Via,
    ) -> anyhow::Result<Option<DeliveryState>> {
        match self.made(HUB_ACTOR, Change::Delivery(attempted)).await? {
            Outcome::Delivery(settled) => {
                if let Some(Settled { state, due_at }) = settled {
                    let waited = (self.now() - due_at).to_std().unwrap_or_default();
                    self.metrics().delivery(via, state, waited);
                }
                Ok(settled.map(|s| s.state))
            }
            other => anyhow::bail!("recording a delivery answered {other:?}"),
        }
    }

    /// The deliveries of incident `id` (`None`: those of no incident, the
    /// hand-offs'), in the order they were queued: whom it paged, through
    /// which contact, and how each went.
    pub async fn deliveries(&self, id: Option<u64>) -> anyhow::Result<Vec<DeliveryRecord>> {
        Ok(self.store().deliveries(id).await?)
    }

    /// Has the delivery worker look at the queue now: after a change queued
    /// deliveries (done by every change that does), or after a test moved
    /// a `ManualClock` past a delivery's time.
    pub fn wake_deliveries(&self) {
        self.inner.deliveries_queued.notify_one();
    }

    /// Waits until [`HubState::wake_deliveries`] is called (at once if it
    /// was called since the last wait).
    pub(crate) async fn deliveries_queued(&self) {
        self.inner.deliveries_queued.notified().await;
    }

    /// Makes a change with no request behind it; what it did.
    async fn made(&self, who: &str, change: Change) -> anyhow::Result<Outcome> {
        let work = self.work(who.to_string(), None, TakenAt::default(), change);
        match self.applied(work).await? {
            Applied::Now { result, .. } => Ok(result?),
            Applied::Replayed(_) => anyhow::bail!("a change without a key was replayed"),
        }
    }

    /// Runs `work` through the store, and wakes the delivery worker once a
    /// change that queued deliveries is committed.
    async fn applied(&self, work: Work) -> Result<Applied, StoreError> {
        let applied = self.store().apply(work).await?;
        if let Applied::Now { paged: true, .. } = applied {
            self.wake_deliveries();
        }
        Ok(applied)
    }

    pub(crate) fn store(&self) -> &Backend {
        &self.inner.store
    }

    pub(crate) fn responders(&self) -> Arc<Responders> {
        self.configured().responders.clone()
    }

    pub(crate) fn paging(&self) -> Arc<Paging> {
        self.configured().paging.clone()
    }

    /// Who is paged how: the secret that signs acknowledge links, among
    /// the rest.
    pub(crate) fn pages(&self) -> Arc<PageRules> {
        self.configured().pages.clone()
    }

    /// How Alertmanager's alerts become incidents.
    pub(crate) fn alertmanager(&self) -> Arc<crate::config::AlertmanagerConfig> {
        self.configured().alertmanager.clone()
    }

    /// The heartbeats of the hub's config.
    pub(crate) fn heartbeats(&self) -> Arc<Heartbeats> {
        self.configured().heartbeats.clone()
    }

    pub(crate) fn lists(&self) -> &ListCache {
        &self.inner.lists
    }

    pub(crate) fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    /// Who may read `/metrics`.
    pub(crate) fn metrics_access(&self) -> crate::config::MetricsAccess {
        self.configured().metrics_access
    }

    pub(crate) fn liveness(&self) -> &Liveness {
        &self.inner.liveness
    }

    pub(crate) fn timezone(&self) -> crate::config::TimeZoneName {
        self.configured().timezone
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.inner.clock.now()
    }

    /// Makes `change` as `who`, durably: its answer comes back once the
    /// change is on disk. With `key`, a repeat of the same request gets the
    /// first answer back and changes nothing, and the key used for another
    /// request is refused. Every mutating route goes through here.
    pub(crate) async fn apply(
        &self,
        who: String,
        key: IdempotencyKey,
        taken: TakenAt,
        change: Change,
    ) -> Result<Applied, ApiError> {
        let work = self.work(who, key.0, taken, change);
        Ok(self.applied(work).await?)
    }

    /// What `change` would do as `who` now, made in a read transaction that
    /// writes nothing (`?dry_run=true`).
    pub(crate) async fn try_change(&self, who: String, change: Change) -> Result<Answer, ApiError> {
        let work = Work {
            dry_run: true,
            ..self.work(who, None, TakenAt::default(), change)
        };
        self.store().apply(work).await?.answer()
    }

    fn work(&self, who: String, key: Option<String>, taken: TakenAt, change: Change) -> Work {
        let configured = self.configured();
        Work {
            who,
            key,
            taken,
            change,
            dry_run: false,
            paging: configured.paging.clone(),
            pages: configured.pages.clone(),
            heartbeats: configured.heartbeats.clone(),
            clock: self.inner.clock.clone(),
        }
    }
}
