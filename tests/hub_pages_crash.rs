//! No page is lost, and none reaches a receiver under two ids, when the hub
//! dies mid-way: incidents are opened in a burst while their pages go out,
//! the hub is stopped dead after a different number of requests each round
//! (dropped in-process without its graceful stop; or, as a process of its
//! own, killed with SIGKILL), and started again on the same database. At the
//! end every page queued has been delivered, every incident answered has its
//! pages, and each page arrived under one delivery id however often it went.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use oncall::hub::HubState;
use oncall::hub::deliveries::{DeliveryRecord, DeliveryState};
use oncall::incident::{IncidentList, Opened};
use support::alertmanager::eventually;
use support::pages::{Received, Receiver, critical, paged_config, paging};
use support::{ALICE, TestHub};
use tokio::sync::Mutex;

const ROUNDS: usize = 8;
const OPENERS: usize = 4;

/// Opens incidents as fast as `base` answers, until it stops answering;
/// the ids answered go into `answered`.
async fn open_until_gone(base: String, answered: Arc<Mutex<Vec<u64>>>, opener: usize) {
    let http = oncall::feed::http::client_builder().build().unwrap();
    for n in 0.. {
        let sent = http
            .post(format!("{base}/api/v1/incidents"))
            .bearer_auth(ALICE)
            .json(&critical(&format!("crash test {opener}-{n}")))
            .send()
            .await;
        let Ok(resp) = sent else { return };
        if !resp.status().is_success() {
            return;
        }
        let Ok(opened) = resp.json::<Opened>().await else {
            return;
        };
        answered.lock().await.push(opened.incident.id);
    }
}

/// Every page queued was delivered and reached `rx` under one id, and every
/// incident in `answered` has its three pages (alice at once and later, the
/// team channel).
fn check(rx: &Receiver, pages: &BTreeMap<u64, Vec<DeliveryRecord>>, answered: &[u64]) {
    let mut ids_of: BTreeMap<(u64, String, u32), BTreeSet<String>> = BTreeMap::new();
    for r in rx.got() {
        let Received { path, id, delivery } = r;
        let incident = delivery.incident.as_ref().map_or(0, |i| i.id);
        ids_of
            .entry((incident, path, delivery.round))
            .or_default()
            .insert(id);
    }
    for ((incident, path, round), ids) in &ids_of {
        assert_eq!(
            ids.len(),
            1,
            "#{incident} reached {path} in round {round} under {ids:?}"
        );
    }
    let arrived: BTreeSet<String> = rx.got().into_iter().map(|r| r.id).collect();
    for (id, queue) in pages {
        for record in queue {
            assert_eq!(record.state, DeliveryState::Delivered, "#{id}: {record:#?}");
            assert!(arrived.contains(&record.delivery.id), "#{id}: {record:#?}");
        }
    }
    for id in answered {
        let queue = pages
            .get(id)
            .unwrap_or_else(|| panic!("#{id} was answered and is gone"));
        assert_eq!(queue.len(), 3, "#{id}: {queue:#?}");
    }
}

/// The ids of the incidents the hub at `base` holds.
async fn incident_ids(base: &str) -> Vec<u64> {
    let http = oncall::feed::http::client_builder().build().unwrap();
    let list: IncidentList = http
        .get(format!("{base}/api/v1/incidents"))
        .bearer_auth(ALICE)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    list.incidents.iter().map(|i| i.id).collect()
}

