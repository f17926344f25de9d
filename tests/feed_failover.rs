//! A feed of several hubs (`urls = [...]`) under the real poller and worker:
//! when the hub that answers stops, the next poll goes to the next one and
//! the top bar names it; a change waiting in the outbox goes to whichever
//! hub answers, with its one Idempotency-Key, and is applied once.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::IntoResponse;
use oncall::console::model::Health;
use oncall::feed::outbox::Outbox;
use oncall::feed::{Action, FeedClient, FeedEvent, Request, WorkerEvent};
use support::failover::{client, host, model, next_poll, poll, screen, top_bar};
use support::proxy::{acted_after_queue, lossy_proxy, notes};
use support::{TestHub, incident};
use tokio::sync::mpsc;

#[tokio::test(flavor = "multi_thread")]
async fn when_the_hub_stops_the_next_poll_reaches_the_next_and_the_top_bar_names_it() {
    let mut a = TestHub::start().await;
    let mut b = TestHub::start().await;
    a.open(&incident("Disk full on db-1")).await;
    b.open(&incident("Packet loss on edge-lb-1")).await;
    let (mut rx, wake) = poll(&[&a.base, &b.base]);
    let mut m = model();

    let came = next_poll(&mut rx, &mut m).await;
    assert_eq!(
        came[0],
        FeedEvent::Answering {
            hub: host(&a.base).to_string(),
            other_database: false
        }
    );
    assert!(screen(&m).contains("Disk full on db-1"));
    let top = top_bar(&m);
    assert!(
        top.contains(&format!("live via {}", host(&a.base))),
        "{top}"
    );

    // Hub A goes; the next poll is answered by B, and the bar says so.
    a.pause().await;
    wake.send(()).await.unwrap();
    let came = next_poll(&mut rx, &mut m).await;
    assert_eq!(
        came[0],
        FeedEvent::Answering {
            hub: host(&b.base).to_string(),
            // Two SQLite hubs: two databases, which is said, and B's list
            // replaces A's rather than mixing with it.
            other_database: true
        }
    );
    assert!(
        matches!(came.last(), Some(FeedEvent::Polled { full: true, .. })),
        "{came:?}"
    );
    assert_eq!(m.feed.health(m.now), Health::Live);
    let text = screen(&m);
    let top = text.lines().next().unwrap();
    assert!(
        top.contains(&format!("live via {}", host(&b.base))),
        "{top}"
    );
    assert!(text.contains("Packet loss on edge-lb-1"), "{text}");
    assert!(!text.contains("Disk full on db-1"), "{text}");
    assert!(text.contains("another database"), "{text}");

    // Neither answers: the last good state stays, stale, naming no hub.
    b.pause().await;
    wake.send(()).await.unwrap();
    let came = next_poll(&mut rx, &mut m).await;
    let Some(FeedEvent::Failed { error, .. }) = came.last() else {
        panic!("{came:?}");
    };
    assert_eq!(
        error.to_string(),
        format!("cannot reach any of {}, {}", host(&a.base), host(&b.base))
    );
    m.now += chrono::Duration::seconds(30);
    let text = screen(&m);
    let top = text.lines().next().unwrap();
    assert!(top.contains("stale"), "{top}");
    assert!(!top.contains("via"), "{top}");
    assert!(text.contains("Packet loss on edge-lb-1"), "{text}");

    // A is back: the round goes on from B, which does not answer, to A.
    a.resume().await;
    wake.send(()).await.unwrap();
    let came = next_poll(&mut rx, &mut m).await;
    assert!(
        matches!(&came[0], FeedEvent::Answering { hub, .. } if hub == host(&a.base)),
        "{came:?}"
    );
    assert!(screen(&m).contains("Disk full on db-1"));
}

/// What a stand-in hub was asked: the query and the If-None-Match of each list.
type Asked = Arc<Mutex<Vec<(String, Option<String>)>>>;

