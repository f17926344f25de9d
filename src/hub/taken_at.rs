//! When an action was taken, as the console that kept it says (the
//! `oncall-taken-at` header on what waited in its outbox while the hub was
//! unreachable). The hub orders the timeline and runs its timers by its own
//! clock; this time is shown beside its own, and only when it says something:
//! well before the action arrived, and not in the future or long ago, where
//! a console's wrong clock would put it.
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use chrono::{DateTime, TimeDelta, Utc};

use super::error::ApiError;
use crate::incident::TAKEN_AT_HEADER;

/// Closer to the hub's time than this, the action was not held back.
const WORTH_SAYING: TimeDelta = TimeDelta::seconds(30);

/// Older than this, the console's clock is more likely wrong than the
/// action that old: an outbox is emptied when the hub is back.
const AT_MOST: TimeDelta = TimeDelta::days(7);

/// The time a request says its action was taken, if it says one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TakenAt(pub Option<DateTime<Utc>>);

impl TakenAt {
    /// The time to show beside `now`, the time the action arrived: `None`
    /// when it arrived within moments, or the claim cannot be right.
    pub fn worth_showing(self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let taken = self.0?;
        let early = now.signed_duration_since(taken);
        (early >= WORTH_SAYING && early <= AT_MOST).then_some(taken)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for TakenAt {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get(TAKEN_AT_HEADER) else {
            return Ok(TakenAt(None));
        };
        value
            .to_str()
            .ok()
            .and_then(|v| DateTime::parse_from_rfc3339(v.trim()).ok())
            .map(|t| TakenAt(Some(t.with_timezone(&Utc))))
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "{TAKEN_AT_HEADER} must be an RFC 3339 time, like 2026-11-23T03:12:00Z"
                ))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn only_a_plausible_and_telling_time_is_shown() {
        let now = at("2026-11-23T03:40:00Z");
        let shown = |t: &str| TakenAt(Some(at(t))).worth_showing(now);
        assert_eq!(
            shown("2026-11-23T03:12:00Z"),
            Some(at("2026-11-23T03:12:00Z"))
        );
        assert_eq!(shown("2026-11-23T03:39:50Z"), None, "arrived at once");
        assert_eq!(shown("2026-11-23T03:41:00Z"), None, "in the future");
        assert_eq!(shown("2026-11-01T03:00:00Z"), None, "weeks ago");
        assert_eq!(TakenAt(None).worth_showing(now), None);
    }
}
