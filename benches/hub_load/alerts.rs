//! The same open alerts for an Alertmanager and a hub: labels and
//! annotations as a Prometheus rule would send them, posted to Alertmanager
//! as alerts and to the hub as the webhooks Alertmanager would send for them.
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use chrono::{SecondsFormat, Utc};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// Alerts per request. The hub takes each webhook in one transaction; 500
/// alerts stay well under its 1 MiB body limit.
const BATCH: usize = 500;

const RULES: [(&str, &str, &str); 5] = [
    ("HighErrorRate", "checkout", "critical"),
    ("DiskFilling", "db", "warning"),
    ("ReplicationLag", "postgres", "high"),
    ("HostDown", "web", "critical"),
    ("QueueBacklog", "queue", "info"),
];

pub struct Alert {
    labels: BTreeMap<String, String>,
    annotations: BTreeMap<String, String>,
    fingerprint: String,
}

pub struct AlertSet {
    alerts: Vec<Alert>,
}

impl AlertSet {
    /// `count` distinct alerts, the same every run.
    pub fn new(count: usize) -> AlertSet {
        let alerts = (0..count)
            .map(|i| {
                let (name, service, severity) = RULES[i % RULES.len()];
                let instance = format!("host-{i:06}:9100");
                let labels: BTreeMap<String, String> = [
                    ("alertname", name.to_string()),
                    ("service", service.to_string()),
                    ("severity", severity.to_string()),
                    ("env", "prod".to_string()),
                    ("instance", instance.clone()),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect();
                let annotations: BTreeMap<String, String> = [
                    ("summary", format!("{name} on {instance}")),
                    (
                        "description",
                        format!(
                            "{name} has been firing on {instance} for 5 minutes; see the dashboard."
                        ),
                    ),
                    (
                        "runbook_url",
                        format!("https://runbooks.example/{}.md", name.to_lowercase()),
                    ),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect();
                let fingerprint = fingerprint(&labels);
                Alert {
                    labels,
                    annotations,
                    fingerprint,
                }
            })
            .collect();
        AlertSet { alerts }
    }

    /// The same alerts, every one at `severity`: below `[hub.notify]
    /// min_severity`, a set that pages nobody.
    pub fn with_severity(mut self, severity: &str) -> AlertSet {
        for alert in &mut self.alerts {
            alert
                .labels
                .insert("severity".to_string(), severity.to_string());
            alert.fingerprint = fingerprint(&alert.labels);
        }
        self
    }

    pub fn len(&self) -> usize {
        self.alerts.len()
    }

    /// Posts every alert to Alertmanager, firing until far in the future so
    /// none resolves during the run.
    pub async fn post_to_alertmanager(
        &self,
        http: &reqwest::Client,
        base: &str,
    ) -> anyhow::Result<Duration> {
        let now = Utc::now();
        let starts = now.to_rfc3339_opts(SecondsFormat::Secs, true);
        let ends = (now + chrono::TimeDelta::days(30)).to_rfc3339_opts(SecondsFormat::Secs, true);
        let started = Instant::now();
        for batch in self.alerts.chunks(BATCH) {
            let body: Vec<Value> = batch
                .iter()
                .map(|a| {
                    json!({
                        "labels": a.labels,
                        "annotations": a.annotations,
                        "startsAt": starts,
                        "endsAt": ends,
                        "generatorURL": "http://prometheus.local/graph",
                    })
                })
                .collect();
            let resp = http
                .post(format!("{base}/api/v2/alerts"))
                .json(&body)
                .send()
                .await
                .context("cannot reach Alertmanager")?;
            if !resp.status().is_success() {
                bail!("Alertmanager answered {}", resp.status());
            }
        }
        Ok(started.elapsed())
    }

    /// Posts every alert to the hub as Alertmanager's webhook would carry
    /// them: firing, in groups of [`BATCH`], each group one request.
    pub async fn post_to_hub(
        &self,
        http: &reqwest::Client,
        base: &str,
        token: &str,
    ) -> anyhow::Result<Duration> {
        let starts = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
        let started = Instant::now();
        for batch in self.alerts.chunks(BATCH) {
            let alerts: Vec<Value> = batch
                .iter()
                .map(|a| {
                    json!({
                        "status": "firing",
                        "labels": a.labels,
                        "annotations": a.annotations,
                        "startsAt": starts,
                        "endsAt": "0001-01-01T00:00:00Z",
                        "generatorURL": "http://prometheus.local/graph",
                        "fingerprint": a.fingerprint,
                    })
                })
                .collect();
            let body = json!({
                "version": "4",
                "status": "firing",
                "receiver": "oncall",
                "groupLabels": {},
                "commonLabels": {},
                "commonAnnotations": {},
                "externalURL": "http://127.0.0.1:9093",
                "alerts": alerts,
            });
            let resp = http
                .post(format!("{base}/api/v1/alertmanager"))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .context("cannot reach the hub")?;
            if !resp.status().is_success() {
                let status = resp.status();
                let text = resp.text().await.unwrap_or_default();
                bail!("the hub answered {status}: {text}");
            }
        }
        Ok(started.elapsed())
    }
}

/// 16 hex digits from the labels, as Alertmanager's fingerprint is (its own
/// hash differs; only uniqueness matters here).
fn fingerprint(labels: &BTreeMap<String, String>) -> String {
    let mut h = Sha256::new();
    for (k, v) in labels {
        h.update(k.as_bytes());
        h.update([0xff]);
        h.update(v.as_bytes());
        h.update([0xff]);
    }
    hex::encode(&h.finalize()[..8])
}
