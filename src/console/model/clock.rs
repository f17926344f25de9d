//! Everything on screen that moves with the clock alone: the ages of the
//! rows in view and of the selected incident, the countdown to the end of
//! the shift, and the feed's health (to the second only while the top bar
//! counts seconds). The clock tick compares this before and
//! after, so the screen is redrawn only when one of these texts changes,
//! never on a fixed beat (and never as an empty frame at each minute).
use chrono::{DateTime, Utc};

use super::{Health, Model, age};
use crate::console::layout;

/// The clock-driven texts as they would be drawn at one instant.
#[derive(Debug, PartialEq, Eq)]
pub struct ClockFace {
    health: Health,
    shift_left: Option<i64>,
    ages: Vec<String>,
}

impl Model {
    /// What the clock alone would change on screen at `now`.
    pub fn clock_face(&self, now: DateTime<Utc>) -> ClockFace {
        let rows = layout::list_rows(self.size, self.zoom());
        let list = &self.list;
        let end = (list.offset + rows).min(list.visible.len());
        let start = list.offset.min(end);
        let mut ages: Vec<String> = list.visible[start..end]
            .iter()
            .filter_map(|&i| list.incidents.get(i))
            .map(|inc| age(now, inc.created_at))
            .collect();
        // The detail pane says "opened … ago" of the selection, which the
        // list may have scrolled past (and a zoomed pane hides).
        if self.zoom().is_none()
            && let Some(inc) = self.selected_incident()
        {
            ages.push(age(now, inc.created_at));
        }
        ClockFace {
            health: self.feed.health(now).rounded(),
            shift_left: self.shift_countdown(now),
            ages,
        }
    }

    /// Minutes left in the shift, shown only in its last hour.
    pub fn shift_countdown(&self, now: DateTime<Utc>) -> Option<i64> {
        let shift = self.oncall.as_ref()?.now.as_ref()?;
        let left = shift.until - now;
        (left <= chrono::Duration::hours(1)).then(|| left.num_minutes().max(0))
    }
}
