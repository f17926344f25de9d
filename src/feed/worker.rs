//! Sends the responder's actions to the feed, one at a time and in the order
//! they were taken, and fetches incident details. Results come back to the
//! console as events.
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use tokio::sync::mpsc;

use super::FeedClient;
use super::client::{Action, FeedError};
use crate::handoff::{self, Shift};
use crate::incident::{Handoff, HandoffRequest, Incident};

/// What the console asks of the worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// `ticket` identifies the action so the console can clear "pending".
    Act {
        ticket: u64,
        id: u64,
        action: Action,
    },
    Fetch {
        id: u64,
    },
    /// Gather the shift of `me` for the hand-off note.
    PrepareHandoff {
        me: String,
        now: DateTime<Utc>,
    },
    /// Write the note into `dir`, then send the hand-off.
    SendHandoff {
        from: String,
        to: Option<String>,
        note: String,
        dir: PathBuf,
        now: DateTime<Utc>,
    },
}

/// What the worker reports back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkerEvent {
    Acted {
        ticket: u64,
        id: u64,
        result: Result<Incident, FeedError>,
    },
    Fetched {
        id: u64,
        result: Result<Incident, FeedError>,
    },
    HandoffReady(Result<Shift, FeedError>),
    /// Where the note was saved (or why it could not be), and how the hub
    /// took the hand-off.
    HandedOff {
        saved: Result<PathBuf, String>,
        result: Result<Handoff, FeedError>,
    },
}

fn no_handoff() -> FeedError {
    FeedError::Unsupported("hand-off needs the oncall hub; this feed is Alertmanager".to_string())
}

/// Starts the worker; drop the returned sender to stop it. `poll_now` is
/// nudged after each action so the feed shows its effect at once.
pub fn spawn<M>(
    client: FeedClient,
    tx: mpsc::UnboundedSender<M>,
    poll_now: mpsc::Sender<()>,
) -> mpsc::UnboundedSender<Request>
where
    M: From<WorkerEvent> + Send + 'static,
{
    let (req_tx, mut req_rx) = mpsc::unbounded_channel::<Request>();
    tokio::spawn(async move {
        while let Some(req) = req_rx.recv().await {
            match req {
                Request::Act { ticket, id, action } => {
                    let result = client.act(id, &action).await;
                    if tx
                        .send(M::from(WorkerEvent::Acted { ticket, id, result }))
                        .is_err()
                    {
                        return;
                    }
                    // A full queue means a poll is already due; nothing to add.
                    let _ = poll_now.try_send(());
                }
                Request::PrepareHandoff { me, now } => {
                    let result = match &client {
                        FeedClient::Hub(hub) => handoff::gather(hub, &me, now).await,
                        FeedClient::Alertmanager(_) => Err(no_handoff()),
                    };
                    if tx.send(M::from(WorkerEvent::HandoffReady(result))).is_err() {
                        return;
                    }
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
                    let result = match &client {
                        FeedClient::Hub(hub) => hub.hand_off(&HandoffRequest { to, note }).await,
                        FeedClient::Alertmanager(_) => Err(no_handoff()),
                    };
                    if tx
                        .send(M::from(WorkerEvent::HandedOff { saved, result }))
                        .is_err()
                    {
                        return;
                    }
                    let _ = poll_now.try_send(());
                }
                Request::Fetch { id } => {
                    // Details must not wait behind a slow action, nor hold the next one up.
                    let client = client.clone();
                    let tx = tx.clone();
                    tokio::spawn(async move {
                        let result = client.get(id).await;
                        let _ = tx.send(M::from(WorkerEvent::Fetched { id, result }));
                    });
                }
            }
        }
    });
    req_tx
}
