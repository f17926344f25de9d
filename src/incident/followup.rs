//! Follow-ups: the work an incident leaves behind ("add a disk alert",
//! "write the review"), each with one owner and maybe a due time, kept
//! after the incident is resolved until it is done or dropped. These are
//! the types the hub's API carries (`/api/v1/incidents/{id}/followups`,
//! `/api/v1/followups`), read as well by the console, `oncall followups`
//! and the hand-off note, and the one order they are all listed in.
use std::cmp::Reverse;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// `POST /api/v1/incidents/{id}/followups`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewFollowup {
    pub text: String,
    /// A person of the hub, who will do it.
    pub owner: String,
    /// When it should be done by (RFC 3339); none when it has no date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<DateTime<Utc>>,
}

/// `POST /api/v1/followups/{id}`: closes an open follow-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloseFollowup {
    pub status: FollowupStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Where a follow-up stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FollowupStatus {
    Open,
    Done,
    Dropped,
}

impl FollowupStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FollowupStatus::Open => "open",
            FollowupStatus::Done => "done",
            FollowupStatus::Dropped => "dropped",
        }
    }
}

impl fmt::Display for FollowupStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A follow-up as the hub keeps it, with its incident's title and whether
/// it is overdue by the hub's clock when it was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Followup {
    pub id: u64,
    pub incident_id: u64,
    /// The title of its incident, so a list says what it came from.
    #[serde(default)]
    pub incident_title: String,
    pub text: String,
    pub owner: String,
    #[serde(default)]
    pub due: Option<DateTime<Utc>>,
    pub status: FollowupStatus,
    /// Why it was closed, when whoever closed it said.
    #[serde(default)]
    pub note: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub closed_by: Option<String>,
    #[serde(default)]
    pub closed_at: Option<DateTime<Utc>>,
    /// Open and past its due time.
    #[serde(default)]
    pub overdue: bool,
}

impl Followup {
    pub fn is_open(&self) -> bool {
        self.status == FollowupStatus::Open
    }

    /// Open and due at `now` or before.
    pub fn overdue_at(&self, now: DateTime<Utc>) -> bool {
        self.is_open() && self.due.is_some_and(|due| due <= now)
    }
}

/// `GET /api/v1/followups`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowupList {
    pub followups: Vec<Followup>,
}

/// Puts `followups` in the order every list shows them: open ones first
/// (overdue first, then by due time, those without one last, then newest),
/// then closed ones, most recently closed first.
pub fn sort_followups(followups: &mut [Followup]) {
    followups.sort_by_key(|f| {
        let open = f.is_open();
        (
            !open,
            !f.overdue,
            open.then_some((f.due.is_none(), f.due)),
            Reverse(f.closed_at),
            Reverse(f.created_at),
            Reverse(f.id),
        )
    });
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, h, 0, 0).single().unwrap()
    }

    fn followup(id: u64, due: Option<u32>, status: FollowupStatus, now: u32) -> Followup {
        let mut f = Followup {
            id,
            incident_id: 1,
            incident_title: "disk full".into(),
            text: format!("task {id}"),
            owner: "sam".into(),
            due: due.map(at),
            status,
            note: None,
            created_by: "sam".into(),
            created_at: at(id as u32),
            closed_by: None,
            closed_at: (status != FollowupStatus::Open).then(|| at(10 + id as u32)),
            overdue: false,
        };
        f.overdue = f.overdue_at(at(now));
        f
    }

    #[test]
    fn open_overdue_first_then_by_due_then_newest_then_closed() {
        let mut list = vec![
            followup(1, None, FollowupStatus::Open, 12),
            followup(2, Some(20), FollowupStatus::Open, 12),
            followup(3, Some(11), FollowupStatus::Open, 12),
            followup(4, None, FollowupStatus::Done, 12),
            followup(5, Some(15), FollowupStatus::Open, 12),
            followup(6, None, FollowupStatus::Open, 12),
            followup(7, Some(1), FollowupStatus::Dropped, 12),
        ];
        sort_followups(&mut list);
        let ids: Vec<u64> = list.iter().map(|f| f.id).collect();
        assert_eq!(ids, vec![3, 5, 2, 6, 1, 7, 4]);
        assert!(list[0].overdue);
        assert!(!list[5].overdue, "a closed follow-up is never overdue");
    }
}
