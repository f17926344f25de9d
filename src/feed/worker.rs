//! Sends the responder's changes to the feed, one at a time and in the
//! order they were made, through the outbox: written down first, sent with
//! an Idempotency-Key, taken out once the hub answered. While the hub cannot
//! be reached they wait, and go out in order when it is back. Also reads,
//! beside the changes, incident details, lists, reports and pages of the
//! history, and gathers the shift for the hand-off. Results come back to the
//! console as events.
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::mpsc;

use super::FeedClient;
use super::client::{FeedError, Sending};
use super::outbox::{Entry, Op, Outbox};
use super::poller::backoff;
use crate::handoff;
use crate::incident::HandoffRequest;

mod answers;
mod messages;

pub use answers::describe;
use answers::{Answer, no_handoff, no_history, no_rota, no_squashes, unkept};
pub use messages::{Request, WorkerEvent};

/// Starts the worker; drop the returned sender to stop it. `outbox` keeps
/// changes across failures and restarts (hub feeds); without one, a change
/// that cannot be sent is reported as failed. `poll_now` is nudged after
/// each change so the feed shows its effect at once.
pub fn spawn<M>(
    client: FeedClient,
    outbox: Option<Outbox>,
    tx: mpsc::UnboundedSender<M>,
    poll_now: mpsc::Sender<()>,
) -> mpsc::UnboundedSender<Request>
where
    M: From<WorkerEvent> + Send + 'static,
{
    let (req_tx, mut req_rx) = mpsc::unbounded_channel::<Request>();
    tokio::spawn(async move {
        let mut w = Worker {
            client,
            outbox,
            tickets: HashMap::new(),
            saved: HashMap::new(),
            told_queued: HashSet::new(),
            failures: 0,
            tx,
            poll_now,
        };
        if !w.report(WorkerEvent::Waiting(w.waiting())) {
            return;
        }
        if !w.drain().await {
            return;
        }
        // Told after the first replay, whose messages would hide it.
        let aside = w.outbox.as_ref().and_then(Outbox::set_aside).cloned();
        if let Some(aside) = aside
            && !w.report(WorkerEvent::SetAside(aside))
        {
            return;
        }
        loop {
            let retry = (w.waiting() > 0).then(|| backoff(w.failures).min(MAX_RETRY));
            tokio::select! {
                req = req_rx.recv() => match req {
                    Some(req) => if !w.handle(req).await { return },
                    None => return,
                },
                _ = tokio::time::sleep(retry.unwrap_or(Duration::MAX)), if retry.is_some() => {
                    if !w.drain().await { return }
                }
            }
        }
    });
    req_tx
}

/// The longest wait between tries of a waiting change.
const MAX_RETRY: Duration = Duration::from_secs(15);

struct Worker<M> {
    client: FeedClient,
    outbox: Option<Outbox>,
    /// Outbox key -> the console's ticket, for the changes of this session.
    tickets: HashMap<String, u64>,
    /// Outbox key -> where the hand-off's note was saved.
    saved: HashMap<String, Result<PathBuf, String>>,
    told_queued: HashSet<String>,
    failures: u32,
    tx: mpsc::UnboundedSender<M>,
    poll_now: mpsc::Sender<()>,
}

