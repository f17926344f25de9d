//! A feed that fails in each way a real one does (down, garbage, the wrong
//! JSON, 500, no answer at all) under the real poller: the console keeps the
//! last good state on screen, says which failure it is, and recovers by
//! itself when the feed does.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use chrono::{TimeZone, Utc};
use oncall::console::model::{FeedStatus, Health, Model};
use oncall::console::msg::Msg;
use oncall::console::{update, view};
use oncall::feed::{FeedClient, FeedEvent, HubClient};
use oncall::runbook::Library;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;

const GOOD: u8 = 0;
const GARBAGE: u8 = 1;
const WRONG_SHAPE: u8 = 2;
const FAILING: u8 = 3;
const SILENT: u8 = 4;

fn good_list() -> String {
    serde_json::json!({
        "cursor": 1,
        "incidents": [{
            "id": 1, "dedup_key": "k1", "title": "Packet loss on edge-lb-1", "service": "edge-lb",
            "severity": "critical", "status": "triggered", "labels": {}, "description": "",
            "source": "test", "created_at": "2026-11-23T03:00:00Z", "updated_at": "2026-11-23T03:00:00Z",
            "owner": null, "escalation_level": 1, "occurrences": 1, "version": 1
        }]
    })
    .to_string()
}

/// An upstream on 127.0.0.1 whose behaviour the test switches.
async fn upstream(mode: Arc<AtomicU8>) -> String {
    let app = Router::new().route(
        "/api/v1/incidents",
        get(move || {
            let mode = mode.clone();
            async move {
                match mode.load(Ordering::SeqCst) {
                    GOOD => ([("content-type", "application/json")], good_list()).into_response(),
                    GARBAGE => (StatusCode::OK, "<html>502 Bad Gateway</html>").into_response(),
                    WRONG_SHAPE => {
                        ([("content-type", "application/json")], r#"{"items": []}"#).into_response()
                    }
                    FAILING => (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        r#"{"error":"database on fire","code":"internal"}"#,
                    )
                        .into_response(),
                    _ => {
                        // Never answers: the client's timeout must give up.
                        std::future::pending::<()>().await;
                        StatusCode::OK.into_response()
                    }
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

fn screen(m: &Model) -> String {
    let mut t = Terminal::new(TestBackend::new(120, 40)).unwrap();
    t.draw(|f| view(m, f)).unwrap();
    format!("{}", t.backend())
}

#[tokio::test]
async fn every_kind_of_failure_keeps_the_last_good_state_and_says_which() {
    let mode = Arc::new(AtomicU8::new(GOOD));
    let base = upstream(mode.clone()).await;
    let client = HubClient::new(
        &base,
        "t".into(),
        "ONCALL_TOKEN",
        Duration::from_millis(400),
    )
    .unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel::<FeedEvent>();
    let (wake, wake_rx) = mpsc::channel(1);
    // A long interval: every poll after the first is one this test asks for.
    oncall::feed::poller::spawn(
        FeedClient::Hub(client),
        "alice".into(),
        Duration::from_secs(3600),
        None,
        tx,
        wake_rx,
    );

    let now = Utc.with_ymd_and_hms(2026, 11, 23, 3, 0, 5).unwrap();
    let mut m = Model::new(
        "alice".into(),
        FeedStatus::new("team hub", Duration::from_secs(2)),
        Arc::new(Library::shipped()),
        now,
        std::env::temp_dir(),
        chrono::FixedOffset::east_opt(0).unwrap(),
    );
    update(&mut m, Msg::Resize(120, 40));
    // The poll's outcomes; the heartbeats and follow-ups read after a good
    // poll (none here: this hub answers 404 for them) go into the model too.
    let mut next = async |m: &mut Model| loop {
        let event = rx.recv().await.expect("the poller reports");
        update(m, Msg::Feed(event.clone()));
        if !matches!(event, FeedEvent::Heartbeats(_) | FeedEvent::Followups(_)) {
            break event;
        }
    };
    assert!(matches!(next(&mut m).await, FeedEvent::Polled { .. }));
    assert_eq!(m.feed.health(m.now), Health::Live);

    for (fault, says) in [
        (GARBAGE, "the answer was not what the feed sends"),
        (WRONG_SHAPE, "the answer was not what the feed sends"),
        (FAILING, "the feed failed (500): database on fire"),
        (SILENT, "no answer within 1s"),
    ] {
        mode.store(fault, Ordering::SeqCst);
        wake.send(()).await.unwrap();
        let event = next(&mut m).await;
        assert!(matches!(event, FeedEvent::Failed { .. }), "{event:?}");
        m.now = now + chrono::Duration::seconds(30);
        let text = screen(&m);
        assert!(text.contains(says), "{says}:\n{text}");
        assert!(text.contains("stale"), "{text}");
        assert!(
            text.contains("Packet loss on edge-lb-1"),
            "the last good state stays:\n{text}"
        );

        // The feed recovers; so does the console, with no help.
        mode.store(GOOD, Ordering::SeqCst);
        wake.send(()).await.unwrap();
        loop {
            if !matches!(next(&mut m).await, FeedEvent::Failed { .. }) {
                break;
            }
        }
        assert_eq!(m.feed.health(m.now), Health::Live, "after {says}");
    }
}

#[tokio::test]
async fn a_feed_that_is_not_there_says_so() {
    let client = HubClient::new(
        "http://127.0.0.1:9",
        "t".into(),
        "ONCALL_TOKEN",
        Duration::from_secs(2),
    )
    .unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel::<FeedEvent>();
    let (_wake, wake_rx) = mpsc::channel(1);
    oncall::feed::poller::spawn(
        FeedClient::Hub(client),
        "alice".into(),
        Duration::from_secs(3600),
        None,
        tx,
        wake_rx,
    );
    match rx.recv().await {
        Some(FeedEvent::Failed { error, retry_in }) => {
            assert_eq!(error.to_string(), "cannot reach http://127.0.0.1:9");
            assert!(retry_in >= Duration::from_secs(1));
        }
        other => panic!("{other:?}"),
    }
}
