//! The background task that polls a feed and reports what it found. It owns
//! its cursor and ETag; the console only receives events.
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use super::client::{FeedError, ListOutcome};
use super::{FeedClient, failover};
use crate::incident::{Handoff, Heartbeat, Incident, OnCall};

/// What one poll found, as the console receives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedEvent {
    /// `full`: `incidents` is every open incident (replace what you have);
    /// otherwise only the ones that changed (merge them).
    Polled {
        incidents: Vec<Incident>,
        full: bool,
        /// Where this poll leaves the feed, when the feed can resume from
        /// it (a hub that names its database): saved with the incidents, so
        /// the next start asks only for what changed since.
        resume: Option<Resume>,
    },
    /// 304: the feed is as it was.
    Unchanged,
    /// Nothing usable this time; the next try is in `retry_in`.
    Failed {
        error: FeedError,
        retry_in: Duration,
    },
    /// Another hub of the feed's list answers now (feeds of several hubs
    /// only; told before what it answered). `other_database`: it is not on
    /// the database the last one was, so the list was read again whole.
    Answering { hub: String, other_database: bool },
    /// Who is on call, and the last hand-off addressed to this responder
    /// (hub feeds only).
    Rota {
        oncall: OnCall,
        handoff: Option<Handoff>,
    },
    /// The heartbeats the hub watches, read with the rota (hub feeds only;
    /// a hub that has none, or knows none, gives an empty list).
    Heartbeats(Vec<Heartbeat>),
    /// This responder's open follow-ups, overdue first, read with the rota
    /// (hub feeds only; none from a hub that does not keep them).
    Followups(Vec<crate::incident::Followup>),
}

/// A cursor and the database it belongs to. Kept with the incidents it
/// brought the console up to, never apart from them: resuming from a cursor
/// newer than the incidents held would skip what changed in between.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resume {
    pub cursor: u64,
    pub hub: String,
}

/// How often the rota is read when the feed itself has not changed: shifts
/// end on the clock, not on a change.
const ROTA_EVERY: Duration = Duration::from_secs(30);

/// The longest wait between polls while the feed is failing.
pub const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// Polls every `interval` while the feed answers, backing off (doubling,
/// with jitter, capped) while it does not. A message on `wake` polls at once
/// (after an action, so the responder sees its effect and others' soon).
/// With `resume` (from the cache), the first poll asks only for what changed
/// since, if the hub's database is still the one that gave the cursor.
pub fn spawn<M>(
    client: FeedClient,
    me: String,
    interval: Duration,
    resume: Option<Resume>,
    tx: mpsc::UnboundedSender<M>,
    mut wake: mpsc::Receiver<()>,
) where
    M: From<FeedEvent> + Send + 'static,
{
    tokio::spawn(async move {
        let mut state = PollState::default();
        if let Some(resume) = resume.filter(|_| client.incremental()) {
            state.cursor = Some(resume.cursor);
            state.hub = Some(resume.hub);
        }
        let mut rota_read: Option<tokio::time::Instant> = None;
        loop {
            let event = state.poll(&client).await;
            if let Some(answering) = state.answering(&client, &event)
                && tx.send(M::from(answering)).is_err()
            {
                return;
            }
            let wait = match &event {
                FeedEvent::Failed { retry_in, .. } => *retry_in,
                _ => interval,
            };
            let changed = matches!(event, FeedEvent::Polled { .. });
            let ok = !matches!(event, FeedEvent::Failed { .. });
            if tx.send(M::from(event)).is_err() {
                return; // the console is gone
            }
            let due = rota_read.is_none_or(|t| t.elapsed() >= ROTA_EVERY);
            if let FeedClient::Hub(hub) = &client
                && ok
                && (changed || due)
            {
                rota_read = Some(tokio::time::Instant::now());
                // The rota is extra: a failure here shows at the next poll.
                if let (Ok(oncall), Ok(handoff)) =
                    (hub.oncall().await, hub.latest_handoff(&me).await)
                    && tx
                        .send(M::from(FeedEvent::Rota { oncall, handoff }))
                        .is_err()
                {
                    return;
                }
                if let Some(heartbeats) = heartbeats(hub).await
                    && tx.send(M::from(FeedEvent::Heartbeats(heartbeats))).is_err()
                {
                    return;
                }
                if let Some(mine) = followups(hub, &me).await
                    && tx.send(M::from(FeedEvent::Followups(mine))).is_err()
                {
                    return;
                }
            }
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                woken = wake.recv() => if woken.is_none() { return },
            }
        }
    });
}

