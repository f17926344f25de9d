//! What the console kept on disk, damaged: an outbox with a line cut
//! mid-character and a line of garbage still sends its good changes to a
//! real hub and keeps new ones; a feed cache that cannot be read is moved
//! aside. Either way the responder is told on screen where the bad part went.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use oncall::console::files::{outbox_path, read_back};
use oncall::console::model::{FeedStatus, Model};
use oncall::console::msg::Msg;
use oncall::console::{update, view};
use oncall::feed::outbox::{Entry, Op, Outbox};
use oncall::feed::{Action, FeedClient, Request, WorkerEvent};
use oncall::incident::{EventKind, Status};
use oncall::runbook::Library;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use support::{ALICE, TestHub, incident};
use tokio::sync::mpsc;

const WIDTH: u16 = 240;

fn model() -> Model {
    let feed = FeedStatus::new("team hub", Duration::from_secs(2));
    let mut m = Model::new(
        "alice".into(),
        feed,
        Arc::new(Library::shipped()),
        Utc::now(),
        std::env::temp_dir(),
        chrono::FixedOffset::east_opt(0).unwrap(),
    );
    update(&mut m, Msg::Resize(WIDTH, 30));
    m
}

fn screen(m: &Model) -> String {
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, 30)).unwrap();
    terminal.draw(|f| view(m, f)).unwrap();
    terminal.backend().to_string()
}

fn line(op: Op) -> Vec<u8> {
    let mut l = serde_json::to_vec(&Entry::new(op, Utc::now())).unwrap();
    l.push(b'\n');
    l
}

/// Feeds what `rx` brings to `update` until `last` has arrived.
async fn run_until(
    m: &mut Model,
    rx: &mut mpsc::UnboundedReceiver<Msg>,
    last: impl Fn(&WorkerEvent) -> bool,
) {
    loop {
        let msg = rx.recv().await.expect("the worker reports");
        let done = matches!(&msg, Msg::Worker(e) if last(e));
        update(m, msg);
        if done {
            return;
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_damaged_outbox_sends_what_it_can_keeps_new_changes_and_says_so() {
    let mut hub = TestHub::start().await;
    let acked = hub.open(&incident("disk full")).await.id;
    let noted = hub.open(&incident("replica lag")).await.id;
    let data = tempfile::tempdir().unwrap();
    let client = FeedClient::Hub(hub.hub_client(ALICE));
    let path = outbox_path(data.path(), client.base());

    // A crash cut one line mid-character; another line is garbage.
    let bad: &[u8] = b"{\"key\":\"oc-1\",\"op\":\"incident\",\"note\":\"caf\xC3\n\x00\x01garbage\n";
    let mut file = line(Op::Incident {
        id: acked,
        action: Action::Acknowledge { version: None },
    });
    file.extend_from_slice(bad);
    file.extend(line(Op::Incident {
        id: noted,
        action: Action::Note {
            text: "failing over".into(),
        },
    }));
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, &file).unwrap();

    let kept = read_back(data.path(), Some(&client), Utc::now());
    assert!(kept.problems.is_empty(), "{:?}", kept.problems);
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let (poll_now, _polls) = mpsc::channel(8);
    let worker = oncall::feed::worker::spawn(client, kept.outbox, tx, poll_now);
    // Taken up once the replay at start is done, so its answer comes after
    // everything the start had to say.
    worker.send(Request::Fetch { id: acked }).unwrap();
    let mut m = model();
    run_until(&mut m, &mut rx, |e| {
        matches!(e, WorkerEvent::Fetched { .. })
    })
    .await;

    // The good changes reached the hub.
    let inc = hub.incident(acked).await;
    assert_eq!(inc.status, Status::Acknowledged);
    let inc = hub.incident(noted).await;
    assert!(
        inc.timeline
            .iter()
            .any(|e| e.kind == EventKind::Note && e.text == "failing over")
    );
    // The bad lines are in the side file, named on screen.
    let aside: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(".jsonl.bad-"))
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert_eq!(std::fs::read(&aside[0]).unwrap(), bad);
    let shown = screen(&m);
    assert!(
        shown.contains("2 unreadable lines of the outbox set aside in"),
        "{shown}"
    );
    let name = aside[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(shown.contains(&name), "{shown}");

    // With the hub down, a new change is still kept in the outbox.
    hub.pause().await;
    worker
        .send(Request::Act {
            ticket: 1,
            id: acked,
            action: Action::Note {
                text: "still on it".into(),
            },
        })
        .unwrap();
    run_until(&mut m, &mut rx, |e| {
        matches!(
            e,
            WorkerEvent::Queued {
                ticket: Some(1),
                ..
            }
        )
    })
    .await;
    assert_eq!(Outbox::open(&path).unwrap().len(), 1);
    hub.resume().await;
    run_until(&mut m, &mut rx, |e| {
        matches!(
            e,
            WorkerEvent::Acted {
                ticket: 1,
                result: Ok(_),
                ..
            }
        )
    })
    .await;
    assert!(Outbox::open(&path).unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreadable_feed_cache_is_moved_aside_and_said_on_screen() {
    let hub = TestHub::start().await;
    let data = tempfile::tempdir().unwrap();
    let client = FeedClient::Hub(hub.hub_client(ALICE));
    let cache = oncall::feed::cache::path(data.path(), client.base());
    std::fs::create_dir_all(cache.parent().unwrap()).unwrap();
    std::fs::write(&cache, b"{\"saved_at\":\"2026-11-23T03:00:00Z\",\"incid").unwrap();

    let kept = read_back(data.path(), Some(&client), Utc::now());
    assert!(kept.cached.is_none());
    assert!(!cache.exists(), "moved out of the way");
    let [problem] = &kept.problems[..] else {
        panic!("{:?}", kept.problems)
    };
    let mut m = model();
    update(&mut m, Msg::Problem(problem.clone()));
    let shown = screen(&m);
    assert!(
        shown.contains("The saved copy of the feed could not be read"),
        "{shown}"
    );
    assert!(problem.contains(".json.bad-"), "{problem}");
    assert!(
        problem.contains("the console starts without it"),
        "{problem}"
    );
}
