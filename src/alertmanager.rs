//! What a Prometheus Alertmanager alert means as an incident. The hub's
//! webhook and the console's direct Alertmanager feed both read alerts
//! through here, so an alert looks the same whichever way it arrives.
use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use crate::config::AlertmanagerConfig;
use crate::incident::NewIncident;
use crate::sanitize;

/// The `source` of incidents that came from Alertmanager.
pub const SOURCE: &str = "alertmanager";

/// Titles longer than the hub takes are cut rather than refused: a refused
/// webhook is retried by Alertmanager forever, and the alert never arrives.
const TITLE_CHARS: usize = crate::incident::limits::MAX_TITLE_CHARS;
const DESCRIPTION_BYTES: usize = crate::incident::limits::MAX_DESCRIPTION_BYTES;

/// The parts of an alert that say what it is about.
#[derive(Debug, Clone, Copy)]
pub struct AlertText<'a> {
    /// Alertmanager's fingerprint: a hash of the labels, the same for every
    /// repeat of the alert.
    pub fingerprint: &'a str,
    pub labels: &'a BTreeMap<String, String>,
    pub annotations: &'a BTreeMap<String, String>,
}

/// Repeats of an alert fold into one incident by this key.
pub fn dedup_key(fingerprint: &str) -> String {
    format!("am:{fingerprint}")
}

/// A stable incident id for an alert seen straight from Alertmanager (no hub
/// to number it). Fingerprints are 16 hex digits, a 64-bit hash of the
/// labels, so they are the id as they are; anything else is hashed to 64 bits.
pub fn incident_id(fingerprint: &str) -> u64 {
    let fp = fingerprint.trim();
    if !fp.is_empty()
        && fp.len() <= 16
        && fp.chars().all(|c| c.is_ascii_hexdigit())
        && let Ok(id) = u64::from_str_radix(fp, 16)
    {
        return id;
    }
    let digest = Sha256::digest(fp.as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(bytes)
}

/// The incident an alert opens (or folds into, by its dedup key). The
/// fields the hub takes as names (service, label names, runbook URL) are
/// cleaned here rather than refused: a refused webhook is retried forever.
pub fn new_incident(config: &AlertmanagerConfig, alert: AlertText<'_>) -> NewIncident {
    let label = |name: &str| non_empty(alert.labels.get(name));
    let annotation = |name: &str| non_empty(alert.annotations.get(name));
    let title = match (annotation("summary"), label("alertname")) {
        (Some(summary), _) => summary.to_string(),
        (None, Some(name)) => match label("instance") {
            Some(instance) => format!("{name} on {instance}"),
            None => name.to_string(),
        },
        (None, None) => format!("Alert {}", alert.fingerprint),
    };
    let description = annotation("description")
        .or_else(|| annotation("message"))
        .unwrap_or_default();
    NewIncident {
        title: clip_chars(&title, TITLE_CHARS),
        service: [label(&config.service_label), label("job")]
            .into_iter()
            .flatten()
            .map(sanitize::line)
            .find(|s| !s.trim().is_empty())
            .unwrap_or_else(|| "unknown".to_string()),
        severity: config.severity.severity_of(label("severity")),
        dedup_key: Some(dedup_key(alert.fingerprint)),
        labels: alert
            .labels
            .iter()
            .map(|(k, v)| (sanitize::line(k), v.clone()))
            .collect(),
        description: clip_bytes(description, DESCRIPTION_BYTES),
        runbook: None,
        runbook_url: annotation("runbook_url")
            .or_else(|| annotation("runbook"))
            .map(sanitize::line),
        source: Some(SOURCE.to_string()),
    }
}

fn non_empty(value: Option<&String>) -> Option<&str> {
    value.map(|v| v.trim()).filter(|v| !v.is_empty())
}

fn clip_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => text[..end].to_string(),
        None => text.to_string(),
    }
}

fn clip_bytes(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::Severity;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn fingerprints_are_the_id() {
        assert_eq!(incident_id("69c2e62f0b0aec37"), 0x69c2_e62f_0b0a_ec37);
        assert_eq!(incident_id("not hex at all"), incident_id("not hex at all"));
        assert_ne!(incident_id("not hex at all"), incident_id("not hex at al1"));
    }

    #[test]
    fn title_falls_back_to_alertname_on_instance() {
        let labels = map(&[
            ("alertname", "DiskFilling"),
            ("instance", "db-1:9100"),
            ("job", "node"),
            ("severity", "page"),
        ]);
        let annotations = map(&[("message", "disk fills"), ("runbook", "disk.md")]);
        let alert = AlertText {
            fingerprint: "24f7dbc6dcdad8cb",
            labels: &labels,
            annotations: &annotations,
        };
        let new = new_incident(&AlertmanagerConfig::default(), alert);
        assert_eq!(new.title, "DiskFilling on db-1:9100");
        assert_eq!(new.service, "node");
        assert_eq!(new.severity, Severity::Critical);
        assert_eq!(new.description, "disk fills");
        assert_eq!(new.runbook_url.as_deref(), Some("disk.md"));
        assert_eq!(new.dedup_key.as_deref(), Some("am:24f7dbc6dcdad8cb"));
        assert_eq!(new.labels, labels);

        let bare = BTreeMap::new();
        let alert = AlertText {
            fingerprint: "ab",
            labels: &bare,
            annotations: &bare,
        };
        let new = new_incident(&AlertmanagerConfig::default(), alert);
        assert_eq!(new.title, "Alert ab");
        assert_eq!(new.service, "unknown");
        assert_eq!(new.severity, Severity::Warning);
    }

    #[test]
    fn names_taken_from_an_alert_are_cleaned_not_refused() {
        let labels = map(&[
            ("service", "\u{1b}]0;x\u{7}\u{202e}"),
            ("job", "api\u{1b}[2J"),
            ("team\u{9b}2J", "db"),
        ]);
        let annotations = map(&[("runbook_url", "http://r/\u{1b}]8;;x\u{7}disk")]);
        let alert = AlertText {
            fingerprint: "ab",
            labels: &labels,
            annotations: &annotations,
        };
        let new = new_incident(&AlertmanagerConfig::default(), alert);
        assert_eq!(
            new.service, "api",
            "a service that cleans to nothing falls back"
        );
        assert_eq!(new.runbook_url.as_deref(), Some("http://r/disk"));
        assert!(new.labels.contains_key("team"), "{:?}", new.labels);
        let names = [&new.service].into_iter().chain(new.labels.keys());
        assert!(
            names
                .into_iter()
                .all(|n| sanitize::first_unsafe(n).is_none())
        );
    }

    #[test]
    fn overlong_text_is_cut_on_a_character_boundary() {
        let summary = "é".repeat(TITLE_CHARS + 5);
        let description = "é".repeat(DESCRIPTION_BYTES);
        let annotations = map(&[("summary", &summary), ("description", &description)]);
        let labels = BTreeMap::new();
        let alert = AlertText {
            fingerprint: "ab",
            labels: &labels,
            annotations: &annotations,
        };
        let new = new_incident(&AlertmanagerConfig::default(), alert);
        assert_eq!(new.title.chars().count(), TITLE_CHARS);
        assert!(new.description.len() <= DESCRIPTION_BYTES);
    }
}
