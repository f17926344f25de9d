//! The rota view (`w`), as the console holds it: the overrides the hub last
//! listed, the covers and removals sent and not yet answered, and where the
//! view is (choosing, answering the cover prompt a step at a time, or the
//! question before a removal). Who is on call now and next, and the levels,
//! are the feed's `oncall`, kept fresh by the poller.
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::incident::{NewOverride, Override};

use super::super::input::LineInput;

/// Where the rota view is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RotaStep {
    /// Choosing an override (`j`/`k`).
    Choose,
    /// The cover prompt, asking when it starts (empty: now).
    Start(LineInput),
    /// Asking when it ends, or how long (`8h`).
    End {
        start: DateTime<Utc>,
        input: LineInput,
    },
    /// Asking for whom (empty: me).
    For {
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        input: LineInput,
    },
    /// Removing override `id` waits for y/Enter.
    Confirm(u64),
}

/// The overrides the hub last listed, and the changes on their way, by
/// ticket.
#[derive(Debug, Clone, Default)]
pub struct RotaOverrides {
    /// `None` until the hub answers the list.
    pub listed: Option<Vec<Override>>,
    pub covering: BTreeMap<u64, NewOverride>,
    pub removing: BTreeMap<u64, u64>,
    pub next_ticket: u64,
}

impl RotaOverrides {
    fn ticket(&mut self) -> u64 {
        // Apart from the incident actions' tickets (from 1) and the
        // squashes' (from 2^62).
        self.next_ticket += 1;
        (1 << 61) + self.next_ticket
    }

    /// A ticket for a cover `request`.
    pub fn start_cover(&mut self, request: NewOverride) -> u64 {
        let ticket = self.ticket();
        self.covering.insert(ticket, request);
        ticket
    }

    /// A ticket for the removal of override `id`.
    pub fn start_removal(&mut self, id: u64) -> u64 {
        let ticket = self.ticket();
        self.removing.insert(ticket, id);
        ticket
    }

    pub fn is_removing(&self, id: u64) -> bool {
        self.removing.values().any(|&r| r == id)
    }

    /// The listed overrides, soonest first: what the cursor moves over.
    pub fn rows(&self) -> &[Override] {
        self.listed.as_deref().unwrap_or_default()
    }
}
