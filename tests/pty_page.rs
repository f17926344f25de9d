//! A page for the console's own responder reaches them outside the screen
//! too: the real binary in a pseudo-terminal rings the bell and writes a
//! desktop notification (OSC 777) whose text is cleaned of anything a
//! terminal would obey.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;

use support::{ALICE, ROTA_CONFIG, TestHub, hub_config, pty};

#[tokio::test(flavor = "multi_thread")]
async fn a_page_for_me_rings_and_raises_a_cleaned_desktop_notification() {
    let hub = TestHub::with_config(hub_config(ROTA_CONFIG)).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(
        &cfg,
        format!(
            "responder = \"alice\"\n[[feeds]]\nname = \"team hub\"\nurl = \"{}\"\ntoken_env = \"TEST_ONCALL_TOKEN\"\npoll_interval = \"1s\"\n",
            hub.base
        ),
    )
    .unwrap();
    let mut console = pty::Console::spawn(
        &["--config", cfg.to_str().unwrap()],
        &[
            ("TEST_ONCALL_TOKEN", ALICE),
            ("ONCALL_DATA_DIR", dir.path().to_str().unwrap()),
            ("TERM_PROGRAM", ""),
            ("TMUX", ""),
        ],
        120,
        40,
    );
    console.wait_text("team hub live");

    // Opened while alice holds the pager: it is hers, and it is new.
    hub.set_time("2026-11-23T10:00:00Z");
    let evil = "db-1 down\u{1b}]0;pwned\u{7}\u{202e} now";
    let opened = hub.open_for("db", evil).await;
    assert_eq!(opened.owner.as_deref(), Some("alice"), "{opened:?}");
    console.wait_until("a desktop notification", |_, seen| {
        !seen.notifications.is_empty()
    });
    let (title, body) = console.seen().notifications[0].clone();
    assert!(
        title.starts_with(&format!("oncall: #{} ", opened.id)),
        "{title}"
    );
    assert_eq!(body, "db-1 down now");
    assert!(console.seen().bells >= 1);
    console.send("q");
    assert!(console.wait_exit());
}
