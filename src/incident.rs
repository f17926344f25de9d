//! The incident as every part of oncall sees it: the hub stores it, the feed
//! carries it, the console shows it. These types are also the JSON of the hub's
//! HTTP API (docs/api.md), so renaming a field is a
//! breaking change for every client.
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

mod builder;
mod escalation;
mod followup;
mod heartbeat;
mod labels;
pub mod limits;
mod oncall;
mod ownership;
mod rota_override;
mod squash;
mod timestamp;
mod webhook;
pub use builder::IncidentBuilder;
pub use escalation::{
    AtLastLevel, Escalation, PolicyLevel, default_levels, escalation, is_default_policy, level_in,
    name_in, names_service, policy_for, policy_name, reach,
};
pub use followup::{
    CloseFollowup, Followup, FollowupList, FollowupStatus, NewFollowup, sort_followups,
};
pub use heartbeat::{
    Heartbeat, HeartbeatList, HeartbeatState, MAX_PING_LOG_BYTES, MAX_RUN_ID_CHARS, PingRequest,
    PingStatus,
};
pub use labels::Labels;
pub use oncall::*;
pub use ownership::{
    AssignRequest, HelpRequest, INCIDENT_MANAGER, RoleRequest, SnoozeLength, SnoozeRequest,
    StatusUpdate, StatusUpdateRequest, UnacknowledgeRequest,
};
pub use rota_override::{NewOverride, Override, OverrideList, cover_end, cover_start};
pub use squash::{NewSquash, Squash, SquashList, SquashState, matchers_text};
pub use webhook::{PAYLOAD_VERSION, RESOLVED_TEXT, WebhookAlert, WebhookAnswer, WebhookPayload};

/// The header a console sends with an action it kept while the hub was
/// unreachable: when the responder took it (RFC 3339). The timeline shows
/// that time beside the hub's own.
pub const TAKEN_AT_HEADER: &str = "oncall-taken-at";

/// Names the hub's database on every list answer. A cursor means something
/// only in the database that gave it: a client resuming from a saved cursor
/// compares this first, and starts over when the database is another one
/// (replaced or restored), whatever its cursor says.
pub const HUB_ID_HEADER: &str = "oncall-hub";

/// The name the hub's own changes (automatic escalation) go by in
/// timelines: a responder reads "the hub escalated", never a person's name
/// (the config refuses a responder of that name).
pub const HUB_ACTOR: &str = "the hub";

/// How bad it is. Ordered most severe first, so sorting puts critical on top.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Critical,
    High,
    Warning,
    Info,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Critical,
        Severity::High,
        Severity::Warning,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "critical" | "crit" | "p1" => Ok(Severity::Critical),
            "high" | "error" | "p2" => Ok(Severity::High),
            "warning" | "warn" | "p3" => Ok(Severity::Warning),
            "info" | "p4" => Ok(Severity::Info),
            other => Err(format!(
                "unknown severity '{other}': use critical, high, warning or info"
            )),
        }
    }
}

/// Where the incident stands. Ordered so that what needs a human sorts first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Triggered,
    Acknowledged,
    Resolved,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Triggered => "triggered",
            Status::Acknowledged => "acknowledged",
            Status::Resolved => "resolved",
        }
    }

    pub fn is_open(self) -> bool {
        self != Status::Resolved
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What happened to an incident; one entry of its timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Opened,
    Repeated,
    Acknowledged,
    Escalated,
    Resolved,
    Note,
    Step,
    Reassigned,
    /// A page's delivery to one contact: delivered, failed and why.
    Paged,
    /// Acknowledged and not resolved within `ack_timeout`: triggered again.
    Retriggered,
    /// A squash in force matched it: it pages nobody while the squash lasts.
    Squashed,
    /// Its squash is over (ran out or removed): it pages again.
    Unsquashed,
    /// Reassigned by `POST .../assign`, or taken over.
    Assigned,
    /// Given back: triggered again, and paged by its policy.
    Unacknowledged,
    /// Snoozed: acknowledged, and quiet until the snooze ends.
    Snoozed,
    /// The snooze ended: triggered again, its owner paged.
    Unsnoozed,
    /// Someone was asked to help.
    Help,
    /// Declared major, or its incident manager named.
    Role,
    /// A status update for stakeholders (`POST .../updates`).
    StatusUpdate,
    /// A follow-up was added, done or dropped.
    Followup,
    /// A kind a newer hub writes that this build does not know: shown with
    /// its text rather than failing the whole list, so a console older than
    /// its hub keeps working.
    #[serde(other)]
    Other,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Opened => "opened",
            EventKind::Repeated => "repeated",
            EventKind::Acknowledged => "acknowledged",
            EventKind::Escalated => "escalated",
            EventKind::Resolved => "resolved",
            EventKind::Note => "note",
            EventKind::Step => "step",
            EventKind::Reassigned => "reassigned",
            EventKind::Paged => "paged",
            EventKind::Retriggered => "retriggered",
            EventKind::Squashed => "squashed",
            EventKind::Unsquashed => "unsquashed",
            EventKind::Assigned => "assigned",
            EventKind::Unacknowledged => "unacknowledged",
            EventKind::Snoozed => "snoozed",
            EventKind::Unsnoozed => "unsnoozed",
            EventKind::Help => "help",
            EventKind::Role => "role",
            EventKind::StatusUpdate => "status_update",
            EventKind::Followup => "followup",
            EventKind::Other => "other",
        }
    }
}

