//! The hub's rules: what each change does to an incident, or why it may not
//! be made. Every rule is a pure function of the state it is given (the
//! incident as stored, the hand-offs in force), who asks, what they ask and
//! when, and answers a [`Transition`] to write or a [`Refusal`]; nothing here
//! reads or writes a database, so each rule is tested on its own
//! (`rules/tests.rs`). `ownership` holds who holds an incident and who else
//! is on it (assign, give back, snooze, help, roles). Paging follows the
//! same way: `pages` (what pages whom after a change), `delivered` (what an
//! attempt at a delivery does to it) and `again` (repeats and ack
//! timeouts). Beside them, just as pure:
//! `rota` (who is on call when) and `policy` (whom each escalation level
//! reaches).
//!
//! `hub::apply` reads what a change needs through the store's transaction,
//! asks the rule, and has the store write what it decided, all in one
//! transaction.
use chrono::{DateTime, Utc};

use crate::incident::{EventKind, NewIncident, Status, StatusUpdate};

mod again;
mod cover;
mod delivered;
mod escalation;
mod followup;
mod handoff;
mod incident;
mod ownership;
pub mod pages;
mod squash;
mod webhook;

pub use again::{Again, Unanswered, again};
pub use cover::{may_remove_override, plan_override};
pub use delivered::{Attempted, Recorded, record as record_attempt};
pub use escalation::{Waiting, escalate, overdue};
pub use followup::{NewFollowupRecord, close_followup, followup_added, plan_followup};
pub use handoff::{HandoffRecord, covers_since, in_force, parties, plan, record};
pub use incident::{acknowledge, add_note, open_or_fold, resolve, set_step};
pub use ownership::{
    ask_help, assign, set_role, snooze, snoozes_over, status_update, unacknowledge,
};
pub use squash::{NewSquashRecord, plan_squash, settle, squashed_text};
pub use webhook::{AlertChange, AlertStep, alert_step};

/// Who makes a change, and when.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub who: &'a str,
    pub now: DateTime<Utc>,
    /// When the action was taken, when that is worth showing beside `now`
    /// (it waited in a console's outbox): see `taken_at`.
    pub taken: Option<DateTime<Utc>>,
}

/// Why a change may not be made; each becomes the 4xx the client reads, and
/// is remembered under its Idempotency-Key like an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// There is no incident with this id.
    NotFound(u64),
    /// There is no squash with this id.
    NoSquash(u64),
    /// There is no override with this id, or it was removed already: the
    /// message says which.
    NoOverride(String),
    /// The squash is over already (ran out or removed): the message says
    /// when and by whom.
    SquashOver(String),
    /// There is no follow-up with this id.
    NoFollowup(u64),
    /// The follow-up is done or dropped already: the message says so.
    FollowupClosed(String),
    /// The request cannot be carried out as asked (a hand-off to nobody); the
    /// message says what to send instead.
    Invalid(String),
    /// The one asking may not make this change (a hand-off by someone who is
    /// not on call); the message says who may.
    Forbidden(String),
    /// The incident's state does not allow the change; `code` is the wire
    /// code, and the answer carries the incident as it is now.
    State {
        id: u64,
        code: &'static str,
        message: String,
    },
}

/// What a rule decided to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transition {
    /// What was asked is already so (acknowledging what one holds, ticking a
    /// ticked step): nothing is written, so a retry is harmless.
    Unchanged,
    /// A new incident.
    Open(Opening),
    /// One incident changes.
    Update(Update),
}

/// A new incident: triggered, at level 1, seen once, version 1, its level's
/// timer starting now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opening {
    /// Checked; without a dedup key the store gives it a random one, so it
    /// never folds by accident.
    pub new: NewIncident,
    pub source: String,
    /// Whom level 1 of its service's policy reaches now.
    pub owner: Option<String>,
    /// The text of its first timeline entry.
    pub text: String,
    /// The squash in force that keeps it quiet: it pages nobody.
    pub squashed_by: Option<u64>,
}

impl Opening {
    /// The first entry of its timeline.
    pub fn entry(&self) -> Entry {
        Entry {
            kind: EventKind::Opened,
            text: self.text.clone(),
        }
    }
}

/// A change to one incident. Every update bumps the version, the time of the
/// last change and the change number, and adds `entry` to the timeline; the
/// fields that are `Some` are set as well.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    pub id: u64,
    pub status: Option<Status>,
    /// `Some(None)` takes the incident from whoever held it.
    pub owner: Option<Option<String>>,
    /// A new escalation level, reached now: its timer starts over.
    pub level: Option<u32>,
    pub occurrences: Option<u64>,
    pub step: Option<StepMark>,
    /// `Some(Some(id))`: squash `id` keeps it quiet from now;
    /// `Some(None)`: no squash does any more.
    pub squashed_by: Option<Option<u64>>,
    // Ownership and roles (`ownership`).
    /// The people helping from now: the whole list.
    pub helpers: Option<Vec<String>>,
    /// Declared major, with this person running it.
    pub manager: Option<String>,
    /// `Some(Some(t))`: snoozed until `t`; `Some(None)`: the snooze ends.
    /// The store ends it too whenever an update leaves the incident other
    /// than acknowledged, so no rule has to remember to.
    pub snoozed_until: Option<Option<DateTime<Utc>>>,
    /// With `owner`, by an assign: who it was taken from and who assigned
    /// it. The store forgets them whenever the owner changes otherwise.
    pub assigned: Option<Assigned>,
    /// The incident's latest status update from now.
    pub status_update: Option<StatusUpdate>,
    pub entry: Entry,
}

/// How an assign gave an incident its owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assigned {
    /// Who held it before, if anyone.
    pub from: Option<String>,
    /// Who made the assign.
    pub by: String,
}

impl Update {
    /// An update that only adds `kind` with `text` to the timeline.
    pub fn entry(id: u64, kind: EventKind, text: impl Into<String>) -> Update {
        Update {
            id,
            status: None,
            owner: None,
            level: None,
            occurrences: None,
            step: None,
            squashed_by: None,
            helpers: None,
            manager: None,
            snoozed_until: None,
            assigned: None,
            status_update: None,
            entry: Entry {
                kind,
                text: text.into(),
            },
        }
    }
}

/// A runbook step ticked or unticked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepMark {
    pub runbook: String,
    pub step: u32,
    pub done: bool,
}

/// A timeline entry; who and when are the actor's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub kind: EventKind,
    pub text: String,
}

/// `note` trimmed, empty when there is none.
fn trimmed(note: Option<&str>) -> &str {
    note.map(str::trim).unwrap_or("")
}

#[cfg(test)]
mod tests;
