//! What the console asks of the feed worker and what the worker reports
//! back: the two message types between them, apart from the worker's
//! loop so that it stays readable.
use std::path::PathBuf;

use chrono::{DateTime, Utc};

use super::super::client::{Action, FeedError};
use super::super::outbox::SetAside;
use crate::handoff::Shift;
use crate::incident::{Handoff, Incident, NewOverride, Override, ResolvedPage, Squash};

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
    /// The squashes in force and scheduled.
    ListSquashes,
    /// Remove squash `id`; `ticket` identifies the answer.
    Unsquash {
        ticket: u64,
        id: u64,
    },
    /// The overrides in force and upcoming.
    ListOverrides,
    /// Put `request.responder` on call for its window; `ticket` identifies
    /// the answer.
    Cover {
        ticket: u64,
        request: NewOverride,
    },
    /// Remove override `id`; `ticket` identifies the answer.
    Uncover {
        ticket: u64,
        id: u64,
    },
    /// Write the note into `dir`, then send the hand-off.
    SendHandoff {
        from: String,
        to: Option<String>,
        note: String,
        dir: PathBuf,
        now: DateTime<Utc>,
    },
    /// Fetch the noise report of the last `since` ("7d").
    Report {
        since: String,
    },
    /// A page of the resolved incidents holding every word of `q`: the
    /// newest, or those below `before` (the cursor of the page before).
    History {
        q: String,
        before: Option<u64>,
        limit: u32,
    },
    /// A resolved incident with its whole timeline, to read: answered
    /// apart from `Fetch`, so it never joins the list.
    HistoryIncident {
        id: u64,
    },
}

/// What the worker reports back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkerEvent {
    /// The answer to an action of this session.
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
    /// The noise report asked for.
    Report(Result<Box<crate::report::NoiseReport>, FeedError>),
    /// A page of the history, for the search `q` below `before`.
    HistoryPage {
        q: String,
        before: Option<u64>,
        result: Result<ResolvedPage, FeedError>,
    },
    /// A resolved incident with its timeline, to read.
    HistoryIncident {
        id: u64,
        result: Result<Box<Incident>, FeedError>,
    },
    /// How the hub took a hand-off, and where its note was saved (`None`
    /// for one composed before the console restarted).
    HandedOff {
        saved: Option<Result<PathBuf, String>>,
        result: Result<Handoff, FeedError>,
    },
    /// The squashes in force and scheduled.
    Squashes(Result<Vec<Squash>, FeedError>),
    /// How the hub took the removal of a squash (`ticket`: of this
    /// session).
    Unsquashed {
        ticket: Option<u64>,
        id: u64,
        result: Result<Squash, FeedError>,
    },
    /// The overrides in force and upcoming.
    Overrides(Result<Vec<Override>, FeedError>),
    /// How the hub took an override (`ticket`: of this session).
    Covered {
        ticket: Option<u64>,
        result: Result<Override, FeedError>,
    },
    /// How the hub took the removal of an override.
    Uncovered {
        ticket: Option<u64>,
        id: u64,
        result: Result<Override, FeedError>,
    },
    /// The change could not be sent now; it waits in the outbox.
    Queued {
        ticket: Option<u64>,
        what: String,
    },
    /// How many changes wait in the outbox.
    Waiting(usize),
    /// A change kept from before the console restarted got its answer.
    Replayed {
        what: String,
        result: Result<(), FeedError>,
    },
    /// Lines of the outbox that could not be read back were set aside.
    SetAside(SetAside),
}
