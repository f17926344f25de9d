//! Who holds an incident, over a real hub on 127.0.0.1 with a manual clock
//! (SQLite, and PostgreSQL with `--features postgres`), paging a real
//! receiver: taking an incident over and reassigning it (`assign`), giving
//! it back (`unacknowledge`) and snoozing it (`snooze`, its end run by the
//! timers with the clock moved). Each route: what it does, each refusal, a
//! repeat under its Idempotency-Key answered once, and the timeline entry
//! saying who did what and when.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use chrono::TimeDelta;
use oncall::hub::deliveries::PageEvent;
use oncall::incident::{EventKind, Incident, Status};
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::pages::{Receiver, critical, paging_hub};
use support::timeline::{all_refused, count, last, refused_to_integrations_and_once_resolved};
use support::{ALICE, BOB, Backend, TestHub, both_backends, expect};

/// A critical db incident (alice's, paged), acknowledged by alice once
/// the hub has recorded how its pages went, so that nothing more comes
/// onto its timeline by itself.
async fn acknowledged(hub: &TestHub, rx: &Receiver, title: &str) -> Incident {
    let inc = hub.open(&critical(title)).await;
    rx.until_got("alice-now", 1).await;
    for whom in ["alice", "team"] {
        let told = format!("paged {whom} by webhook: delivered (200 OK)");
        hub.until_timeline(inc.id, &told).await;
    }
    hub.acted(ALICE, inc.id, "acknowledge", &json!({})).await
}

