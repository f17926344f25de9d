//! The queue in the database: deliveries queued with the change that pages
//! them (or not at all), taken under a lease and taken again when it runs
//! out, cancelled by an acknowledgement, and recorded with their timeline
//! entry.
use chrono::TimeDelta;

use crate::hub::apply::Applied;
use crate::hub::change::{Change, Outcome, Settled};
use crate::hub::deliveries::{DeliveryRecord, DeliveryState, SendOutcome};
use crate::hub::rules::Attempted;
use crate::hub::store::sqlite::SqliteStore;
use crate::hub::store::{Store, StoreError};
use crate::hub::test_store::{TestStore, t0};
use crate::incident::{AckRequest, EventKind, NewIncident, Severity};

fn new(title: &str) -> NewIncident {
    NewIncident {
        title: title.into(),
        service: "db".into(),
        severity: Severity::Critical,
        ..NewIncident::default()
    }
}

async fn open(hub: &TestStore, title: &str) -> u64 {
    hub.changed("am", Change::Open(new(title))).await.id
}

async fn queue(hub: &TestStore, id: u64) -> Vec<DeliveryRecord> {
    hub.store.deliveries(Some(id)).await.unwrap()
}

/// (recipient, via, state) of each delivery.
fn states(queue: &[DeliveryRecord]) -> Vec<(String, &'static str, DeliveryState)> {
    queue
        .iter()
        .map(|r| {
            let d = &r.delivery;
            (
                d.recipient.name().to_string(),
                d.contact.via.as_str(),
                r.state,
            )
        })
        .collect()
}

fn lease(minutes: i64) -> chrono::DateTime<chrono::Utc> {
    t0() + TimeDelta::minutes(minutes)
}

#[tokio::test]
async fn an_opening_queues_its_pages_in_its_own_commit() {
    let hub = TestStore::paging();
    let applied = hub.apply("am", None, Change::Open(new("disk full"))).await;
    let Applied::Now {
        result: Ok(Outcome::Opened(opened)),
        paged,
        ..
    } = applied
    else {
        panic!("{applied:?}");
    };
    assert!(paged, "the worker is to be woken");
    let queue = queue(&hub, opened.incident.id).await;
    use DeliveryState::Queued;
    assert_eq!(
        states(&queue),
        [
            ("alice".into(), "ntfy", Queued),
            ("alice".into(), "email", Queued),
            ("team-chat".into(), "slack", Queued)
        ]
    );
    assert!(
        queue
            .iter()
            .all(|r| r.delivery.round == 1 && r.started_at == t0())
    );
    assert_eq!(queue[1].due_at, t0() + TimeDelta::minutes(5));
    assert_eq!(queue[1].delivery.contact.after.as_secs(), 300);
    let ids: std::collections::BTreeSet<_> = queue.iter().map(|r| &r.delivery.id).collect();
    assert_eq!(ids.len(), 3);
    assert!(
        ids.iter()
            .all(|id| id.starts_with("dlv_") && id.len() == 36)
    );
    // A note pages nobody, and says so to the caller.
    let noted = hub
        .apply(
            "alice",
            None,
            Change::Note {
                id: opened.incident.id,
                req: crate::incident::NoteRequest { text: "x".into() },
            },
        )
        .await;
    assert!(matches!(noted, Applied::Now { paged: false, .. }));
}

#[tokio::test]
async fn a_change_that_fails_halfway_queues_nothing() {
    let hub = TestStore::paging();
    hub.fail_from_the_second_incident();
    let both = Change::OpenMany(vec![new("disk full"), new("replica lag")]);
    let failed = hub.store.apply(hub.work("am", None, both)).await;
    assert!(matches!(failed, Err(StoreError::Db(_))), "{failed:?}");
    let none = hub.store.next_delivery_at(Vec::new()).await.unwrap();
    assert_eq!(none, None, "the first incident's pages went with it");
}

