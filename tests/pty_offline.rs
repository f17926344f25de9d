//! The console with the hub stopped under it: the last good state stays on
//! screen, marked stale; actions go into the outbox (and survive quitting);
//! the console restarts from its cache; when the hub is back, the queued
//! actions arrive, in order, exactly once. A hub back on another database is
//! taken as a new feed, not merged into what the console held.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;
use support::pty;

use oncall::incident::EventKind;
use support::{ALICE, TestHub};

fn config(dir: &std::path::Path, hub: &TestHub) -> String {
    let path = dir.join("config.toml");
    let text = format!(
        "responder = \"alice\"\n[[feeds]]\nname = \"team hub\"\nurl = \"{}\"\ntoken_env = \"TEST_ONCALL_TOKEN\"\npoll_interval = \"1s\"\n",
        hub.base
    );
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

fn start(cfg: &str, data: &std::path::Path) -> pty::Console {
    pty::Console::spawn(
        &["--config", cfg],
        &[
            ("TEST_ONCALL_TOKEN", ALICE),
            ("ONCALL_DATA_DIR", data.to_str().unwrap()),
        ],
        120,
        40,
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn actions_taken_while_the_hub_is_down_arrive_once_when_it_is_back() {
    let mut hub = TestHub::start().await;
    let id = hub
        .open(&support::incident("replication lag on db-2"))
        .await
        .id;
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), &hub);

    let mut console = start(&cfg, dir.path());
    console.wait_text("team hub live");
    console.wait_text("replication lag on db-2");

    hub.pause().await;
    console.wait_text("cannot reach");
    console.wait_text("replication lag on db-2");
    console.send("a");
    console.wait_text("Queued acknowledge #");
    console.wait_text("⧗ 1 queued");
    console.send("n");
    console.send("checked from the train\r");
    console.wait_text("⧗ 2 queued");
    console.send("q");
    assert!(console.wait_exit());
    // Said on the restored screen, where it stays: not lost, not sent yet.
    assert!(!console.alternate_screen());
    let parting = console.screen();
    assert!(
        parting.contains("2 actions are still queued for the hub")
            && parting.contains("when the console starts next"),
        "{parting}"
    );

    // Back, with the hub still down: the cached incident, stale, and the queue.
    let mut console = start(&cfg, dir.path());
    console.wait_text("replication lag on db-2");
    console.wait_text("stale");
    console.wait_text("⧗ 2 queued");

    // The hub comes back some minutes after the actions were taken.
    let back = chrono::Utc::now() + chrono::TimeDelta::minutes(5);
    hub.clock.set(back);
    hub.resume().await;
    console.wait_text("team hub live");
    console.wait_for("the queue emptied", |s| !s.contains("queued"));
    console.wait_text("alice (you)");
    // Each says when it was taken, and when it reached the hub.
    console.wait_text("offline, reached the hub");

    let inc = hub.incident(id).await;
    let count = |k: EventKind| inc.timeline.iter().filter(|e| e.kind == k).count();
    assert_eq!(count(EventKind::Acknowledged), 1, "{:?}", inc.timeline);
    assert_eq!(count(EventKind::Note), 1, "{:?}", inc.timeline);
    let order: Vec<EventKind> = inc
        .timeline
        .iter()
        .map(|e| e.kind)
        .filter(|k| matches!(k, EventKind::Acknowledged | EventKind::Note))
        .collect();
    assert_eq!(
        order,
        [EventKind::Acknowledged, EventKind::Note],
        "in the order they were taken"
    );
    for e in inc
        .timeline
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Acknowledged | EventKind::Note))
    {
        let taken = e.taken_at.unwrap_or_else(|| panic!("no time taken: {e:?}"));
        assert!(taken < back && e.at == back, "{e:?}");
    }
    console.send("q");
    assert!(console.wait_exit());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hub_back_on_another_database_replaces_what_the_console_held() {
    let mut hub = TestHub::start().await;
    hub.open(&support::incident("only in the old database"))
        .await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), &hub);
    let mut console = start(&cfg, dir.path());
    console.wait_text("team hub live");
    console.wait_text("only in the old database");

    // Its cursor is past the console's: only the database's name tells.
    hub.replace_database(&["new database one", "new database two", "new database three"])
        .await;
    console.wait_text("new database three");
    console.wait_for("the old database's incident gone", |s| {
        !s.contains("only in the old database")
    });
    console.send("q");
    assert!(console.wait_exit());

    // Started again from its cache: the cursor saved with it is resumed
    // (nothing changed since, so the same three and nothing else).
    let mut console = start(&cfg, dir.path());
    console.wait_text("team hub live");
    console.wait_text("new database three");
    assert!(!console.screen().contains("only in the old database"));
    console.send("q");
    assert!(console.wait_exit());
}