/// A stand-in for one of several hubs of one database (`hub_id`), its
/// change sequence at 7: a full list, or 304 for the ETag every hub of that
/// database gives at 7; 503 (a hub going down behind its proxy) once `up`
/// is false.
async fn hub_of_database(hub_id: &'static str, up: Arc<AtomicBool>) -> (String, Asked) {
    let asked: Asked = Arc::default();
    let etag = format!("W/\"{hub_id}-7\"");
    let log = asked.clone();
    let app = Router::new().fallback(move |uri: Uri, headers: HeaderMap| {
        let (log, etag, up) = (log.clone(), etag.clone(), up.clone());
        async move {
            if !up.load(Ordering::SeqCst) {
                return (StatusCode::SERVICE_UNAVAILABLE, "no healthy upstream").into_response();
            }
            if uri.path() != "/api/v1/incidents" {
                // No rota here: the hub's own refusal, which is an answer.
                let none = r#"{"error":"no such thing here","code":"not_found"}"#;
                return (StatusCode::NOT_FOUND, none).into_response();
            }
            let tag = headers
                .get("if-none-match")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            log.lock()
                .unwrap()
                .push((uri.query().unwrap_or("").to_string(), tag.clone()));
            if tag.as_deref() == Some(etag.as_str()) {
                return StatusCode::NOT_MODIFIED.into_response();
            }
            let list = serde_json::json!({"cursor": 7, "incidents": []});
            (
                [
                    ("content-type", "application/json".to_string()),
                    ("etag", etag),
                    (oncall::incident::HUB_ID_HEADER, hub_id.to_string()),
                ],
                list.to_string(),
            )
                .into_response()
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), asked)
}

#[tokio::test]
async fn hubs_of_one_database_take_each_others_cursor_and_etag() {
    let a_up = Arc::new(AtomicBool::new(true));
    let (a, _) = hub_of_database("db-1", a_up.clone()).await;
    let (b, asked_b) = hub_of_database("db-1", Arc::new(AtomicBool::new(true))).await;
    let (mut rx, wake) = poll(&[&a, &b]);
    let mut m = model();
    let came = next_poll(&mut rx, &mut m).await;
    assert!(matches!(
        came.last(),
        Some(FeedEvent::Polled { full: true, .. })
    ));

    // A answers 503 now: B is asked from where A left the console, and
    // its 304 is taken as it is; nothing is read again, nothing is warned.
    a_up.store(false, Ordering::SeqCst);
    wake.send(()).await.unwrap();
    let came = next_poll(&mut rx, &mut m).await;
    assert_eq!(
        came,
        [
            FeedEvent::Answering {
                hub: host(&b).to_string(),
                other_database: false
            },
            FeedEvent::Unchanged
        ]
    );
    assert_eq!(
        *asked_b.lock().unwrap(),
        [(
            "status=all&since=7".to_string(),
            Some("W/\"db-1-7\"".into())
        )]
    );
    let text = screen(&m);
    assert!(!text.contains("another database"), "{text}");
    let top = text.lines().next().unwrap();
    assert!(top.contains(&format!("live via {}", host(&b))), "{top}");
}

/// A hub's address where its proxy still answers, 502 to everything, and
/// notes each Idempotency-Key it was sent.
async fn bad_gateway(keys: Arc<Mutex<Vec<String>>>) -> String {
    let app = Router::new().fallback(move |headers: HeaderMap| {
        let keys = keys.clone();
        async move {
            if let Some(key) = headers.get("idempotency-key").and_then(|v| v.to_str().ok()) {
                keys.lock().unwrap().push(key.to_string());
            }
            (StatusCode::BAD_GATEWAY, "<html>502 Bad Gateway</html>")
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_change_queued_while_the_first_hub_is_down_reaches_the_next_once() {
    let b = TestHub::start().await;
    let id = b.open(&incident("disk full")).await.id;
    let keys_at_a = Arc::new(Mutex::new(Vec::new()));
    let a = bad_gateway(keys_at_a.clone()).await;
    // B's first answer is lost on the way back: B applied the note, the
    // console never heard.
    let b_lossy = lossy_proxy(host(&b.base).to_string()).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("outbox.jsonl");
    let (tx, mut rx) = mpsc::unbounded_channel::<WorkerEvent>();
    let (poll_now, _polls) = mpsc::channel(8);
    let worker = oncall::feed::worker::spawn(
        FeedClient::Hub(client(&[&a, &b_lossy])),
        Some(Outbox::open(&path).unwrap()),
        tx,
        poll_now,
    );
    let note = |text: &str| Action::Note { text: text.into() };
    worker
        .send(Request::Act {
            ticket: 7,
            id,
            action: note("freed 20G in /var/log"),
        })
        .unwrap();

    let (queued, acted) = acted_after_queue(&mut rx, 7).await;
    assert!(queued, "neither hub's answer arrived: the note waited");
    let inc = acted.expect("B's first answer, given again for the same key");
    assert_eq!(notes(&inc), 1);
    assert_eq!(notes(&b.incident(id).await), 1, "applied exactly once");
    assert!(Outbox::open(&path).unwrap().is_empty());

    // A was asked with the key B applied the note under, each time.
    let keys = keys_at_a.lock().unwrap().clone();
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert_eq!(keys[0], keys[1]);
    let at_b: Vec<String> = rusqlite::Connection::open(&b.db)
        .unwrap()
        .prepare("SELECT key FROM idempotency")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(at_b.contains(&keys[0]), "{at_b:?} {keys:?}");

    // B answers now, so the next change goes to B first: A hears nothing.
    worker
        .send(Request::Act {
            ticket: 8,
            id,
            action: note("rotated the logs"),
        })
        .unwrap();
    loop {
        if let WorkerEvent::Acted {
            ticket: 8, result, ..
        } = rx.recv().await.unwrap()
        {
            assert_eq!(notes(&result.unwrap()), 2);
            break;
        }
    }
    assert_eq!(keys_at_a.lock().unwrap().len(), 2);
}
