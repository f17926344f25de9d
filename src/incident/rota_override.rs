//! Overrides made through the hub's API, as it carries them: what a
//! responder asks for (`POST /api/v1/overrides`: someone on call in a window
//! whatever the rota says), the override as the hub keeps it (in force,
//! upcoming, or removed and kept as history), the list `oncall who` and
//! the console's rota view read, and how both read a window as typed.
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::config::HumanDuration;

/// `POST /api/v1/overrides`: `responder` is on call from `start` to `end`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewOverride {
    pub responder: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// An override as the hub recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Override {
    pub id: u64,
    pub responder: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    /// Who removed it (`DELETE /api/v1/overrides/{id}`), and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed_at: Option<DateTime<Utc>>,
    /// Only in the answer to making it: who was on call in its window before
    /// and is not now (each is paged to say so).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub displaced: Vec<String>,
}

impl Override {
    /// In force at `now`: started, not ended, not removed.
    pub fn in_force(&self, now: DateTime<Utc>) -> bool {
        self.removed_at.is_none() && self.start <= now && now < self.end
    }
}

/// `GET /api/v1/overrides`: those in force and upcoming, soonest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverrideList {
    pub overrides: Vec<Override>,
}

/// When a cover starts, as typed: empty or `now` is `now`, else a time in
/// RFC 3339; or why not, saying what to type.
pub fn cover_start(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    if text.is_empty() || text.eq_ignore_ascii_case("now") {
        return Ok(now);
    }
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| format!("'{text}' is not a time: say now, or like 2026-11-30T18:00:00Z"))
}

/// When a cover from `start` ends, as typed: a time in RFC 3339, or a
/// length after `start` (`8h`, `+8h`, `90m`); or why not.
pub fn cover_end(text: &str, start: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    let length = text.strip_prefix('+').unwrap_or(text);
    if let Ok(length) = HumanDuration::parse(length) {
        let too_long = || format!("'{text}' is too long");
        let length = TimeDelta::from_std(length.0).map_err(|_| too_long())?;
        return start.checked_add_signed(length).ok_or_else(too_long);
    }
    let end = DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            format!("'{text}' is neither a time nor a length: say like 8h, or 2026-11-30T18:00:00Z")
        })?;
    if end <= start {
        return Err("the cover ends before it starts: say an end after its start".to_string());
    }
    Ok(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    #[test]
    fn a_start_is_now_or_a_time() {
        let now = at("2026-11-30T10:00:00Z");
        assert_eq!(cover_start("", now), Ok(now));
        assert_eq!(cover_start(" NOW ", now), Ok(now));
        assert_eq!(
            cover_start("2026-11-30T12:00:00+01:00", now),
            Ok(at("2026-11-30T11:00:00Z"))
        );
        let e = cover_start("tomorrow", now).unwrap_err();
        assert!(e.contains("'tomorrow' is not a time"), "{e}");
    }

    #[test]
    fn an_end_is_a_length_after_the_start_or_a_later_time() {
        let start = at("2026-11-30T10:00:00Z");
        assert_eq!(cover_end("8h", start), Ok(at("2026-11-30T18:00:00Z")));
        assert_eq!(cover_end("+90m", start), Ok(at("2026-11-30T11:30:00Z")));
        assert_eq!(
            cover_end("2026-12-01T00:00:00Z", start),
            Ok(at("2026-12-01T00:00:00Z"))
        );
        let e = cover_end("soon", start).unwrap_err();
        assert!(e.contains("neither a time nor a length"), "{e}");
        let e = cover_end("2026-11-30T09:00:00Z", start).unwrap_err();
        assert!(e.contains("ends before it starts"), "{e}");
    }
}
