//! The incident list: every incident known, the ones the filter shows in
//! order, the selection, and how wide its columns need to be; its order,
//! filter and ages.
use std::sync::Arc;

use chrono::{DateTime, Utc};
use unicode_width::UnicodeWidthStr;

use std::collections::BTreeSet;

use super::group::{Group, Grouping, Row};
use crate::feed::Resume;
use crate::incident::{Incident, Severity, Status};

#[derive(Debug, Clone, Default)]
pub struct List {
    /// Every incident known, in no particular order (`visible` is sorted).
    /// Shared with a cache write in progress (which then holds the list as
    /// it was); a change while one runs copies it, otherwise nothing does.
    pub incidents: Arc<Vec<Incident>>,
    /// Indexes into `incidents` that pass the filter, in order: open before
    /// resolved, most severe, newest.
    pub visible: Vec<usize>,
    /// Open incidents by severity, most severe first; counted when the list
    /// changes (in `selection::rebuild`, which every change of `incidents`
    /// goes through), not on every frame.
    pub open_counts: [usize; 4],
    /// How wide the list's id, service and owner columns need to be; also
    /// measured where the list is rebuilt.
    pub widest: Widest,
    /// The feed's cursor that `incidents` are as of (see `feed::Resume`).
    pub resume: Option<Resume>,
    pub filter: String,
    /// The quick filters on top of `filter`.
    pub quick: QuickFilters,
    /// How the list is grouped (`=`), and the groups of `visible`.
    pub grouping: Grouping,
    pub groups: Vec<Group>,
    /// What the list shows, a row each: `visible`'s incidents, with alike
    /// ones in groups when grouped.
    pub rows: Vec<Row>,
    /// The groups opened to their members, by key.
    pub open: BTreeSet<String>,
    /// The incidents marked (`v`), to act on together; only visible ones
    /// stay marked.
    pub marked: BTreeSet<u64>,
    /// Where the last mark was made: `V` marks from there to the cursor.
    pub mark_anchor: Option<u64>,
    /// Position in `rows`, and the incident there (kept when the list
    /// moves); on a group, its first member.
    pub cursor: usize,
    pub selected: Option<u64>,
    /// First row of the list on screen.
    pub offset: usize,
    /// The (id, version) of the selected incident that the matched runbooks
    /// and the detail were last brought up to date for.
    pub synced: Option<(u64, u64)>,
}

impl List {
    /// Found through the cursor, which is where the selection is; a search
    /// of the whole list is only the fallback (this runs on every frame).
    pub fn selected_incident(&self) -> Option<&Incident> {
        let id = self.selected?;
        self.row_incident(self.cursor)
            .filter(|inc| inc.id == id)
            .or_else(|| self.incident(id))
    }

    /// The incident row `row` shows; on a group, its first member.
    pub fn row_incident(&self, row: usize) -> Option<&Incident> {
        let index = match self.rows.get(row)? {
            Row::Incident { index, .. } => *index,
            Row::Group(g) => *self.groups.get(*g)?.members.first()?,
        };
        self.incidents.get(index)
    }

    /// The group under the cursor, if the cursor is on a group's row.
    pub fn selected_group(&self) -> Option<&Group> {
        match self.rows.get(self.cursor)? {
            Row::Group(g) => self.groups.get(*g),
            Row::Incident { .. } => None,
        }
    }

    /// The ids a row stands for: its incident, or every member of its group.
    pub fn row_ids(&self, row: usize) -> Vec<u64> {
        match self.rows.get(row) {
            Some(Row::Incident { index, .. }) => self
                .incidents
                .get(*index)
                .map(|i| i.id)
                .into_iter()
                .collect(),
            Some(Row::Group(g)) => self.groups.get(*g).map_or_else(Vec::new, |g| {
                g.members.iter().map(|&i| self.incidents[i].id).collect()
            }),
            None => Vec::new(),
        }
    }

    pub fn incident(&self, id: u64) -> Option<&Incident> {
        self.incidents.iter().find(|i| i.id == id)
    }
}

