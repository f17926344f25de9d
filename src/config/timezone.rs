//! `[hub] timezone`: the hub's time zone, an IANA name checked when read.
//! The noise report reads "at night" (22:00 to 07:00) in it.
use std::fmt;

use serde::Deserialize;

use super::FIX_SEPARATOR;

/// An IANA time zone; UTC by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeZoneName(pub chrono_tz::Tz);

impl Default for TimeZoneName {
    fn default() -> Self {
        TimeZoneName(chrono_tz::UTC)
    }
}

impl fmt::Display for TimeZoneName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name())
    }
}

impl<'de> Deserialize<'de> for TimeZoneName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        raw.trim()
            .parse::<chrono_tz::Tz>()
            .map(TimeZoneName)
            .map_err(|_| {
                serde::de::Error::custom(format!(
                    "timezone = \"{raw}\" is not a time zone{FIX_SEPARATOR}write an IANA name, like timezone = \"Europe/Berlin\" or \"UTC\""
                ))
            })
    }
}
