//! Squashing from the real console in a pseudo-terminal: on the selected
//! incident, `s` then `1` (an hour) and a reason, Enter, and the hub holds
//! a squash of its alert made by the responder, the incident is marked
//! squashed on the hub and in the console; `S` lists it.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;
use support::pty;

use std::collections::BTreeMap;

use chrono::Utc;
use oncall::incident::{NewIncident, Severity, SquashList};
use reqwest::StatusCode;
use support::{ALICE, TestHub, expect};

#[tokio::test(flavor = "multi_thread")]
async fn s_then_1_and_a_reason_squash_the_selected_alert_on_the_hub() {
    let hub = TestHub::start().await;
    hub.clock.set(Utc::now());
    let noisy = hub
        .open(&NewIncident {
            title: "disk filling on db-3".into(),
            service: "db".into(),
            severity: Severity::Critical,
            labels: BTreeMap::from([("alertname".to_string(), "DiskFilling".to_string())]),
            ..NewIncident::default()
        })
        .await;
    let dir = tempfile::tempdir().unwrap();
    let mut alice = pty::Console::of_hub(dir.path(), "alice", ALICE, &hub.base);
    alice.wait_text("team hub live");
    alice.wait_text("disk filling on db-3");
    alice.send("s");
    alice.wait_text(&format!("Squash the alert of #{}", noisy.id));
    alice.wait_text("[x] alertname=DiskFilling");
    alice.send("1");
    alice.wait_text("why (required)");
    alice.send("disk swap tonight");
    alice.wait_text("disk swap tonight");
    alice.send("\r");
    alice.wait_text("Squashed #");
    alice.wait_text("squashed by #");

    let list: SquashList = expect(hub.get(ALICE, "/api/v1/squashes").await, StatusCode::OK).await;
    let [squash] = list.squashes.as_slice() else {
        panic!("{list:?}")
    };
    assert_eq!(squash.created_by, "alice");
    assert_eq!(squash.reason, "disk swap tonight");
    assert_eq!(
        squash.matchers,
        BTreeMap::from([
            ("alertname".to_string(), "DiskFilling".to_string()),
            ("service".to_string(), "db".to_string()),
        ])
    );
    let length = squash.until - squash.starts;
    assert!(
        (length - chrono::Duration::hours(1)).num_seconds().abs() < 60,
        "an hour: {length}"
    );
    assert_eq!(hub.incident(noisy.id).await.squashed_by, Some(squash.id));

    alice.send("S");
    alice.wait_text("Squashes in force and scheduled");
    alice.wait_text(&format!("#{} until", squash.id));
    alice.send("q");
    alice.wait_for("the list closed", |s| !s.contains("Squashes in force"));
    alice.send("q");
    assert!(alice.wait_exit());
}
