//! Everything the console writes in its data directory (the log, the feed
//! cache, the outbox, hand-off notes, the note last dismissed) speaks of the
//! team's incidents: each file is its owner's alone (0600) and so is each
//! directory it creates (0700), whatever the umask.
#![cfg(unix)]
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use oncall::feed::cache::CachedFeed;
use oncall::feed::{FeedClient, HubClient, Request, WorkerEvent};
use tokio::sync::mpsc;

/// Every file and directory under `dir`, with its mode.
fn walk(dir: &Path, found: &mut Vec<(PathBuf, u32)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let meta = std::fs::symlink_metadata(&path).unwrap();
        found.push((path.clone(), meta.permissions().mode() & 0o777));
        if meta.is_dir() {
            walk(&path, found);
        }
    }
}

/// A hub address nothing answers on: every change waits in the outbox.
fn a_hub_that_is_down() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://{}", listener.local_addr().unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn everything_the_console_writes_is_owner_only() {
    let root = tempfile::tempdir().unwrap();
    // Not there yet: the console makes it, and what is in it.
    let data = root.path().join("share").join("oncall");
    let _log = oncall::logging::to_file(&data).unwrap();

    let base = a_hub_that_is_down();
    let hub = HubClient::new(&base, "t".into(), "ONCALL_TOKEN", Duration::from_secs(5)).unwrap();
    let client = FeedClient::Hub(hub);
    let kept = oncall::console::files::read_back(&data, Some(&client), Utc::now());
    let cache = kept.cache_path.clone().unwrap();
    let cached = CachedFeed {
        saved_at: Utc::now(),
        incidents: Arc::default(),
        oncall: None,
        resume: None,
    };
    oncall::feed::cache::save(&cache, &cached).unwrap();

    let (tx, mut rx) = mpsc::unbounded_channel::<WorkerEvent>();
    let (poll_now, _polls) = mpsc::channel(8);
    let worker = oncall::feed::worker::spawn(client, kept.outbox, tx, poll_now);
    worker
        .send(Request::SendHandoff {
            from: "alice".into(),
            to: Some("bob".into()),
            note: "db-1 failed over; watch replica lag".into(),
            dir: data.join("handoffs"),
            now: Utc::now(),
        })
        .unwrap();
    while !matches!(
        rx.recv().await.expect("the worker reports"),
        WorkerEvent::Queued { .. }
    ) {}
    oncall::console::files::remember_dismissed(&data, 7).unwrap();

    let mut found = Vec::new();
    walk(root.path(), &mut found);
    let names: Vec<String> = found
        .iter()
        .map(|(p, _)| p.strip_prefix(root.path()).unwrap().display().to_string())
        .collect();
    for wanted in [
        "share",
        "share/oncall",
        "share/oncall/oncall.log",
        "share/oncall/cache",
        "share/oncall/outbox",
        "share/oncall/handoffs",
        "share/oncall/handoff-dismissed",
    ] {
        assert!(names.iter().any(|n| n == wanted), "{wanted} in {names:?}");
    }
    for prefix in [
        "share/oncall/cache/",
        "share/oncall/outbox/",
        "share/oncall/handoffs/",
    ] {
        assert!(
            names.iter().any(|n| n.starts_with(prefix)),
            "a file in {prefix}: {names:?}"
        );
    }
    let open_to_others: Vec<String> = found
        .iter()
        .filter(|(path, mode)| *mode != if path.is_dir() { 0o700 } else { 0o600 })
        .map(|(path, mode)| format!("{} is {mode:o}", path.display()))
        .collect();
    assert!(open_to_others.is_empty(), "{open_to_others:#?}");
}
