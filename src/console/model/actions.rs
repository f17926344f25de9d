//! The changes this console sent and the hub has not answered yet: shown as
//! pending on their incidents (a tick as done at once), and how many wait
//! in the outbox for the hub to be reachable.
use std::collections::{BTreeMap, BTreeSet};

use super::super::input::LineInput;
use crate::feed::Action;

/// An action sent to the hub and not yet answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub id: u64,
    pub action: Action,
    /// The hub could not be reached: it waits in the outbox.
    pub queued: bool,
}

/// How the list marks an incident the hub refused an action of a batch on
/// (the detail pane says why).
pub const REFUSED_MARK: &str = "✗";

/// An action for many incidents, asked before it is sent: the confirm line
/// (acknowledge, escalate) or the prompt (resolve, note) names how many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchAsk {
    pub kind: BatchKind,
    /// The incidents it goes to: those it applies to.
    pub ids: Vec<u64>,
    /// Their versions when asked, in the same order.
    pub seen: Vec<u64>,
    /// "marked", "in the group": what the responder chose.
    pub what: &'static str,
    /// How many of those chosen it does not apply to (already yours, resolved).
    pub left_out: usize,
    /// The words of a resolve or a note, as they are typed.
    pub input: Option<LineInput>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchKind {
    Acknowledge,
    Escalate,
    Resolve,
    Note,
}

/// A batch sent: its requests not yet answered, and what the hub refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// "acknowledged": how the summary says it.
    pub verb: String,
    pub total: usize,
    pub tickets: BTreeSet<u64>,
    pub refused: Vec<(u64, String)>,
}

/// Actions on their way, by the ticket they were sent with.
#[derive(Debug, Clone)]
pub struct Actions {
    pub pending: BTreeMap<u64, Pending>,
    /// Batches with answers still to come.
    pub batches: Vec<Batch>,
    /// Why the last action of a batch on an incident was not done (the
    /// hub refused it, or it could not be sent), until another is sent.
    pub refused: BTreeMap<u64, String>,
    /// Changes waiting in the outbox for the hub to be reachable.
    pub waiting: usize,
    pub next_ticket: u64,
}

impl Actions {
    pub fn new() -> Actions {
        Actions {
            pending: BTreeMap::new(),
            batches: Vec::new(),
            refused: BTreeMap::new(),
            waiting: 0,
            next_ticket: 1,
        }
    }

    /// Marks `action` on incident `id` pending; returns its ticket.
    pub fn start(&mut self, id: u64, action: Action) -> u64 {
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        self.pending.insert(
            ticket,
            Pending {
                id,
                action,
                queued: false,
            },
        );
        ticket
    }

    pub fn pending_for(&self, id: u64) -> Option<&Pending> {
        self.pending.values().find(|p| p.id == id)
    }

    /// The steps of `runbook` ticked on incident `id`: `told` (what the hub
    /// says) with the ticks on their way to it applied.
    pub fn ticked(&self, id: u64, runbook: &str, mut told: BTreeSet<usize>) -> BTreeSet<usize> {
        for p in self.pending.values().filter(|p| p.id == id) {
            if let Action::Step {
                runbook: rb,
                step,
                done: tick,
                ..
            } = &p.action
                && rb == runbook
            {
                if *tick {
                    told.insert(*step as usize);
                } else {
                    told.remove(&(*step as usize));
                }
            }
        }
        told
    }
}

impl Default for Actions {
    fn default() -> Actions {
        Actions::new()
    }
}
