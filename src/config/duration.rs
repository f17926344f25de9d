//! Durations as people write them in config: "2s", "500ms", "15m", "1h30m", "12h", "1d".
use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::error::FIX_SEPARATOR;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HumanDuration(pub Duration);

impl HumanDuration {
    pub const fn from_secs(secs: u64) -> Self {
        HumanDuration(Duration::from_secs(secs))
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let total = parse_any(text)?;
        if total.is_zero() {
            return Err(format!(
                "'{text}' is zero{FIX_SEPARATOR}use a duration above zero"
            ));
        }
        Ok(HumanDuration(total))
    }
}

/// A delay that may be zero ("0m": at once), such as when a contact is tried.
pub fn zero_or_more<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    let raw = String::deserialize(d)?;
    parse_any(&raw).map_err(serde::de::Error::custom)
}

/// Any duration people write, zero included ("0s": not at all).
pub fn parse_any(text: &str) -> Result<Duration, String> {
    let hint = "write a number and a unit, like \"500ms\", \"2s\", \"15m\", \"1h30m\" or \"1d\"";
    let s = text.trim();
    if s.is_empty() {
        return Err(format!("empty duration{FIX_SEPARATOR}{hint}"));
    }
    let mut total = Duration::ZERO;
    let mut rest = s;
    while !rest.is_empty() {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits == 0 {
            return Err(format!("'{text}' is not a duration{FIX_SEPARATOR}{hint}"));
        }
        let number: u64 = rest[..digits]
            .parse()
            .map_err(|_| format!("'{text}' is too large{FIX_SEPARATOR}{hint}"))?;
        rest = &rest[digits..];
        let unit_len = rest.len()
            - rest
                .trim_start_matches(|c: char| c.is_ascii_alphabetic())
                .len();
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let part = match unit {
            "ms" => Duration::from_millis(number),
            "s" => Duration::from_secs(number),
            "m" => Duration::from_secs(number.saturating_mul(60)),
            "h" => Duration::from_secs(number.saturating_mul(3600)),
            "d" => Duration::from_secs(number.saturating_mul(86_400)),
            "" if !rest.is_empty() => {
                return Err(format!("'{text}' is not a duration{FIX_SEPARATOR}{hint}"));
            }
            "" => {
                return Err(format!(
                    "'{text}' has no unit{FIX_SEPARATOR}add one: \"{number}s\" for seconds, \"{number}m\" for minutes"
                ));
            }
            other => {
                return Err(format!(
                    "'{text}' has an unknown unit '{other}'{FIX_SEPARATOR}use ms, s, m, h or d"
                ));
            }
        };
        total = total.saturating_add(part);
    }
    Ok(total)
}

impl fmt::Display for HumanDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0.as_millis();
        if !ms.is_multiple_of(1000) {
            return write!(f, "{ms}ms");
        }
        let secs = self.0.as_secs();
        let (d, h, m, s) = (
            secs / 86_400,
            secs % 86_400 / 3600,
            secs % 3600 / 60,
            secs % 60,
        );
        let mut out = String::new();
        for (n, unit) in [(d, "d"), (h, "h"), (m, "m"), (s, "s")] {
            if n > 0 {
                out.push_str(&format!("{n}{unit}"));
            }
        }
        f.write_str(&out)
    }
}

impl<'de> Deserialize<'de> for HumanDuration {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        HumanDuration::parse(&raw).map_err(serde::de::Error::custom)
    }
}

impl Serialize for HumanDuration {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}