/// The quick filters, each on one key and shown in the top bar while on;
/// they narrow the list together with the typed filter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QuickFilters {
    /// Only incidents the responder holds or helps with.
    pub mine: bool,
    /// Only incidents nobody has acknowledged.
    pub triggered: bool,
    /// Only critical and high.
    pub severe: bool,
}

impl QuickFilters {
    pub fn any(self) -> bool {
        self.mine || self.triggered || self.severe
    }

    /// Whether `inc` passes them, `me` being the responder.
    pub fn passes(self, inc: &Incident, me: &str) -> bool {
        let mine = inc.owner.as_deref() == Some(me) || inc.helpers.iter().any(|h| h == me);
        (!self.mine || mine)
            && (!self.triggered || inc.status == Status::Triggered)
            && (!self.severe || inc.severity <= Severity::High)
    }

    /// What the top bar says while any is on.
    pub fn label(self) -> String {
        let on: Vec<&str> = [
            (self.mine, "mine"),
            (self.triggered, "triggered"),
            (self.severe, "high+"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect();
        on.join(" · ")
    }
}

/// Sort order of the list: what needs a human first.
pub fn sort_key(
    inc: &Incident,
) -> (
    bool,
    crate::incident::Severity,
    std::cmp::Reverse<DateTime<Utc>>,
    u64,
) {
    (
        inc.status == Status::Resolved,
        inc.severity,
        std::cmp::Reverse(inc.created_at),
        inc.id,
    )
}

/// Whether an incident passes the filter: every word must appear somewhere
/// in its title, service, owner, status, severity, labels or `#id`.
pub fn passes(inc: &Incident, filter: &str) -> bool {
    if filter.trim().is_empty() {
        return true;
    }
    let mut hay = format!(
        "#{} {} {} {} {} {}",
        inc.id,
        inc.title,
        inc.service,
        inc.owner.as_deref().unwrap_or(""),
        inc.status,
        inc.severity
    );
    // Who else is on it: the helpers, the manager, and the words the list
    // shows for them.
    for name in inc.helpers.iter().chain(&inc.incident_manager) {
        hay.push(' ');
        hay.push_str(name);
    }
    if inc.major {
        hay.push_str(" major");
    }
    if inc.snoozed_until.is_some() {
        hay.push_str(" snoozed");
    }
    for (k, v) in &inc.labels {
        hay.push(' ');
        hay.push_str(k);
        hay.push('=');
        hay.push_str(v);
    }
    let hay = hay.to_lowercase();
    filter
        .to_lowercase()
        .split_whitespace()
        .all(|w| hay.contains(w))
}

/// "now", "12m", "3h", "2d": minutes are the finest grain, so the list only
/// needs redrawing once a minute.
pub fn age(now: DateTime<Utc>, then: DateTime<Utc>) -> String {
    let mins = (now - then).num_minutes().max(0);
    match mins {
        0 => "<1m".to_string(),
        m if m < 60 => format!("{m}m"),
        m if m < 60 * 48 => format!("{}h", m / 60),
        m => format!("{}d", m / 1440),
    }
}

/// The widest id (with its `#`), service and owner among the incidents
/// listed, in columns: the list's columns are as wide as what they hold.
/// Measured where the list is rebuilt, never on a frame.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Widest {
    pub id: usize,
    pub service: usize,
    pub owner: usize,
}

impl Widest {
    pub fn of<'a>(incidents: impl Iterator<Item = &'a Incident>) -> Widest {
        let mut widest = Widest::default();
        for inc in incidents {
            widest.id = widest.id.max(digits(inc.id) + 1);
            widest.service = widest.service.max(inc.service.width());
            let helpers = match inc.helpers.len() {
                0 => 0,
                n => digits(n as u64) + 2,
            };
            let owner = inc.owner.as_deref().map_or(1, str::width) + helpers;
            widest.owner = widest.owner.max(owner);
        }
        widest
    }
}

fn digits(n: u64) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}
