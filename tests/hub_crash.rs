//! No answered write is lost when the hub is killed with SIGKILL at any
//! moment: the real `oncall serve` process takes a burst of writes from
//! several clients, is killed mid-burst, and is started again on the same
//! database; every write that got a 2xx must be there. Many rounds, each
//! killed after a different number of answers.
//!
//! SQLite only: the hub here is one process on one file; two hubs on
//! PostgreSQL killed the same way are tests/hub_postgres_failover.rs.
#![cfg(unix)]
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use oncall::config::Sha256Hex;
use oncall::incident::{Incident, NewIncident, Opened};
use support::serve::HubFiles;
use tokio::sync::{Mutex, Notify};

const TOKEN: &str = "oc_crash_test_token";
const ROUNDS: usize = 12;
const WRITERS: usize = 8;
/// Bounds each wait so a broken hub fails the test instead of hanging it.
const PATIENCE: std::time::Duration = std::time::Duration::from_secs(60);

/// One answered write: what must be found after the restart.
#[derive(Debug, Clone)]
enum Write {
    Opened { id: u64, key: String },
    Noted { id: u64, text: String },
}

async fn burst(
    base: String,
    answered: Arc<Mutex<Vec<Write>>>,
    count: Arc<AtomicUsize>,
    kill_at: usize,
    kill: Arc<Notify>,
    writer: usize,
) {
    let http = oncall::feed::http::client_builder().build().unwrap();
    for n in 0.. {
        let key = format!("w{writer}-n{n}");
        let new = NewIncident {
            title: format!("crash test {key}"),
            service: "db".into(),
            dedup_key: Some(key.clone()),
            ..NewIncident::default()
        };
        let Ok(resp) = http
            .post(format!("{base}/api/v1/incidents"))
            .bearer_auth(TOKEN)
            .json(&new)
            .send()
            .await
        else {
            return;
        };
        if !resp.status().is_success() {
            return;
        }
        let Ok(opened) = resp.json::<Opened>().await else {
            return;
        };
        let id = opened.incident.id;
        answered.lock().await.push(Write::Opened {
            id,
            key: key.clone(),
        });
        if count.fetch_add(1, Ordering::SeqCst) + 1 == kill_at {
            kill.notify_one();
        }
        let text = format!("note for {key}");
        let Ok(resp) = http
            .post(format!("{base}/api/v1/incidents/{id}/notes"))
            .bearer_auth(TOKEN)
            .json(&serde_json::json!({"text": text}))
            .send()
            .await
        else {
            return;
        };
        if !resp.status().is_success() {
            return;
        }
        // The answer is in; whatever happens next, this note must survive.
        answered.lock().await.push(Write::Noted { id, text });
        if count.fetch_add(1, Ordering::SeqCst) + 1 == kill_at {
            kill.notify_one();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_answered_write_is_lost_when_the_hub_is_killed() {
    let dir = tempfile::tempdir().unwrap();
    let files = HubFiles::new(
        dir.path(),
        &format!(
            "[[hub.responders]]\nname = \"alice\"\ntoken_sha256 = \"{}\"\n",
            Sha256Hex::of(TOKEN).to_hex()
        ),
    );
    let mut total = 0;
    for round in 0..ROUNDS {
        let hub = files.start();
        let answered = Arc::new(Mutex::new(Vec::new()));
        let count = Arc::new(AtomicUsize::new(0));
        let kill = Arc::new(Notify::new());
        // Kill after a different number of answers each round, so the kill
        // lands at different points of a write.
        let kill_at = 20 + round * 17;
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                tokio::spawn(burst(
                    hub.base.clone(),
                    answered.clone(),
                    count.clone(),
                    kill_at,
                    kill.clone(),
                    round * 100 + w,
                ))
            })
            .collect();
        tokio::time::timeout(PATIENCE, kill.notified())
            .await
            .unwrap_or_else(|_| {
                panic!("round {round}: the hub answered fewer than {kill_at} writes")
            });
        hub.kill();
        for w in writers {
            w.await.unwrap();
        }
        let answered = answered.lock().await.clone();
        total += answered.len();

        let hub = files.start();
        let http = oncall::feed::http::client_builder().build().unwrap();
        for write in &answered {
            let id = match write {
                Write::Opened { id, .. } | Write::Noted { id, .. } => *id,
            };
            let inc: Incident = http
                .get(format!("{}/api/v1/incidents/{id}", hub.base))
                .bearer_auth(TOKEN)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap_or_else(|e| panic!("round {round}: answered write {write:?} is gone: {e}"));
            match write {
                Write::Opened { key, .. } => assert_eq!(&inc.dedup_key, key, "round {round}"),
                Write::Noted { text, .. } => {
                    assert!(
                        inc.timeline.iter().any(|e| &e.text == text),
                        "round {round}: lost {write:?}"
                    )
                }
            }
        }
        hub.kill();
    }
    println!("crash test: {ROUNDS} kills, {total} answered writes checked, 0 lost");
}