async fn taking_over_makes_it_yours_and_reassigning_pages_the_new_owner(backend: Backend) {
    let rx = Receiver::start().await;
    let hub = paging_hub(backend, &rx).await;
    let inc = acknowledged(&hub, &rx, "disk full on db-1").await;

    let body = json!({"to": "bob"});
    let taken: Incident = expect(
        hub.keyed(BOB, inc.id, "assign", &body, "take-1").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(taken.status, Status::Acknowledged);
    assert_eq!(taken.owner.as_deref(), Some("bob"));
    assert_eq!(taken.previous_owner.as_deref(), Some("alice"));
    assert_eq!(taken.assigned_by.as_deref(), Some("bob"));
    let entry = last(&taken);
    assert_eq!(
        (entry.kind, entry.who.as_str(), entry.text.as_str()),
        (EventKind::Assigned, "bob", "took it over from alice")
    );
    assert_eq!(entry.at, hub.clock_now());
    // The list carries what the previous owner's console needs.
    let listed: Value = expect(hub.get(ALICE, "/api/v1/incidents").await, StatusCode::OK).await;
    let row = &listed["incidents"][0];
    assert_eq!(row["previous_owner"], "alice");
    assert_eq!(row["assigned_by"], "bob");

    // The same request under the same key: the first answer, nothing new.
    let again: Incident = expect(
        hub.keyed(BOB, inc.id, "assign", &body, "take-1").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again, taken);
    assert_eq!(hub.incident(inc.id).await.version, taken.version);
    // Taking over what one holds, acknowledged, changes nothing.
    let same = hub.acted(BOB, inc.id, "assign", &body).await;
    assert_eq!(same.version, taken.version);

    // bob gives it to alice: it waits for her, and she is paged for it.
    let given = hub
        .acted(BOB, inc.id, "assign", &json!({"to": "alice"}))
        .await;
    assert_eq!(given.status, Status::Triggered);
    assert_eq!(given.owner.as_deref(), Some("alice"));
    assert_eq!(given.previous_owner.as_deref(), Some("bob"));
    assert_eq!(given.assigned_by.as_deref(), Some("bob"));
    assert_eq!(last(&given).text, "reassigned from bob to alice");
    let paged = rx.until_got("alice-now", 2).await;
    assert_eq!(paged[1].delivery.event, PageEvent::Assigned);
    assert_eq!(
        paged[1]
            .delivery
            .incident
            .as_ref()
            .unwrap()
            .owner
            .as_deref(),
        Some("alice")
    );

    // An owner changed any other way forgets the assign.
    let up = hub.acted(ALICE, inc.id, "escalate", &json!({})).await;
    assert_eq!(up.owner.as_deref(), Some("bob"));
    assert_eq!((up.previous_owner, up.assigned_by), (None, None));
}
both_backends!(taking_over_makes_it_yours_and_reassigning_pages_the_new_owner);

async fn assigning_is_refused_with_the_reason(backend: Backend) {
    let rx = Receiver::start().await;
    let hub = paging_hub(backend, &rx).await;
    let inc = hub.open(&critical("disk full")).await;
    let path = format!("/api/v1/incidents/{}/assign", inc.id);
    let (bad, forbidden) = (StatusCode::BAD_REQUEST, StatusCode::FORBIDDEN);
    let to = |name: &str| json!({ "to": name });
    let unknown = "'mallory' is not a responder of this hub; one of alice, bob, carol may";
    let cases = [
        (BOB, to("mallory"), bad, "bad_request", unknown),
        (
            BOB,
            to("alertmanager"),
            forbidden,
            "forbidden",
            "is an integration",
        ),
        (BOB, to("  "), bad, "bad_request", "must name a person"),
        (BOB, to("bob\u{1b}[2J"), bad, "bad_request", "escape"),
        (BOB, json!({"who": "bob"}), bad, "bad_request", ""),
    ];
    all_refused(&hub, &path, &cases).await;
    let missing = [(BOB, to("bob"), StatusCode::NOT_FOUND, "not_found", "#999")];
    all_refused(&hub, "/api/v1/incidents/999/assign", &missing).await;
    let words = "cannot be reassigned";
    refused_to_integrations_and_once_resolved(&hub, inc.id, &path, to("bob"), words).await;
    assert_eq!(count(&hub.incident(inc.id).await, EventKind::Assigned), 0);
}
both_backends!(assigning_is_refused_with_the_reason);

async fn giving_back_triggers_it_again_and_pages_by_its_policy(backend: Backend) {
    let rx = Receiver::start().await;
    let hub = paging_hub(backend, &rx).await;
    let inc = acknowledged(&hub, &rx, "replica lag").await;
    let path = format!("/api/v1/incidents/{}/unacknowledge", inc.id);
    let taken = hub
        .acted(BOB, inc.id, "assign", &json!({"to": "bob"}))
        .await;
    assert_eq!(taken.owner.as_deref(), Some("bob"));

    let body = json!({"note": "off to a meeting"});
    let back: Incident = expect(
        hub.keyed(BOB, inc.id, "unacknowledge", &body, "back-1")
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(back.status, Status::Triggered);
    assert_eq!(
        back.owner.as_deref(),
        Some("alice"),
        "level 1 reaches alice"
    );
    let entry = last(&back);
    assert_eq!(
        (entry.kind, entry.who.as_str(), entry.text.as_str()),
        (
            EventKind::Unacknowledged,
            "bob",
            "gave it back: paging alice (1st line): off to a meeting"
        )
    );
    let paged = rx.until_got("alice-now", 2).await;
    assert_eq!(paged[1].delivery.event, PageEvent::Unacknowledged);
    let again: Incident = expect(
        hub.keyed(BOB, inc.id, "unacknowledge", &body, "back-1")
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again, back);
    assert_eq!(
        count(&hub.incident(inc.id).await, EventKind::Unacknowledged),
        1
    );

    // Unacknowledged now: nothing to give back.
    let conflict = StatusCode::CONFLICT;
    let cases = [
        (
            BOB,
            json!({}),
            conflict,
            "not_acknowledged",
            "nothing to give back",
        ),
        (
            BOB,
            json!({"note": "x".repeat(16 * 1024 + 1)}),
            StatusCode::BAD_REQUEST,
            "bad_request",
            "16 KiB",
        ),
    ];
    all_refused(&hub, &path, &cases).await;
    let words = "nothing to give back";
    refused_to_integrations_and_once_resolved(&hub, inc.id, &path, json!({}), words).await;
}
both_backends!(giving_back_triggers_it_again_and_pages_by_its_policy);

async fn a_snooze_ends_on_the_hubs_clock_once_and_pages_again(backend: Backend) {
    let rx = Receiver::start().await;
    let hub = paging_hub(backend, &rx).await;
    let inc = acknowledged(&hub, &rx, "disk full").await;
    let body = json!({"for": "30m"});
    let snoozed: Incident = expect(
        hub.keyed(ALICE, inc.id, "snooze", &body, "zz-1").await,
        StatusCode::OK,
    )
    .await;
    let until = hub.clock_now() + TimeDelta::minutes(30);
    assert_eq!(snoozed.snoozed_until, Some(until));
    assert_eq!(snoozed.status, Status::Acknowledged);
    let entry = last(&snoozed);
    assert_eq!(
        (entry.kind, entry.who.as_str(), entry.text.as_str()),
        (
            EventKind::Snoozed,
            "alice",
            "snoozed for 30m, until 08:30:00 UTC"
        )
    );
    let again: Incident = expect(
        hub.keyed(ALICE, inc.id, "snooze", &body, "zz-1").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again, snoozed);

    hub.advance(TimeDelta::minutes(29));
    assert!(hub.state().timers().await.unwrap().unsnoozed.is_empty());
    assert_eq!(hub.incident(inc.id).await.status, Status::Acknowledged);
    hub.advance(TimeDelta::minutes(1));
    let done = hub.state().timers().await.unwrap();
    assert_eq!(done.unsnoozed, [inc.id]);
    assert!(done.escalated.is_empty(), "its level's timer started over");
    let over = hub.incident(inc.id).await;
    assert_eq!((over.status, over.snoozed_until), (Status::Triggered, None));
    let entry = last(&over);
    assert_eq!(
        (entry.kind, entry.who.as_str(), entry.text.as_str()),
        (
            EventKind::Unsnoozed,
            "the hub",
            "the snooze is over: triggered again, paging alice"
        )
    );
    let paged = rx.until_got("alice-now", 2).await;
    assert_eq!(paged[1].delivery.event, PageEvent::SnoozeOver);
    // Once: the next pass finds nothing.
    assert!(hub.state().timers().await.unwrap().unsnoozed.is_empty());
    assert_eq!(count(&hub.incident(inc.id).await, EventKind::Unsnoozed), 1);
}
both_backends!(a_snooze_ends_on_the_hubs_clock_once_and_pages_again);

async fn acknowledging_again_or_reassigning_ends_a_snooze(backend: Backend) {
    let rx = Receiver::start().await;
    let hub = paging_hub(backend, &rx).await;
    let inc = acknowledged(&hub, &rx, "disk full").await;
    let snoozed = hub
        .acted(ALICE, inc.id, "snooze", &json!({"for": 45}))
        .await;
    assert_eq!(
        snoozed.snoozed_until,
        Some(hub.clock_now() + TimeDelta::seconds(45)),
        "a number is seconds"
    );
    assert_eq!(last(&snoozed).text, "snoozed for 45s, until 08:00:45 UTC");
    let acked = hub.acted(ALICE, inc.id, "acknowledge", &json!({})).await;
    assert_eq!(acked.snoozed_until, None);
    assert_eq!(last(&acked).text, "acknowledged again: the snooze is over");

    hub.acted(ALICE, inc.id, "snooze", &json!({"for": "90s"}))
        .await;
    let taken = hub
        .acted(BOB, inc.id, "assign", &json!({"to": "bob"}))
        .await;
    assert_eq!(taken.snoozed_until, None);
    hub.advance(TimeDelta::minutes(2));
    assert!(hub.state().timers().await.unwrap().unsnoozed.is_empty());
    assert_eq!(hub.incident(inc.id).await.status, Status::Acknowledged);
}
both_backends!(acknowledging_again_or_reassigning_ends_a_snooze);

async fn snoozing_is_refused_with_the_reason(backend: Backend) {
    let rx = Receiver::start().await;
    let hub = paging_hub(backend, &rx).await;
    let inc = hub.open(&critical("disk full")).await;
    let path = format!("/api/v1/incidents/{}/snooze", inc.id);
    let (bad, conflict) = (StatusCode::BAD_REQUEST, StatusCode::CONFLICT);
    let half_hour = json!({"for": "30m"});
    let first = [(
        ALICE,
        half_hour.clone(),
        conflict,
        "not_acknowledged",
        "acknowledge it first",
    )];
    all_refused(&hub, &path, &first).await;
    hub.acted(ALICE, inc.id, "acknowledge", &json!({})).await;
    let cases = [
        (
            ALICE,
            json!({"for": "soon"}),
            bad,
            "bad_request",
            "for: 'soon' is not a duration",
        ),
        (ALICE, json!({"for": 0}), bad, "bad_request", "above zero"),
        (
            ALICE,
            json!({"for": "25h"}),
            bad,
            "bad_request",
            "at most 24h",
        ),
        (ALICE, json!({"for": -5}), bad, "bad_request", ""),
        (ALICE, json!({}), bad, "bad_request", ""),
    ];
    all_refused(&hub, &path, &cases).await;
    let words = "nothing to snooze";
    refused_to_integrations_and_once_resolved(&hub, inc.id, &path, half_hour, words).await;
    assert_eq!(count(&hub.incident(inc.id).await, EventKind::Snoozed), 0);
}
both_backends!(snoozing_is_refused_with_the_reason);

/// Several hubs on one PostgreSQL database: each one's timers end a snooze,
/// and it ends once.
#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hubs_end_a_snooze_once() {
    let rx = Receiver::start().await;
    let a = paging_hub(Backend::Postgres, &rx).await;
    let b = a.beside().await;
    let mut snoozed = Vec::new();
    for n in 0..5 {
        let inc = a.open(&critical(&format!("disk full {n}"))).await;
        a.acted(ALICE, inc.id, "acknowledge", &json!({})).await;
        b.acted(ALICE, inc.id, "snooze", &json!({"for": "10m"}))
            .await;
        snoozed.push(inc.id);
    }
    a.advance(TimeDelta::minutes(10));
    let passes = [&a, &b, &a, &b].map(|hub| hub.state().timers());
    let mut ended: Vec<u64> = futures::future::join_all(passes)
        .await
        .into_iter()
        .flat_map(|done| done.unwrap().unsnoozed)
        .collect();
    ended.sort();
    assert_eq!(ended, snoozed);
    for id in snoozed {
        let inc = b.incident(id).await;
        assert_eq!(inc.status, Status::Triggered);
        assert_eq!(count(&inc, EventKind::Unsnoozed), 1);
    }
    a.stop().await;
    b.stop().await;
}
