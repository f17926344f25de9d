//! Who holds an incident and who else is on it: the requests that reassign
//! it, give it back, snooze it, ask someone to help and name its incident
//! manager, and tell stakeholders how it goes (docs/api.md, "Ownership and roles"). Their effect shows on the
//! incident itself (`helpers`, `major`, `incident_manager`, `snoozed_until`,
//! `previous_owner`, `assigned_by`, `status_update`) and on its timeline.
//! Status updates, what stakeholders are told, are here too.
use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// `POST /api/v1/incidents/{id}/assign`: `to` holds it from now; `to` being
/// the sender takes it over.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    pub to: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `POST /api/v1/incidents/{id}/unacknowledge`: give it back, to be paged
/// again by its policy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnacknowledgeRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `POST /api/v1/incidents/{id}/snooze`: `{"for": "30m"}` (or a number of
/// seconds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnoozeRequest {
    #[serde(rename = "for")]
    pub length: SnoozeLength,
}

/// How long a snooze lasts, as sent: a duration people write ("30m",
/// "1h30m", "45s") or a number of seconds. Kept as sent, so a request sent
/// again is the same request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SnoozeLength {
    Seconds(u64),
    Written(String),
}

impl SnoozeLength {
    /// The length, or why it is not one.
    pub fn duration(&self) -> Result<Duration, String> {
        match self {
            SnoozeLength::Seconds(0) => Err("\"for\" must be above zero".to_string()),
            SnoozeLength::Seconds(s) => Ok(Duration::from_secs(*s)),
            SnoozeLength::Written(text) => crate::config::HumanDuration::parse(text)
                .map(|d| d.0)
                .map_err(|e| format!("for: {}", e.replace(crate::config::FIX_SEPARATOR, "; "))),
        }
    }
}

impl fmt::Display for SnoozeLength {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SnoozeLength::Seconds(s) => write!(f, "{s}s"),
            SnoozeLength::Written(text) => f.write_str(text.trim()),
        }
    }
}

/// `POST /api/v1/incidents/{id}/helpers`: ask `who` to help; they are
/// paged, listed on the incident, and the owner stays the owner.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HelpRequest {
    pub who: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `POST /api/v1/incidents/{id}/roles`: a role on a major incident.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleRequest {
    pub role: String,
    pub who: String,
    /// Name them even though they own or help fix the incident.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub force: bool,
}

/// `POST /api/v1/incidents/{id}/updates`: a status update for the people
/// waiting on the incident rather than working it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusUpdateRequest {
    pub text: String,
}

/// An incident's latest status update: what stakeholders were last told,
/// by whom and when. Every one is on the timeline as well.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusUpdate {
    pub text: String,
    pub by: String,
    #[serde(deserialize_with = "super::timestamp::deserialize")]
    pub at: DateTime<Utc>,
}

/// The roles `POST .../roles` knows.
pub const INCIDENT_MANAGER: &str = "incident_manager";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snooze_is_written_or_in_seconds_and_never_zero() {
        let req: SnoozeRequest = serde_json::from_str(r#"{"for": "30m"}"#).unwrap();
        assert_eq!(req.length.duration(), Ok(Duration::from_secs(1800)));
        let req: SnoozeRequest = serde_json::from_str(r#"{"for": 45}"#).unwrap();
        assert_eq!(req.length.duration(), Ok(Duration::from_secs(45)));
        assert_eq!(req.length.to_string(), "45s");
        let req: SnoozeRequest = serde_json::from_str(r#"{"for": "90s"}"#).unwrap();
        assert_eq!(req.length.duration(), Ok(Duration::from_secs(90)));
        for bad in [r#"{"for": 0}"#, r#"{"for": "0m"}"#, r#"{"for": "soon"}"#] {
            let req: SnoozeRequest = serde_json::from_str(bad).unwrap();
            assert!(req.length.duration().is_err(), "{bad}");
        }
        assert!(serde_json::from_str::<SnoozeRequest>(r#"{"for": -5}"#).is_err());
        assert!(serde_json::from_str::<SnoozeRequest>(r#"{"until": "5m"}"#).is_err());
    }
}
