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
    /// The label that names the service; `job` stands in when it is absent.
    #[serde(default = "default_service_label", deserialize_with = "label_name")]
    pub service_label: String,
    /// `severity` label values and the severity each one means. Entries add to
    /// and override the defaults; a value nobody mapped means warning.
    #[serde(default)]
    pub severity: SeverityMap,
}

impl Default for AlertmanagerConfig {
    fn default() -> Self {
        AlertmanagerConfig {
            service_label: default_service_label(),
            severity: SeverityMap::default(),
        }
    }
}

fn default_service_label() -> String {
    "service".to_string()
}

fn label_name<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let raw = String::deserialize(d)?;
    let name = raw.trim();
    if !is_label_name(name) {
        return Err(serde::de::Error::custom(format!(
            "'{raw}' is not a label name{FIX_SEPARATOR}use letters, digits and underscores, like service_label = \"service\""
        )));
    }
    Ok(name.to_string())
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
