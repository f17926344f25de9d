//! What every request handler shares: the store, who may come in, the clock
//! and the cached lists.
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::incident::{NewIncident, Opened};

use axum::http::StatusCode;

use super::HubSettings;
use super::auth::Responders;
use super::changes::{self, Actor};
use super::clock::Clock;
use super::error::ApiError;
use super::escalation;
use super::idempotency::{self, Answer, IdempotencyKey};
use super::list_cache::ListCache;
use super::policy::Paging;
use super::store::{Store, StoreError};
use super::taken_at::TakenAt;
use super::validate;

/// The hub's shared state; cheap to clone.
#[derive(Clone)]
pub struct HubState {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    responders: Responders,
    paging: Paging,
    alertmanager: crate::config::AlertmanagerConfig,
    clock: Arc<dyn Clock>,
    lists: ListCache,
}

impl HubState {
    /// Opens (creating and migrating as needed) the database of `settings`.
    /// Blocks on file I/O; from async code, call it on a blocking thread.
    pub fn open(settings: HubSettings) -> anyhow::Result<HubState> {
        let store = Store::open(&settings.db).map_err(|e| match e {
            // Names the file already, and what to do about it.
            StoreError::NotADatabase { .. } => anyhow::anyhow!("{e}"),
            e => anyhow::anyhow!(
                "cannot open the hub database {}: {e}",
                settings.db.display()
            ),
        })?;
        Ok(HubState {
            inner: Arc::new(Inner {
                store,
                responders: Responders::from_config(&settings.config.responders),
                paging: Paging::from_config(&settings.config),
                alertmanager: settings.config.alertmanager,
                clock: settings.clock,
                lists: ListCache::default(),
            }),
        })
    }

    /// The number of the last change; an `IncidentList::cursor`.
    pub fn cursor(&self) -> u64 {
        self.inner.store.current_seq()
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
        let who = who.to_string();
        let opened = self
            .blocking(move |s| {
                let by = Actor {
                    who: &who,
                    now: s.now(),
                    taken: None,
                };
                s.store().write(|tx| {
                    checked
                        .iter()
                        .map(|new| changes::open_or_fold(tx, by, new, s.paging()))
                        .collect()
                })
            })
            .await?;
        Ok(opened)
    }

    /// One pass of the escalation timers at the hub clock's now: every
    /// unacknowledged incident that has waited at its level as long as the
    /// level's `after` goes up a level. Returns the ids escalated. The running
    /// hub calls this every few seconds; tests call it after moving a
    /// `ManualClock`.
    pub async fn escalate_overdue(&self) -> anyhow::Result<Vec<u64>> {
        if !self.paging().has_timers() {
            return Ok(Vec::new());
        }
        let escalated = self
            .blocking(|s| {
                let now = s.now();
                s.store()
                    .write(|tx| escalation::escalate_overdue(tx, now, s.paging()))
            })
            .await?;
        Ok(escalated)
    }

    pub(crate) fn store(&self) -> &Store {
        &self.inner.store
    }

    pub(crate) fn responders(&self) -> &Responders {
        &self.inner.responders
    }

    pub(crate) fn paging(&self) -> &Paging {
        &self.inner.paging
    }

    /// How Alertmanager's alerts become incidents.
    pub(crate) fn alertmanager(&self) -> &crate::config::AlertmanagerConfig {
        &self.inner.alertmanager
    }

    pub(crate) fn lists(&self) -> &ListCache {
        &self.inner.lists
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.inner.clock.now()
    }

    /// Runs one change as `who`, durably: it joins the changes waiting for
    /// the group commit (see `store`), and its answer comes back once that
    /// commit is on disk. `request` names the request (route, target, body)
    /// so a repeat with the same Idempotency-Key gets the first answer back
    /// and changes nothing. Every mutating route goes through here.
    pub(crate) async fn change<T: serde::Serialize>(
        &self,
        who: String,
        key: IdempotencyKey,
        taken: TakenAt,
        request: String,
        f: impl FnOnce(
            &rusqlite::Transaction<'_>,
            Actor<'_>,
            &Paging,
        ) -> Result<(StatusCode, T), StoreError>
        + Send
        + 'static,
    ) -> Result<Answer, ApiError> {
        let state = self.clone();
        let answer = self
            .store()
            .submit(move |tx| {
                // The time of the change is when it is made, not queued.
                let now = state.now();
                let by = Actor {
                    who: &who,
                    now,
                    taken: taken.worth_showing(now),
                };
                idempotency::apply(tx, &who, key.0.as_deref(), &request, now, |tx| {
                    let (status, value) = f(tx, by, state.paging())?;
                    Answer::json(status, &value)
                })
            })
            .await?;
        Ok(answer)
    }

    /// Runs blocking database work off the async runtime.
    pub(crate) async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&HubState) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let state = self.clone();
        tokio::task::spawn_blocking(move || f(&state))
            .await
            .map_err(|e| StoreError::Worker(e.to_string()))?
    }
}