#[tokio::test]
async fn what_is_due_is_taken_under_a_lease_and_taken_again_only_once_it_runs_out() {
    let hub = TestStore::paging();
    let id = open(&hub, "disk full").await;
    let store = &hub.store;
    assert_eq!(
        store.next_delivery_at(Vec::new()).await.unwrap(),
        Some(t0())
    );
    let taken = store
        .claim_deliveries(t0(), lease(1), 10, Vec::new())
        .await
        .unwrap();
    let mut names: Vec<_> = taken.iter().map(|d| d.contact.via.as_str()).collect();
    names.sort();
    assert_eq!(names, ["ntfy", "slack"], "the email is due in 5 minutes");
    assert!(taken.iter().all(|d| d.attempt == 1));
    assert_eq!(
        store.next_delivery_at(Vec::new()).await.unwrap(),
        Some(lease(1)),
        "the leases end before the email is due"
    );
    let skip: Vec<String> = taken.iter().map(|d| d.id.clone()).collect();
    assert_eq!(
        store.next_delivery_at(skip.clone()).await.unwrap(),
        Some(lease(5))
    );
    let again = store.claim_deliveries(t0(), lease(1), 10, Vec::new()).await;
    assert!(again.unwrap().is_empty(), "leased: nobody else takes them");
    // The hub died: its leases run out, and the same deliveries go again.
    let retaken = store
        .claim_deliveries(lease(1), lease(2), 10, skip[..1].to_vec())
        .await
        .unwrap();
    assert_eq!(retaken.len(), 1, "one of them is still in flight here");
    assert_eq!(
        (retaken[0].id.clone(), retaken[0].attempt),
        (skip[1].clone(), 2)
    );
    let rows = queue(&hub, id).await;
    let row = rows.iter().find(|r| r.delivery.id == skip[1]).unwrap();
    assert_eq!(
        (row.state, row.lease_until),
        (DeliveryState::Sending, Some(lease(2)))
    );
    let limited = store
        .claim_deliveries(lease(10), lease(11), 1, Vec::new())
        .await
        .unwrap();
    assert_eq!(limited.len(), 1, "no more than asked for");
}

#[tokio::test]
async fn a_hub_opening_its_file_sends_what_its_dead_predecessor_had_in_flight_at_once() {
    let hub = TestStore::paging();
    open(&hub, "disk full").await;
    let taken = hub
        .store
        .claim_deliveries(t0(), lease(1), 10, Vec::new())
        .await
        .unwrap();
    assert_eq!(taken.len(), 2);
    let restarted = SqliteStore::open(&hub.dir.path().join("hub.db")).unwrap();
    let again = restarted
        .claim_deliveries(t0(), lease(1), 10, Vec::new())
        .await
        .unwrap();
    let ids = |d: &[crate::hub::deliveries::Delivery]| {
        let mut ids: Vec<_> = d.iter().map(|d| d.id.clone()).collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(&again), ids(&taken), "the same pages, the same ids");
    assert!(again.iter().all(|d| d.attempt == 2), "{again:#?}");
}

#[tokio::test]
async fn acknowledging_cancels_what_waits_and_stops_what_is_on_its_way_failing() {
    let hub = TestStore::paging();
    let id = open(&hub, "disk full").await;
    let taken = hub
        .store
        .claim_deliveries(t0(), lease(1), 10, Vec::new())
        .await
        .unwrap();
    let ack = Change::Acknowledge {
        id,
        req: AckRequest::default(),
    };
    hub.changed("alice", ack).await;
    use DeliveryState::{Cancelled, Queued, Sending};
    assert_eq!(
        states(&queue(&hub, id).await),
        [
            ("alice".into(), "ntfy", Sending),
            ("alice".into(), "email", Cancelled),
            ("team-chat".into(), "slack", Sending)
        ]
    );
    // The attempts on their way fail: alice's page is over, the channel's
    // message is not.
    for d in &taken {
        let failed = Change::Delivery(Attempted {
            id: d.id.clone(),
            attempt: 1,
            outcome: SendOutcome::failed("connection refused", true),
            jitter: 0,
        });
        hub.made("the hub", failed).await.unwrap();
    }
    assert_eq!(
        states(&queue(&hub, id).await),
        [
            ("alice".into(), "ntfy", Cancelled),
            ("alice".into(), "email", Cancelled),
            ("team-chat".into(), "slack", Queued)
        ]
    );
}

