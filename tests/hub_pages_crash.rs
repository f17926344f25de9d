//! No page is lost, and none reaches a receiver under two ids, when the hub
//! dies mid-way: incidents are opened in a burst while their pages go out,
//! the hub is stopped dead after a different number of requests each round
//! (dropped in-process without its graceful stop; or the real `oncall serve`,
//! paging through its real webhook sender, killed with SIGKILL), and started
//! again on the same database. At the
//! end every page queued has been delivered, every incident answered has its
//! pages, and each page arrived under one delivery id however often it went.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::TimeDelta;
use oncall::hub::HubState;
use oncall::hub::deliveries::{DeliveryRecord, DeliveryState};
use oncall::incident::{Incident, IncidentList, Opened};
use support::alertmanager::eventually;
use support::pages::{Received, Receiver, critical, paged_config, paging};
use support::serve::HubFiles;
use support::{ALICE, Backend, TestHub, both_backends};
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

/// Opens incidents at `base` from [`OPENERS`] clients, as fast as it
/// answers, until `rx` has had `stop_at` requests; the openers, still
/// running, for the caller to stop the hub under and then join.
async fn burst(
    rx: &Receiver,
    base: &str,
    answered: &Arc<Mutex<Vec<u64>>>,
    round: usize,
    stop_at: usize,
) -> Vec<tokio::task::JoinHandle<()>> {
    let openers = (0..OPENERS)
        .map(|o| {
            tokio::spawn(open_until_gone(
                base.to_string(),
                answered.clone(),
                round * 100 + o,
            ))
        })
        .collect();
    rx.until(&format!("{stop_at} pages"), |got| got.len() >= stop_at)
        .await;
    openers
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

async fn no_page_is_lost_or_doubled_when_the_hub_is_dropped_mid_way(backend: Backend) {
    let rx = Receiver::start().await;
    let (config, pages) = paging(&paged_config(&rx));
    let mut hub = TestHub::with_pages_on(backend, config, pages).await;
    let answered = Arc::new(Mutex::new(Vec::new()));
    for round in 0..ROUNDS {
        let stop_at = rx.got().len() + 3 + round * 5;
        let openers = burst(&rx, &hub.base, &answered, round, stop_at).await;
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
both_backends!(
    no_page_is_lost_or_doubled_when_the_hub_is_dropped_mid_way,
    flavor = "multi_thread",
    worker_threads = 4
);

/// The pages the real hub sent, as webhook bodies: each (incident, contact,
/// event) reached `rx` under one delivery id however often it went, and
/// every incident in `answered` reached alice's two contacts and the team.
fn check_webhooks(rx: &Receiver, answered: &[u64]) {
    let mut ids_of: BTreeMap<(u64, String, String), BTreeSet<String>> = BTreeMap::new();
    for r in rx.recorded() {
        let body = r.json();
        let incident = body["incident"]["id"].as_u64().unwrap_or(0);
        let event = body["event"].as_str().unwrap_or_default().to_string();
        let id = r
            .header("x-oncall-delivery")
            .unwrap_or_default()
            .to_string();
        assert_eq!(
            body["delivery_id"],
            id.as_str(),
            "the header names the body's delivery"
        );
        ids_of
            .entry((incident, r.who().to_string(), event))
            .or_default()
            .insert(id);
    }
    for ((incident, who, event), ids) in &ids_of {
        assert_eq!(
            ids.len(),
            1,
            "#{incident} {event} reached {who} under {ids:?}"
        );
    }
    for id in answered {
        for who in ["alice-now", "alice-later", "team"] {
            let key = (*id, who.to_string(), "opened".to_string());
            assert!(ids_of.contains_key(&key), "#{id} never reached {who}");
        }
    }
}

/// Waits until the timeline of every incident at `base` says its three
/// pages were delivered; how many incidents that was.
async fn all_delivered_at(base: &str) -> usize {
    let http = oncall::feed::http::client_builder().build().unwrap();
    let ids = incident_ids(base).await;
    for &id in &ids {
        eventually(&format!("every page of #{id} delivered"), || async {
            let incident: Incident = http
                .get(format!("{base}/api/v1/incidents/{id}"))
                .bearer_auth(ALICE)
                .send()
                .await
                .map_err(|e| e.to_string())?
                .json()
                .await
                .map_err(|e| e.to_string())?;
            let delivered = |who: &str| {
                let said = format!("paged {who} by webhook: delivered");
                incident
                    .timeline
                    .iter()
                    .filter(|e| e.text.starts_with(&said))
                    .count()
            };
            if (delivered("alice"), delivered("team")) == (2, 1) {
                Ok(())
            } else {
                Err(format!("{:#?}", incident.timeline))
            }
        })
        .await;
    }
    ids.len()
}

/// The real `oncall serve`, sending through its real webhook sender, killed
/// with SIGKILL while pages are queued and in flight, again and again.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_page_is_lost_or_doubled_when_the_hub_is_killed() {
    let rx = Receiver::start().await;
    let dir = tempfile::tempdir().unwrap();
    // alice's second contact a second in, so it is due within the test.
    let config = paged_config(&rx).replace("after = \"5m\"", "after = \"1s\"");
    let mut files = HubFiles::new(dir.path(), &config);
    files.env.push((
        "ONCALL_NOTIFY_SECRET".into(),
        "sixteen bytes or more of secret".into(),
    ));
    let answered = Arc::new(Mutex::new(Vec::new()));
    for round in 0..ROUNDS / 2 {
        let hub = files.start();
        let stop_at = rx.recorded().len() + 5 + round * 7;
        let openers = burst(&rx, &hub.base, &answered, round, stop_at).await;
        hub.kill();
        for o in openers {
            o.await.unwrap();
        }
    }
    // Started once more, the hub sends what was left: what was in flight
    // when it was killed at once, under the ids it had.
    let hub = files.start();
    let incidents = all_delivered_at(&hub.base).await;
    check_webhooks(&rx, &answered.lock().await);
    println!(
        "kill test: {} kills, {incidents} incidents, {} pages received",
        ROUNDS / 2,
        rx.recorded().len()
    );
}
