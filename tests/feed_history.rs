//! The console's history (`R`) over a real hub on 127.0.0.1 with a SQLite
//! file: the feed worker asks for a page of resolved incidents, then the
//! next with the cursor the page gave, until the last; reads one of them
//! with its whole timeline; and everything it hands the console is inert,
//! whatever was written upstream.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;

use oncall::feed::{FeedClient, Request, WorkerEvent};
use oncall::incident::{EventKind, Incident, ResolvedPage};
use serde_json::json;
use support::{ALICE, TestHub, incident};
use tokio::sync::mpsc;

/// Opens `title` and resolves it with `note`; its id.
async fn resolved(hub: &TestHub, title: &str, note: &str) -> u64 {
    let id = hub.open(&incident(title)).await.id;
    hub.acted(ALICE, id, "resolve", &json!({ "note": note }))
        .await;
    id
}

/// A console's feed worker on `hub`, and where its answers arrive.
fn worker(
    hub: &TestHub,
) -> (
    mpsc::UnboundedSender<Request>,
    mpsc::UnboundedReceiver<WorkerEvent>,
) {
    let (tx, rx) = mpsc::unbounded_channel::<WorkerEvent>();
    let (poll_now, _polls) = mpsc::channel(8);
    let client = FeedClient::Hub(hub.hub_client(ALICE));
    (oncall::feed::worker::spawn(client, None, tx, poll_now), rx)
}

/// Asks for the page of `q` below `before`, two at a time; the answer.
async fn page(
    worker: &mpsc::UnboundedSender<Request>,
    rx: &mut mpsc::UnboundedReceiver<WorkerEvent>,
    q: &str,
    before: Option<u64>,
) -> ResolvedPage {
    worker
        .send(Request::History {
            q: q.into(),
            before,
            limit: 2,
        })
        .unwrap();
    loop {
        if let WorkerEvent::HistoryPage {
            q: asked,
            before: below,
            result,
        } = rx.recv().await.unwrap()
        {
            assert_eq!(
                (asked.as_str(), below),
                (q, before),
                "the answer names its question"
            );
            return result.unwrap();
        }
    }
}

fn ids(page: &ResolvedPage) -> Vec<u64> {
    page.incidents.iter().map(|i| i.id).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_worker_pages_through_resolved_incidents_and_reads_one_whole() {
    let hub = TestHub::start().await;
    let first = resolved(&hub, "Disk /var full on host-1", "rotated logs").await;
    let open = hub.open(&incident("Disk /var full on host-2")).await.id;
    let third = resolved(&hub, "Disk /var full on host-3", "grew the volume").await;
    let other = resolved(&hub, "API 5xx above 2%", "rolled back").await;
    let hostile = resolved(
        &hub,
        "Disk \u{1b}]52;c;UFdOLUNMSVA=\u{7}/var\u{202e} full on host-4",
        "see \u{1b}]8;;http://evil.example/\u{1b}\\this\u{1b}]8;;\u{1b}\\",
    )
    .await;
    let (worker, mut rx) = worker(&hub);

    let newest = page(&worker, &mut rx, "disk  VAR", None).await;
    assert_eq!(ids(&newest), [hostile, third], "newest first, every word");
    assert_eq!(newest.incidents[0].title, "Disk /var full on host-4");
    let next = newest.next.expect("more behind a full page");
    let older = page(&worker, &mut rx, "disk  VAR", Some(next)).await;
    assert_eq!(ids(&older), [first], "never the open #{open} nor #{other}");
    assert_eq!(older.next, None, "the last page");

    worker
        .send(Request::HistoryIncident { id: hostile })
        .unwrap();
    let read: Incident = loop {
        match rx.recv().await.unwrap() {
            WorkerEvent::HistoryIncident { id, result } => {
                assert_eq!(id, hostile);
                break *result.unwrap();
            }
            WorkerEvent::Fetched { .. } => panic!("read apart from the list's details"),
            _ => {}
        }
    };
    assert_eq!(read.title, "Disk /var full on host-4");
    let resolve = read
        .timeline
        .iter()
        .find(|e| e.kind == EventKind::Resolved)
        .expect("the whole timeline");
    assert!(resolve.text.contains("see this"), "{:?}", resolve.text);
    assert!(!resolve.text.contains("evil"), "{:?}", resolve.text);
}
