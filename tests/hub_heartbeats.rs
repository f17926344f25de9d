//! Heartbeats on a real hub, on both stores, with the hub's clock moved by
//! hand and the timers' pass run by the test (no sleeps): a heartbeat late,
//! then down (one incident, however many passes), then back (resolved); a
//! `start` that never ends; a failed run; who may ping and who may read;
//! bad pings refused with JSON; the state kept across a restart.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use chrono::TimeDelta;
use oncall::incident::{
    EventKind, Heartbeat, HeartbeatList, HeartbeatState, Incident, IncidentList, Status,
};
use reqwest::StatusCode;
use serde_json::json;
use support::{
    ALICE, Backend, TestHub, both_backends, expect, expect_error, hub_config, integration,
    start_time,
};

/// The token a cron job pings with.
const CRON: &str = "oc_cron_test_token";

/// `backup` due every hour with 10 minutes' grace, and the `cron`
/// integration token.
async fn hub_on(backend: Backend) -> TestHub {
    let mut config = hub_config(
        r#"
[[hub.heartbeats]]
name = "backup"
service = "backups"
severity = "critical"
every = "1h"
grace = "10m"
runbook = "backups"
"#,
    );
    config.responders.push(integration("cron", CRON));
    TestHub::start_on(backend, config).await
}

async fn ping(hub: &TestHub, body: serde_json::Value) -> Heartbeat {
    let resp = hub.post(CRON, "/api/v1/heartbeats/backup", &body).await;
    expect(resp, StatusCode::OK).await
}

async fn heartbeat(hub: &TestHub) -> Heartbeat {
    let list: HeartbeatList =
        expect(hub.get(ALICE, "/api/v1/heartbeats").await, StatusCode::OK).await;
    assert_eq!(list.heartbeats.len(), 1, "{list:?}");
    list.heartbeats.into_iter().next().unwrap()
}

/// Every incident the hub holds, open or not.
async fn incidents(hub: &TestHub) -> Vec<Incident> {
    let list: IncidentList = expect(
        hub.get(ALICE, "/api/v1/incidents?status=all").await,
        StatusCode::OK,
    )
    .await;
    list.incidents
}

/// Moves the hub's clock `minutes` after the start and runs the timers.
async fn pass_at(hub: &TestHub, minutes: i64) -> Vec<String> {
    hub.clock.set(start_time() + TimeDelta::minutes(minutes));
    hub.state().timers().await.unwrap().heartbeats_down
}

async fn late_then_down_once_then_back(backend: Backend) {
    let hub = hub_on(backend).await;
    let fresh = heartbeat(&hub).await;
    assert_eq!(
        (fresh.state, fresh.last_ping, fresh.next_due),
        (HeartbeatState::New, None, None)
    );
    assert_eq!(
        (fresh.schedule.as_str(), fresh.grace.as_str()),
        ("every 1h", "10m")
    );
    assert!(
        pass_at(&hub, 600).await.is_empty(),
        "a heartbeat never pinged is never late"
    );

    hub.clock.set(start_time());
    let up = ping(&hub, json!({})).await;
    assert_eq!(up.state, HeartbeatState::Up, "the first ping is no change");
    assert_eq!(up.next_due, Some(start_time() + TimeDelta::hours(1)));
    assert!(incidents(&hub).await.is_empty());

    assert!(pass_at(&hub, 65).await.is_empty());
    assert_eq!(heartbeat(&hub).await.state, HeartbeatState::Late);
    assert!(
        incidents(&hub).await.is_empty(),
        "late within its grace opens nothing"
    );

    assert_eq!(pass_at(&hub, 71).await, ["backup"]);
    for minutes in [72, 90, 300] {
        assert!(pass_at(&hub, minutes).await.is_empty(), "down once");
    }
    let opened = incidents(&hub).await;
    assert_eq!(opened.len(), 1, "{opened:?}");
    let inc = &opened[0];
    assert_eq!(inc.title, "heartbeat backup missed");
    assert_eq!(
        (inc.service.as_str(), inc.status, inc.occurrences),
        ("backups", Status::Triggered, 1)
    );
    assert_eq!(
        (inc.dedup_key.as_str(), inc.source.as_str()),
        ("heartbeat:backup", "heartbeat")
    );
    assert_eq!(inc.runbook.as_deref(), Some("backups"));
    assert!(
        inc.description
            .contains("A ping was expected by 2026-11-23 09:00:00 UTC (every 1h, grace 10m)"),
        "{}",
        inc.description
    );
    assert!(
        inc.description
            .contains("Last ping: success at 2026-11-23 08:00:00 UTC"),
        "{}",
        inc.description
    );
    assert_eq!(heartbeat(&hub).await.state, HeartbeatState::Down);

    hub.clock.set(start_time() + TimeDelta::minutes(301));
    let back = ping(&hub, json!({"status": "success"})).await;
    assert_eq!(back.state, HeartbeatState::Up);
    let resolved = hub.incident(inc.id).await;
    assert_eq!(resolved.status, Status::Resolved);
    let last = resolved.timeline.last().unwrap();
    assert_eq!(
        (last.kind, last.text.as_str(), last.who.as_str()),
        (EventKind::Resolved, "resolved: heartbeat back", "cron")
    );
    let again = ping(&hub, json!({})).await;
    assert_eq!(again.state, HeartbeatState::Up);
    assert_eq!(
        incidents(&hub).await.len(),
        1,
        "a ping while up changes nothing"
    );
}
both_backends!(late_then_down_once_then_back);

