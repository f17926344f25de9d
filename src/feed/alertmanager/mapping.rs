//! An Alertmanager alert as the console shows an incident: its fields read
//! the way the hub's webhook reads them, and a silence on it shown as an
//! acknowledgement by whoever made the silence, until when and why.
use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::api::{Alert, Silence};
use crate::alertmanager::{self, AlertText, SOURCE};
use crate::config::AlertmanagerConfig;
use crate::incident::{EventKind, Incident, Status, TimelineEntry};
use crate::sanitize;

/// Who the timeline says did what Alertmanager did.
pub const WHO: &str = "alertmanager";

/// The incident `alert` is, given the silences that may hold it; cleaned for
/// the screen. `version` is left at 1 for the caller to number.
pub fn incident(
    config: &AlertmanagerConfig,
    alert: &Alert,
    silences: &HashMap<String, Silence>,
) -> Incident {
    let new = alertmanager::new_incident(
        config,
        AlertText {
            fingerprint: &alert.fingerprint,
            labels: &alert.labels,
            annotations: &alert.annotations,
            generator_url: alert.generator_url.as_deref(),
        },
    );
    let mut timeline = vec![TimelineEntry {
        at: alert.starts_at,
        who: WHO.to_string(),
        kind: EventKind::Opened,
        text: "firing in Alertmanager".to_string(),
        taken_at: None,
    }];
    let mut description = new.description;
    let mut updated_at = alert.updated_at.unwrap_or(alert.starts_at);
    let (status, owner) = match (alert.is_silenced(), holding_silence(alert, silences)) {
        (true, Some(s)) => {
            timeline.push(TimelineEntry {
                at: s.starts_at,
                who: s.created_by.clone(),
                kind: EventKind::Acknowledged,
                text: silence_text(s),
                taken_at: None,
            });
            add_paragraph(
                &mut description,
                &format!("Silenced by {} until {}", by(s), until(s)),
            );
            updated_at = updated_at.max(s.updated_at.unwrap_or(s.starts_at));
            let owner = Some(s.created_by.clone()).filter(|o| !o.trim().is_empty());
            (Status::Acknowledged, owner)
        }
        // Silenced by a silence we could not read (made after our look at
        // the list): held, though we cannot say by whom.
        (true, None) => (Status::Acknowledged, None),
        (false, _) => {
            let inhibited = alert.status.inhibited_by.len();
            if inhibited > 0 {
                add_paragraph(
                    &mut description,
                    &format!(
                        "Inhibited by {inhibited} other alert(s): Alertmanager sends no notifications for it."
                    ),
                );
            }
            (Status::Triggered, None)
        }
    };
    let mut inc = Incident {
        id: alertmanager::incident_id(&alert.fingerprint),
        dedup_key: new.dedup_key.unwrap_or_default(),
        title: new.title,
        service: new.service,
        severity: new.severity,
        status,
        labels: new.labels.into(),
        description,
        runbook: None,
        runbook_url: new.runbook_url,
        source: SOURCE.to_string(),
        created_at: alert.starts_at,
        updated_at,
        owner,
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
        timeline,
        steps: Default::default(),
    };
    sanitize::incident(&mut inc);
    inc
}

/// `inc` once its alert is no longer in Alertmanager's list.
pub fn resolved(mut inc: Incident, now: DateTime<Utc>) -> Incident {
    inc.status = Status::Resolved;
    inc.updated_at = now;
    inc.timeline.push(TimelineEntry {
        at: now,
        who: WHO.to_string(),
        kind: EventKind::Resolved,
        text: "no longer firing in Alertmanager".to_string(),
        taken_at: None,
    });
    inc
}

/// Of the silences holding the alert, the one that holds it longest.
fn holding_silence<'a>(
    alert: &Alert,
    silences: &'a HashMap<String, Silence>,
) -> Option<&'a Silence> {
    alert
        .status
        .silenced_by
        .iter()
        .filter_map(|id| silences.get(id))
        .max_by_key(|s| s.ends_at)
}

/// The timeline's words for a silence: "silenced until 2026-11-22 02:33
/// UTC: investigating disk growth".
pub fn silence_text(s: &Silence) -> String {
    format!("silenced until {}", until(s))
}

fn until(s: &Silence) -> String {
    let end = s.ends_at.format("%Y-%m-%d %H:%M UTC");
    match s.comment.trim() {
        "" => end.to_string(),
        comment => format!("{end}: {comment}"),
    }
}

fn by(s: &Silence) -> &str {
    match s.created_by.trim() {
        "" => "someone",
        name => name,
    }
}

fn add_paragraph(text: &mut String, paragraph: &str) {
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(paragraph);
}
