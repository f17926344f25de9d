//! A store, a clock and the policies of a hub, for the unit tests that make
//! changes the way the handlers do (through `apply`), without HTTP.
use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use tempfile::TempDir;

use crate::config::{Config, HubConfig, NotifySettings};
use crate::incident::Incident;

use super::apply::{Applied, Work};
use super::change::{Change, Outcome};
use super::clock::ManualClock;
use super::deliveries::PageRules;
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
    pub pages: Arc<PageRules>,
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
            pages: Arc::new(PageRules::default()),
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
            pages: self.pages.clone(),
            heartbeats: Default::default(),
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

    /// From now on the disk goes away when a second incident is written.
    pub fn fail_from_the_second_incident(&self) {
        self.store
            .write(|tx| {
                tx.execute_batch(
                    "CREATE TRIGGER second_fails BEFORE INSERT ON incidents
                     WHEN (SELECT count(*) FROM incidents) >= 1
                     BEGIN SELECT RAISE(ABORT, 'the disk went away'); END;",
                )?;
                Ok(())
            })
            .unwrap();
    }

    pub async fn seq(&self) -> u64 {
        self.store.current_seq().await.unwrap()
    }
}

const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

/// A hub that pages: alice (ntfy at once, email after 5m), bob (a
/// webhook), carol (no contacts), an integration; db goes to alice, then
/// bob after 15m, then carol; a team chat hears of opened, resolved and
/// hand-offs, a stakeholders' list of escalations; unacknowledged pages
/// repeat every 10m, acknowledgements time out after 4h.
const PAGED_HUB: &str = r#"
[[hub.responders]]
name = "alice"
token_sha256 = "HASH"
[[hub.responders.contacts]]
via = "email"
to = "alice@example.com"
after = "5m"
[[hub.responders.contacts]]
via = "ntfy"
to = "https://ntfy.example.com/alice-pager"

[[hub.responders]]
name = "bob"
token_sha256 = "HASH"
[[hub.responders.contacts]]
via = "webhook"
to = "https://hooks.example.com/bob"

[[hub.responders]]
name = "carol"
token_sha256 = "HASH"

[[hub.responders]]
name = "am"
role = "integration"
token_sha256 = "HASH"

[[hub.policies]]
services = ["db"]
[[hub.policies.levels]]
who = ["alice"]
after = "15m"
[[hub.policies.levels]]
who = ["bob"]
after = "15m"
[[hub.policies.levels]]
who = ["carol"]

[hub.notify]
public_url = "https://oncall.example.com"
secret_env = "SECRET"
repeat = "10m"
ack_timeout = "4h"

[hub.notify.smtp]
host = "smtp.example.com"
from = "oncall@example.com"

[[hub.notify.channels]]
name = "team-chat"
via = "slack"
to = "https://hooks.slack.com/services/T/B/X"
events = ["opened", "resolved", "handoff"]

[[hub.notify.channels]]
name = "stakeholders"
via = "webhook"
to = "https://hooks.example.com/stakeholders"
events = ["escalated"]
"#;

/// The config of a hub that pages, and its paging settings.
pub fn paged_hub() -> (HubConfig, NotifySettings) {
    let text = PAGED_HUB.replace("HASH", HASH);
    let hub = match Config::parse(&text, std::path::Path::new("pages.toml")) {
        Ok(config) => config.hub,
        Err(e) => panic!("{e}"),
    };
    let notify = hub
        .notify_settings(std::path::Path::new("pages.toml"), |_| {
            Some("a secret of sixteen bytes or more".into())
        })
        .unwrap();
    (hub, notify)
}

impl TestStore {
    /// A new database for [`paged_hub`], the clock at t0.
    pub fn paging() -> TestStore {
        let (hub, notify) = paged_hub();
        let mut store = TestStore::with(Paging::from_config(&hub));
        store.pages = Arc::new(PageRules {
            notify,
            anyone: true,
            ..PageRules::default()
        });
        store
    }
}
