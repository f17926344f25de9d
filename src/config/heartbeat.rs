//! `[[hub.heartbeats]]`: jobs that must keep running (backups, batch jobs,
//! cron), each expected to ping the hub on a schedule, `every` so long or
//! on a `cron` expression in a time zone. Checked as it is read, so a bad
//! expression, an unknown zone, or a heartbeat with both schedules or
//! neither is refused at its line with the fix.
use std::path::Path;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::error::FIX_SEPARATOR;
use super::{ConfigError, HumanDuration};
use crate::incident::Severity;

/// One `[[hub.heartbeats]]` entry.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HeartbeatConfig {
    /// What the job pings: `POST /api/v1/heartbeats/{name}`.
    pub name: String,
    /// The service its incidents are opened for (selects the policy).
    pub service: String,
    #[serde(default = "default_severity")]
    pub severity: Severity,
    /// A ping is due this long after the last one; or `cron`, never both.
    #[serde(default)]
    pub every: Option<HumanDuration>,
    #[serde(default)]
    pub cron: Option<CronExpr>,
    /// The zone `cron` is read in; UTC when left out.
    #[serde(default)]
    pub timezone: Option<ZoneName>,
    /// How late a ping may be before an incident opens; also how long a
    /// started run may take.
    #[serde(default = "default_grace")]
    pub grace: HumanDuration,
    /// The runbook its incidents show.
    #[serde(default)]
    pub runbook: Option<String>,
}

fn default_severity() -> Severity {
    Severity::High
}

fn default_grace() -> HumanDuration {
    HumanDuration::from_secs(5 * 60)
}

/// When a heartbeat's pings are due.
#[derive(Debug, Clone, PartialEq)]
pub enum Schedule {
    Every(HumanDuration),
    /// Boxed: a parsed expression is large beside a duration.
    Cron(Box<CronExpr>, chrono_tz::Tz),
}

impl Schedule {
    /// When the next ping is due after one at `at`; `None` when the cron
    /// expression never fires again.
    pub fn next_after(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            Schedule::Every(every) => chrono::Duration::from_std(every.0)
                .ok()
                .and_then(|d| at.checked_add_signed(d)),
            Schedule::Cron(cron, zone) => cron
                .cron
                .find_next_occurrence(&at.with_timezone(zone), false)
                .ok()
                .map(|t| t.with_timezone(&Utc)),
        }
    }
}

impl std::fmt::Display for Schedule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Schedule::Every(every) => write!(f, "every {every}"),
            Schedule::Cron(cron, zone) => write!(f, "cron {} ({zone})", cron.text),
        }
    }
}

impl HeartbeatConfig {
    /// Its schedule; a checked config has exactly one.
    pub fn schedule(&self) -> Schedule {
        match (&self.every, &self.cron) {
            (Some(every), _) => Schedule::Every(*every),
            (None, Some(cron)) => Schedule::Cron(
                Box::new(cron.clone()),
                self.timezone.as_ref().map_or(chrono_tz::UTC, |z| z.0),
            ),
            // Refused when the file is read; an hour is a safe reading.
            (None, None) => Schedule::Every(HumanDuration::from_secs(3600)),
        }
    }
}

/// A cron expression (five fields, or six with seconds first), checked
/// when read.
#[derive(Debug, Clone, PartialEq)]
pub struct CronExpr {
    pub text: String,
    cron: croner::Cron,
}

impl<'de> Deserialize<'de> for CronExpr {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        let cron = croner::Cron::from_str(raw.trim()).map_err(|e| {
            serde::de::Error::custom(format!(
                "cron = \"{raw}\" is not a cron expression ({e}){FIX_SEPARATOR}write five fields, minute hour day month weekday, like cron = \"0 2 * * *\" (every day at 02:00)"
            ))
        })?;
        Ok(CronExpr {
            text: raw.trim().to_string(),
            cron,
        })
    }
}

/// An IANA time zone name, checked when read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ZoneName(pub chrono_tz::Tz);

impl<'de> Deserialize<'de> for ZoneName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        raw.trim().parse::<chrono_tz::Tz>().map(ZoneName).map_err(|_| {
            serde::de::Error::custom(format!(
                "timezone = \"{raw}\" is not a time zone{FIX_SEPARATOR}write an IANA name, like timezone = \"Europe/Berlin\" or \"UTC\""
            ))
        })
    }
}

/// Whether `name` may name a heartbeat: it goes in a URL path and a shell
/// command, so letters, digits, dots, dashes and underscores only.
pub fn is_heartbeat_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 100
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// The checks across a heartbeat's keys, and across heartbeats.
pub fn check(heartbeats: &[HeartbeatConfig], text: &str, path: &Path) -> Result<(), ConfigError> {
    let mut names = std::collections::BTreeSet::new();
    for (i, h) in heartbeats.iter().enumerate() {
        let at = |key: &str, problem: String, fix: &str| {
            ConfigError::in_table(path, text, ("[[hub.heartbeats]]", i), key, &problem, fix)
        };
        let name = crate::sanitize::line(&h.name);
        if !is_heartbeat_name(&h.name) {
            return Err(at(
                "name",
                format!(
                    "the heartbeat name '{name}' holds characters a URL path cannot carry plainly"
                ),
                "use letters, digits, dots, dashes or underscores (at most 100), like name = \"nightly-backup\"",
            ));
        }
        if !names.insert(h.name.as_str()) {
            return Err(at(
                "name",
                format!("two heartbeats are named '{name}'"),
                "give each [[hub.heartbeats]] entry its own name",
            ));
        }
        if h.service.trim().is_empty() {
            return Err(at(
                "service",
                format!("the heartbeat '{name}' has an empty service"),
                "name the service its incidents are for, like service = \"backups\"",
            ));
        }
        match (&h.every, &h.cron) {
            (Some(_), Some(_)) => {
                return Err(at(
                    "cron",
                    format!("the heartbeat '{name}' has both `every` and `cron`"),
                    "keep one: every = \"24h\" (after each ping), or cron = \"0 2 * * *\" (at set times)",
                ));
            }
            (None, None) => {
                return Err(at(
                    "name",
                    format!("the heartbeat '{name}' has no schedule"),
                    "add every = \"24h\" (after each ping) or cron = \"0 2 * * *\" with timezone = \"Europe/Berlin\"",
                ));
            }
            (Some(_), None) if h.timezone.is_some() => {
                return Err(at(
                    "timezone",
                    format!("the heartbeat '{name}' has a `timezone` but no `cron`"),
                    "remove timezone: an `every` schedule counts from each ping, in no zone",
                ));
            }
            _ => {}
        }
        if h.schedule().next_after(Utc::now()).is_none() {
            return Err(at(
                "cron",
                format!("the cron expression of the heartbeat '{name}' never fires again"),
                "write one that recurs, like cron = \"0 2 * * *\"",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
