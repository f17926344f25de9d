//! `[hub.rota]` and `[[hub.policies]]`: who carries the pager when, and how an
//! unanswered incident climbs from the 1st line to the 3rd for its service
//! (docs/config.md). Single values are checked here while they are read;
//! the checks that look across values (names against `[[hub.responders]]`,
//! overlaps) are in `rota_check`.
use std::fmt;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::duration::HumanDuration;
use super::error::FIX_SEPARATOR;
use crate::incident::Targets;

/// `[hub.rota]`: the responders take the pager in turn, one shift each,
/// counting from `start`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RotaConfig {
    /// In turn: the first takes the shift that begins at `start`.
    pub responders: Vec<String>,
    pub shift: HumanDuration,
    /// When the first shift began.
    pub start: Timestamp,
    /// Swaps: in each window, that responder is on call instead.
    #[serde(default)]
    pub overrides: Vec<OverrideConfig>,
}

/// `[[hub.rota.overrides]]`: `responder` is on call from `start` until `end`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OverrideConfig {
    pub start: Timestamp,
    pub end: Timestamp,
    pub responder: String,
}

/// `[[hub.policies]]`: the escalation levels of some services.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PolicyConfig {
    /// The services it covers; `["*"]` makes it the default policy, for every
    /// service no other policy names.
    pub services: Vec<String>,
    // Defaulted so that a policy without levels is reported by our check,
    // which says how to fix it, rather than by serde's "missing field".
    #[serde(default)]
    pub levels: Vec<LevelConfig>,
}

/// The service name that makes a policy the default one.
pub const ANY_SERVICE: &str = "*";

impl PolicyConfig {
    pub fn is_default(&self) -> bool {
        self.services.iter().any(|s| s.trim() == ANY_SERVICE)
    }
}

/// `[[hub.policies.levels]]`: one line of a policy.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LevelConfig {
    /// Defaults to "1st line", "2nd line", ... by position.
    #[serde(default)]
    pub name: Option<String>,
    /// `"on-call"` or a list of responder names.
    pub who: Targets,
    /// Unacknowledged this long at this level: the hub escalates by itself.
    /// Without it, only a person escalates from here.
    #[serde(default)]
    pub after: Option<HumanDuration>,
}

/// A moment in time as RFC 3339 ("2026-11-23T08:00:00Z"), written either in
/// quotes or as a bare TOML date-time; it must say its UTC offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(pub DateTime<Utc>);

impl Timestamp {
    pub fn parse(text: &str) -> Result<Timestamp, String> {
        let text = text.trim();
        DateTime::parse_from_rfc3339(text)
            .map(|t| Timestamp(t.with_timezone(&Utc)))
            .map_err(|e| {
                format!(
                    "'{text}' is not a date and time with its offset ({e}){FIX_SEPARATOR}write it like \"2026-11-23T08:00:00Z\" (Z for UTC, or an offset like +01:00)"
                )
            })
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TimestampVisitor)
    }
}

struct TimestampVisitor;

impl<'de> serde::de::Visitor<'de> for TimestampVisitor {
    type Value = Timestamp;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a date and time like \"2026-11-23T08:00:00Z\"")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Timestamp, E> {
        Timestamp::parse(v).map_err(E::custom)
    }

    // The toml crate hands a bare date-time over as a one-entry map holding
    // its text.
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Timestamp, A::Error> {
        match map.next_entry::<String, String>()? {
            Some((_, text)) => self.visit_str(&text),
            None => Err(serde::de::Error::custom(format!(
                "expected a date and time{FIX_SEPARATOR}write it like \"2026-11-23T08:00:00Z\""
            ))),
        }
    }
}

#[cfg(test)]
mod tests;