/// The deliveries of each of `ids`, once all are delivered.
async fn all_delivered(state: &HubState, ids: &[u64]) -> BTreeMap<u64, Vec<DeliveryRecord>> {
    let mut pages = BTreeMap::new();
    for &id in ids {
        let queue = eventually(&format!("every page of #{id} delivered"), || async {
            let queue = state
                .deliveries(Some(id))
                .await
                .map_err(|e| e.to_string())?;
            if queue.iter().all(|r| r.state == DeliveryState::Delivered) {
                Ok(queue)
            } else {
                Err(format!("{queue:#?}"))
            }
        })
        .await;
        pages.insert(id, queue);
    }
    pages
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_page_is_lost_or_doubled_when_the_hub_is_dropped_mid_way() {
    let rx = Receiver::start().await;
    let (config, pages) = paging(&paged_config(&rx));
    let mut hub = TestHub::with_pages(config, pages).await;
    let answered = Arc::new(Mutex::new(Vec::new()));
    for round in 0..ROUNDS {
        let stop_at = rx.got().len() + 3 + round * 5;
        let openers: Vec<_> = (0..OPENERS)
            .map(|o| {
                tokio::spawn(open_until_gone(
                    hub.base.clone(),
                    answered.clone(),
                    round * 100 + o,
                ))
            })
            .collect();
        rx.until(&format!("{stop_at} pages"), |got| got.len() >= stop_at)
            .await;
        hub.crash();
        for o in openers {
            o.await.unwrap();
        }
        hub.restart().await;
        // Past the leases of what was in flight, and past alice's second
        // contact: everything left goes now.
        hub.advance(TimeDelta::minutes(6));
    }
    let ids = incident_ids(&hub.base).await;
    let pages = all_delivered(hub.state(), &ids).await;
    check(&rx, &pages, &answered.lock().await);
    println!(
        "crash test: {ROUNDS} drops, {} incidents, {} pages received",
        pages.len(),
        rx.got().len()
    );
}

/// The environment that makes [`hub_process`] a hub: its database, and
/// the config text.
const CHILD_DB: &str = "ONCALL_TEST_PAGES_HUB_DB";
const CHILD_CONFIG: &str = "ONCALL_TEST_PAGES_HUB_CONFIG";

/// Not a test of its own: the hub the SIGKILL test runs as a process, when
/// it starts this test binary with [`CHILD_DB`] set (and does nothing
/// otherwise). Leases of a second, so pages in flight when it was killed go
/// again soon after its restart.
#[test]
fn hub_process() {
    let (Ok(db), Ok(config)) = (std::env::var(CHILD_DB), std::env::var(CHILD_CONFIG)) else {
        return;
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let (config, mut pages) = paging(&config);
        pages.delivery.lease = Duration::from_secs(1);
        pages.delivery.attempt_timeout = Duration::from_millis(500);
        let settings = oncall::hub::HubSettings {
            config,
            escalation_tick: None,
            pages,
            ..oncall::hub::HubSettings::new(db, oncall::config::HubConfig::default())
        };
        let hub = oncall::hub::start("127.0.0.1:0".parse().unwrap(), settings)
            .await
            .unwrap();
        eprintln!("hub listening addr={}", hub.addr);
        std::future::pending::<()>().await;
    });
}

/// A hub process; killed and reaped when dropped, test failed or not.
struct Process(std::process::Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_page_is_lost_or_doubled_when_the_hub_is_killed() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let rx = Receiver::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hub.db");
    // alice's second contact a second in, so it is due within the test.
    let config = paged_config(&rx).replace("after = \"5m\"", "after = \"1s\"");
    let start = || -> (Process, String) {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "hub_process", "--nocapture", "--test-threads=1"])
            .env(CHILD_DB, &db)
            .env(CHILD_CONFIG, &config)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, addr) = std::sync::mpsc::channel();
        // Drained to the end, so the hub never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("hub listening addr=").nth(1) {
                    let _ = tx.send(rest.trim().to_string());
                }
            }
        });
        let process = Process(child);
        let addr = addr.recv_timeout(support::pages::PATIENCE).unwrap();
        (process, format!("http://{addr}"))
    };
    let answered = Arc::new(Mutex::new(Vec::new()));
    for round in 0..ROUNDS / 2 {
        let (hub, base) = start();
        let stop_at = rx.got().len() + 5 + round * 7;
        let openers: Vec<_> = (0..OPENERS)
            .map(|o| {
                tokio::spawn(open_until_gone(
                    base.clone(),
                    answered.clone(),
                    round * 100 + o,
                ))
            })
            .collect();
        rx.until(&format!("{stop_at} pages"), |got| got.len() >= stop_at)
            .await;
        drop(hub);
        for o in openers {
            o.await.unwrap();
        }
    }
    // Started once more, the hub sends what was left; the outcome is read
    // from its database by a hub state of this process.
    let (_hub, base) = start();
    let (hub_config, _) = paging(&config);
    let db_path = db.clone();
    let reader = tokio::task::spawn_blocking(move || {
        HubState::open(oncall::hub::HubSettings::new(db_path, hub_config))
    })
    .await
    .unwrap()
    .unwrap();
    let ids = incident_ids(&base).await;
    let pages = all_delivered(&reader, &ids).await;
    check(&rx, &pages, &answered.lock().await);
    println!(
        "kill test: {} kills, {} incidents, {} pages received",
        ROUNDS / 2,
        pages.len(),
        rx.got().len()
    );
}
