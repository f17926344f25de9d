//! A follow-up added from the real console in a pseudo-terminal: alice
//! selects the incident, presses `f`, types what is to be done, leaves the
//! owner to herself and says it is due in 2d; the hub holds it (on the
//! incident's timeline too), and her top bar counts it once the poller has
//! read it; `F` lists it.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;
use support::pty;

use chrono::{TimeDelta, Utc};
use oncall::incident::{EventKind, FollowupList, FollowupStatus};
use reqwest::StatusCode;
use support::pages::critical;
use support::{ALICE, TestHub, expect};

#[tokio::test(flavor = "multi_thread")]
async fn f_adds_a_followup_the_hub_keeps_and_the_top_bar_counts() {
    let hub = TestHub::start().await;
    hub.clock.set(Utc::now());
    let inc = hub.open(&critical("replica lag on db-2")).await;
    let dir = tempfile::tempdir().unwrap();
    let mut alice = pty::Console::of_hub(dir.path(), "alice", ALICE, &hub.base);
    alice.wait_text("team hub live");
    alice.wait_text("replica lag on db-2");

    alice.send("f");
    alice.wait_text(&format!("follow-up for #{}:", inc.id));
    alice.send("add a lag alert\r");
    alice.wait_text("owner (empty: alice)");
    alice.send("\r");
    alice.wait_text("due in");
    alice.send("2d\r");
    alice.wait_text(&format!("Follow-up added to #{} for alice.", inc.id));

    let list: FollowupList = expect(
        hub.get(ALICE, "/api/v1/followups?owner=alice").await,
        StatusCode::OK,
    )
    .await;
    let [made] = list.followups.as_slice() else {
        panic!("{list:?}")
    };
    assert_eq!(made.incident_id, inc.id);
    assert_eq!(made.text, "add a lag alert");
    assert_eq!(made.status, FollowupStatus::Open);
    let due = made.due.unwrap() - made.created_at;
    assert!(
        (due - TimeDelta::days(2)).num_minutes().abs() <= 1,
        "{due:?}"
    );
    let now = hub.incident(inc.id).await;
    assert!(now.timeline.iter().any(|e| e.kind == EventKind::Followup));

    alice.wait_text("1 follow-up");
    alice.send("F");
    alice.wait_text("add a lag alert");
    alice.send("q");
    alice.wait_for("the popup closed", |s| !s.contains("My open follow-ups"));
    alice.send("q");
    assert!(alice.wait_exit());
}
