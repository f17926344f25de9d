//! The wire types of the rota, the escalation policies and the hand-off
//! (`GET /api/v1/oncall`, `POST /api/v1/handoff`, `GET /api/v1/handoffs/latest`).
//! Kept beside the incident's own types and re-exported with them.
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::config::HumanDuration;

/// The word for "whoever is on call at the time" in policies, on the wire and
/// in the config alike.
pub const ON_CALL: &str = "on-call";

/// Whom an escalation level reaches: `"on-call"` (the person on call when the
/// incident gets there) or a list of named responders, the first of whom owns
/// the incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Targets {
    OnCall,
    Named(Vec<String>),
}

impl Serialize for Targets {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Targets::OnCall => s.serialize_str(ON_CALL),
            Targets::Named(names) => names.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Targets {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TargetsVisitor)
    }
}

struct TargetsVisitor;

impl<'de> serde::de::Visitor<'de> for TargetsVisitor {
    type Value = Targets;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{ON_CALL}\" or a list of responder names")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Targets, E> {
        if v == ON_CALL {
            return Ok(Targets::OnCall);
        }
        // The separator is the config's, so a config error splits into the
        // problem and its fix; on the wire it reads as one sentence.
        Err(E::custom(format!(
            "who = \"{v}\" is neither \"{ON_CALL}\" nor a list of names{}write who = \"{ON_CALL}\" for the person on call, or who = [\"{v}\"] for named responders",
            crate::config::FIX_SEPARATOR
        )))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Targets, A::Error> {
        let mut names = Vec::new();
        while let Some(name) = seq.next_element::<String>()? {
            names.push(name);
        }
        Ok(Targets::Named(names))
    }
}

/// `GET /api/v1/oncall`: who carries the pager now and next, and whom each
/// level of each escalation policy reaches now (what the console's escalate
/// confirmation shows).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnCall {
    /// `None` when the hub has no rota, or before its first shift.
    pub now: Option<Shift>,
    pub next: Option<NextShift>,
    /// The rota's shift length; `None` without a rota.
    pub shift: Option<HumanDuration>,
    /// The configured policies in config order; the default policy
    /// (`services: ["*"]`) is always among them.
    pub policies: Vec<PolicyView>,
}

/// The person on call now, since when and until when (overrides and
/// hand-offs included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shift {
    pub who: String,
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

/// The next person on call and when they take over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextShift {
    pub who: String,
    pub from: DateTime<Utc>,
}

/// One escalation policy: the services it covers (`"*"` for the default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyView {
    pub services: Vec<String>,
    pub levels: Vec<LevelView>,
}

/// One level of a policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelView {
    /// 1 is the first line.
    pub level: u32,
    pub name: String,
    /// Whom an incident reaching this level now would belong to; `None` when
    /// it reaches the person on call and nobody is.
    pub who: Option<String>,
    pub targets: Targets,
    /// Unacknowledged this long at this level, the hub escalates by itself;
    /// `None`: never by itself.
    pub after: Option<HumanDuration>,
}

/// `POST /api/v1/handoff`: the end of the sender's shift.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HandoffRequest {
    /// Who takes over; when absent, the rota's next person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    pub note: String,
}

/// What a hand-off would do now, recording nothing: the answer to
/// `POST /api/v1/handoff?dry_run=true`, decided by the same checks as the
/// hand-off itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoffPlan {
    /// Whose shift passes on: the person on call now (without a rota, the
    /// sender).
    pub from: String,
    /// Who would take over.
    pub to: String,
    /// Until when `to` would be on call; `None` when the hub has no rota.
    pub until: Option<DateTime<Utc>>,
    /// The open incidents that would pass from `from` to `to`.
    pub moves: Vec<u64>,
}

/// A hand-off as the hub recorded it: the answer to `POST /api/v1/handoff`
/// and to `GET /api/v1/handoffs/latest`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handoff {
    pub id: u64,
    pub from: String,
    pub to: String,
    pub at: DateTime<Utc>,
    pub note: String,
    /// The open incidents that passed from `from` to `to`.
    pub moved: Vec<u64>,
    /// Until when `to` is on call by this hand-off (the end of the shift it
    /// was made in); `None` when the hub has no rota.
    pub until: Option<DateTime<Utc>>,
}
