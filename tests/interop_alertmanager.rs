#![cfg(feature = "interop")]
//! oncall against a real Prometheus Alertmanager 0.25 (`cargo test --features
//! interop --test interop_alertmanager`; needs the Debian package
//! `prometheus-alertmanager`). Alerts are posted to Alertmanager as Prometheus
//! would; its webhook reaches a real hub, and the console's direct feed
//! reads and silences them.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;

use support::alertmanager;

use std::time::Duration;

use alertmanager::{Alertmanager, Webhook, eventually};
use chrono::{SecondsFormat, TimeDelta, Utc};
use oncall::feed::{Action, AlertmanagerClient, AlertmanagerSettings, FeedError, ListOutcome};
use oncall::incident::{EventKind, Incident, IncidentList, Status};
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::{ALERTMANAGER, ALICE, TestHub, expect};

struct Setup {
    hub: TestHub,
    am: Alertmanager,
}

/// A hub, and an Alertmanager whose webhook sends to it with its token.
async fn setup() -> Setup {
    let hub = TestHub::start().await;
    let am = Alertmanager::start(&Webhook {
        url: hub.url("/api/v1/alertmanager"),
        token: ALERTMANAGER.to_string(),
    })
    .await;
    Setup { hub, am }
}

fn time(offset: TimeDelta) -> String {
    (Utc::now() + offset).to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The recorded alerts (checkout errors, a filling disk, and one whose
/// summary carries escape sequences), as firing since five minutes ago.
fn recorded_alerts() -> Value {
    let path = format!(
        "{}/tests/fixtures/alertmanager-0.25/post_alerts.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut alerts: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    for alert in alerts.as_array_mut().unwrap() {
        let alert = alert.as_object_mut().unwrap();
        alert.remove("endsAt");
        alert.insert("startsAt".into(), time(-TimeDelta::minutes(5)).into());
    }
    alerts
}

/// One of the recorded alerts, over: ended a second ago.
fn ended(alertname: &str) -> Value {
    let mut alert = recorded_alerts()
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["labels"]["alertname"] == alertname)
        .cloned()
        .unwrap();
    alert["endsAt"] = time(-TimeDelta::seconds(1)).into();
    json!([alert])
}

fn with_alertname<'a>(incidents: &'a [Incident], name: &str) -> Option<&'a Incident> {
    incidents
        .iter()
        .find(|i| i.labels.get("alertname") == Some(name))
}

/// The hub's incident for the alert `name`, with its timeline, if any.
async fn in_hub(hub: &TestHub, name: &str) -> Result<Incident, String> {
    let list: IncidentList = expect(
        hub.get(ALICE, "/api/v1/incidents?status=all").await,
        StatusCode::OK,
    )
    .await;
    match with_alertname(&list.incidents, name) {
        Some(inc) => Ok(hub.incident(inc.id).await),
        None => Err(format!(
            "{} incidents, none for {name}",
            list.incidents.len()
        )),
    }
}

fn client(am: &Alertmanager, responder: &str, matchers: &[&str]) -> AlertmanagerClient {
    AlertmanagerClient::new(AlertmanagerSettings {
        base: am.base.clone(),
        matchers: matchers.iter().map(|m| m.to_string()).collect(),
        silence: Duration::from_secs(600),
        responder: responder.to_string(),
        token: None,
        token_env: None,
        timeout: Duration::from_secs(5),
    })
    .unwrap()
}

async fn listed(client: &AlertmanagerClient) -> Vec<Incident> {
    match client.list().await.unwrap() {
        ListOutcome::Changed { list, .. } => list.incidents,
        ListOutcome::Unchanged => panic!("an Alertmanager list is always full"),
    }
}