#[tokio::test]
async fn a_page_that_ended_while_its_hub_was_dead_is_not_sent_again() {
    let hub = TestStore::paging();
    let id = open(&hub, "disk full").await;
    hub.store
        .claim_deliveries(t0(), lease(1), 10, Vec::new())
        .await
        .unwrap();
    let resolve = Change::Resolve {
        id,
        req: Default::default(),
    };
    hub.changed("alice", resolve).await;
    let again = hub
        .store
        .claim_deliveries(lease(2), lease(3), 10, Vec::new())
        .await
        .unwrap();
    let whom: Vec<_> = again.iter().map(|d| d.recipient.name()).collect();
    assert_eq!(whom, ["team-chat", "team-chat"], "opened, then resolved");
    let rows = queue(&hub, id).await;
    assert_eq!(
        rows[0].state,
        DeliveryState::Cancelled,
        "alice's ntfy: over"
    );
}

#[tokio::test]
async fn an_outcome_is_recorded_with_its_timeline_entry_and_a_late_one_changes_nothing() {
    let hub = TestStore::paging();
    let id = open(&hub, "disk full").await;
    let taken = hub
        .store
        .claim_deliveries(t0(), lease(1), 10, Vec::new())
        .await
        .unwrap();
    let ntfy = taken
        .iter()
        .find(|d| d.contact.via.as_str() == "ntfy")
        .unwrap();
    let report = |outcome| {
        Change::Delivery(Attempted {
            id: ntfy.id.clone(),
            attempt: 1,
            outcome,
            jitter: 0,
        })
    };
    let seq = hub.seq().await;
    let due_at = queue(&hub, id).await[0].due_at;
    hub.at(1);
    let failed = hub
        .made(
            "the hub",
            report(SendOutcome::failed("connection refused", true)),
        )
        .await;
    assert_eq!(
        failed.unwrap(),
        Outcome::Delivery(Some(Settled {
            state: DeliveryState::Queued,
            due_at
        }))
    );
    let row = queue(&hub, id).await.remove(0);
    assert_eq!(row.next_attempt_at, lease(1) + TimeDelta::seconds(1));
    assert_eq!(
        (row.lease_until, row.last_error.as_deref()),
        (None, Some("connection refused"))
    );
    let incident = hub.store.get(id).await.unwrap();
    let last = incident.timeline.last().unwrap();
    assert_eq!(
        (last.kind, last.who.as_str()),
        (EventKind::Paged, "the hub")
    );
    assert_eq!(
        last.text,
        "paged alice by ntfy: failed: connection refused, trying again"
    );
    assert_eq!(
        hub.seq().await,
        seq + 1,
        "consoles see it in their next poll"
    );
    let late = hub
        .made("the hub", report(SendOutcome::failed("timed out", true)))
        .await;
    assert_eq!(late.unwrap(), Outcome::Delivery(None));
    assert_eq!(hub.seq().await, seq + 1);
    let took = hub
        .made("the hub", report(SendOutcome::accepted("200 OK")))
        .await;
    assert_eq!(
        took.unwrap(),
        Outcome::Delivery(Some(Settled {
            state: DeliveryState::Delivered,
            due_at
        }))
    );
    let row = queue(&hub, id).await.remove(0);
    assert_eq!(
        (row.state, row.answered_at),
        (DeliveryState::Delivered, Some(lease(1)))
    );
    let later = hub
        .store
        .claim_deliveries(lease(60), lease(61), 10, Vec::new())
        .await
        .unwrap();
    assert!(
        later.iter().all(|d| d.id != ntfy.id),
        "delivered is never sent again"
    );
}

