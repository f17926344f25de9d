//! The console's hub client against the real hub: what it receives is
//! well-formed and inert, whatever the people and monitors upstream wrote.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;

use std::time::Duration;

use oncall::feed::{Action, FeedClient, FeedError, FeedEvent, HubClient, ListOutcome, Resume};
use support::{ALICE, BOB, TestHub, incident};

fn client(hub: &TestHub, token: &str) -> HubClient {
    HubClient::new(
        &hub.base,
        token.to_string(),
        "ONCALL_TOKEN",
        Duration::from_secs(5),
    )
    .unwrap()
}

#[tokio::test]
async fn escape_sequences_arrive_inert() {
    let hub = TestHub::start().await;
    let mut new = incident("disk \u{1b}[2J\u{1b}]0;owned\u{7}full\u{202e}");
    new.description = "line one\r\n\u{1b}[31mred\u{1b}[0m".into();
    // Label names with escapes are refused by the hub (tests/injection.rs);
    // values are stored as sent.
    new.labels.insert("host".into(), "db-1\u{9b}2J".into());
    let id = hub.open(&new).await.id;
    let c = client(&hub, ALICE);
    c.act(
        id,
        &Action::Note {
            text: "see \u{1b}]8;;http://evil\u{1b}\\this\u{1b}]8;;\u{1b}\\".into(),
        },
    )
    .await
    .unwrap();
    let ListOutcome::Changed { list, .. } = c.list(None, None).await.unwrap() else {
        panic!("expected a list")
    };
    let inc = &list.incidents[0];
    assert_eq!(inc.title, "disk full");
    assert_eq!(inc.description, "line one\nred");
    assert_eq!(inc.labels.get("host"), Some("db-1"));
    let detail = c.get(id).await.unwrap();
    assert_eq!(detail.timeline.last().unwrap().text, "see this");
}

#[tokio::test]
async fn an_unchanged_feed_is_a_304_and_a_change_is_seen_by_cursor() {
    let hub = TestHub::start().await;
    hub.open(&incident("one")).await;
    let c = client(&hub, ALICE);
    let ListOutcome::Changed {
        list,
        etag,
        hub: database,
    } = c.list(None, None).await.unwrap()
    else {
        panic!()
    };
    // The answer names the database its cursor belongs to.
    let named = database.expect("the hub names its database");
    assert!(
        !named.is_empty() && named.bytes().all(|b| b.is_ascii_hexdigit()),
        "{named}"
    );
    assert_eq!(
        c.list(None, etag.as_deref()).await.unwrap(),
        ListOutcome::Unchanged
    );
    let second = hub.open(&incident("two")).await;
    let ListOutcome::Changed { list: delta, .. } = c.list(Some(list.cursor), None).await.unwrap()
    else {
        panic!()
    };
    assert_eq!(
        delta.incidents.iter().map(|i| i.id).collect::<Vec<_>>(),
        [second.id]
    );
}

#[tokio::test]
async fn a_lost_race_comes_back_as_rejected_with_the_winner() {
    let hub = TestHub::start().await;
    let inc = hub.open(&incident("race")).await;
    client(&hub, BOB)
        .act(
            inc.id,
            &Action::Acknowledge {
                version: Some(inc.version),
            },
        )
        .await
        .unwrap();
    let err = client(&hub, ALICE)
        .act(
            inc.id,
            &Action::Acknowledge {
                version: Some(inc.version),
            },
        )
        .await
        .unwrap_err();
    match err {
        FeedError::Rejected {
            status: 409,
            incident: Some(current),
            ..
        } => assert_eq!(current.owner.as_deref(), Some("bob")),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn errors_say_what_happened() {
    let hub = TestHub::start().await;
    let err = client(&hub, "oc_nope").list(None, None).await.unwrap_err();
    assert_eq!(err, FeedError::Unauthorized("ONCALL_TOKEN".into()));
    let err = client(&hub, ALICE).get(999).await.unwrap_err();
    assert!(
        matches!(err, FeedError::Rejected { status: 404, .. }),
        "{err:?}"
    );
    let base = hub.base.clone();
    hub.stop().await;
    let down = HubClient::new(&base, ALICE.into(), "ONCALL_TOKEN", Duration::from_secs(2)).unwrap();
    let err = down.list(None, None).await.unwrap_err();
    assert!(err.is_transient(), "{err:?}");
}

/// The first event of a poller started from `resume`.
async fn first_poll(hub: &TestHub, resume: Resume) -> FeedEvent {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<FeedEvent>();
    let (_wake, wake_rx) = tokio::sync::mpsc::channel(1);
    oncall::feed::poller::spawn(
        FeedClient::Hub(client(hub, ALICE)),
        "alice".into(),
        Duration::from_secs(3600),
        Some(resume),
        tx,
        wake_rx,
    );
    rx.recv().await.expect("the poller reports")
}

#[tokio::test]
async fn a_saved_cursor_resumes_only_in_the_database_that_gave_it() {
    let first = TestHub::start().await;
    for title in ["one", "two", "three"] {
        first.open(&incident(title)).await;
    }
    let ListOutcome::Changed { list, hub, .. } =
        client(&first, ALICE).list(None, None).await.unwrap()
    else {
        panic!("expected a list")
    };
    let saved = Resume {
        cursor: list.cursor,
        hub: hub.expect("the hub names its database"),
    };
    let four = first.open(&incident("four")).await;

    // The same database: only what changed since the saved cursor.
    let FeedEvent::Polled {
        incidents,
        full,
        resume,
    } = first_poll(&first, saved.clone()).await
    else {
        panic!("expected a poll")
    };
    assert!(!full, "resumed, not started over");
    assert_eq!(
        incidents.iter().map(|i| i.id).collect::<Vec<_>>(),
        [four.id]
    );
    let resume = resume.expect("a hub feed can resume");
    assert_eq!(resume.hub, saved.hub);
    assert!(resume.cursor > saved.cursor);

    // Another database that has already seen more changes than the saved
    // cursor: the cursor does not go backwards, yet it means nothing here.
    let other = TestHub::start().await;
    for n in 0..6 {
        other.open(&incident(&format!("elsewhere {n}"))).await;
    }
    let FeedEvent::Polled {
        incidents,
        full,
        resume,
    } = first_poll(&other, saved.clone()).await
    else {
        panic!("expected a poll")
    };
    assert!(
        full,
        "another database: the whole list, to replace what is held"
    );
    assert_eq!(incidents.len(), 6);
    assert_ne!(resume.expect("named").hub, saved.hub);
}
