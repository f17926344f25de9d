//! Two real `oncall serve` processes on one PostgreSQL database
//! (`--features postgres`), one of them killed with SIGKILL again and again
//! while 16 clients spread over both write: every write answered with a 2xx
//! is in the database, once, as the surviving hub tells it; and with the
//! hub that would have escalated an incident killed, the other escalates it;
//! a console of both hubs goes on through the survivor, and a note queued
//! in its outbox reaches the database once.
#![cfg(all(unix, feature = "postgres"))]
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use oncall::feed::outbox::Outbox;
use oncall::feed::{Action, FeedClient, FeedEvent, Request, WorkerEvent};
use oncall::incident::{EventKind, Incident, Opened, Status};
use reqwest::StatusCode;
use serde_json::json;
use support::alertmanager::eventually;
use support::failover::{client, host, model, next_poll, poll, screen, top_bar};
use support::postgres::Database;
use support::proxy::{acted_after_queue, lossy_proxy, notes};
use support::serve::{HubFiles, ServedHub};
use support::team::{Person, policy, responders};
use support::{ALICE, BOB};
use tokio::sync::mpsc;

const CLIENTS: usize = 16;
const KILLS: usize = 4;
/// How often a client tries one write, over both hubs, before it gives up.
const TRIES: usize = 40;

/// alice and bob; incidents of `db` wait an hour for their next level (no
/// timer moves them during the burst), those of `web` two seconds.
fn config() -> String {
    responders(&[Person::new("alice", ALICE), Person::new("bob", BOB)])
        + &policy(&["db"], &[("alice", Some("1h")), ("bob", None)])
        + &policy(&["web"], &[("alice", Some("2s")), ("bob", None)])
}

/// The two hubs' addresses, changed as a killed one is started again.
type Bases = Arc<Mutex<[String; 2]>>;

/// What got a 2xx: incidents opened (dedup key, id), notes (id, text) and
/// acknowledgements (id).
#[derive(Default)]
struct Answered {
    opened: Vec<(String, u64)>,
    notes: Vec<(u64, String)>,
    acknowledged: Vec<u64>,
}

/// Sends one write with its Idempotency-Key, to the client's own hub
/// first and to the other when that one does not answer, until one answers
/// with a 2xx; its body then, or None if none ever did.
async fn write(
    http: &reqwest::Client,
    bases: &Bases,
    first: usize,
    path: &str,
    key: &str,
    body: &serde_json::Value,
) -> Option<String> {
    for attempt in 0..TRIES {
        let base = bases.lock().unwrap()[(first + attempt) % 2].clone();
        let sent = http
            .post(format!("{base}{path}"))
            .bearer_auth(ALICE)
            .header("Idempotency-Key", key)
            .json(body)
            .send()
            .await;
        if let Ok(resp) = sent
            && resp.status().is_success()
            && let Ok(text) = resp.text().await
        {
            return Some(text);
        }
        // A hub being killed or started: the next try goes to the other.
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    None
}

/// One client: opens, notes and acknowledges incidents until `stop`.
async fn writer(n: usize, bases: Bases, answered: Arc<Mutex<Answered>>, stop: Arc<AtomicBool>) {
    let http = oncall::feed::http::client_builder().build().unwrap();
    let mut round = 0;
    while !stop.load(Ordering::Relaxed) {
        let key = format!("c{n}-{round}");
        round += 1;
        let new = json!({"title": format!("burst {key}"), "service": "db", "dedup_key": key});
        let path = "/api/v1/incidents";
        let Some(text) = write(&http, &bases, n, path, &format!("open-{key}"), &new).await else {
            continue;
        };
        let id = serde_json::from_str::<Opened>(&text).unwrap().incident.id;
        answered.lock().unwrap().opened.push((key.clone(), id));
        let note = format!("note {key}");
        let path = format!("/api/v1/incidents/{id}/notes");
        let body = json!({ "text": note });
        if write(&http, &bases, n, &path, &format!("note-{key}"), &body)
            .await
            .is_some()
        {
            answered.lock().unwrap().notes.push((id, note));
        }
        let path = format!("/api/v1/incidents/{id}/acknowledge");
        if write(&http, &bases, n, &path, &format!("ack-{key}"), &json!({}))
            .await
            .is_some()
        {
            answered.lock().unwrap().acknowledged.push(id);
        }
    }
}

async fn incident(base: &str, id: u64) -> Incident {
    let http = oncall::feed::http::client_builder().build().unwrap();
    let resp = http
        .get(format!("{base}/api/v1/incidents/{id}"))
        .bearer_auth(ALICE)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "#{id}");
    resp.json().await.unwrap()
}

