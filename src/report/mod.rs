//! The noise report: which alerts page people, how often, at what hours,
//! and what would quiet each. The hub computes its figures in the database
//! (`Store::report`) and serves this shape at `GET /api/v1/report`; `oncall
//! report` and the console's report key read the same JSON, so all three
//! say the same thing.
//!
//! What the figures count, precisely:
//!
//! - The window is `since` to `until` (the hub's now, included): the
//!   incidents opened in it, and everything that happened to them since (an
//!   incident opened on Monday and paged again on Tuesday counts both
//!   pages; one opened the Sunday before counts none).
//! - An alert is its `alertname` label (its title when it has none) within
//!   its service: the same alert of two services is two rows, as a squash
//!   of one would not touch the other.
//! - A page is a person being paged about an incident: one round of the
//!   incident's pages (opened, escalated, repeated, after an ack timeout,
//!   asked to help) to one person, counted once however many of their
//!   contacts it went through, when at least one of those deliveries was
//!   sent and taken by its receiver (`delivered`). Pages to channels, failed
//!   and cancelled deliveries are not pages. It is at night when its first
//!   delivered contact was due between 22:00 and 07:00 in the hub's time
//!   zone (`[hub] timezone`, UTC by default).
//! - On a hub where nobody has contacts (`[hub.notify]` pages nobody), a
//!   page is what the hub records instead: each opening and each escalation
//!   on an incident's timeline that names whom it reached ("owned by
//!   alice", "escalated ... (bob)"), for that person, at the time of the
//!   entry. An incident opened while nobody is on call pages nobody.
//! - Self-resolved: resolved within 5 minutes of opening, never
//!   acknowledged, and resolved by its source (an integration such as
//!   Alertmanager), not by a person.
//! - Flapping: opened within an hour of the resolution of the previous
//!   incident with the same dedup key (it reopened).
//! - Squashed: kept quiet by a squash, from its opening (a squash in force
//!   matched it) or from when a squash made later took it, whether or not
//!   that squash is over since: its occurrences paged nobody while it was.
//! - Times to acknowledge and to resolve run from the opening to the first
//!   acknowledgement and to the resolution; the median and the 90th
//!   percentile interpolate between the two nearest incidents (as
//!   PostgreSQL's `percentile_cont`), in whole seconds.
//! - Noisiest: by pages, then occurrences (repeats folded in), then
//!   incidents; the top ten carry what would silence each.
use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

mod advice;
pub mod format;

pub use advice::advice;
pub use format::{markdown, table};

/// The figures of the report's window, as the hub serves them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoiseReport {
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
    /// The IANA name of the hub's time zone, in which "night" is read.
    pub timezone: String,
    /// Every alert with an incident in the window, noisiest first.
    pub alerts: Vec<AlertFigures>,
    /// Every service with an incident in the window, noisiest first.
    pub services: Vec<ServiceFigures>,
    /// Everyone paged in the window, most paged first.
    pub responders: Vec<ResponderFigures>,
    /// The ten noisiest alerts and what would silence each.
    pub noisiest: Vec<Advice>,
}

/// One alert of one service.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertFigures {
    /// Its `alertname` label, or its title when it has none.
    pub alert: String,
    pub service: String,
    /// Whether `alert` is the `alertname` label (a squash can match it).
    pub alertname: bool,
    #[serde(flatten)]
    pub figures: Figures,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceFigures {
    pub service: String,
    #[serde(flatten)]
    pub figures: Figures,
}

/// What one alert or one service came to in the window.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    /// Incidents opened.
    pub incidents: u64,
    /// Times it was raised: each incident's first and its repeats folded in.
    pub occurrences: u64,
    pub pages: u64,
    pub night_pages: u64,
    pub self_resolved: u64,
    pub flapping: u64,
    /// Incidents a squash kept quiet. A hub older than this figure does
    /// not send it: read as none.
    #[serde(default)]
    pub squashed: u64,
    /// Seconds from opening to the first acknowledgement; `None` when none
    /// was acknowledged.
    pub ack_median_secs: Option<u64>,
    pub ack_p90_secs: Option<u64>,
    /// Seconds from opening to resolution; `None` when none was resolved.
    pub resolve_median_secs: Option<u64>,
    pub resolve_p90_secs: Option<u64>,
}

