//! The Alertmanager parts of the config: how the hub reads an alert's labels
//! (`[hub.alertmanager]`), and the matchers a console's Alertmanager feed
//! polls with. Checked while read, so a bad value is reported at its line.
use std::collections::BTreeMap;

use serde::Deserialize;

use super::error::FIX_SEPARATOR;
use crate::incident::Severity;

/// `[hub.alertmanager]`: how alerts become incidents.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AlertmanagerConfig {
    /// The older one-label form: tried before `service_labels`, so configs
    /// written for it keep their meaning.
    #[serde(default, deserialize_with = "one_label_name")]
    pub service_label: Option<String>,
    /// The labels that may name what fails, tried in order; the first whose
    /// value is not a reporter names the incident's service.
    #[serde(default = "default_service_labels", deserialize_with = "label_names")]
    pub service_labels: Vec<String>,
    /// Label values that name the exporter that reported an alert rather
    /// than what fails (compared without case; a `*` at the end matches any
    /// ending).
    #[serde(default = "default_reporters", deserialize_with = "reporter_values")]
    pub reporters: Vec<String>,
    /// `severity` label values and the severity each one means. Entries add to
    /// and override the defaults; a value nobody mapped means warning.
    #[serde(default)]
    pub severity: SeverityMap,
}

impl Default for AlertmanagerConfig {
    fn default() -> Self {
        AlertmanagerConfig {
            service_label: None,
            service_labels: default_service_labels(),
            reporters: default_reporters(),
            severity: SeverityMap::default(),
        }
    }
}

impl AlertmanagerConfig {
    /// The labels to try for the service, in order.
    pub fn service_labels(&self) -> impl Iterator<Item = &str> {
        self.service_label
            .iter()
            .chain(&self.service_labels)
            .map(String::as_str)
    }

    /// Whether `value` names an exporter that reported the alert.
    pub fn is_reporter(&self, value: &str) -> bool {
        let value = value.to_lowercase();
        self.reporters.iter().any(|r| {
            let r = r.to_lowercase();
            match r.strip_suffix('*') {
                Some(prefix) => value.starts_with(prefix),
                None => value == r,
            }
        })
    }
}

/// Where real rules name what fails, most specific first.
fn default_service_labels() -> Vec<String> {
    [
        "service",
        "app",
        "app_kubernetes_io_name",
        "container",
        "deployment",
        "statefulset",
        "daemonset",
        "cronjob",
        "job_name",
        "namespace",
        "node",
        "job",
    ]
    .map(String::from)
    .to_vec()
}

/// The exporters and scrapers whose names label the alerts they report
/// (as `job`, `service` or `container`), and the namespace kube-prometheus
/// runs them in.
fn default_reporters() -> Vec<String> {
    [
        "kube-state-metrics",
        "node",
        "node-exporter",
        "node_exporter",
        "prometheus-node-exporter",
        // Probe jobs are named for their module: blackbox-http, blackbox_icmp.
        "blackbox*",
        "prometheus-blackbox-exporter",
        "snmp",
        "snmp-exporter",
        "snmp_exporter",
        "prometheus-snmp-exporter",
        "cadvisor",
        "kubelet",
        "kube-rbac-proxy",
        "kube-prometheus-stack-*",
        "ipmi",
        "ipmi-exporter",
        "ipmi_exporter",
        "nut",
        "nut-exporter",
        "nut_exporter",
        "apcupsd",
        "apcupsd-exporter",
        "apcupsd_exporter",
        "smartctl",
        "smartctl-exporter",
        "smartctl_exporter",
        "integrations/*",
        "prometheus",
        "monitoring",
    ]
    .map(String::from)
    .to_vec()
}

fn one_label_name<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let raw = String::deserialize(d)?;
    checked_label_name(&raw, "service_label = \"service\"").map(Some)
}

fn label_names<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Vec::<String>::deserialize(d)?
        .iter()
        .map(|raw| checked_label_name(raw, "service_labels = [\"service\", \"app\", \"job\"]"))
        .collect()
}

fn checked_label_name<E: serde::de::Error>(raw: &str, like: &str) -> Result<String, E> {
    let name = raw.trim();
    if !is_label_name(name) {
        return Err(E::custom(format!(
            "'{raw}' is not a label name{FIX_SEPARATOR}use letters, digits and underscores, like {like}"
        )));
    }
    Ok(name.to_string())
}

fn reporter_values<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let fix = "name an exporter as its label value shows it, with at most one * at the end, like reporters = [\"node-exporter\", \"kube-prometheus-stack-*\"]";
    Vec::<String>::deserialize(d)?
        .into_iter()
        .map(|raw| {
            let value = raw.trim();
            let star_inside = value.trim_end_matches('*').contains('*') || value.ends_with("**");
            if value.is_empty() || value == "*" || star_inside {
                let what = if value.is_empty() || value == "*" {
                    "matches every value"
                } else {
                    "has a * before its end"
                };
                return Err(serde::de::Error::custom(format!(
                    "reporter '{raw}' {what}{FIX_SEPARATOR}{fix}"
                )));
            }
            Ok(value.to_string())
        })
        .collect()
}

