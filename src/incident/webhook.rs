//! The wire types of the hub's Alertmanager webhook
//! (`POST /api/v1/alertmanager`): the payload as Prometheus Alertmanager
//! sends it (version "4"), and the hub's answer. Kept with the incident's
//! own types so that what sends, what answers and what tests read share them.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The only payload version there is (Alertmanager 0.x to today).
pub const PAYLOAD_VERSION: &str = "4";

/// What the timeline says when Alertmanager reports an alert over.
pub const RESOLVED_TEXT: &str = "resolved by Alertmanager";

/// The webhook body as Alertmanager sends it. Fields are optional here so a
/// missing one is reported by name; fields Alertmanager may add later
/// (`groupKey`, `truncatedAlerts`, ...) are accepted and unused.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookPayload {
    pub version: Option<String>,
    pub status: Option<String>,
    pub receiver: Option<String>,
    #[serde(default)]
    pub group_labels: BTreeMap<String, String>,
    #[serde(default)]
    pub common_labels: BTreeMap<String, String>,
    #[serde(default)]
    pub common_annotations: BTreeMap<String, String>,
    #[serde(rename = "externalURL", default)]
    pub external_url: Option<String>,
    pub alerts: Option<Vec<WebhookAlert>>,
}

/// One alert of a webhook payload.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookAlert {
    pub status: Option<String>,
    pub labels: Option<BTreeMap<String, String>>,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    pub starts_at: Option<String>,
    /// `0001-01-01T00:00:00Z` while firing.
    pub ends_at: Option<String>,
    #[serde(rename = "generatorURL", default)]
    pub generator_url: Option<String>,
    pub fingerprint: Option<String>,
}

/// The answer: the incidents each kind of change touched, by id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookAnswer {
    pub opened: Vec<u64>,
    pub folded: Vec<u64>,
    pub resolved: Vec<u64>,
}