impl Figures {
    /// The noisiest first: by pages, then occurrences, then incidents.
    pub fn noise_order(a: &Figures, b: &Figures) -> std::cmp::Ordering {
        (b.pages, b.occurrences, b.incidents).cmp(&(a.pages, a.occurrences, a.incidents))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponderFigures {
    pub responder: String,
    pub pages: u64,
    pub night_pages: u64,
}

/// What would silence one of the noisiest alerts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Advice {
    pub alert: String,
    pub service: String,
    pub pages: u64,
    pub occurrences: u64,
    /// The matchers of a squash that would stop its pages (`POST
    /// /api/v1/squashes`).
    pub squash: std::collections::BTreeMap<String, String>,
    /// Set when a threshold change would serve better than a squash: it
    /// resolves by itself or flaps.
    pub threshold: Option<String>,
    /// The action, said plainly in one sentence or two.
    pub action: String,
}

/// Puts the rows in noise order and picks the ten noisiest alerts' advice.
pub fn finish(report: &mut NoiseReport) {
    report.alerts.sort_by(|a, b| {
        Figures::noise_order(&a.figures, &b.figures)
            .then_with(|| (&a.alert, &a.service).cmp(&(&b.alert, &b.service)))
    });
    report.services.sort_by(|a, b| {
        Figures::noise_order(&a.figures, &b.figures).then_with(|| a.service.cmp(&b.service))
    });
    report.responders.sort_by(|a, b| {
        (b.pages, b.night_pages)
            .cmp(&(a.pages, a.night_pages))
            .then_with(|| a.responder.cmp(&b.responder))
    });
    report.noisiest = report.alerts.iter().take(TOP).map(advice).collect();
}

/// How many of the noisiest alerts get advice.
pub const TOP: usize = 10;

/// Night: from this hour...
const NIGHT_STARTS: u32 = 22;
/// ...to this one, the next morning.
const NIGHT_ENDS: u32 = 7;

/// The nights that overlap `since..until` in `tz`, as UTC seconds since the
/// epoch, each `[start, end)`: what the store compares page times with, so
/// that a time zone's summer time is the hub's business, not the SQL's.
pub fn nights<Tz: TimeZone>(tz: &Tz, since: DateTime<Utc>, until: DateTime<Utc>) -> Vec<[f64; 2]> {
    let at = |day: chrono::NaiveDate, hour: u32| {
        let local = day.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or_default());
        // A clock change at 22:00 or 07:00 (none does so) would make the
        // hour ambiguous or missing: take its earliest reading, or an hour on.
        tz.from_local_datetime(&local)
            .earliest()
            .or_else(|| {
                tz.from_local_datetime(&(local + Duration::hours(1)))
                    .earliest()
            })
            .map(|t| t.with_timezone(&Utc))
    };
    let mut day = since.with_timezone(tz).date_naive() - Duration::days(1);
    let last = until.with_timezone(tz).date_naive();
    let mut out = Vec::new();
    while day <= last {
        if let (Some(start), Some(end)) = (
            at(day, NIGHT_STARTS),
            at(day.succ_opt().unwrap_or(day), NIGHT_ENDS),
        ) && end > since
            && start < until
        {
            out.push([seconds(start), seconds(end)]);
        }
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    out
}

/// A time as the store's page times are: seconds since the epoch.
pub fn seconds(t: DateTime<Utc>) -> f64 {
    t.timestamp() as f64 + f64::from(t.timestamp_subsec_nanos()) / 1e9
}

/// A percentile from the store (fractional seconds) in whole seconds.
pub fn whole_seconds(secs: Option<f64>) -> Option<u64> {
    secs.filter(|s| s.is_finite() && *s >= 0.0)
        .map(|s| s.round() as u64)
}

#[cfg(test)]
mod tests;
