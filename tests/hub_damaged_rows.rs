//! One incident's row the hub cannot read back (edited by hand, a damaged
//! page): every list still answers, with the others; the incident itself
//! answers a 409 that says so, and a change to it is refused the same way
//! rather than failing as if the hub were down; the escalation timers go on
//! with the others.
//!
//! SQLite only: the rows are damaged through SQLite's own file, by hand, as
//! an operator's editor or a failing disk would.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;

use oncall::incident::{Incident, IncidentList};
use reqwest::StatusCode;
use serde_json::json;
use support::{ALICE, ROTA_CONFIG, TestHub, expect, expect_error, hub_config, incident};

/// Changes a row behind the running hub's back, as a hand edit would.
fn damage(hub: &TestHub, sql: &str) {
    let conn = rusqlite::Connection::open(&hub.db).unwrap();
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .unwrap();
    assert_eq!(conn.execute(sql, []).unwrap(), 1, "{sql}");
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
    );
    damage(
        &hub,
        &format!("UPDATE incidents SET labels = '{{\"alertname\": ' WHERE id = {bad_json}"),
    );

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
    );

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
    );
    hub.set_time("2026-11-23T08:16:00Z");
    assert_eq!(hub.escalate_overdue().await, vec![second]);
    assert_eq!(hub.incident(second).await.escalation_level, 2);
}