/// The hub's heartbeats; none from a hub that does not know them (older,
/// 404); `None` when they could not be read this time (shown at the next).
async fn heartbeats(hub: &super::HubClient) -> Option<Vec<Heartbeat>> {
    match hub.heartbeats().await {
        Ok(list) => Some(list.heartbeats),
        Err(FeedError::Rejected { status: 404, .. }) => Some(Vec::new()),
        Err(_) => None,
    }
}

/// `me`'s open follow-ups; none from a hub that does not keep them (older,
/// 404); `None` when they could not be read this time.
async fn followups(hub: &super::HubClient, me: &str) -> Option<Vec<crate::incident::Followup>> {
    match hub.followups(Some(me), true).await {
        Ok(list) => Some(list),
        Err(FeedError::Rejected { status: 404, .. }) => Some(Vec::new()),
        Err(_) => None,
    }
}

#[derive(Debug, Default)]
struct PollState {
    cursor: Option<u64>,
    etag: Option<String>,
    /// The database `cursor` belongs to, as the hub names it.
    hub: Option<String>,
    failures: u32,
    /// The hub that answered last, as the top bar names it (feeds of
    /// several hubs).
    answering: Option<String>,
    /// An answer came from another database than the cursor's, since the
    /// console was last told who answers.
    other_database: bool,
}

impl PollState {
    /// What to tell the console when the hub that answers is not the one
    /// it was told of (feeds of several hubs only; none when none answered).
    fn answering(&mut self, client: &FeedClient, event: &FeedEvent) -> Option<FeedEvent> {
        let other_database = std::mem::take(&mut self.other_database);
        let FeedClient::Hub(hub) = client else {
            return None;
        };
        if hub.hubs() < 2 || matches!(event, FeedEvent::Failed { .. }) {
            return None;
        }
        let host = failover::host_of(hub.answering());
        if self.answering.as_deref() == Some(host.as_str()) && !other_database {
            return None;
        }
        if other_database {
            tracing::warn!(
                "{host} answers for another database than {} did: the whole list was read again; the feed's urls should be hubs of one database",
                self.answering.as_deref().unwrap_or("the last hub")
            );
        }
        self.answering = Some(host.clone());
        Some(FeedEvent::Answering {
            hub: host,
            other_database,
        })
    }

    async fn poll(&mut self, client: &FeedClient) -> FeedEvent {
        match self.try_poll(client).await {
            Ok(event) => {
                self.failures = 0;
                event
            }
            Err(error) => {
                self.failures = self.failures.saturating_add(1);
                FeedEvent::Failed {
                    error,
                    retry_in: backoff(self.failures),
                }
            }
        }
    }

    async fn try_poll(&mut self, client: &FeedClient) -> Result<FeedEvent, FeedError> {
        let since = self.cursor;
        match client.list(since, self.etag.as_deref()).await? {
            ListOutcome::Unchanged => Ok(FeedEvent::Unchanged),
            ListOutcome::Changed { list, etag, hub } => {
                // A cursor means something only in the database that gave
                // it. One that went backwards (an older copy restored) or an
                // answer from another database altogether (replaced, even if
                // its cursor is further on) means what we hold is not
                // comparable: start over with the whole list.
                let other_database = self.hub.is_some() && hub != self.hub;
                if since.is_some_and(|s| list.cursor < s || other_database) {
                    self.other_database |= other_database;
                    self.cursor = None;
                    self.etag = None;
                    self.hub = None;
                    return Box::pin(self.try_poll(client)).await;
                }
                self.cursor = Some(list.cursor);
                self.etag = etag;
                self.hub = hub;
                Ok(FeedEvent::Polled {
                    incidents: list.incidents,
                    full: since.is_none() || !client.incremental(),
                    resume: self.hub.clone().map(|hub| Resume {
                        cursor: list.cursor,
                        hub,
                    }),
                })
            }
        }
    }
}

/// 1s, 2s, 4s ... up to `MAX_BACKOFF`, each with up to 25% jitter so that a
/// team's consoles do not all come back at the same instant.
pub fn backoff(failures: u32) -> Duration {
    let base = Duration::from_secs(1u64 << failures.saturating_sub(1).min(6)).min(MAX_BACKOFF);
    let mut byte = [0u8; 1];
    let jitter = if getrandom::fill(&mut byte).is_ok() {
        u32::from(byte[0])
    } else {
        128
    };
    base + base.mul_f64(f64::from(jitter) / 255.0 / 4.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert!(backoff(1) >= Duration::from_secs(1) && backoff(1) <= Duration::from_millis(1250));
        assert!(backoff(3) >= Duration::from_secs(4));
        for n in [7, 20, u32::MAX] {
            let b = backoff(n);
            assert!(
                b >= MAX_BACKOFF && b <= MAX_BACKOFF + MAX_BACKOFF / 4,
                "{b:?}"
            );
        }
    }
}
