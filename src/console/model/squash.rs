//! The squash form (`s`) and the squashes list (`S`), as the console holds
//! them: the selected incident's alert as matchers the responder turns on
//! and off, how long, and why; and the squashes in force as the hub last
//! listed them, with the removals on their way.
use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};

use crate::config::HumanDuration;
use crate::incident::{Incident, Squash};

use super::super::input::LineInput;

/// The one-key durations: `1` an hour, `4` four hours.
pub const QUICK_HOURS: [u8; 2] = [1, 4];

/// A squash being put together for the alert of incident `id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SquashForm {
    pub id: u64,
    pub title: String,
    /// Every label of the incident, with `service`: name, value, and
    /// whether the squash matches on it.
    pub matchers: Vec<(String, String, bool)>,
    /// The matcher space turns on or off.
    pub cursor: usize,
    pub step: SquashStep,
}

/// Where the form is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SquashStep {
    /// Choosing the matchers and, in one key, how long.
    Duration,
    /// Typing how long ("90m").
    TypedDuration(LineInput),
    /// Typing why; `until` is decided.
    Reason {
        until: DateTime<Utc>,
        /// How the duration was said ("1h", "to the end of the shift").
        said: String,
        input: LineInput,
    },
}

impl SquashForm {
    /// A form for `incident`'s alert: its alertname and service on.
    pub fn for_incident(incident: &Incident) -> SquashForm {
        SquashForm {
            id: incident.id,
            title: incident.title.clone(),
            matchers: crate::feed::squashes::matchers_of(incident),
            cursor: 0,
            step: SquashStep::Duration,
        }
    }

    /// The matchers turned on.
    pub fn chosen(&self) -> BTreeMap<String, String> {
        self.matchers
            .iter()
            .filter(|(_, _, on)| *on)
            .map(|(k, v, _)| (k.clone(), v.clone()))
            .collect()
    }

    pub fn toggle(&mut self) {
        if let Some(m) = self.matchers.get_mut(self.cursor) {
            m.2 = !m.2;
        }
    }

    pub fn move_cursor(&mut self, by: isize) {
        let last = self.matchers.len().saturating_sub(1);
        self.cursor = self.cursor.saturating_add_signed(by).min(last);
    }
}

/// `text` ("90m", "2h") as a squash's length, or why not.
pub fn typed_duration(text: &str) -> Result<TimeDelta, String> {
    let parsed = HumanDuration::parse(text).map_err(|e| {
        // The config's "fix" separator reads oddly on one line.
        e.replace(crate::config::FIX_SEPARATOR, ": ")
    })?;
    TimeDelta::from_std(parsed.0).map_err(|_| format!("'{text}' is too long"))
}

/// The squashes the hub last listed, and the removals sent and not yet
/// answered (ticket -> squash id).
#[derive(Debug, Clone, Default)]
pub struct Squashes {
    /// `None` until the hub answers the list.
    pub listed: Option<Vec<Squash>>,
    pub removing: BTreeMap<u64, u64>,
    pub next_ticket: u64,
}

impl Squashes {
    /// A ticket for a removal of squash `id`.
    pub fn start_removal(&mut self, id: u64) -> u64 {
        // Far from the incident actions' tickets, which count from 1.
        self.next_ticket += 1;
        let ticket = (1 << 62) + self.next_ticket;
        self.removing.insert(ticket, id);
        ticket
    }

    pub fn is_removing(&self, id: u64) -> bool {
        self.removing.values().any(|&r| r == id)
    }
}
