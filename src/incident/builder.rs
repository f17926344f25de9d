//! One way to write an incident out in full. Tests, benches and fixtures
//! start from the defaults here (triggered, high, service "api", first line,
//! raised once, nobody holding it) and set only what they are about, so a
//! field added to `Incident` is added here once rather than to every literal
//! that spells all of them out.
use chrono::{DateTime, Utc};

use super::{Incident, Labels, Severity, Status, TimelineEntry};

/// An incident being put together: `Incident::builder(..)`, the setters
/// that matter to the caller, then [`IncidentBuilder::build`].
#[derive(Debug, Clone)]
#[must_use]
pub struct IncidentBuilder(Incident);

impl Incident {
    /// An incident numbered `id`, titled `title`, opened and last changed
    /// at `at`, with the defaults of [`IncidentBuilder`].
    pub fn builder(id: u64, title: &str, at: DateTime<Utc>) -> IncidentBuilder {
        IncidentBuilder(Incident {
            id,
            dedup_key: format!("k{id}"),
            title: title.to_string(),
            service: "api".to_string(),
            severity: Severity::High,
            status: Status::Triggered,
            labels: Labels::new(),
            description: String::new(),
            runbook: None,
            runbook_url: None,
            source: "test".to_string(),
            created_at: at,
            updated_at: at,
            owner: None,
            escalation_level: 1,
            occurrences: 1,
            version: 1,
            squashed_by: None,
            helpers: Vec::new(),
            major: false,
            incident_manager: None,
            snoozed_until: None,
            previous_owner: None,
            assigned_by: None,
            status_update: None,
            timeline: Vec::new(),
            steps: Default::default(),
        })
    }
}

impl IncidentBuilder {
    pub fn dedup_key(mut self, key: &str) -> Self {
        self.0.dedup_key = key.to_string();
        self
    }

    pub fn service(mut self, service: &str) -> Self {
        self.0.service = service.to_string();
        self
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.0.severity = severity;
        self
    }

    pub fn status(mut self, status: Status) -> Self {
        self.0.status = status;
        self
    }

    /// One label; an empty value is still a label (as the hub stores it).
    pub fn label(mut self, name: &str, value: &str) -> Self {
        self.0.labels.insert(name, value);
        self
    }

    pub fn description(mut self, text: &str) -> Self {
        self.0.description = text.to_string();
        self
    }

    pub fn runbook(mut self, id: &str) -> Self {
        self.0.runbook = Some(id.to_string());
        self
    }

    pub fn runbook_url(mut self, url: &str) -> Self {
        self.0.runbook_url = Some(url.to_string());
        self
    }

    pub fn source(mut self, source: &str) -> Self {
        self.0.source = source.to_string();
        self
    }

    pub fn created_at(mut self, at: DateTime<Utc>) -> Self {
        self.0.created_at = at;
        self
    }

    pub fn updated_at(mut self, at: DateTime<Utc>) -> Self {
        self.0.updated_at = at;
        self
    }

    /// Who holds it; `None` for nobody.
    pub fn owner(mut self, who: Option<&str>) -> Self {
        self.0.owner = who.map(str::to_string);
        self
    }

    /// The escalation level, 1 being the first line.
    pub fn level(mut self, level: u32) -> Self {
        self.0.escalation_level = level;
        self
    }

    /// People asked to help, in order.
    pub fn helpers(mut self, names: &[&str]) -> Self {
        self.0.helpers = names.iter().map(|n| n.to_string()).collect();
        self
    }

    /// Declared major, with `manager` running it.
    pub fn major(mut self, manager: Option<&str>) -> Self {
        self.0.major = true;
        self.0.incident_manager = manager.map(str::to_string);
        self
    }

    /// Its latest status update, `text` by `by` at `at`.
    pub fn status_update(mut self, text: &str, by: &str, at: DateTime<Utc>) -> Self {
        self.0.status_update = Some(crate::incident::StatusUpdate {
            text: text.to_string(),
            by: by.to_string(),
            at,
        });
        self
    }

    /// Snoozed until `until`.
    pub fn snoozed_until(mut self, until: DateTime<Utc>) -> Self {
        self.0.snoozed_until = Some(until);
        self
    }

    /// Held by an assign `by` made, taken from `from`.
    pub fn assigned(mut self, from: Option<&str>, by: &str) -> Self {
        self.0.previous_owner = from.map(str::to_string);
        self.0.assigned_by = Some(by.to_string());
        self
    }

    pub fn occurrences(mut self, n: u64) -> Self {
        self.0.occurrences = n;
        self
    }

    pub fn version(mut self, n: u64) -> Self {
        self.0.version = n;
        self
    }

    /// Its timeline; the incident was opened at the first entry and last
    /// changed at the last, as the hub would have it.
    pub fn timeline(mut self, entries: Vec<TimelineEntry>) -> Self {
        if let Some(first) = entries.first() {
            self.0.created_at = first.at;
        }
        if let Some(last) = entries.last() {
            self.0.updated_at = last.at;
        }
        self.0.timeline = entries;
        self
    }

    /// Step `index` of runbook `runbook` ticked.
    pub fn step(mut self, runbook: &str, index: u32) -> Self {
        self.0
            .steps
            .entry(runbook.to_string())
            .or_default()
            .insert(index);
        self
    }

    pub fn build(self) -> Incident {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32) -> DateTime<Utc> {
        chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 11, 23, h, 0, 0).unwrap()
    }

    #[test]
    fn the_defaults_are_a_new_first_line_page() {
        let inc = Incident::builder(7, "disk full", at(9)).build();
        assert_eq!(inc.dedup_key, "k7");
        assert_eq!(inc.status, Status::Triggered);
        assert_eq!(inc.severity, Severity::High);
        assert_eq!(inc.escalation_level, 1);
        assert_eq!((inc.created_at, inc.updated_at), (at(9), at(9)));
        assert_eq!(inc.owner, None);
    }

    #[test]
    fn a_timeline_sets_when_it_was_opened_and_last_changed() {
        let entry = |h| TimelineEntry {
            at: at(h),
            who: "alice".to_string(),
            kind: super::super::EventKind::Note,
            text: "x".to_string(),
            taken_at: None,
        };
        let inc = Incident::builder(1, "t", at(1))
            .timeline(vec![entry(9), entry(11)])
            .label("alertname", "DiskFull")
            .step("disk-full", 2)
            .build();
        assert_eq!((inc.created_at, inc.updated_at), (at(9), at(11)));
        assert_eq!(inc.labels.get("alertname"), Some("DiskFull"));
        assert!(inc.steps["disk-full"].contains(&2));
    }

    #[test]
    fn a_timeline_kind_from_a_newer_hub_reads_as_other_and_the_incident_still_loads() {
        let mut json = serde_json::to_value(
            Incident::builder(3, "t", at(9))
                .timeline(vec![TimelineEntry {
                    at: at(9),
                    who: "hub".to_string(),
                    kind: super::super::EventKind::Note,
                    text: "rerouted by the weekend rule".to_string(),
                    taken_at: None,
                }])
                .build(),
        )
        .unwrap();
        json["timeline"][0]["kind"] = "rerouted".into();
        let inc: Incident = serde_json::from_value(json).unwrap();
        assert_eq!(inc.timeline[0].kind, super::super::EventKind::Other);
        assert_eq!(inc.timeline[0].text, "rerouted by the weekend rule");
    }
}
