//! Follow-ups: the checks of a new one (its due time), who may close one
//! and when, and the timeline entries both leave on their incident, so
//! every console sees them as a change of the incident. Adding one to a
//! resolved incident is allowed (that is when most are written), and
//! resolving an incident leaves its follow-ups as they are.
//!
//! Who may close a follow-up: its owner, whoever holds its incident now,
//! and a lead. Anyone else is refused, told who may.
use chrono::{DateTime, Utc};

use crate::incident::{CloseFollowup, EventKind, Followup, FollowupStatus, NewFollowup};

use super::{Refusal, Update, trimmed};

/// A follow-up checked and ready to record on incident `incident_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFollowupRecord {
    pub incident_id: u64,
    pub text: String,
    pub owner: String,
    pub due: Option<DateTime<Utc>>,
}

/// Checks `req` (its text and owner are checked by the route) for incident
/// `incident_id` at `now`: a due time must be in the future.
pub fn plan_followup(
    incident_id: u64,
    req: &NewFollowup,
    now: DateTime<Utc>,
) -> Result<NewFollowupRecord, Refusal> {
    if let Some(due) = req.due
        && due <= now
    {
        return Err(Refusal::Invalid(format!(
            "due: {} is in the past; give a time after now, or none",
            due.format("%Y-%m-%d %H:%M UTC")
        )));
    }
    Ok(NewFollowupRecord {
        incident_id,
        text: req.text.trim().to_string(),
        owner: req.owner.clone(),
        due: req.due,
    })
}

/// The timeline entry of `followup`, just added to its incident.
pub fn followup_added(followup: &Followup) -> Update {
    let mut text = format!(
        "follow-up #{} for {}: {}",
        followup.id, followup.owner, followup.text
    );
    if let Some(due) = followup.due {
        text.push_str(&format!(" (due {})", due.format("%Y-%m-%d %H:%M UTC")));
    }
    Update::entry(followup.incident_id, EventKind::Followup, text)
}

/// `by` (a lead or not) closes `followup`, whose incident `holder` holds
/// (if anyone), as `req` says: the entry its incident's timeline gets.
/// Only an open follow-up can be closed; only its owner, the incident's
/// holder or a lead may close it.
pub fn close_followup(
    followup: &Followup,
    holder: Option<&str>,
    by: &str,
    lead: bool,
    req: &CloseFollowup,
) -> Result<Update, Refusal> {
    let id = followup.id;
    if req.status == FollowupStatus::Open {
        return Err(Refusal::Invalid(
            "status: a follow-up is closed as \"done\" or \"dropped\"".into(),
        ));
    }
    if !followup.is_open() {
        let when = followup
            .closed_at
            .map(|t| format!(" at {}", t.format("%Y-%m-%d %H:%M UTC")))
            .unwrap_or_default();
        let who = followup.closed_by.as_deref().unwrap_or("someone");
        return Err(Refusal::FollowupClosed(format!(
            "follow-up #{id} is {} already ({who}{when}); only an open follow-up can be closed",
            followup.status
        )));
    }
    let may = by == followup.owner || holder == Some(by) || lead;
    if !may {
        let mut who = vec![followup.owner.clone()];
        if let Some(h) = holder.filter(|h| *h != followup.owner) {
            who.push(h.to_string());
        }
        return Err(Refusal::Forbidden(format!(
            "only {} (who holds the follow-up or its incident) or a lead may close follow-up #{id}",
            who.join(" or ")
        )));
    }
    let mut text = format!(
        "follow-up #{id} for {} {}: {}",
        followup.owner, req.status, followup.text
    );
    let note = trimmed(req.note.as_deref());
    if !note.is_empty() {
        text.push_str(&format!(" ({note})"));
    }
    Ok(Update::entry(
        followup.incident_id,
        EventKind::Followup,
        text,
    ))
}

#[cfg(test)]
mod tests;
