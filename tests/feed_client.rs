//! The console's hub client against the real hub: what it receives is
//! well-formed and inert, whatever the people and monitors upstream wrote.
mod common;

use std::time::Duration;

use common::{ALICE, BOB, TestHub, incident};
use oncall::feed::{Action, FeedError, HubClient, ListOutcome};

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
    new.labels
        .insert("host\u{1b}[1m".into(), "db-1\u{9b}2J".into());
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
    let ListOutcome::Changed { list, etag } = c.list(None, None).await.unwrap() else {
        panic!()
    };
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