#[tokio::test]
async fn alerts_reach_the_hub_fold_on_repeats_and_resolve_when_they_end() {
    let Setup { hub, am } = setup().await;
    am.post_alerts(&recorded_alerts()).await;

    let checkout = eventually("the checkout alert in the hub", || {
        in_hub(&hub, "HighErrorRate")
    })
    .await;
    assert_eq!(checkout.title, "5xx rate above 5% on checkout");
    assert_eq!(checkout.service, "checkout");
    assert_eq!(checkout.severity.as_str(), "critical");
    assert_eq!(checkout.source, "alertmanager");
    assert!(
        checkout.dedup_key.starts_with("am:"),
        "{}",
        checkout.dedup_key
    );
    assert_eq!(checkout.timeline[0].who, "alertmanager");
    let disk = eventually("the disk alert in the hub", || in_hub(&hub, "DiskFilling")).await;
    assert_eq!(disk.service, "db");
    // The hub stores what Alertmanager sent, escape sequences and all.
    let injected = eventually("the injected alert in the hub", || in_hub(&hub, "Injected")).await;
    assert!(injected.title.contains('\u{1b}'), "{:?}", injected.title);

    // Alertmanager sends a firing alert again after repeat_interval (1s);
    // posted again, it is the same alert: it folds into the one incident.
    am.post_alerts(&recorded_alerts()).await;
    let folded = eventually("a repeat folded", || async {
        let inc = in_hub(&hub, "HighErrorRate").await?;
        if inc.occurrences > 1 {
            Ok(inc)
        } else {
            Err(format!("occurrences {}", inc.occurrences))
        }
    })
    .await;
    assert_eq!(folded.id, checkout.id);
    assert!(
        folded
            .timeline
            .iter()
            .any(|e| e.kind == EventKind::Repeated)
    );

    am.post_alerts(&ended("HighErrorRate")).await;
    let resolved = eventually("the ended alert resolved in the hub", || async {
        let inc = in_hub(&hub, "HighErrorRate").await?;
        if inc.status == Status::Resolved {
            Ok(inc)
        } else {
            Err(format!("status {}", inc.status))
        }
    })
    .await;
    assert_eq!(resolved.id, checkout.id);
    let last = resolved.timeline.last().unwrap();
    assert_eq!(last.kind, EventKind::Resolved);
    assert_eq!(last.who, "alertmanager");
    assert_eq!(last.text, "resolved by Alertmanager");
    // The other alerts still fire.
    assert_eq!(
        in_hub(&hub, "DiskFilling").await.unwrap().status,
        Status::Triggered
    );
}

