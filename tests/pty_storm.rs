//! A storm from the real console in a pseudo-terminal: thirty pages of one
//! alert fire at once; alice groups the list by alert (`=`), acknowledges the
//! group (`a`) and answers the one question (`y`): three keys, and the hub
//! holds every one of the thirty acknowledged by her.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;
use support::pty;

use chrono::Utc;
use oncall::incident::Status;
use support::pages::critical;
use support::{ALICE, TestHub};

#[tokio::test(flavor = "multi_thread")]
async fn a_group_of_thirty_is_acknowledged_in_three_keys() {
    let hub = TestHub::start().await;
    hub.clock.set(Utc::now());
    let mut storm = Vec::new();
    for n in 0..30 {
        let mut page = critical(&format!("Disk /var on host-{n} at 97%"));
        page.labels.insert("alertname".into(), "DiskFull".into());
        storm.push(hub.open(&page).await.id);
    }
    let dir = tempfile::tempdir().unwrap();
    let mut alice = pty::Console::of_hub(dir.path(), "alice", ALICE, &hub.base);
    alice.wait_text("team hub live");
    alice.wait_text("Incidents (30)");

    alice.send("=");
    alice.wait_text("30: 30 triggered · DiskFull");
    alice.send("a");
    alice.wait_text("Acknowledge 30 incidents in the group?");
    alice.send("y");
    alice.wait_text("Acknowledged 30 of 30.");

    for id in &storm {
        let inc = hub.incident(*id).await;
        assert_eq!(inc.status, Status::Acknowledged, "#{id}");
        assert_eq!(inc.owner.as_deref(), Some("alice"), "#{id}");
    }
    // The list says so too, once polled: the group is all acknowledged.
    alice.wait_text("30: 30 ack · DiskFull");
    alice.send("q");
    assert!(alice.wait_exit());
}
