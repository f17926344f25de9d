//! The list's order, filter, ages and how wide its columns need to be.
use chrono::{DateTime, Utc};
use unicode_width::UnicodeWidthStr;

use crate::incident::{Incident, Status};

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
            widest.owner = widest.owner.max(inc.owner.as_deref().map_or(1, str::width));
        }
        widest
    }
}

fn digits(n: u64) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}
