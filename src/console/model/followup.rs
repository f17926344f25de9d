//! Follow-ups as the console holds them: the form of `f` (what, for whom,
//! by when, asked one line at a time), the popup of `F` (this responder's
//! open follow-ups, with the note asked before one is closed), and the
//! list the poller last read (`GET /api/v1/followups?owner=ME&open=true`).
use crate::incident::{Followup, FollowupStatus};

use super::super::input::LineInput;

/// A follow-up being written for incident `id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowupForm {
    pub id: u64,
    pub step: FollowupStep,
    pub input: LineInput,
}

/// What the form asks now; what was answered before rides along.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowupStep {
    /// What is to be done.
    Text,
    /// Who does it (empty: the responder).
    Owner { text: String },
    /// By when, as a length from now ("3d"; empty: no date).
    Due { text: String, owner: String },
}

impl FollowupForm {
    pub fn new(id: u64) -> FollowupForm {
        FollowupForm {
            id,
            step: FollowupStep::Text,
            input: LineInput::default(),
        }
    }

    /// What the prompt line says before the words typed; `me` is the
    /// owner an empty answer names.
    pub fn label(&self, me: &str) -> String {
        let id = self.id;
        match &self.step {
            FollowupStep::Text => format!("follow-up for #{id}: "),
            FollowupStep::Owner { .. } => format!("follow-up for #{id}, owner (empty: {me}): "),
            FollowupStep::Due { .. } => format!("follow-up for #{id}, due in (3d; empty: none): "),
        }
    }
}

/// The popup of this responder's open follow-ups (`F`): the one under the
/// cursor, and the note being typed before closing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowupsPopup {
    pub cursor: usize,
    pub closing: Option<Closing>,
}

/// Closing follow-up `followup` (of incident `incident`) as `status`: its
/// note being typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closing {
    pub followup: u64,
    pub incident: u64,
    pub status: FollowupStatus,
    pub input: LineInput,
}

/// This responder's open follow-ups as the hub last listed them (overdue
/// first), and those closed from here not yet listed again.
#[derive(Debug, Clone, Default)]
pub struct MyFollowups {
    pub open: Vec<Followup>,
    /// Closed from this console: left out of the popup and the count until
    /// the hub's list no longer has them.
    pub closing: Vec<u64>,
}

impl MyFollowups {
    /// The open ones still to show: listed, and not being closed.
    pub fn shown(&self) -> Vec<&Followup> {
        self.open
            .iter()
            .filter(|f| !self.closing.contains(&f.id))
            .collect()
    }

    /// How many are open, and how many of those overdue.
    pub fn counts(&self) -> (usize, usize) {
        let shown = self.shown();
        (shown.len(), shown.iter().filter(|f| f.overdue).count())
    }

    /// Takes the hub's new list; what it no longer has is not closing any
    /// more. Whether anything shown changed.
    pub fn listed(&mut self, open: Vec<Followup>) -> bool {
        let before = self.counts();
        let changed = self.open != open;
        self.closing.retain(|id| open.iter().any(|f| f.id == *id));
        self.open = open;
        changed || self.counts() != before
    }
}