#[tokio::test]
async fn escalating_starts_a_new_round_for_the_new_owner() {
    let hub = TestStore::paging();
    let id = open(&hub, "disk full").await;
    hub.at(2);
    let escalate = Change::Escalate {
        id,
        req: Default::default(),
    };
    hub.changed("alice", escalate).await;
    let rows = queue(&hub, id).await;
    let rounds: Vec<_> = rows
        .iter()
        .map(|r| (r.delivery.round, r.delivery.recipient.name(), r.state))
        .collect();
    use DeliveryState::{Cancelled, Queued};
    assert_eq!(
        rounds,
        [
            (1, "alice", Cancelled),
            (1, "alice", Cancelled),
            (1, "team-chat", Queued),
            (2, "bob", Queued),
            (2, "stakeholders", Queued)
        ]
    );
    assert_eq!(rows[3].started_at, lease(2));
}

#[tokio::test]
async fn the_timers_repeat_an_unanswered_page_and_retrigger_a_forgotten_acknowledgement() {
    let hub = TestStore::paging();
    let id = open(&hub, "disk full").await;
    let timers = async |minutes| match hub
        .at(minutes)
        .made("the hub", Change::EscalateOverdue)
        .await
    {
        Ok(Outcome::Timers(done)) => (done.escalated, done.repeated, done.retriggered),
        other => panic!("{other:?}"),
    };
    let none = Vec::<u64>::new;
    assert_eq!(timers(9).await, (none(), none(), none()));
    assert_eq!(
        timers(10).await,
        (none(), vec![id], none()),
        "10m unanswered"
    );
    let round = |rows: &[DeliveryRecord], n: u32| -> Vec<(String, DeliveryState)> {
        rows.iter()
            .filter(|r| r.delivery.round == n)
            .map(|r| (r.delivery.contact.via.as_str().to_string(), r.state))
            .collect()
    };
    let rows = queue(&hub, id).await;
    use DeliveryState::{Cancelled, Queued};
    assert_eq!(
        round(&rows, 1)[1],
        ("email".into(), Cancelled),
        "contacts from the start"
    );
    assert_eq!(
        round(&rows, 2),
        [("ntfy".into(), Queued), ("email".into(), Queued)],
        "a repeat tells no channel"
    );
    assert_eq!(
        timers(15).await,
        (vec![id], none(), none()),
        "the level's 15m are up"
    );
    assert_eq!(
        round(&queue(&hub, id).await, 3)[0].0,
        "webhook",
        "bob's page"
    );
    hub.at(16);
    let ack = Change::Acknowledge {
        id,
        req: AckRequest::default(),
    };
    hub.changed("bob", ack).await;
    assert_eq!(timers(16 + 239).await, (none(), none(), none()));
    assert_eq!(timers(16 + 240).await, (none(), none(), vec![id]));
    let incident = hub.store.get(id).await.unwrap();
    assert_eq!(incident.status, crate::incident::Status::Triggered);
    assert_eq!(
        (incident.escalation_level, incident.owner.as_deref()),
        (2, Some("bob"))
    );
    let last = incident.timeline.last().unwrap();
    assert_eq!(
        (last.kind, last.who.as_str()),
        (EventKind::Retriggered, "the hub")
    );
    let rows = queue(&hub, id).await;
    assert_eq!(
        round(&rows, 4),
        [("webhook".into(), Queued)],
        "bob is paged again"
    );
    assert_eq!(rows.last().unwrap().delivery.event.as_str(), "ack_timeout");
    assert_eq!(
        timers(16 + 240 + 14).await,
        (none(), vec![id], none()),
        "the level's timer started over; the repeat counts from the new round"
    );
}