/// Prometheus label names: `[a-zA-Z_][a-zA-Z0-9_]*`.
fn is_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `severity` label values (compared without case) to our severities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeverityMap(pub BTreeMap<String, Severity>);

impl SeverityMap {
    /// What an alert's `severity` label means; absent or unmapped is warning,
    /// so an alert is never dropped for a word we did not expect.
    pub fn severity_of(&self, value: Option<&str>) -> Severity {
        value
            .and_then(|v| self.0.get(&v.trim().to_ascii_lowercase()))
            .copied()
            .unwrap_or(Severity::Warning)
    }
}

/// The words Prometheus rule authors use most.
impl Default for SeverityMap {
    fn default() -> Self {
        use Severity::*;
        let pairs = [
            ("critical", Critical),
            ("page", Critical),
            ("high", High),
            ("error", High),
            ("major", High),
            ("warning", Warning),
            ("warn", Warning),
            ("minor", Warning),
            ("info", Info),
            ("informational", Info),
            ("none", Info),
        ];
        SeverityMap(pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect())
    }
}

impl<'de> Deserialize<'de> for SeverityMap {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let given = BTreeMap::<String, Severity>::deserialize(d)?;
        let mut map = SeverityMap::default();
        for (value, severity) in given {
            map.0.insert(value.trim().to_ascii_lowercase(), severity);
        }
        Ok(map)
    }
}

/// One Alertmanager matcher, as its API's `filter` takes it:
/// `name="value"`, `name!="value"`, `name=~"regex"` or `name!~"regex"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matcher(pub String);

impl Matcher {
    pub fn parse(text: &str) -> Result<Matcher, String> {
        let fix = "write it like \"team=\\\"db\\\"\" or \"severity=~\\\"critical|page\\\"\"";
        let s = text.trim();
        let Some(at) = s.find(['=', '!']) else {
            return Err(format!(
                "'{text}' is not a matcher (no operator){FIX_SEPARATOR}{fix}"
            ));
        };
        let (name, rest) = s.split_at(at);
        if !is_label_name(name.trim()) {
            return Err(format!(
                "'{text}' does not start with a label name{FIX_SEPARATOR}{fix}"
            ));
        }
        let value = ["!~", "=~", "!=", "="]
            .iter()
            .find_map(|op| rest.strip_prefix(op));
        match value {
            Some(v) if !v.trim().is_empty() => Ok(Matcher(s.to_string())),
            Some(_) => Err(format!("'{text}' has no value{FIX_SEPARATOR}{fix}")),
            None => Err(format!(
                "'{text}' has an unknown operator{FIX_SEPARATOR}use =, !=, =~ or !~"
            )),
        }
    }
}

impl<'de> Deserialize<'de> for Matcher {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Matcher::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_words_map_and_unknown_ones_are_warning() {
        let m = SeverityMap::default();
        assert_eq!(m.severity_of(Some("critical")), Severity::Critical);
        assert_eq!(m.severity_of(Some("Page")), Severity::Critical);
        assert_eq!(m.severity_of(Some("error")), Severity::High);
        assert_eq!(m.severity_of(Some("info")), Severity::Info);
        assert_eq!(m.severity_of(Some("sev-banana")), Severity::Warning);
        assert_eq!(m.severity_of(None), Severity::Warning);
    }

    #[test]
    fn reporters_compare_without_case_and_a_star_ends_a_prefix() {
        let c = AlertmanagerConfig::default();
        assert!(c.is_reporter("kube-state-metrics"));
        assert!(c.is_reporter("Node-Exporter"));
        assert!(c.is_reporter("kube-prometheus-stack-kube-state-metrics"));
        assert!(!c.is_reporter("checkout"));
        assert!(!c.is_reporter("nodes"));
        let older = AlertmanagerConfig {
            service_label: Some("team_service".into()),
            ..AlertmanagerConfig::default()
        };
        let labels: Vec<&str> = older.service_labels().take(3).collect();
        assert_eq!(labels, ["team_service", "service", "app"]);
    }

    #[test]
    fn matchers_take_the_four_operators() {
        for ok in [
            "team=\"db\"",
            "team!=\"db\"",
            "severity=~\"critical|page\"",
            "env!~\"dev.*\"",
            "team=db",
        ] {
            assert!(Matcher::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["team", "=\"db\"", "team=", "9x=\"a\"", "team<\"db\""] {
            assert!(Matcher::parse(bad).is_err(), "{bad}");
        }
    }
}