#[tokio::test]
async fn the_direct_feed_lists_alerts_and_acknowledges_with_a_silence() {
    let Setup { am, .. } = setup().await;
    am.post_alerts(&recorded_alerts()).await;
    let alice = client(&am, "alice", &[]);
    let incidents = eventually("three alerts listed", || async {
        let incidents = listed(&alice).await;
        if incidents.len() == 3 {
            Ok(incidents)
        } else {
            Err(format!("{incidents:?}"))
        }
    })
    .await;
    assert!(incidents.iter().all(|i| i.status == Status::Triggered));
    let checkout = with_alertname(&incidents, "HighErrorRate").unwrap().clone();
    assert_eq!(checkout.severity.as_str(), "critical");
    assert_eq!(
        checkout.id,
        oncall::alertmanager::incident_id(checkout.dedup_key.trim_start_matches("am:"))
    );
    // Alertmanager hands back the escape sequences; the client does not.
    let injected = with_alertname(&incidents, "Injected").unwrap();
    assert_eq!(injected.title, "evil  title RED");

    // Matchers narrow the list, as Alertmanager's own filter does.
    let db_only = listed(&client(&am, "alice", &["service=\"db\""])).await;
    assert_eq!(db_only.len(), 1, "{db_only:?}");
    assert_eq!(db_only[0].service, "db");

    let err = alice
        .act(checkout.id, &Action::Escalate { note: None })
        .await
        .unwrap_err();
    assert_eq!(
        err,
        FeedError::Unsupported("escalation needs the oncall hub; this feed is Alertmanager".into())
    );

    let acked = alice
        .act(checkout.id, &Action::Acknowledge { version: None })
        .await
        .unwrap();
    assert_eq!(acked.status, Status::Acknowledged);
    assert_eq!(acked.owner.as_deref(), Some("alice"));
    assert!(acked.version > checkout.version);

    let silences = am.get("/api/v2/silences").await;
    let silences = silences.as_array().unwrap();
    assert_eq!(silences.len(), 1, "{silences:?}");
    let silence = &silences[0];
    assert_eq!(silence["createdBy"], "alice");
    assert_eq!(silence["comment"], "acknowledged via oncall");
    assert_eq!(silence["status"]["state"], "active");
    let matchers = silence["matchers"].as_array().unwrap();
    // Every label of the alert, and not the source link the console keeps
    // beside them (Alertmanager's alert has no such label to match).
    let source = oncall::alertmanager::SOURCE_URL_LABEL;
    assert!(
        checkout.labels.get(source).is_some(),
        "{:?}",
        checkout.labels
    );
    assert_eq!(matchers.len(), checkout.labels.len() - 1);
    assert!(matchers.iter().all(|m| m["name"] != source), "{matchers:?}");
    for m in matchers {
        let name = m["name"].as_str().unwrap();
        assert_eq!(m["value"].as_str(), checkout.labels.get(name));
        assert_eq!(
            (m["isRegex"].as_bool(), m["isEqual"].as_bool()),
            (Some(false), Some(true))
        );
    }

    // Alertmanager now reports the alert silenced, which the next list shows
    // as acknowledged by alice, with the silence's expiry in its timeline.
    let after = listed(&alice).await;
    let held = with_alertname(&after, "HighErrorRate").unwrap();
    assert_eq!(held.status, Status::Acknowledged);
    assert_eq!(held.owner.as_deref(), Some("alice"));
    assert!(
        held.description.contains("Silenced by alice until"),
        "{}",
        held.description
    );
    let detail = alice.get(checkout.id).await.unwrap();
    let ack = detail.timeline.last().unwrap();
    assert_eq!(
        (ack.kind, ack.who.as_str()),
        (EventKind::Acknowledged, "alice")
    );
    assert!(ack.text.starts_with("silenced until "), "{}", ack.text);
    assert!(
        ack.text.ends_with(": acknowledged via oncall"),
        "{}",
        ack.text
    );
    assert_eq!(
        with_alertname(&after, "DiskFilling").unwrap().status,
        Status::Triggered
    );

    // Acknowledging again changes nothing; someone else is told who has it.
    alice
        .act(checkout.id, &Action::Acknowledge { version: None })
        .await
        .unwrap();
    assert_eq!(
        am.get("/api/v2/silences").await.as_array().unwrap().len(),
        1
    );
    let err = client(&am, "bob", &[])
        .act(checkout.id, &Action::Acknowledge { version: None })
        .await
        .unwrap_err();
    match err {
        FeedError::Rejected {
            status: 409,
            message,
            incident: Some(current),
            ..
        } => {
            assert!(
                message.contains("already acknowledged by alice"),
                "{message}"
            );
            assert_eq!(current.owner.as_deref(), Some("alice"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_alert_that_leaves_alertmanager_is_reported_resolved_once() {
    let Setup { am, .. } = setup().await;
    am.post_alerts(&recorded_alerts()).await;
    let feed = client(&am, "alice", &[]);
    let disk = eventually("the disk alert listed", || async {
        with_alertname(&listed(&feed).await, "DiskFilling")
            .cloned()
            .ok_or_else(|| "not yet".to_string())
    })
    .await;
    assert_eq!(disk.status, Status::Triggered);

    am.post_alerts(&ended("DiskFilling")).await;
    let gone = eventually("the ended alert reported resolved", || async {
        let incidents = listed(&feed).await;
        match with_alertname(&incidents, "DiskFilling") {
            Some(inc) if inc.status == Status::Resolved => Ok(inc.clone()),
            Some(inc) => Err(format!("still {}", inc.status)),
            None => Err("dropped without being reported resolved".to_string()),
        }
    })
    .await;
    assert_eq!(gone.id, disk.id);
    assert!(gone.version > disk.version);
    let detail = feed.get(disk.id).await.unwrap();
    assert_eq!(detail.timeline.last().unwrap().kind, EventKind::Resolved);

    // Once: the next list no longer has it; the others are still there.
    let next = listed(&feed).await;
    assert!(with_alertname(&next, "DiskFilling").is_none(), "{next:?}");
    assert_eq!(next.len(), 2);
}
