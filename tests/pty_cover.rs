//! Covering a shift from the real console in a pseudo-terminal: `w` opens
//! the rota view, `c` then Enter (now), `2h` and Enter (me) puts the
//! responder on call on the hub, the view lists the override, and `x` then
//! `y` removes it again.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;
use support::pty;

use chrono::Utc;
use oncall::incident::OverrideList;
use reqwest::StatusCode;
use support::{ALICE, ROTA_CONFIG, TestHub, expect, hub_config};

async fn overrides(hub: &TestHub) -> OverrideList {
    expect(hub.get(ALICE, "/api/v1/overrides").await, StatusCode::OK).await
}

#[tokio::test(flavor = "multi_thread")]
async fn w_then_c_covers_a_shift_on_the_hub_and_x_removes_it() {
    let hub = TestHub::with_config(hub_config(ROTA_CONFIG)).await;
    hub.clock.set(Utc::now());
    let dir = tempfile::tempdir().unwrap();
    let mut alice = pty::Console::of_hub(dir.path(), "alice", ALICE, &hub.base);
    alice.wait_text("team hub live");
    alice.send("w");
    alice.wait_text("Rota: who is on call");
    alice.wait_text("None: the rota holds");
    alice.send("c");
    alice.wait_text("cover from (empty: now)");
    alice.send("\r");
    alice.wait_text("until, or how long (8h)");
    alice.send("2h\r");
    alice.wait_text("for whom (empty: me)");
    alice.send("\r");
    alice.wait_text("Override #1: alice on call");
    alice.wait_text("#1 alice");

    let listed = overrides(&hub).await;
    let [made] = listed.overrides.as_slice() else {
        panic!("{listed:?}")
    };
    assert_eq!(
        (made.responder.as_str(), made.created_by.as_str()),
        ("alice", "alice")
    );
    let length = made.end - made.start;
    assert_eq!(length, chrono::Duration::hours(2));

    alice.send("x");
    alice.wait_text("Remove override #1?");
    alice.send("y");
    alice.wait_text("Override #1 removed");
    assert!(overrides(&hub).await.overrides.is_empty());
    alice.send("q");
    alice.wait_for("the view closed", |s| !s.contains("Rota: who is on call"));
    alice.send("q");
    assert!(alice.wait_exit());
}