/// Opens an incident of `service` at the hub at `base`, as alice.
async fn open_at(base: &str, service: &str, title: &str) -> Incident {
    let http = oncall::feed::http::client_builder().build().unwrap();
    let resp = http
        .post(format!("{base}/api/v1/incidents"))
        .bearer_auth(ALICE)
        .json(&json!({"title": title, "service": service}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    resp.json::<Opened>().await.unwrap().incident
}

/// Waits until `answered` holds `n` more opened incidents than it did.
async fn until_opened(answered: &Arc<Mutex<Answered>>, n: usize) {
    let target = answered.lock().unwrap().opened.len() + n;
    eventually(&format!("{target} incidents opened"), || async {
        let got = answered.lock().unwrap().opened.len();
        if got >= target {
            Ok(())
        } else {
            Err(format!("{got}"))
        }
    })
    .await;
}

fn start_both(files: &HubFiles) -> (Vec<ServedHub>, Bases) {
    let hubs = vec![files.start(), files.start()];
    let bases = Arc::new(Mutex::new([hubs[0].base.clone(), hubs[1].base.clone()]));
    (hubs, bases)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_answered_write_survives_a_hub_killed_mid_burst() {
    let database = Database::create().await;
    let dir = tempfile::tempdir().unwrap();
    let files = HubFiles::on_database(dir.path(), &config(), &database.url);
    let (mut hubs, bases) = start_both(&files);
    let answered = Arc::new(Mutex::new(Answered::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|n| tokio::spawn(writer(n, bases.clone(), answered.clone(), stop.clone())))
        .collect();
    for kill in 0..KILLS {
        until_opened(&answered, 20).await;
        let which = kill % 2;
        // SIGKILL mid-burst; started again on a new port.
        drop(hubs.remove(which));
        let hub = files.start();
        bases.lock().unwrap()[which] = hub.base.clone();
        hubs.insert(which, hub);
    }
    until_opened(&answered, 20).await;
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.await.unwrap();
    }

    let answered = std::mem::take(&mut *answered.lock().unwrap());
    let base = hubs[0].base.clone();
    for (key, id) in &answered.opened {
        let i = incident(&base, *id).await;
        assert_eq!(&i.dedup_key, key, "#{id}");
    }
    for (id, text) in &answered.notes {
        let i = incident(&base, *id).await;
        let times = i
            .timeline
            .iter()
            .filter(|e| e.kind == EventKind::Note && &e.text == text)
            .count();
        assert_eq!(times, 1, "#{id} holds {text:?} {times} times");
    }
    for id in &answered.acknowledged {
        let i = incident(&base, *id).await;
        assert_eq!(
            (i.status, i.owner.as_deref()),
            (Status::Acknowledged, Some("alice")),
            "#{id}"
        );
    }
    eprintln!(
        "failover burst: {KILLS} kills, {} opened, {} notes, {} acknowledged",
        answered.opened.len(),
        answered.notes.len(),
        answered.acknowledged.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_other_hub_escalates_when_one_is_killed() {
    let database = Database::create().await;
    let dir = tempfile::tempdir().unwrap();
    let files = HubFiles::on_database(dir.path(), &config(), &database.url);
    let (mut hubs, _) = start_both(&files);
    let opened = open_at(&hubs[0].base, "web", "5xx rate").await;
    let (id, level) = (opened.id, opened.escalation_level);
    // Killed before the level's two seconds are up: whatever it would
    // have done, the survivor must do.
    drop(hubs.remove(0));
    let killed = Instant::now();
    let base = hubs[0].base.clone();
    let escalated = eventually("the survivor escalates the overdue incident", || async {
        let i = incident(&base, id).await;
        if i.escalation_level > level {
            Ok(i)
        } else {
            Err(format!("level {} owner {:?}", i.escalation_level, i.owner))
        }
    })
    .await;
    eprintln!(
        "failover: escalated {:.1} s after the other hub was killed",
        killed.elapsed().as_secs_f64()
    );
    assert_eq!(escalated.owner.as_deref(), Some("bob"));
    assert_eq!(escalated.escalation_level, level + 1);
}

/// A console's feed of both hubs: the poller goes on through the survivor
/// when the one answering is killed, its list the same database's; a note
/// whose answer was lost waits in the outbox and reaches the database once,
/// through whichever hub answers the retry with the note's key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_console_of_both_hubs_goes_on_and_its_queued_notes_arrive_once() {
    let database = Database::create().await;
    let dir = tempfile::tempdir().unwrap();
    let files = HubFiles::on_database(dir.path(), &config(), &database.url);
    let (mut hubs, _) = start_both(&files);
    let (a, b) = (hubs[0].base.clone(), hubs[1].base.clone());
    let id = open_at(&a, "db", "Disk full on db-1").await.id;

    let (mut rx, wake) = poll(&[&a, &b]);
    let mut m = model();
    let came = next_poll(&mut rx, &mut m).await;
    assert!(
        matches!(&came[0], FeedEvent::Answering { hub, .. } if hub == host(&a)),
        "{came:?}"
    );
    assert!(screen(&m).contains("Disk full on db-1"));

    // A is killed: B answers the next poll, a hub of the same database.
    drop(hubs.remove(0));
    wake.send(()).await.unwrap();
    let came = next_poll(&mut rx, &mut m).await;
    assert_eq!(
        came[0],
        FeedEvent::Answering {
            hub: host(&b).to_string(),
            other_database: false
        }
    );
    assert!(top_bar(&m).contains(&format!("live via {}", host(&b))));
    assert!(screen(&m).contains("Disk full on db-1"));

    // A started again; B's first answer to the console is lost on the way.
    let again = files.start();
    let b_lossy = lossy_proxy(host(&b).to_string()).await;
    let outbox = dir.path().join("outbox.jsonl");
    let (tx, mut events) = mpsc::unbounded_channel::<WorkerEvent>();
    let (poll_now, _polls) = mpsc::channel(8);
    let worker = oncall::feed::worker::spawn(
        FeedClient::Hub(client(&[&b_lossy, &again.base])),
        Some(Outbox::open(&outbox).unwrap()),
        tx,
        poll_now,
    );
    worker
        .send(Request::Act {
            ticket: 1,
            id,
            action: Action::Note {
                text: "freed 20G in /var/log".into(),
            },
        })
        .unwrap();
    let (_, acted) = acted_after_queue(&mut events, 1).await;
    assert_eq!(notes(&acted.unwrap()), 1);
    assert_eq!(notes(&incident(&b, id).await), 1, "applied exactly once");
    assert!(Outbox::open(&outbox).unwrap().is_empty());

    // The hub the note went to killed too: the next goes to B, once.
    drop(again);
    worker
        .send(Request::Act {
            ticket: 2,
            id,
            action: Action::Note {
                text: "rotated the logs".into(),
            },
        })
        .unwrap();
    let (_, acted) = acted_after_queue(&mut events, 2).await;
    assert_eq!(notes(&acted.unwrap()), 2);
    assert_eq!(notes(&incident(&b, id).await), 2);
    assert!(Outbox::open(&outbox).unwrap().is_empty());
}
