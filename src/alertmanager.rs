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

/// The label that carries the alert's source (Alertmanager's
/// `generatorURL`: the rule's expression in Prometheus), so the console can
/// open it. Prometheus keeps names starting with `__` to itself and never
/// sends one with an alert, so this one cannot meet a label of the alert's.
pub const SOURCE_URL_LABEL: &str = "__source_url__";

/// Titles longer than the hub takes are cut rather than refused: a refused
/// webhook is retried by Alertmanager forever, and the alert never arrives.
const TITLE_CHARS: usize = crate::incident::limits::MAX_TITLE_CHARS;
const DESCRIPTION_BYTES: usize = crate::incident::limits::MAX_DESCRIPTION_BYTES;
const LABELS: usize = crate::incident::limits::MAX_LABELS;
const LABEL_VALUE_CHARS: usize = crate::incident::limits::MAX_LABEL_VALUE_CHARS;

/// The parts of an alert that say what it is about.
#[derive(Debug, Clone, Copy)]
pub struct AlertText<'a> {
    /// Alertmanager's fingerprint: a hash of the labels, the same for every
    /// repeat of the alert.
    pub fingerprint: &'a str,
    pub labels: &'a BTreeMap<String, String>,
    pub annotations: &'a BTreeMap<String, String>,
    /// Where the alert came from (`generatorURL`), as Alertmanager sent it.
    pub generator_url: Option<&'a str>,
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
    let mut labels: BTreeMap<String, String> = alert
        .labels
        .iter()
        .map(|(k, v)| (sanitize::line(k), v.clone()))
        .collect();
    if let Some(url) = source_url(alert.generator_url)
        && labels.len() < LABELS
    {
        labels.insert(SOURCE_URL_LABEL.to_string(), url);
    }
    NewIncident {
        title: clip_chars(&title, TITLE_CHARS),
        service: service_of(config, alert.labels),
        severity: config.severity.severity_of(label("severity")),
        dedup_key: Some(dedup_key(alert.fingerprint)),
        labels,
        description: clip_bytes(description, DESCRIPTION_BYTES),
        runbook: None,
        runbook_url: annotation("runbook_url")
            .or_else(|| annotation("runbook"))
            .map(sanitize::line),
        source: Some(SOURCE.to_string()),
    }
}

/// The alert's source as a clean web link, when it is one the hub keeps (a
/// label value's length at most). Anything else is left out rather than
/// refused: the alert matters more than its link.
fn source_url(generator_url: Option<&str>) -> Option<String> {
    crate::weblink::clean(generator_url?)
        .ok()
        .filter(|url| url.len() <= LABEL_VALUE_CHARS)
}

/// What fails, by name: the first of the configured labels whose value is
/// not the exporter that reported the alert, else the host `instance`
/// names (the probed target for blackbox and SNMP, the host for
/// node-exporter), else "unknown". Clean, like every name from an alert.
pub fn service_of(config: &AlertmanagerConfig, labels: &BTreeMap<String, String>) -> String {
    let usable = |raw: &str| {
        let clean = sanitize::line(raw).trim().to_string();
        (!clean.is_empty() && !config.is_reporter(&clean)).then_some(clean)
    };
    config
        .service_labels()
        .filter_map(|name| non_empty(labels.get(name)))
        .find_map(usable)
        .or_else(|| non_empty(labels.get("instance")).and_then(|i| usable(host_of(i))))
        .unwrap_or_else(|| "unknown".to_string())
}

