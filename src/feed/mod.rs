//! The console's side of the wire: a client per kind of feed (the hub, or an
//! Alertmanager polled directly), the task that polls it, and the task that
//! sends actions.
pub mod alertmanager;
pub mod cache;
pub mod client;
pub mod failover;
mod followups;
pub mod heartbeats;
mod history;
pub mod http;
pub mod outbox;
pub mod poller;
mod report;
mod rota;
pub mod squashes;
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
        self.capabilities().incremental
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

    /// What this feed can do.
    pub fn capabilities(&self) -> Capabilities {
        match self {
            FeedClient::Hub(_) => Capabilities::HUB,
            FeedClient::Alertmanager(_) => Capabilities::ALERTMANAGER,
        }
    }

    /// The feed's base URL.
    pub fn base(&self) -> &str {
        match self {
            FeedClient::Hub(c) => c.base(),
            FeedClient::Alertmanager(c) => c.base(),
        }
    }
}

/// What a feed can do: one value, asked by the console before a key sends
/// anything, so that what the feed cannot do is refused at once, in words,
/// rather than failing on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    pub acknowledge: bool,
    pub escalate: bool,
    pub resolve: bool,
    pub note: bool,
    /// Ticks of runbook steps, shared with the team.
    pub steps: bool,
    /// Takes a shift hand-off (the hub keeps them).
    pub handoff: bool,
    /// Keeps squashes (silences and maintenance windows).
    pub squash: bool,
    /// Answers a poll with only what changed since a cursor.
    pub incremental: bool,
    /// Serves the noise report.
    pub report: bool,
    /// Reassigns, gives back, snoozes, asks for help and names incident
    /// managers (ownership and roles).
    pub ownership: bool,
    /// Keeps follow-ups: adds, lists and closes them.
    pub followups: bool,
    /// Keeps the resolved incidents, to search and read again.
    pub history: bool,
}

impl Capabilities {
    /// The oncall hub: everything.
    pub const HUB: Capabilities = Capabilities {
        acknowledge: true,
        escalate: true,
        resolve: true,
        note: true,
        steps: true,
        handoff: true,
        squash: true,
        incremental: true,
        report: true,
        ownership: true,
        followups: true,
        history: true,
    };

    /// An Alertmanager polled directly: acknowledge (a silence), no more.
    pub const ALERTMANAGER: Capabilities = Capabilities {
        acknowledge: true,
        escalate: false,
        resolve: false,
        note: false,
        steps: false,
        handoff: false,
        squash: false,
        incremental: false,
        report: false,
        ownership: false,
        followups: false,
        history: false,
    };

    /// Whether the feed takes `action`.
    pub fn takes(&self, action: &Action) -> bool {
        match action {
            Action::Acknowledge { .. } => self.acknowledge,
            Action::Escalate { .. } => self.escalate,
            Action::Resolve { .. } => self.resolve,
            Action::Note { .. } => self.note,
            Action::Step { .. } => self.steps,
            Action::Squash { .. } => self.squash,
            Action::Assign { .. }
            | Action::Unacknowledge
            | Action::Snooze { .. }
            | Action::AskHelp { .. }
            | Action::SetManager { .. }
            | Action::StatusUpdate { .. } => self.ownership,
            Action::AddFollowup { .. } | Action::CloseFollowup { .. } => self.followups,
        }
    }

    /// Why the feed does not take `action`, or `None` when it does. Only an
    /// Alertmanager lacks anything, so the words say what would do it.
    pub fn refusal(&self, action: &Action) -> Option<String> {
        if self.takes(action) {
            return None;
        }
        Some(match action {
            // Said as `e` is pressed, before any confirm line: a sentence.
            Action::Escalate { .. } => {
                "Escalation needs the oncall hub; this feed is Alertmanager.".to_string()
            }
            other => alertmanager::unsupported(other),
        })
    }

    /// Why the feed has no noise report, or `None` when it has one.
    pub fn report_refusal(&self) -> Option<String> {
        (!self.report).then(|| {
            "The noise report needs the oncall hub; this feed is Alertmanager, read directly."
                .to_string()
        })
    }

    /// Why the feed cannot list or remove squashes, or `None` when it can.
    pub fn squash_refusal(&self) -> Option<String> {
        (!self.squash).then(|| alertmanager::unsupported(&SQUASH))
    }

    /// Why the feed has no rota to show or override, or `None` when it has.
    pub fn rota_refusal(&self) -> Option<String> {
        (!self.handoff).then(|| {
            "The rota and its overrides need the oncall hub; this feed is Alertmanager.".to_string()
        })
    }

    /// Why the feed keeps no history of resolved incidents, or `None` when
    /// it keeps one.
    pub fn history_refusal(&self) -> Option<String> {
        (!self.history).then(|| {
            "The history of resolved incidents needs the oncall hub; this feed is Alertmanager, \
             which forgets an alert once it is resolved."
                .to_string()
        })
    }

    /// Why the feed does not take a hand-off, or `None` when it does.
    pub fn handoff_refusal(&self) -> Option<String> {
        (!self.handoff)
            .then(|| "Hand-off needs the oncall hub; this feed is Alertmanager.".to_string())
    }
}

/// A squash, for asking whether the feed takes one.
const SQUASH: Action = Action::Squash {
    matchers: std::collections::BTreeMap::new(),
    until: chrono::DateTime::<chrono::Utc>::MIN_UTC,
    reason: String::new(),
};

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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_hub_does_everything_and_an_alertmanager_acknowledges_only() {
        let hub = HubClient::new(
            "http://127.0.0.1:1",
            "t".into(),
            "T",
            Duration::from_secs(1),
        );
        let hub = FeedClient::from(hub.unwrap());
        let am = AlertmanagerClient::new(AlertmanagerSettings {
            base: "http://127.0.0.1:1".into(),
            matchers: Vec::new(),
            silence: Duration::from_secs(60),
            responder: "alex".into(),
            token: None,
            token_env: None,
            timeout: Duration::from_secs(1),
        });
        let am = FeedClient::from(am.unwrap());
        let actions = [
            Action::Acknowledge { version: None },
            Action::Escalate { note: None },
            Action::Resolve { note: None },
            Action::Note { text: "x".into() },
            Action::Step {
                runbook: "disk".into(),
                step: 0,
                done: true,
                text: None,
            },
            Action::Assign { to: "bob".into() },
            Action::Unacknowledge,
            Action::Snooze {
                length: "30m".into(),
            },
            Action::AskHelp {
                who: "bob".into(),
                note: None,
            },
            Action::SetManager {
                who: "bob".into(),
                force: false,
            },
            Action::StatusUpdate {
                text: "rolling back".into(),
            },
        ];
        for action in &actions {
            assert_eq!(hub.capabilities().refusal(action), None, "{action:?}");
            let am_takes = matches!(action, Action::Acknowledge { .. });
            assert_eq!(am.capabilities().takes(action), am_takes, "{action:?}");
            assert_eq!(am.capabilities().refusal(action).is_none(), am_takes);
        }
        assert_eq!(hub.capabilities().handoff_refusal(), None);
        assert!(am.capabilities().handoff_refusal().is_some());
        assert_eq!(hub.capabilities().history_refusal(), None);
        assert!(am.capabilities().history_refusal().is_some());
        assert!(hub.incremental() && !am.incremental());
    }
}