async fn a_start_that_never_ends(backend: Backend) {
    let mut hub = hub_on(backend).await;
    ping(&hub, json!({})).await;
    hub.clock.set(start_time() + TimeDelta::minutes(50));
    let running = ping(&hub, json!({"status": "start", "run_id": "nightly-42"})).await;
    assert_eq!(running.state, HeartbeatState::Running);
    assert!(pass_at(&hub, 60).await.is_empty());
    // Kept across a restart: the run's start is in the store.
    hub.restart().await;
    assert_eq!(heartbeat(&hub).await.state, HeartbeatState::Running);
    assert_eq!(pass_at(&hub, 61).await, ["backup"]);
    let opened = incidents(&hub).await;
    assert_eq!(opened.len(), 1);
    assert_eq!(opened[0].title, "heartbeat backup started and did not end");
    assert!(
        opened[0].description.contains(
            "A run started at 2026-11-23 08:50:00 UTC and did not end within its grace of 10m."
        ),
        "{}",
        opened[0].description
    );
    assert!(
        opened[0].description.contains("run nightly-42"),
        "{}",
        opened[0].description
    );
    hub.clock.set(start_time() + TimeDelta::minutes(70));
    assert_eq!(
        ping(&hub, json!({"status": "success", "exit_code": 0}))
            .await
            .state,
        HeartbeatState::Up
    );
    assert_eq!(hub.incident(opened[0].id).await.status, Status::Resolved);
}
both_backends!(a_start_that_never_ends);

async fn a_failed_run_opens_at_once_with_its_log(backend: Backend) {
    let hub = hub_on(backend).await;
    ping(&hub, json!({"status": "start"})).await;
    hub.clock.set(start_time() + TimeDelta::minutes(3));
    let log = "dumping db\n\u{1b}[31mERROR\u{1b}[0m disk full\u{202e}";
    let failed = ping(&hub, json!({"status": "fail", "exit_code": 2, "log": log})).await;
    assert_eq!(
        (failed.state, failed.exit_code),
        (HeartbeatState::Down, Some(2))
    );
    let opened = incidents(&hub).await;
    assert_eq!(opened.len(), 1);
    let inc = &opened[0];
    assert_eq!(
        (inc.title.as_str(), inc.severity),
        (
            "heartbeat backup failed (exit code 2)",
            oncall::incident::Severity::Critical
        )
    );
    assert!(
        inc.description
            .contains("Last ping: fail at 2026-11-23 08:03:00 UTC, exit code 2"),
        "{}",
        inc.description
    );
    assert!(
        inc.description.contains("Last log:\ndumping db\n"),
        "{:?}",
        inc.description
    );
    assert!(
        oncall::sanitize::first_unsafe(&inc.description.replace('\n', " ")).is_none(),
        "{:?}",
        inc.description
    );
    // A second failure while down folds nothing new and opens nothing.
    ping(&hub, json!({"status": "fail", "exit_code": 2})).await;
    assert!(pass_at(&hub, 200).await.is_empty(), "down already");
    assert_eq!(incidents(&hub).await.len(), 1);
    assert_eq!(hub.incident(inc.id).await.occurrences, 1);
    ping(&hub, json!({"status": "success"})).await;
    assert_eq!(hub.incident(inc.id).await.status, Status::Resolved);
}
both_backends!(a_failed_run_opens_at_once_with_its_log);

async fn who_may_ping_and_what_is_refused(backend: Backend) {
    let hub = hub_on(backend).await;
    // A person may ping too; an integration may not read.
    let resp = hub
        .post(ALICE, "/api/v1/heartbeats/backup", &json!({}))
        .await;
    assert_eq!(
        expect::<Heartbeat>(resp, StatusCode::OK).await.state,
        HeartbeatState::Up
    );
    expect_error(
        hub.get(CRON, "/api/v1/heartbeats").await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    expect_error(
        hub.get(CRON, "/api/v1/incidents").await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let e = expect_error(
        hub.post(CRON, "/api/v1/heartbeats/nightly", &json!({}))
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert!(e.error.contains("no heartbeat named 'nightly'"), "{e:?}");
    for bad in [
        json!({"status": "maybe"}),
        json!({"exit_code": "two"}),
        json!({"stauts": "fail"}),
        json!({"log": "x".repeat(20_000)}),
    ] {
        let resp = hub.post(CRON, "/api/v1/heartbeats/backup", &bad).await;
        expect_error(resp, StatusCode::BAD_REQUEST, "bad_request").await;
    }
    let resp = hub
        .request(reqwest::Method::POST, CRON, "/api/v1/heartbeats/backup")
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    expect_error(resp, StatusCode::BAD_REQUEST, "bad_request").await;
    // A ping sent again under its key is answered as the first time.
    let keyed = |status: &'static str| {
        hub.request(reqwest::Method::POST, CRON, "/api/v1/heartbeats/backup")
            .header("idempotency-key", "run-7-end")
            .json(&json!({"status": status}))
            .send()
    };
    hub.clock.set(start_time() + TimeDelta::minutes(1));
    let first: Heartbeat = expect(keyed("fail").await.unwrap(), StatusCode::OK).await;
    hub.clock.set(start_time() + TimeDelta::minutes(2));
    let again: Heartbeat = expect(keyed("fail").await.unwrap(), StatusCode::OK).await;
    assert_eq!(first, again);
    expect_error(
        keyed("success").await.unwrap(),
        StatusCode::BAD_REQUEST,
        "bad_request",
    )
    .await;
    assert_eq!(incidents(&hub).await.len(), 1);
}
both_backends!(who_may_ping_and_what_is_refused);