/// The host of an `instance` label: `db-3:9100` -> `db-3`,
/// `https://shop.example.com/health` -> `shop.example.com`,
/// `[2001:db8::1]:9100` -> `2001:db8::1`.
fn host_of(instance: &str) -> &str {
    let rest = instance.split_once("://").map_or(instance, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if let Some(inner) = authority.strip_prefix('[') {
        return inner.split(']').next().unwrap_or(inner);
    }
    match authority.split_once(':') {
        // One colon: host and port. More: a bare IPv6 address.
        Some((host, port)) if !port.contains(':') => host,
        _ => authority,
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
            generator_url: None,
        };
        let new = new_incident(&AlertmanagerConfig::default(), alert);
        assert_eq!(new.title, "DiskFilling on db-1:9100");
        assert_eq!(
            new.service, "db-1",
            "job=node is the exporter: the host stands in"
        );
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
            generator_url: None,
        };
        let new = new_incident(&AlertmanagerConfig::default(), alert);
        assert_eq!(new.title, "Alert ab");
        assert_eq!(new.service, "unknown");
        assert_eq!(new.severity, Severity::Warning);
    }

    #[test]
    fn the_alerts_source_travels_as_a_label_when_it_is_a_clean_web_link() {
        let labels = map(&[("alertname", "DiskFull")]);
        let bare = BTreeMap::new();
        let alert = |generator_url| AlertText {
            fingerprint: "ab",
            labels: &labels,
            annotations: &bare,
            generator_url,
        };
        let config = AlertmanagerConfig::default();
        let new = new_incident(&config, alert(Some("http://prom:9090/graph?g0.expr=a b")));
        assert_eq!(
            new.labels.get(SOURCE_URL_LABEL).map(String::as_str),
            Some("http://prom:9090/graph?g0.expr=a%20b")
        );
        for refused in ["javascript:alert(1)", "http://p/\u{1b}]0;x\u{7}", "graph"] {
            let new = new_incident(&config, alert(Some(refused)));
            assert_eq!(new.labels, labels, "{refused:?}");
        }
        let long = format!("http://p/{}", "a".repeat(LABEL_VALUE_CHARS));
        assert_eq!(new_incident(&config, alert(Some(&long))).labels, labels);
        let full: BTreeMap<String, String> =
            (0..LABELS).map(|i| (format!("l{i}"), "v".into())).collect();
        let crowded = AlertText {
            labels: &full,
            ..alert(Some("http://p/g"))
        };
        assert_eq!(
            new_incident(&config, crowded).labels.len(),
            LABELS,
            "an alert with all the labels the hub takes is not refused for its link"
        );
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
            generator_url: None,
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

    fn service(config: &AlertmanagerConfig, pairs: &[(&str, &str)]) -> String {
        service_of(config, &map(pairs))
    }

    #[test]
    fn the_service_is_what_fails_never_the_exporter_that_reported_it() {
        let c = AlertmanagerConfig::default();
        // KubePodCrashLooping as kube-prometheus sends it.
        let crash = [
            ("alertname", "KubePodCrashLooping"),
            ("container", "checkout"),
            ("endpoint", "http"),
            ("instance", "10.244.1.17:8080"),
            ("job", "kube-state-metrics"),
            ("namespace", "shop"),
            ("pod", "checkout-7c9d6f5b8-2xkqp"),
            ("service", "kube-prometheus-stack-kube-state-metrics"),
        ];
        assert_eq!(service(&c, &crash), "checkout");
        assert_eq!(
            service(&c, &[("namespace", "shop"), ("job", "kube-state-metrics")]),
            "shop"
        );
        // KubeNodeNotReady: the node, not kube-state-metrics' own address.
        let node = [
            ("node", "worker-2"),
            ("job", "kube-state-metrics"),
            ("instance", "10.244.1.17:8080"),
        ];
        assert_eq!(service(&c, &node), "worker-2");
        assert_eq!(
            service(&c, &[("app", "payments"), ("job", "api")]),
            "payments"
        );
        assert_eq!(
            service(&c, &[("job", "node-exporter"), ("instance", "db-3:9100")]),
            "db-3"
        );
        assert_eq!(
            service(
                &c,
                &[
                    ("job", "blackbox-http"),
                    ("instance", "https://shop.example.com/health")
                ]
            ),
            "shop.example.com"
        );
        assert_eq!(
            service(&c, &[("job", "snmp"), ("instance", "[2001:db8::7]:161")]),
            "2001:db8::7"
        );
        assert_eq!(
            service(&c, &[("job", "snmp"), ("instance", "2001:db8::7")]),
            "2001:db8::7"
        );
        assert_eq!(service(&c, &[("job", "snmp")]), "unknown");
        assert_eq!(service(&c, &[("job", "API")]), "API");
    }

    #[test]
    fn the_older_service_label_is_tried_first_and_reporters_are_configurable() {
        let c = AlertmanagerConfig {
            service_label: Some("team_service".into()),
            service_labels: vec!["job".into()],
            reporters: vec!["scraper-*".into()],
            ..AlertmanagerConfig::default()
        };
        let pairs = [("team_service", "billing"), ("job", "api")];
        assert_eq!(service(&c, &pairs), "billing");
        assert_eq!(service(&c, &[("job", "api")]), "api");
        assert_eq!(
            service(&c, &[("job", "Scraper-7"), ("instance", "pg-1:9187")]),
            "pg-1"
        );
        assert_eq!(
            service(&c, &[("service", "web"), ("job", "node")]),
            "node",
            "only the labels configured are read, and `node` is no reporter here"
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
            generator_url: None,
        };
        let new = new_incident(&AlertmanagerConfig::default(), alert);
        assert_eq!(new.title.chars().count(), TITLE_CHARS);
        assert!(new.description.len() <= DESCRIPTION_BYTES);
    }
}
