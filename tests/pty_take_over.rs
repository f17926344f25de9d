//! Taking an incident over, from the real consoles of two responders in
//! pseudo-terminals on one hub: alice holds the incident; bob selects it
//! and presses `T`; the hub says bob holds it, taken from alice, and
//! alice's console says within a poll that bob took it over.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;
use support::pty;

use chrono::Utc;
use oncall::incident::{NewIncident, Severity, Status};
use serde_json::json;
use support::{ALICE, BOB, TestHub};

#[tokio::test(flavor = "multi_thread")]
async fn t_takes_the_incident_over_and_the_previous_owners_console_says_by_whom() {
    let hub = TestHub::start().await;
    hub.clock.set(Utc::now());
    let inc = hub
        .open(&NewIncident {
            title: "replica lag on db-2".into(),
            service: "db".into(),
            severity: Severity::Critical,
            ..NewIncident::default()
        })
        .await;
    hub.acted(ALICE, inc.id, "acknowledge", &json!({})).await;
    let dir = tempfile::tempdir().unwrap();
    let mut alice = pty::Console::of_hub(dir.path(), "alice", ALICE, &hub.base);
    alice.wait_text("team hub live");
    alice.wait_text("replica lag on db-2");
    let mut bob = pty::Console::of_hub(dir.path(), "bob", BOB, &hub.base);
    bob.wait_text("team hub live");
    bob.wait_text("replica lag on db-2");

    bob.send("T");
    bob.wait_text(&format!("Took #{} over: it is yours.", inc.id));
    let now = hub.incident(inc.id).await;
    assert_eq!(now.status, Status::Acknowledged);
    assert_eq!(now.owner.as_deref(), Some("bob"));
    assert_eq!(now.previous_owner.as_deref(), Some("alice"));

    alice.wait_text(&format!("#{} was taken over by bob.", inc.id));
    alice.send("q");
    assert!(alice.wait_exit());
    bob.send("q");
    assert!(bob.wait_exit());
}
