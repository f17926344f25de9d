//! Squashes (silences and maintenance windows) as the hub's API carries
//! them: what a responder asks for (`POST /api/v1/squashes`), the squash as
//! the hub keeps it (in force, scheduled, or over and kept as history with
//! who made it and why), and whether an incident's labels match it. The
//! console and the hand-off note read the same types.
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Incident;

/// `POST /api/v1/squashes`: quiet every incident whose labels (with
/// `service` as a label) match all of `matchers`, from `starts` (now when
/// absent) until `until`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewSquash {
    pub matchers: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts: Option<DateTime<Utc>>,
    pub until: DateTime<Utc>,
    pub reason: String,
}

/// A squash as the hub recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Squash {
    pub id: u64,
    pub matchers: BTreeMap<String, String>,
    pub starts: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub reason: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    /// Who removed it before its end (`DELETE /api/v1/squashes/{id}`), and
    /// when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed_at: Option<DateTime<Utc>>,
}

/// Where a squash stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SquashState {
    /// A maintenance window that has not started.
    Scheduled,
    InForce,
    /// Ran out, or removed.
    Over,
}

impl Squash {
    /// Where it stands at `now`: in force from `starts` (inclusive) to
    /// `until` (exclusive), unless removed.
    pub fn state(&self, now: DateTime<Utc>) -> SquashState {
        let removed = self.removed_at.is_some_and(|at| at <= now);
        if removed || now >= self.until {
            SquashState::Over
        } else if now < self.starts {
            SquashState::Scheduled
        } else {
            SquashState::InForce
        }
    }

    pub fn in_force(&self, now: DateTime<Utc>) -> bool {
        self.state(now) == SquashState::InForce
    }

    /// When it stopped or will stop: its removal, or its end.
    pub fn ended(&self) -> DateTime<Utc> {
        self.removed_at.map_or(self.until, |at| at.min(self.until))
    }

    /// Whether `incident` matches every matcher: its labels, with `service`
    /// read as a label (the incident's own service, whatever its labels say).
    pub fn matches(&self, incident: &Incident) -> bool {
        self.matches_labels(&incident.service, |name| incident.labels.get(name))
    }

    /// As [`Squash::matches`], for an incident of `service` whose label
    /// `name` is `label(name)`.
    pub fn matches_labels<'a>(
        &self,
        service: &'a str,
        label: impl Fn(&str) -> Option<&'a str>,
    ) -> bool {
        !self.matchers.is_empty()
            && self.matchers.iter().all(|(name, value)| {
                let got = match name.as_str() {
                    "service" => Some(service),
                    other => label(other),
                };
                got == Some(value.as_str())
            })
    }

    /// The matchers as a person reads them: `alertname=DiskFull, service=db`.
    pub fn matchers_text(&self) -> String {
        matchers_text(&self.matchers)
    }
}

/// `matchers` as a person reads them: `alertname=DiskFull, service=db`.
pub fn matchers_text(matchers: &BTreeMap<String, String>) -> String {
    matchers
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `GET /api/v1/squashes`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SquashList {
    pub squashes: Vec<Squash>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn squash(matchers: &[(&str, &str)]) -> Squash {
        Squash {
            id: 1,
            matchers: matchers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            starts: at("2026-11-23T10:00:00Z"),
            until: at("2026-11-23T12:00:00Z"),
            reason: "disk swap".into(),
            created_by: "alice".into(),
            created_at: at("2026-11-23T09:00:00Z"),
            removed_by: None,
            removed_at: None,
        }
    }

    #[test]
    fn a_squash_is_in_force_from_its_start_to_its_end_unless_removed() {
        let mut s = squash(&[("service", "db")]);
        assert_eq!(s.state(at("2026-11-23T09:59:59Z")), SquashState::Scheduled);
        assert_eq!(s.state(at("2026-11-23T10:00:00Z")), SquashState::InForce);
        assert_eq!(s.state(at("2026-11-23T12:00:00Z")), SquashState::Over);
        s.removed_at = Some(at("2026-11-23T11:00:00Z"));
        assert_eq!(s.state(at("2026-11-23T10:59:59Z")), SquashState::InForce);
        assert_eq!(s.state(at("2026-11-23T11:00:00Z")), SquashState::Over);
        assert_eq!(s.ended(), at("2026-11-23T11:00:00Z"));
    }

    #[test]
    fn every_matcher_must_match_and_service_is_a_label() {
        let t = at("2026-11-23T10:00:00Z");
        let mut incident = Incident::builder(1, "disk full", t).service("db").build();
        incident.labels.insert("alertname", "DiskFull");
        assert!(squash(&[("service", "db")]).matches(&incident));
        assert!(squash(&[("alertname", "DiskFull"), ("service", "db")]).matches(&incident));
        assert!(!squash(&[("alertname", "DiskFull"), ("service", "web")]).matches(&incident));
        assert!(!squash(&[("instance", "a")]).matches(&incident));
        assert!(
            !squash(&[]).matches(&incident),
            "no matcher matches nothing"
        );
    }
}
