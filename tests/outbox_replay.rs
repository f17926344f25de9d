//! The answer to a change is lost on the way back (the hub applied it, the
//! console never heard): the change waits in the outbox, goes again with the
//! same Idempotency-Key, and the hub applies it once. Changes made while the
//! hub is away (ownership and roles, covers of the rota and their removal
//! among them) arrive once, in order.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;

use std::time::Duration;

use oncall::feed::outbox::Outbox;
use oncall::feed::{Action, FeedClient, HubClient, Request, WorkerEvent};
use oncall::incident::EventKind;
use support::proxy::{acted_after_queue, lossy_proxy, notes};
use support::{ALICE, Backend, TestHub, both_backends, incident, two_responders};
use tokio::sync::mpsc;

async fn a_change_whose_answer_was_lost_is_applied_once(backend: Backend) {
    let hub = TestHub::start_on(backend, two_responders()).await;
    let id = hub.open(&incident("disk full")).await.id;
    let proxy = lossy_proxy(hub.base.trim_start_matches("http://").to_string()).await;
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::open(&dir.path().join("outbox.jsonl")).unwrap();
    let client =
        HubClient::new(&proxy, ALICE.into(), "ONCALL_TOKEN", Duration::from_secs(5)).unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel::<WorkerEvent>();
    let (poll_now, _polls) = mpsc::channel(8);
    let worker = oncall::feed::worker::spawn(FeedClient::Hub(client), Some(outbox), tx, poll_now);
    worker
        .send(Request::Act {
            ticket: 7,
            id,
            action: Action::Note {
                text: "freed 20G in /var/log".into(),
            },
        })
        .unwrap();

    let (queued, acted) = acted_after_queue(&mut rx, 7).await;
    assert!(queued, "the lost answer put the note in the outbox");
    let inc = acted.expect("the replay got the hub's first answer");
    assert_eq!(notes(&inc), 1);
    assert_eq!(notes(&hub.incident(id).await), 1, "applied exactly once");
    assert!(
        Outbox::open(&dir.path().join("outbox.jsonl"))
            .unwrap()
            .is_empty()
    );
}

both_backends!(
    a_change_whose_answer_was_lost_is_applied_once,
    flavor = "multi_thread"
);

async fn a_replay_the_hub_refuses_is_reported_not_retried_forever(backend: Backend) {
    let hub = TestHub::start_on(backend, two_responders()).await;
    let id = hub.open(&incident("disk full")).await.id;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("outbox.jsonl");
    // Left from an earlier run: an acknowledge of a version long gone.
    let mut outbox = Outbox::open(&path).unwrap();
    let stale = oncall::feed::outbox::Entry::new(
        oncall::feed::outbox::Op::Incident {
            id,
            action: Action::Acknowledge { version: Some(99) },
        },
        chrono::Utc::now(),
    );
    outbox.push(stale).unwrap();
    let client = hub.hub_client(ALICE);
    let (tx, mut rx) = mpsc::unbounded_channel::<WorkerEvent>();
    let (poll_now, _polls) = mpsc::channel(8);
    let _worker = oncall::feed::worker::spawn(
        FeedClient::Hub(client),
        Some(Outbox::open(&path).unwrap()),
        tx,
        poll_now,
    );
    let result = loop {
        if let WorkerEvent::Replayed { what, result } = rx.recv().await.unwrap() {
            assert_eq!(what, format!("acknowledge #{id}"));
            break result;
        }
    };
    assert!(
        matches!(
            result,
            Err(oncall::feed::FeedError::Rejected { status: 409, .. })
        ),
        "{result:?}"
    );
    loop {
        if let WorkerEvent::Waiting(n) = rx.recv().await.unwrap() {
            assert_eq!(n, 0);
            break;
        }
    }
    assert!(Outbox::open(&path).unwrap().is_empty());
}

both_backends!(
    a_replay_the_hub_refuses_is_reported_not_retried_forever,
    flavor = "multi_thread"
);