/// One line of an incident's history: who did what, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    #[serde(deserialize_with = "timestamp::deserialize")]
    pub at: DateTime<Utc>,
    /// The responder (from their token), or the source for machine events.
    pub who: String,
    pub kind: EventKind,
    /// Free text: the note, or a human summary ("escalated from level 1 to 2").
    #[serde(default)]
    pub text: String,
    /// When the responder took this action, if that was well before it
    /// reached the hub at `at` (it waited in a console's outbox).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken_at: Option<DateTime<Utc>>,
}

/// An incident as the hub serves it. `timeline` is filled on
/// `GET /api/v1/incidents/{id}` and left empty (and omitted) in lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incident {
    pub id: u64,
    pub dedup_key: String,
    pub title: String,
    pub service: String,
    pub severity: Severity,
    pub status: Status,
    #[serde(default)]
    pub labels: Labels,
    #[serde(default)]
    pub description: String,
    /// Explicit runbook id chosen by whoever opened the incident.
    #[serde(default)]
    pub runbook: Option<String>,
    #[serde(default)]
    pub runbook_url: Option<String>,
    /// What opened it: "page", "api", "alertmanager", "demo", ...
    #[serde(default)]
    pub source: String,
    #[serde(deserialize_with = "timestamp::deserialize")]
    pub created_at: DateTime<Utc>,
    #[serde(deserialize_with = "timestamp::deserialize")]
    pub updated_at: DateTime<Utc>,
    /// Who holds it: at open, whom level 1 of the service's policy reaches;
    /// then whoever acknowledges, the level escalated to, or a hand-off.
    #[serde(default)]
    pub owner: Option<String>,
    /// 1 is the first line.
    pub escalation_level: u32,
    /// How many times it was raised; repeats with the same `dedup_key` fold here.
    pub occurrences: u64,
    /// Bumped by every change; acknowledge may carry it to detect races.
    pub version: u64,
    /// The squash that keeps it quiet (its id): it pages nobody while that
    /// squash is in force.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub squashed_by: Option<u64>,
    // Ownership and roles (`ownership`): who else is on it, and how it came
    // to its owner. Each is left out of the JSON while empty.
    /// The people asked to help, in the order asked; the owner stays the
    /// owner.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub helpers: Vec<String>,
    /// Declared a major incident.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub major: bool,
    /// Who runs the major incident: never the one fixing it, unless forced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incident_manager: Option<String>,
    /// Acknowledged and snoozed until then: back to triggered, and its
    /// owner paged, when it comes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snoozed_until: Option<DateTime<Utc>>,
    /// Whom the owner took it from by an assign (none when nobody held it);
    /// set while the owner that assign made holds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_owner: Option<String>,
    /// Who made that assign: the owner themselves when they took it over.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_by: Option<String>,
    /// The latest status update: what stakeholders were last told.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_update: Option<StatusUpdate>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timeline: Vec<TimelineEntry>,
    /// Runbook checklist steps ticked on this incident: runbook id -> step
    /// indexes (in document order, from 0). Filled with the timeline.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub steps: BTreeMap<String, BTreeSet<u32>>,
}

/// `POST /api/v1/incidents`: open an incident, or fold a repeat into the open
/// one with the same `dedup_key`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewIncident {
    pub title: String,
    pub service: String,
    #[serde(default = "default_severity")]
    pub severity: Severity,
    /// Repeats with the same key fold into the open incident. When absent,
    /// every post opens a new incident.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dedup_key: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runbook: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runbook_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

fn default_severity() -> Severity {
    Severity::Warning
}

impl Default for Severity {
    fn default() -> Self {
        default_severity()
    }
}

/// `POST /api/v1/incidents/{id}/acknowledge`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AckRequest {
    /// The version the responder saw; a different current version means
    /// someone else changed it first (409).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `POST /api/v1/incidents/{id}/escalate`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EscalateRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `POST /api/v1/incidents/{id}/resolve`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResolveRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `POST /api/v1/incidents/{id}/notes`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoteRequest {
    pub text: String,
}

/// `POST /api/v1/incidents/{id}/steps`: tick or untick one checklist step of
/// a runbook, so the team and the next shift see the progress.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepRequest {
    pub runbook: String,
    /// The step's index among the runbook's `- [ ]` items, from 0.
    pub step: u32,
    pub done: bool,
    /// The step's words, for the timeline ("ticked 'df -h /var'").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// The answer to `POST /api/v1/incidents`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opened {
    /// True when the post folded into an open incident instead of opening one.
    pub folded: bool,
    pub incident: Incident,
}

/// `GET /api/v1/incidents`: the incidents that match, and the cursor to pass
/// as `since` next time to get only what changed after this answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentList {
    pub cursor: u64,
    pub incidents: Vec<Incident>,
}

/// `GET /api/v1/incidents?status=resolved`: a page of the history, newest
/// first, and the cursor to pass as `before` for the next page (none after
/// the last).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolvedPage {
    pub incidents: Vec<Incident>,
    #[serde(default)]
    pub next: Option<u64>,
}

/// Every error the hub answers: `{"error": "...", "code": "..."}`; a 409 also
/// carries the incident as it is now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: String,
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incident: Option<Box<Incident>>,
}

/// The levels of the built-in default policy (the hub's, when its config
/// names none): 1st, 2nd and 3rd line, each reaching the person on call.
pub const DEFAULT_LEVELS: u32 = 3;

/// The name of an escalation level as responders say it.
pub fn level_name(level: u32) -> String {
    match level {
        1 => "1st line".to_string(),
        2 => "2nd line".to_string(),
        3 => "3rd line".to_string(),
        n => format!("{n}th line"),
    }
}
