//! The shift hand-off end to end: alice's console composes the note with
//! `H` and sends it with `Enter`; the note is on disk, her open incidents are
//! bob's, and bob's console shows the note.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;
use support::pty;

use chrono::Utc;
use support::{ALICE, BOB, TestHub, hub_config};

/// alice on call for the next 11 hours, then bob: the rota relative to now,
/// so the hand-off's shift is current whenever the test runs.
fn rota_now() -> String {
    let start = (Utc::now() - chrono::Duration::hours(1))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    format!(
        "[hub.rota]\nresponders = [\"alice\", \"bob\", \"carol\"]\nshift = \"12h\"\nstart = \"{start}\"\n"
    )
}

fn console(dir: &std::path::Path, who: &str, token: &str, hub: &TestHub) -> pty::Console {
    pty::Console::of_hub(dir, who, token, &hub.base)
}

#[tokio::test(flavor = "multi_thread")]
async fn h_then_enter_hands_off_and_the_incoming_console_shows_the_note() {
    let hub = TestHub::with_config(hub_config(&rota_now())).await;
    hub.clock.set(Utc::now());
    let held = hub.open_for("db", "replication lag on db-2").await.id;
    let dir = tempfile::tempdir().unwrap();

    let mut bob = console(dir.path(), "bob", BOB, &hub);
    bob.wait_text("team hub live");
    bob.wait_text("on call alice");

    let mut alice = console(dir.path(), "alice", ALICE, &hub);
    alice.wait_text("on call alice (you)");
    alice.wait_text("next bob");
    alice.send("H");
    alice.wait_text("Hand off to bob");
    alice.wait_text("Moving from alice to bob (1)");
    alice.send("watch the lag after midnight");
    alice.wait_text("watch the lag after midnight");
    alice.send("\r");
    alice.wait_text("Handed over to bob: 1 incident moved");

    // On disk before it was sent, in alice's data folder.
    let notes: Vec<_> = std::fs::read_dir(dir.path().join("alice-data/handoffs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(notes.len(), 1, "{notes:?}");
    let note = std::fs::read_to_string(&notes[0]).unwrap();
    assert!(note.starts_with("# Hand-off from alice to bob"), "{note}");
    assert!(note.contains(&format!("#{held} ")), "{note}");
    assert!(note.ends_with("watch the lag after midnight\n"), "{note}");

    // The hub moved it.
    assert_eq!(hub.incident(held).await.owner.as_deref(), Some("bob"));

    // bob's console shows the note, and bob is on call now.
    bob.wait_text("Hand-off from alice");
    bob.wait_text("watch the lag after midnight");
    bob.send("\r");
    bob.wait_text("on call bob (you)");
    bob.wait_for("the note is dismissed", |s| {
        !s.contains("Hand-off from alice")
    });

    alice.send("q");
    bob.send("q");
    assert!(alice.wait_exit());
    assert!(bob.wait_exit());
}
