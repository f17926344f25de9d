//! The recorded Alertmanager 0.25 webhooks parse and map to the incidents
//! they should, and a payload is stored whole or not at all.
use std::collections::BTreeMap;

use super::*;
use crate::hub::rules::AlertChange;
use crate::hub::store::Store;
use crate::hub::test_store::TestStore;
use crate::incident::{EventKind, NewIncident, RESOLVED_TEXT, Severity, Status, WebhookAnswer};

fn fixture(name: &str) -> WebhookPayload {
    let path = format!(
        "{}/tests/fixtures/alertmanager-0.25/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn changes_of(name: &str) -> Vec<AlertChange> {
    check(&fixture(name), &AlertmanagerConfig::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn fired(change: &AlertChange) -> &NewIncident {
    match change {
        AlertChange::Fire(new) => new,
        other => panic!("expected a firing alert, got {other:?}"),
    }
}

#[test]
fn webhook_001_is_a_critical_checkout_alert_with_its_runbook() {
    let payload = fixture("webhook-001.json");
    assert_eq!(payload.receiver.as_deref(), Some("tui-webhook"));
    assert_eq!(payload.group_labels.len(), 2);
    assert_eq!(payload.common_labels["severity"], "critical");
    assert_eq!(
        payload.common_annotations["summary"],
        "5xx rate above 5% on checkout"
    );
    assert_eq!(
        payload.external_url.as_deref(),
        Some("http://127.0.0.1:19093")
    );
    let alert = &payload.alerts.as_ref().unwrap()[0];
    assert_eq!(alert.ends_at.as_deref(), Some("0001-01-01T00:00:00Z"));
    assert_eq!(
        alert.generator_url.as_deref(),
        Some("http://prometheus.local/graph?g0.expr=foo")
    );

    let changes = changes_of("webhook-001.json");
    assert_eq!(changes.len(), 1);
    let expected = NewIncident {
        title: "5xx rate above 5% on checkout".into(),
        service: "checkout".into(),
        severity: Severity::Critical,
        dedup_key: Some("am:69c2e62f0b0aec37".into()),
        labels: map(&[
            ("alertname", "HighErrorRate"),
            ("env", "prod"),
            ("service", "checkout"),
            ("severity", "critical"),
            // Where it came from, for the console to open.
            (
                crate::alertmanager::SOURCE_URL_LABEL,
                "http://prometheus.local/graph?g0.expr=foo",
            ),
        ]),
        description: "Error ratio 0.07 over 5m".into(),
        runbook: None,
        runbook_url: Some("https://runbooks.example/checkout-5xx.md".into()),
        source: Some("alertmanager".into()),
    };
    assert_eq!(fired(&changes[0]), &expected);
}

#[test]
fn webhook_002_is_a_warning_about_a_disk() {
    let changes = changes_of("webhook-002.json");
    let expected = NewIncident {
        title: "Disk / on db-1 will fill in 4h".into(),
        service: "db".into(),
        severity: Severity::Warning,
        dedup_key: Some("am:24f7dbc6dcdad8cb".into()),
        labels: map(&[
            ("alertname", "DiskFilling"),
            ("instance", "db-1:9100"),
            ("service", "db"),
            ("severity", "warning"),
        ]),
        description: String::new(),
        runbook: None,
        runbook_url: None,
        source: Some("alertmanager".into()),
    };
    assert_eq!(changes, [AlertChange::Fire(expected)]);
}

#[test]
fn webhook_003_keeps_its_escape_sequences_byte_for_byte() {
    // The hub stores what it was sent; cleaning is the client's job, at the
    // last moment before a screen.
    let changes = changes_of("webhook-003.json");
    let new = fired(&changes[0]);
    assert_eq!(
        new.title,
        "evil \u{1b}]52;c;ZWNobyBwd25lZA==\u{7} title \u{1b}[31mRED\u{1b}[0m"
    );
    assert_eq!(new.severity, Severity::Info);
    assert_eq!(new.service, "edge");
    assert_eq!(new.dedup_key.as_deref(), Some("am:57f790acd99d8a37"));
}

#[test]
fn webhook_004_resolves_by_fingerprint() {
    assert_eq!(
        changes_of("webhook-004.json"),
        [AlertChange::Resolve {
            dedup_key: "am:69c2e62f0b0aec37".into()
        }]
    );
}

#[test]
fn configured_service_label_and_severity_words_are_used() {
    let mut config = AlertmanagerConfig {
        service_label: Some("env".into()),
        ..AlertmanagerConfig::default()
    };
    config.severity.0.insert("critical".into(), Severity::High);
    let changes = check(&fixture("webhook-001.json"), &config).unwrap();
    assert_eq!(fired(&changes[0]).service, "prod");
    assert_eq!(fired(&changes[0]).severity, Severity::High);
}

fn refused(payload: WebhookPayload, needle: &str) {
    match check(&payload, &AlertmanagerConfig::default()) {
        Err(ApiError::BadRequest(message)) => {
            assert!(message.contains(needle), "'{message}' lacks '{needle}'")
        }
        other => panic!("expected a 400 naming {needle}, got {other:?}"),
    }
}

#[test]
fn bad_payloads_are_refused_by_what_is_wrong() {
    let good = fixture("webhook-001.json");
    let with_alert = |f: fn(&mut WebhookAlert)| {
        let mut p = good.clone();
        if let Some(alerts) = p.alerts.as_mut() {
            f(&mut alerts[0]);
        }
        p
    };
    refused(
        WebhookPayload {
            version: Some("3".into()),
            ..good.clone()
        },
        "version \"3\"",
    );
    refused(
        WebhookPayload {
            version: None,
            ..good.clone()
        },
        "version is missing",
    );
    refused(
        WebhookPayload {
            status: Some("burning".into()),
            ..good.clone()
        },
        "status must be",
    );
    refused(
        WebhookPayload {
            alerts: None,
            ..good.clone()
        },
        "alerts is missing",
    );
    refused(
        with_alert(|a| a.fingerprint = None),
        "alerts[0].fingerprint is missing",
    );
    refused(
        with_alert(|a| a.fingerprint = Some(" ".into())),
        "alerts[0].fingerprint is missing",
    );
    refused(
        with_alert(|a| a.labels = None),
        "alerts[0].labels is missing",
    );
    refused(
        with_alert(|a| a.status = Some("gone".into())),
        "alerts[0].status",
    );
    refused(
        with_alert(|a| a.starts_at = Some("yesterday".into())),
        "alerts[0].startsAt is not an RFC 3339 time",
    );
    refused(
        with_alert(|a| a.labels = Some((0..65).map(|i| (format!("l{i}"), "v".into())).collect())),
        "64 labels",
    );
    // No alerts at all is a valid (if odd) payload.
    let empty = WebhookPayload {
        alerts: Some(Vec::new()),
        ..good
    };
    assert_eq!(check(&empty, &AlertmanagerConfig::default()).unwrap(), []);
}

/// The payload of a fixture, as the webhook makes it a change.
fn batch(name: &str) -> Change {
    let payload = fixture(name);
    let alerts = check(&payload, &AlertmanagerConfig::default()).unwrap();
    Change::WebhookBatch(WebhookBatch { payload, alerts })
}

async fn webhook(hub: &TestStore, minutes: i64, name: &str) -> WebhookAnswer {
    match hub.at(minutes).made("alertmanager", batch(name)).await {
        Ok(Outcome::Webhook(answer)) => answer,
        other => panic!("expected a webhook answer, got {other:?}"),
    }
}

#[tokio::test]
async fn firing_opens_then_folds_and_resolved_resolves_once() {
    let hub = TestStore::new();
    let first = webhook(&hub, 0, "webhook-001.json").await;
    assert_eq!(first.opened.len(), 1);
    let id = first.opened[0];
    let again = webhook(&hub, 1, "webhook-001.json").await;
    assert_eq!(again.folded, [id]);
    assert_eq!(hub.store.get(id).await.unwrap().occurrences, 2);

    let done = webhook(&hub, 2, "webhook-004.json").await;
    assert_eq!(done.resolved, [id]);
    let inc = hub.store.get(id).await.unwrap();
    assert_eq!(inc.status, Status::Resolved);
    let last = inc.timeline.last().unwrap();
    assert_eq!(
        (last.kind, last.who.as_str(), last.text.as_str()),
        (EventKind::Resolved, "alertmanager", RESOLVED_TEXT)
    );
    // A second resolved notification finds nothing open: ignored, no error.
    let seq = hub.seq().await;
    let twice = webhook(&hub, 3, "webhook-004.json").await;
    assert_eq!(twice, WebhookAnswer::default());
    assert_eq!(hub.seq().await, seq);
    // Firing again after the resolve is a new incident.
    let back = webhook(&hub, 4, "webhook-001.json").await;
    assert_eq!(back.opened.len(), 1);
    assert_ne!(back.opened[0], id);
}

#[tokio::test]
async fn two_alerts_of_one_payload_with_one_fingerprint_open_once_and_fold() {
    let hub = TestStore::new();
    let mut payload = fixture("webhook-001.json");
    let alerts = payload.alerts.as_mut().unwrap();
    alerts.push(alerts[0].clone());
    let alerts = check(&payload, &AlertmanagerConfig::default()).unwrap();
    let change = Change::WebhookBatch(WebhookBatch { payload, alerts });
    let Ok(Outcome::Webhook(answer)) = hub.made("alertmanager", change).await else {
        panic!("expected a webhook answer");
    };
    assert_eq!(answer.opened.len(), 1);
    assert_eq!(answer.folded, answer.opened);
}

fn arbitrary_json() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
    use proptest::prelude::*;
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        "\\PC{0,30}".prop_map(serde_json::Value::from),
        prop_oneof![
            Just("4"),
            Just("firing"),
            Just("resolved"),
            Just("0001-01-01T00:00:00Z"),
            Just("2026-11-23T03:00:00Z")
        ]
        .prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 48, 6, |inner| {
        let keys = prop_oneof![
            Just("version"),
            Just("status"),
            Just("alerts"),
            Just("labels"),
            Just("annotations"),
            Just("fingerprint"),
            Just("startsAt"),
            Just("endsAt"),
            Just("alertname"),
            Just("summary"),
            Just("severity"),
        ];
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(serde_json::Value::from),
            proptest::collection::btree_map(keys.prop_map(str::to_string), inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest::proptest! {
    /// Whatever arrives, reading the webhook answers a value or a 400, never a panic.
    #[test]
    fn any_webhook_payload_is_read_or_refused_without_panicking(v in arbitrary_json()) {
        if let Ok(payload) = serde_json::from_value::<WebhookPayload>(v)
            && let Err(e) = check(&payload, &AlertmanagerConfig::default())
        {
            proptest::prop_assert_eq!(e.status().as_u16(), 400);
        }
    }
}