async fn ownership_changes_made_while_the_hub_is_down_arrive_once_in_order(backend: Backend) {
    let mut hub = TestHub::start_on(backend, two_responders()).await;
    let id = hub.open(&incident("replica lag")).await.id;
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::open(&dir.path().join("outbox.jsonl")).unwrap();
    let client = hub.hub_client(ALICE);
    let (tx, mut rx) = mpsc::unbounded_channel::<WorkerEvent>();
    let (poll_now, _polls) = mpsc::channel(8);
    let worker = oncall::feed::worker::spawn(FeedClient::Hub(client), Some(outbox), tx, poll_now);
    hub.pause().await;
    let actions = [
        Action::Assign { to: "alice".into() },
        Action::AskHelp {
            who: "bob".into(),
            note: Some("you know the replicas".into()),
        },
        Action::Snooze {
            length: "30m".into(),
        },
        Action::StatusUpdate {
            text: "replicas catching up".into(),
        },
    ];
    for (ticket, action) in (1..).zip(actions) {
        worker.send(Request::Act { ticket, id, action }).unwrap();
    }
    // Each waits in the outbox while the hub is away.
    let mut queued = 0;
    while queued < 4 {
        if let WorkerEvent::Queued { .. } = rx.recv().await.unwrap() {
            queued += 1;
        }
    }
    hub.resume().await;
    let mut last = None;
    for ticket in 1..=4 {
        let (_, acted) = acted_after_queue(&mut rx, ticket).await;
        last = Some(acted.expect("applied once the hub is back"));
    }
    let inc = last.unwrap();
    assert_eq!(inc.owner.as_deref(), Some("alice"));
    assert_eq!(inc.helpers, ["bob"]);
    assert!(inc.snoozed_until.is_some());
    let said = inc.status_update.expect("the status update");
    assert_eq!(
        (said.text.as_str(), said.by.as_str()),
        ("replicas catching up", "alice")
    );
    let kinds: Vec<EventKind> = hub
        .incident(id)
        .await
        .timeline
        .iter()
        .map(|e| e.kind)
        .filter(|k| {
            matches!(
                k,
                EventKind::Assigned
                    | EventKind::Help
                    | EventKind::Snoozed
                    | EventKind::StatusUpdate
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            EventKind::Assigned,
            EventKind::Help,
            EventKind::Snoozed,
            EventKind::StatusUpdate
        ],
        "each once, in the order taken"
    );
}

both_backends!(
    ownership_changes_made_while_the_hub_is_down_arrive_once_in_order,
    flavor = "multi_thread"
);

async fn a_cover_and_its_removal_made_while_the_hub_is_down_arrive_once_in_order(backend: Backend) {
    let mut hub = TestHub::start_on(backend, support::hub_config(support::ROTA_CONFIG)).await;
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::open(&dir.path().join("outbox.jsonl")).unwrap();
    let client = hub.hub_client(support::DAVE);
    let (tx, mut rx) = mpsc::unbounded_channel::<WorkerEvent>();
    let (poll_now, _polls) = mpsc::channel(8);
    let worker = oncall::feed::worker::spawn(FeedClient::Hub(client), Some(outbox), tx, poll_now);
    hub.pause().await;
    let request = oncall::incident::NewOverride {
        responder: "dave".into(),
        start: support::at("2026-11-23T09:00:00Z"),
        end: support::at("2026-11-23T10:00:00Z"),
    };
    worker.send(Request::Cover { ticket: 1, request }).unwrap();
    worker.send(Request::Uncover { ticket: 2, id: 1 }).unwrap();
    let mut queued = 0;
    while queued < 2 {
        if let WorkerEvent::Queued { .. } = rx.recv().await.unwrap() {
            queued += 1;
        }
    }
    hub.resume().await;
    let covered = loop {
        if let WorkerEvent::Covered { ticket, result } = rx.recv().await.unwrap() {
            assert_eq!(ticket, Some(1));
            break result.expect("made once the hub is back");
        }
    };
    assert_eq!(
        (covered.id, covered.displaced.clone()),
        (1, vec!["alice".to_string()])
    );
    let removed = loop {
        if let WorkerEvent::Uncovered { ticket, id, result } = rx.recv().await.unwrap() {
            assert_eq!((ticket, id), (Some(2), 1));
            break result.expect("removed after it was made");
        }
    };
    assert_eq!(removed.removed_by.as_deref(), Some("dave"));
    let listed: oncall::incident::OverrideList = support::expect(
        hub.get(ALICE, "/api/v1/overrides").await,
        reqwest::StatusCode::OK,
    )
    .await;
    assert!(listed.overrides.is_empty(), "{listed:?}");
}

both_backends!(
    a_cover_and_its_removal_made_while_the_hub_is_down_arrive_once_in_order,
    flavor = "multi_thread"
);
