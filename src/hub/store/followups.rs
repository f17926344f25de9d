//! Follow-up rows as both stores keep them: the columns read back (with
//! their incident's title), the filter of a list, and a row decoded into a
//! [`Followup`]. Times are queue times ([`queue_time`]), so they compare as
//! text; `overdue` is left for the reader to work out with its clock.
use crate::hub::rules::NewFollowupRecord;
use crate::incident::{Followup, FollowupStatus};

use super::stored::{parse_time, queue_time};

/// The select of a follow-up with its incident's title, in the order of
/// [`StoredFollowup`]'s fields.
pub const FOLLOWUP_SELECT: &str =
    "SELECT f.id, f.incident_id, COALESCE(i.title, ''), f.text, f.owner, f.due, f.status,
        f.note, f.created_by, f.created_at, f.closed_by, f.closed_at
   FROM followups f LEFT JOIN incidents i ON i.id = f.incident_id";

/// The condition of a list: owned by the name in parameter `owner` (any
/// owner when it is null), and only open ones when `open` is true.
pub fn list_filter(owner: &str, open: &str) -> String {
    format!("WHERE ({owner} IS NULL OR f.owner = {owner}) AND (NOT {open} OR f.status = 'open')")
}

/// The values of a new follow-up's row, in the order of [`INSERT`].
pub fn insert_values(record: &NewFollowupRecord) -> (i64, String, String, Option<String>) {
    (
        i64::try_from(record.incident_id).unwrap_or(i64::MAX),
        record.text.clone(),
        record.owner.clone(),
        record.due.map(queue_time),
    )
}

/// A note as a closed follow-up keeps it: trimmed, none when blank.
pub fn stored_note(note: Option<&str>) -> Option<String> {
    note.map(str::trim)
        .filter(|n| !n.is_empty())
        .map(String::from)
}

/// A follow-up row as stored, before its times and status are read.
pub struct StoredFollowup {
    pub id: i64,
    pub incident_id: i64,
    pub incident_title: String,
    pub text: String,
    pub owner: String,
    pub due: Option<String>,
    pub status: String,
    pub note: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub closed_by: Option<String>,
    pub closed_at: Option<String>,
}

impl StoredFollowup {
    pub fn decode(self) -> Result<Followup, String> {
        let id = self.id;
        let status = match self.status.as_str() {
            "open" => FollowupStatus::Open,
            "done" => FollowupStatus::Done,
            "dropped" => FollowupStatus::Dropped,
            other => return Err(format!("follow-up #{id} has unknown status '{other}'")),
        };
        let time = |t: Option<String>| t.as_deref().map(parse_time).transpose();
        Ok(Followup {
            id: u64::try_from(id).map_err(|_| format!("follow-up id {id} is negative"))?,
            incident_id: u64::try_from(self.incident_id)
                .map_err(|_| format!("follow-up #{id} has a negative incident id"))?,
            incident_title: self.incident_title,
            text: self.text,
            owner: self.owner,
            due: time(self.due)?,
            status,
            note: self.note,
            created_by: self.created_by,
            created_at: parse_time(&self.created_at)?,
            closed_by: self.closed_by,
            closed_at: time(self.closed_at)?,
            overdue: false,
        })
    }
}
