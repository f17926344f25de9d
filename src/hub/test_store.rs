//! A store, a clock and the policies of a hub, for the unit tests that make
//! changes the way the handlers do (through `apply`), without HTTP.
use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use tempfile::TempDir;

use crate::config::HubConfig;
use crate::incident::Incident;

use super::apply::{Applied, Work};
use super::change::{Change, Outcome};
use super::clock::ManualClock;
use super::error::ApiError;
use super::policy::Paging;
use super::store::{SqliteStore, Store};
use super::taken_at::TakenAt;

pub fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T08:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

pub struct TestStore {
    pub dir: TempDir,
    pub store: SqliteStore,
    pub paging: Arc<Paging>,
    pub clock: Arc<ManualClock>,
}

impl TestStore {
    /// A new database, a hub without a rota or policies, the clock at t0.
    pub fn new() -> TestStore {
        TestStore::with(Paging::from_config(&HubConfig::default()))
    }

    pub fn with(paging: Paging) -> TestStore {
        let dir = TempDir::new().unwrap();
        let store = SqliteStore::open(&dir.path().join("hub.db")).unwrap();
        TestStore {
            dir,
            store,
            paging: Arc::new(paging),
            clock: Arc::new(ManualClock::new(t0())),
        }
    }

    /// Sets the clock `minutes` after t0.
    pub fn at(&self, minutes: i64) -> &Self {
        self.clock.set(t0() + TimeDelta::minutes(minutes));
        self
    }

    pub fn work(&self, who: &str, key: Option<&str>, change: Change) -> Work {
        Work {
            who: who.to_string(),
            key: key.map(str::to_string),
            taken: TakenAt::default(),
            change,
            dry_run: false,
            paging: self.paging.clone(),
            clock: self.clock.clone(),
        }
    }

    pub async fn apply(&self, who: &str, key: Option<&str>, change: Change) -> Applied {
        self.store.apply(self.work(who, key, change)).await.unwrap()
    }

    /// What `change` by `who` did, or its refusal.
    pub async fn made(&self, who: &str, change: Change) -> Result<Outcome, ApiError> {
        match self.apply(who, None, change).await {
            Applied::Now { result, .. } => result,
            other => panic!("expected a change, got {other:?}"),
        }
    }

    /// The incident `change` by `who` left.
    pub async fn changed(&self, who: &str, change: Change) -> Incident {
        match self.made(who, change).await {
            Ok(Outcome::Changed(i) | Outcome::Noted(i)) => i,
            Ok(Outcome::Opened(o)) => o.incident,
            other => panic!("expected an incident, got {other:?}"),
        }
    }

    pub async fn seq(&self) -> u64 {
        self.store.current_seq().await.unwrap()
    }
}
