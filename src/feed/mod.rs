//! The console's side of the wire: a client per kind of feed (the hub, or an
//! Alertmanager polled directly), the task that polls it, and the task that
//! sends actions.
pub mod alertmanager;
pub mod cache;
pub mod client;
pub mod http;
pub mod outbox;
pub mod poller;
mod rota;
pub mod worker;

pub use alertmanager::{AlertmanagerClient, AlertmanagerSettings};
pub use client::{Action, FeedError, HubClient, ListOutcome};
pub use poller::{FeedEvent, Resume};
pub use worker::{Request, WorkerEvent};

use crate::incident::Incident;

/// The feed the console polls and acts on, whichever kind it is.
#[derive(Debug, Clone)]
pub enum FeedClient {
    Hub(HubClient),
    Alertmanager(AlertmanagerClient),
}

impl FeedClient {
    /// The incidents: everything open when `since` is `None`, else what
    /// changed since that cursor, where the feed can say (the hub). An
    /// Alertmanager always answers the full list.
    pub async fn list(
        &self,
        since: Option<u64>,
        etag: Option<&str>,
    ) -> Result<ListOutcome, FeedError> {
        match self {
            FeedClient::Hub(c) => c.list(since, etag).await,
            FeedClient::Alertmanager(c) => c.list().await,
        }
    }

    /// Whether `list` can answer only what changed since a cursor; when it
    /// cannot, every answer is the full list.
    pub fn incremental(&self) -> bool {
        matches!(self, FeedClient::Hub(_))
    }

    /// One incident with its timeline.
    pub async fn get(&self, id: u64) -> Result<Incident, FeedError> {
        match self {
            FeedClient::Hub(c) => c.get(id).await,
            FeedClient::Alertmanager(c) => c.get(id).await,
        }
    }

    /// Sends one action; the answer is the incident as it is now.
    pub async fn act(&self, id: u64, action: &Action) -> Result<Incident, FeedError> {
        match self {
            FeedClient::Hub(c) => c.act(id, action).await,
            FeedClient::Alertmanager(c) => c.act(id, action).await,
        }
    }

    /// Whether this feed can do `action` at all, so a key can say so up
    /// front instead of failing after the responder pressed it.
    pub fn supports(&self, action: &Action) -> bool {
        match self {
            FeedClient::Hub(_) => true,
            FeedClient::Alertmanager(_) => AlertmanagerClient::supports(action),
        }
    }

    /// Why this feed cannot do `action`, or `None` when it can.
    pub fn unsupported_reason(&self, action: &Action) -> Option<String> {
        (!self.supports(action)).then(|| alertmanager::unsupported(action))
    }

    /// The feed's base URL.
    pub fn base(&self) -> &str {
        match self {
            FeedClient::Hub(c) => c.base(),
            FeedClient::Alertmanager(c) => c.base(),
        }
    }

    /// Whether the feed takes a shift hand-off (only the hub keeps them).
    pub fn supports_handoff(&self) -> bool {
        matches!(self, FeedClient::Hub(_))
    }
}

impl From<HubClient> for FeedClient {
    fn from(c: HubClient) -> Self {
        FeedClient::Hub(c)
    }
}

impl From<AlertmanagerClient> for FeedClient {
    fn from(c: AlertmanagerClient) -> Self {
        FeedClient::Alertmanager(c)
    }
}