impl<M: From<WorkerEvent> + Send + 'static> Worker<M> {
    /// False when the console is gone.
    fn report(&self, event: WorkerEvent) -> bool {
        self.tx.send(M::from(event)).is_ok()
    }

    fn waiting(&self) -> usize {
        self.outbox.as_ref().map_or(0, Outbox::len)
    }

    async fn handle(&mut self, req: Request) -> bool {
        match req {
            Request::Act { ticket, id, action } => {
                let entry = Entry::new(Op::Incident { id, action }, Utc::now());
                self.tickets.insert(entry.key.clone(), ticket);
                self.enqueue(entry).await
            }
            Request::SendHandoff {
                from,
                to,
                note,
                dir,
                now,
            } => {
                // On disk first: the note must outlive a hub that is down.
                let saved = handoff::save(&dir, &from, to.as_deref(), now, &note)
                    .map_err(|e| format!("{}: {e}", dir.display()));
                let entry = Entry::new(
                    Op::Handoff {
                        request: HandoffRequest { to, note },
                    },
                    now,
                );
                self.saved.insert(entry.key.clone(), saved);
                self.enqueue(entry).await
            }
            Request::Unsquash { ticket, id } => {
                let entry = Entry::new(Op::Unsquash { id }, Utc::now());
                self.tickets.insert(entry.key.clone(), ticket);
                self.enqueue(entry).await
            }
            Request::Cover { ticket, request } => {
                let entry = Entry::new(Op::Cover { request }, Utc::now());
                self.tickets.insert(entry.key.clone(), ticket);
                self.enqueue(entry).await
            }
            Request::Uncover { ticket, id } => {
                let entry = Entry::new(Op::Uncover { id }, Utc::now());
                self.tickets.insert(entry.key.clone(), ticket);
                self.enqueue(entry).await
            }
            Request::ListOverrides => self.read_beside(move |client| async move {
                WorkerEvent::Overrides(match &client {
                    FeedClient::Hub(hub) => hub.overrides().await,
                    FeedClient::Alertmanager(_) => Err(no_rota()),
                })
            }),
            Request::ListSquashes => self.read_beside(move |client| async move {
                WorkerEvent::Squashes(match &client {
                    FeedClient::Hub(hub) => hub.squashes(None).await,
                    FeedClient::Alertmanager(_) => Err(no_squashes()),
                })
            }),
            Request::PrepareHandoff { me, now } => {
                let result = match &self.client {
                    FeedClient::Hub(hub) => handoff::gather(hub, &me, now).await,
                    FeedClient::Alertmanager(_) => Err(no_handoff()),
                };
                self.report(WorkerEvent::HandoffReady(result))
            }
            Request::Report { since } => self.read_beside(move |client| async move {
                WorkerEvent::Report(match &client {
                    FeedClient::Hub(hub) => hub.report(&since).await.map(Box::new),
                    FeedClient::Alertmanager(_) => Err(FeedError::Unsupported(
                        "the noise report needs the oncall hub; this feed is Alertmanager"
                            .to_string(),
                    )),
                })
            }),
            Request::Fetch { id } => self.read_beside(move |client| async move {
                let result = client.get(id).await;
                WorkerEvent::Fetched { id, result }
            }),
            Request::History { q, before, limit } => self.read_beside(move |client| async move {
                let result = match &client {
                    FeedClient::Hub(hub) => hub.resolved(&q, before, limit).await,
                    FeedClient::Alertmanager(_) => Err(no_history()),
                };
                WorkerEvent::HistoryPage { q, before, result }
            }),
            Request::HistoryIncident { id } => self.read_beside(move |client| async move {
                let result = match &client {
                    FeedClient::Hub(hub) => hub.get(id).await.map(Box::new),
                    FeedClient::Alertmanager(_) => Err(no_history()),
                };
                WorkerEvent::HistoryIncident { id, result }
            }),
        }
    }

    /// Reads beside the changes: a detail, a list or a report must not
    /// wait behind a slow change, nor hold the next one up. `read` gets the
    /// client and makes the event its answer becomes.
    fn read_beside<F, Fut>(&self, read: F) -> bool
    where
        F: FnOnce(FeedClient) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = WorkerEvent> + Send + 'static,
    {
        let client = self.client.clone();
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let event = read(client).await;
            let _ = tx.send(M::from(event));
        });
        true
    }

    /// Writes `entry` down (when there is an outbox), then sends what waits.
    async fn enqueue(&mut self, entry: Entry) -> bool {
        match &mut self.outbox {
            Some(outbox) => {
                if let Err(e) = outbox.push(entry.clone()) {
                    // Not kept: send it once, and say so if that fails too.
                    tracing::error!("cannot write the outbox: {e}");
                    let result = self.send(&entry).await;
                    return self.finish(&entry, result.map_err(|err| unkept(err, &e)));
                }
                self.report(WorkerEvent::Waiting(self.waiting())) && self.drain().await
            }
            None => {
                let result = self.send(&entry).await;
                self.finish(&entry, result)
            }
        }
    }

    /// Sends waiting changes, oldest first, until one cannot go now.
    async fn drain(&mut self) -> bool {
        while let Some(entry) = self.outbox.as_ref().and_then(|o| o.front().cloned()) {
            let result = self.send(&entry).await;
            if let Err(e) = &result
                && e.is_transient()
            {
                self.failures = self.failures.saturating_add(1);
                return self.tell_queued();
            }
            self.failures = 0;
            if let Some(outbox) = &mut self.outbox
                && let Err(e) = outbox.remove(&entry.key)
            {
                // It stays on disk and goes again, which the key makes harmless.
                tracing::error!("cannot update the outbox: {e}");
            }
            if !self.finish(&entry, result) || !self.report(WorkerEvent::Waiting(self.waiting())) {
                return false;
            }
        }
        true
    }

    /// Tells the console about each change that now waits, once.
    fn tell_queued(&mut self) -> bool {
        let new: Vec<Entry> = match &self.outbox {
            Some(o) => o
                .entries()
                .filter(|e| !self.told_queued.contains(&e.key))
                .cloned()
                .collect(),
            None => Vec::new(),
        };
        for e in new {
            self.told_queued.insert(e.key.clone());
            let ticket = self.tickets.get(&e.key).copied();
            if !self.report(WorkerEvent::Queued {
                ticket,
                what: describe(&e.op),
            }) {
                return false;
            }
        }
        true
    }

    async fn send(&self, entry: &Entry) -> Result<Answer, FeedError> {
        let sending = Some(Sending {
            key: &entry.key,
            taken_at: entry.at,
        });
        match (&entry.op, &self.client) {
            (Op::Incident { id, action }, FeedClient::Hub(hub)) => hub
                .act_keyed(*id, action, sending)
                .await
                .map(Answer::Incident),
            (Op::Incident { id, action }, client) => {
                client.act(*id, action).await.map(Answer::Incident)
            }
            (Op::Handoff { request }, FeedClient::Hub(hub)) => {
                hub.hand_off(request, sending).await.map(Answer::Handoff)
            }
            (Op::Handoff { .. }, FeedClient::Alertmanager(_)) => Err(no_handoff()),
            (Op::Unsquash { id }, FeedClient::Hub(hub)) => {
                hub.unsquash(*id, sending).await.map(Answer::Squash)
            }
            (Op::Unsquash { .. }, FeedClient::Alertmanager(_)) => Err(no_squashes()),
            (Op::Cover { request }, FeedClient::Hub(hub)) => hub
                .make_override(request, sending)
                .await
                .map(Answer::Override),
            (Op::Uncover { id }, FeedClient::Hub(hub)) => hub
                .remove_override(*id, sending)
                .await
                .map(Answer::Override),
            (Op::Cover { .. } | Op::Uncover { .. }, FeedClient::Alertmanager(_)) => Err(no_rota()),
        }
    }

    /// Reports the hub's answer to `entry` to whoever is waiting for it.
    fn finish(&mut self, entry: &Entry, result: Result<Answer, FeedError>) -> bool {
        self.told_queued.remove(&entry.key);
        let ticket = self.tickets.remove(&entry.key);
        let saved = self.saved.remove(&entry.key);
        let ok = match (&entry.op, ticket, result) {
            (Op::Incident { id, .. }, Some(ticket), result) => {
                let result = result.and_then(|a| a.incident());
                self.report(WorkerEvent::Acted {
                    ticket,
                    id: *id,
                    result,
                })
            }
            (Op::Handoff { .. }, _, result) => {
                let result = result.and_then(|a| a.handoff());
                self.report(WorkerEvent::HandedOff { saved, result })
            }
            (Op::Unsquash { id }, ticket, result) => {
                let result = result.and_then(|a| a.squash());
                self.report(WorkerEvent::Unsquashed {
                    ticket,
                    id: *id,
                    result,
                })
            }
            (Op::Cover { .. }, ticket, result) => {
                let result = result.and_then(|a| a.rota_override());
                self.report(WorkerEvent::Covered { ticket, result })
            }
            (Op::Uncover { id }, ticket, result) => {
                let result = result.and_then(|a| a.rota_override());
                self.report(WorkerEvent::Uncovered {
                    ticket,
                    id: *id,
                    result,
                })
            }
            (op, _, result) => self.report(WorkerEvent::Replayed {
                what: describe(op),
                result: result.map(|_| ()),
            }),
        };
        let _ = self.poll_now.try_send(());
        ok
    }
}
