//! The parts of Alertmanager's API v2 the direct feed reads and writes
//! (`GET /api/v2/alerts`, `GET` and `POST /api/v2/silences`), as 0.25 sends
//! them. Fields we do not use are ignored, so newer versions still parse.
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One alert of `GET /api/v2/alerts`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Alert {
    pub fingerprint: String,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    pub starts_at: DateTime<Utc>,
    #[serde(default)]
    pub ends_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    pub status: AlertStatus,
    #[serde(rename = "generatorURL", default)]
    pub generator_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertStatus {
    /// "active", "suppressed" (silenced or inhibited) or "unprocessed".
    pub state: String,
    #[serde(default)]
    pub silenced_by: Vec<String>,
    #[serde(default)]
    pub inhibited_by: Vec<String>,
}

impl Alert {
    /// Silenced, which is what acknowledging means on this feed. Inhibited
    /// alerts are suppressed too, but nobody took them.
    pub fn is_silenced(&self) -> bool {
        self.status.state == "suppressed" && !self.status.silenced_by.is_empty()
    }
}

/// One silence of `GET /api/v2/silences`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Silence {
    pub id: String,
    pub status: SilenceStatus,
    #[serde(default)]
    pub comment: String,
    #[serde(default)]
    pub created_by: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub matchers: Vec<SilenceMatcher>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SilenceStatus {
    /// "active", "pending" or "expired".
    pub state: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SilenceMatcher {
    pub name: String,
    pub value: String,
    pub is_regex: bool,
    /// Absent in silences made before 0.22 (it was always "equal" then).
    #[serde(default = "yes")]
    pub is_equal: bool,
}

fn yes() -> bool {
    true
}

/// The body of `POST /api/v2/silences`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewSilence {
    pub matchers: Vec<SilenceMatcher>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub created_by: String,
    pub comment: String,
}

/// The answer to `POST /api/v2/silences`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SilenceCreated {
    #[serde(rename = "silenceID")]
    pub silence_id: String,
}
