//! One incident's row the hub cannot read back (edited by hand, a damaged
//! page): every list still answers, with the others; the incident itself
//! answers a 409 that says so, and a change to it is refused the same way
//! rather than failing as if the hub were down; the escalation timers go on
//! with the others; the noise report counts it under its title when its
//! labels are what is damaged.
//!
//! The rows are damaged through the store's own connection, by hand, as an
//! operator's editor or a failing disk would: the lists, the incident and
//! the timers on SQLite's file, the report on both stores.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;

use std::collections::BTreeMap;

use oncall::incident::{Incident, IncidentList, NewIncident};
use oncall::report::NoiseReport;
use reqwest::StatusCode;
use serde_json::json;
use support::{
    ALICE, Backend, ROTA_CONFIG, TestHub, both_backends, expect, expect_error, hub_config,
    incident, two_responders,
};

/// Changes a row behind the running hub's back, as a hand edit would.
async fn damage(hub: &TestHub, sql: &str) {
    let changed = match &hub.postgres {
        None => {
            let conn = rusqlite::Connection::open(&hub.db).unwrap();
            conn.busy_timeout(std::time::Duration::from_secs(5))
                .unwrap();
            conn.execute(sql, []).unwrap() as u64
        }
        Some(database) => database.client().await.execute(sql, &[]).await.unwrap(),
    };
    assert_eq!(changed, 1, "{sql}");
}

fn ids(list: &IncidentList) -> Vec<u64> {
    let mut ids: Vec<u64> = list.incidents.iter().map(|i| i.id).collect();
    ids.sort_unstable();
    ids
}

#[tokio::test(flavor = "multi_thread")]
async fn lists_leave_out_an_unreadable_row_and_answer_the_rest() {
    let hub = TestHub::start().await;
    let mut opened = Vec::new();
    for title in ["disk full", "replica lag", "cert expiring", "queue backlog"] {
        opened.push(hub.open(&incident(title)).await.id);
    }
    let [a, bad_time, bad_json, d] = opened[..] else {
        unreachable!()
    };
    damage(
        &hub,
        &format!("UPDATE incidents SET created_at = 'yesterday-ish' WHERE id = {bad_time}"),
    )
    .await;
    damage(
        &hub,
        &format!("UPDATE incidents SET labels = '{{\"alertname\": ' WHERE id = {bad_json}"),
    )
    .await;

    // The cursor's answer is built per request, not from the cached list:
    // after cursor 1 came the three others, of which only `d` is readable.
    for (path, want) in [
        ("/api/v1/incidents", vec![a, d]),
        ("/api/v1/incidents?status=all", vec![a, d]),
        ("/api/v1/incidents?status=all&since=1", vec![d]),
    ] {
        let list: IncidentList = expect(hub.get(ALICE, path).await, StatusCode::OK).await;
        assert_eq!(ids(&list), want, "{path}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_unreadable_incident_answers_a_clear_409_and_others_still_change() {
    let hub = TestHub::start().await;
    let good = hub.open(&incident("disk full")).await.id;
    let bad = hub.open(&incident("replica lag")).await.id;
    damage(
        &hub,
        &format!("UPDATE incidents SET updated_at = 'about noon' WHERE id = {bad}"),
    )
    .await;

    let err = expect_error(
        hub.get(ALICE, &format!("/api/v1/incidents/{bad}")).await,
        StatusCode::CONFLICT,
        "unreadable",
    )
    .await;
    assert!(
        err.error.contains(&format!("incident #{bad}")),
        "{}",
        err.error
    );
    assert!(err.error.contains("cannot read"), "{}", err.error);

    // Refused, not a 5xx: a console's outbox would try a 5xx again forever.
    let ack = |id: u64| format!("/api/v1/incidents/{id}/acknowledge");
    expect_error(
        hub.post(ALICE, &ack(bad), &json!({})).await,
        StatusCode::CONFLICT,
        "unreadable",
    )
    .await;
    let acked: Incident = expect(
        hub.post(ALICE, &ack(good), &json!({})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(acked.owner.as_deref(), Some("alice"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_escalation_pass_goes_on_past_an_unreadable_incident() {
    let hub = TestHub::with_config(hub_config(ROTA_CONFIG)).await;
    let first = hub.open_for("db", "replica lag").await.id;
    let second = hub.open_for("db", "disk full").await.id;
    damage(
        &hub,
        &format!("UPDATE incidents SET level_since = 'soon' WHERE id = {first}"),
    )
    .await;
    hub.set_time("2026-11-23T08:16:00Z");
    assert_eq!(hub.escalate_overdue().await, vec![second]);
    assert_eq!(hub.incident(second).await.escalation_level, 2);
}

/// Labels that are not JSON, or JSON the hub never writes (an `alertname`
/// that is a number, a nested value): the report answers, filing those
/// incidents under their titles, and the rest under their `alertname`.
async fn the_report_files_an_incident_with_damaged_labels_under_its_title(backend: Backend) {
    let hub = TestHub::start_on(backend, two_responders()).await;
    let mut ids = Vec::new();
    for title in ["disk full", "replica lag", "cert expiring", "queue backlog"] {
        let alertname = title.replace(' ', "_");
        let new = NewIncident {
            labels: BTreeMap::from([("alertname".to_string(), alertname)]),
            ..incident(title)
        };
        ids.push(hub.open(&new).await.id);
    }
    let damaged = [
        r#"{"alertname": "#,
        r#"{"alertname": 5}"#,
        r#"{"alertname": "x", "more": {"alertname": "y"}}"#,
    ];
    for (id, labels) in ids[1..].iter().zip(damaged) {
        damage(
            &hub,
            &format!("UPDATE incidents SET labels = '{labels}' WHERE id = {id}"),
        )
        .await;
    }

    let resp = hub.get(ALICE, "/api/v1/report?since=1d").await;
    let report: NoiseReport = expect(resp, StatusCode::OK).await;
    let mut alerts: Vec<(&str, bool, u64)> = report
        .alerts
        .iter()
        .map(|a| (a.alert.as_str(), a.alertname, a.figures.incidents))
        .collect();
    alerts.sort_unstable();
    assert_eq!(
        alerts,
        [
            ("cert expiring", false, 1),
            ("disk_full", true, 1),
            ("queue backlog", false, 1),
            ("replica lag", false, 1),
        ]
    );
}
both_backends!(the_report_files_an_incident_with_damaged_labels_under_its_title);
