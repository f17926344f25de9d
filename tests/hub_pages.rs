//! The hub pages people, end to end: a real hub on 127.0.0.1 with a SQLite
//! file (and with `--features postgres` a PostgreSQL database) and a manual
//! clock, its delivery worker sending to a real receiver
//! over loopback. What pages whom (a new incident, an escalation by hand or
//! by the timers, a hand-off, a repeat, an ack timeout), acknowledging
//! stopping the rest, the timeline saying how each page went, and a receiver
//! that is down, then failing, then slow, which gets its page once it
//! recovers while nobody else waits for it.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use chrono::TimeDelta;
use oncall::hub::deliveries::{DeliverySettings, DeliveryState, PageEvent, Recipient};
use oncall::incident::{EventKind, Status};
use reqwest::StatusCode;
use serde_json::json;
use support::pages::{Answer, Receiver, critical, paged_config_split, paging, paging_hub};
use support::{ALICE, BOB, Backend, TestHub, both_backends, incident};

fn minutes(m: i64) -> TimeDelta {
    TimeDelta::minutes(m)
}

async fn a_new_incident_pages_its_owner_at_once_and_the_next_contact_after_its_wait(
    backend: Backend,
) {
    let rx = Receiver::start().await;
    let hub = paging_hub(backend, &rx).await;
    let inc = hub.open(&critical("disk full on db-1")).await;
    let now = rx.until_got("alice-now", 1).await;
    let page = &now[0];
    assert_eq!(page.id, page.delivery.id, "the header names the delivery");
    assert!(page.id.starts_with("dlv_"), "{}", page.id);
    let d = &page.delivery;
    assert_eq!(d.event, PageEvent::Opened);
    assert_eq!(d.recipient, Recipient::Person("alice".into()));
    assert_eq!((d.attempt, d.round, d.contact_index), (1, 1, 0));
    let paged = d.incident.as_ref().unwrap();
    assert_eq!(
        (paged.id, paged.title.as_str(), paged.owner.as_deref()),
        (inc.id, "disk full on db-1", Some("alice"))
    );
    let team = rx.until_got("team", 1).await;
    assert_eq!(
        team[0].delivery.recipient,
        Recipient::Channel("team".into())
    );
    let seen = hub
        .until_timeline(inc.id, "paged alice by webhook: delivered (200 OK)")
        .await;
    let entry = seen
        .timeline
        .iter()
        .find(|e| e.kind == EventKind::Paged)
        .unwrap();
    assert_eq!(entry.who, "the hub");
    hub.until_timeline(inc.id, "paged team by webhook: delivered (200 OK)")
        .await;
    assert!(rx.got_by("alice-later").is_empty(), "not due for 5 minutes");
    hub.advance(minutes(5));
    let later = rx.until_got("alice-later", 1).await;
    assert_eq!(later[0].delivery.contact_index, 1);
    hub.until_deliveries(Some(inc.id), "every page delivered", |d| {
        d.iter().all(|r| r.state == DeliveryState::Delivered)
    })
    .await;
}
both_backends!(a_new_incident_pages_its_owner_at_once_and_the_next_contact_after_its_wait);

async fn below_min_severity_nobody_is_paged(backend: Backend) {
    let rx = Receiver::start().await;
    let hub = paging_hub(backend, &rx).await;
    let quiet = hub.open(&incident("a warning")).await;
    let loud = hub.open(&critical("a critical")).await;
    let got = rx.until_got("alice-now", 1).await;
    assert_eq!(got[0].delivery.incident.as_ref().unwrap().id, loud.id);
    assert!(hub.never_paged(quiet.id).await);
}
both_backends!(below_min_severity_nobody_is_paged);

async fn acknowledging_stops_the_pages_still_waiting(backend: Backend) {
    let rx = Receiver::start().await;
    let hub = paging_hub(backend, &rx).await;
    let first = hub.open(&critical("disk full")).await;
    rx.until_got("alice-now", 1).await;
    hub.acted(ALICE, first.id, "acknowledge", &json!({})).await;
    let rows = hub.state().deliveries(Some(first.id)).await.unwrap();
    let later = rows.iter().find(|r| r.delivery.contact_index == 1).unwrap();
    assert_eq!(later.state, DeliveryState::Cancelled);
    // Once its time has come, the worker sends the next page due, and not
    // the cancelled one.
    hub.advance(minutes(5));
    let second = hub.open(&critical("replica lag")).await;
    hub.advance(minutes(5));
    let got = rx.until_got("alice-later", 1).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].delivery.incident.as_ref().unwrap().id, second.id);
}
both_backends!(acknowledging_stops_the_pages_still_waiting);

async fn an_escalation_by_hand_or_by_the_timers_pages_the_new_owner(backend: Backend) {
    let rx = Receiver::start().await;
    let hub = paging_hub(backend, &rx).await;
    let by_hand = hub.open(&critical("disk full")).await;
    let by_timer = hub.open(&critical("replica lag")).await;
    rx.until_got("alice-now", 2).await;
    let up = hub.acted(ALICE, by_hand.id, "escalate", &json!({})).await;
    assert_eq!(up.owner.as_deref(), Some("bob"));
    let got = rx.until_got("bob", 1).await;
    assert_eq!(got[0].delivery.event, PageEvent::Escalated);
    assert_eq!(got[0].delivery.incident.as_ref().unwrap().id, by_hand.id);
    hub.clock.advance(minutes(15));
    let escalated = hub.escalate_overdue().await;
    assert!(escalated.contains(&by_timer.id), "{escalated:?}");
    let got = rx.until_got("bob", 2).await;
    let paged = got[1].delivery.incident.as_ref().unwrap();
    assert_eq!((paged.id, paged.level), (by_timer.id, 2));
    assert_eq!(got[1].delivery.event, PageEvent::Escalated);
    hub.until_timeline(
        by_timer.id,
        "paged bob by webhook (escalated): delivered (200 OK)",
    )
    .await;
}
both_backends!(an_escalation_by_hand_or_by_the_timers_pages_the_new_owner);

async fn a_handoff_tells_the_incoming_responder_without_urgency_and_stops_the_outgoings_pages(
    backend: Backend,
) {
    let rx = Receiver::start().await;
    let hub = paging_hub(backend, &rx).await;
    let held = hub.open(&critical("disk full")).await;
    let resp = hub
        .post(
            ALICE,
            "/api/v1/handoff",
            &json!({"to": "bob", "note": "db-2 is flaky"}),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let got = rx.until_got("bob", 1).await;
    let told = &got[0].delivery;
    assert_eq!(
        (told.event, told.incident.is_none()),
        (PageEvent::Handoff, true)
    );
    assert!(!told.event.is_urgent());
    assert_eq!(
        told.detail.as_deref(),
        Some(
            format!(
                "alice handed the shift to bob; passed on: #{}; note: db-2 is flaky",
                held.id
            )
            .as_str()
        )
    );
    let team = rx
        .until_got_all("the hand-off in the team channel", |got| {
            got.iter()
                .any(|r| r.path == "team" && r.delivery.event == PageEvent::Handoff)
        })
        .await;
    assert_eq!(team.iter().filter(|r| r.path == "team").count(), 2);
    hub.until_deliveries(None, "the hand-off's pages delivered", |d| {
        d.len() == 2 && d.iter().all(|r| r.state == DeliveryState::Delivered)
    })
    .await;
    // alice's second contact was to be tried 5 minutes in: she is off shift.
    let rows = hub.state().deliveries(Some(held.id)).await.unwrap();
    let later = rows.iter().find(|r| r.delivery.contact_index == 1).unwrap();
    assert_eq!(later.state, DeliveryState::Cancelled, "{rows:#?}");
}
both_backends!(
    a_handoff_tells_the_incoming_responder_without_urgency_and_stops_the_outgoings_pages
);

async fn an_unanswered_page_repeats_and_a_forgotten_acknowledgement_pages_again(backend: Backend) {
    let rx = Receiver::start().await;
    let hub = paging_hub(backend, &rx).await;
    let inc = hub.open(&critical("disk full")).await;
    let first = rx.until_got("alice-now", 1).await;
    hub.clock.advance(minutes(10));
    let done = hub.state().timers().await.unwrap();
    assert_eq!(done.repeated, [inc.id]);
    let got = rx.until_got("alice-now", 2).await;
    let repeat = &got[1].delivery;
    assert_eq!((repeat.event, repeat.round), (PageEvent::Repeat, 2));
    assert_ne!(repeat.id, first[0].id, "a new round is a new page");
    hub.acted(ALICE, inc.id, "acknowledge", &json!({})).await;
    hub.clock.advance(minutes(4 * 60));
    let done = hub.state().timers().await.unwrap();
    assert_eq!(done.retriggered, [inc.id]);
    let got = rx.until_got("alice-now", 3).await;
    assert_eq!(got[2].delivery.event, PageEvent::AckTimeout);
    let again = hub
        .until_timeline(
            inc.id,
            "paged alice by webhook (ack timeout): delivered (200 OK)",
        )
        .await;
    assert_eq!(again.status, Status::Triggered);
    let why = again
        .timeline
        .iter()
        .find(|e| e.kind == EventKind::Retriggered)
        .unwrap();
    assert_eq!(
        why.text,
        "retriggered: still not resolved 4h after it was acknowledged"
    );
}
both_backends!(an_unanswered_page_repeats_and_a_forgotten_acknowledgement_pages_again);

async fn a_receiver_down_then_failing_then_slow_gets_its_page_and_holds_up_no_one(
    backend: Backend,
) {
    let mut flaky = Receiver::down();
    let rx = Receiver::start().await;
    let (config, pages) = paging(&paged_config_split(&flaky, &rx));
    let hub = TestHub::with_pages_on(backend, config, pages).await;
    let inc = hub.open(&critical("disk full")).await;
    // Down: the team hears of it all the same.
    rx.until_got("team", 1).await;
    hub.until_timeline(
        inc.id,
        "paged alice by webhook: failed: connection refused, trying again",
    )
    .await;
    // Up, and failing.
    flaky.up().await;
    flaky.answer_on("alice-now", Answer::Status(500));
    hub.advance(minutes(1));
    flaky.until_got("alice-now", 1).await;
    hub.until_timeline(
        inc.id,
        "paged alice by webhook: failed: 500 Internal Server Error, trying again",
    )
    .await;
    // Slow: the attempt is held, and another incident's pages go meanwhile.
    flaky.answer_on("alice-now", Answer::Hold);
    hub.advance(minutes(1));
    flaky.until_got("alice-now", 2).await;
    let other = hub.open(&critical("replica lag")).await;
    let team = rx.until_got("team", 2).await;
    assert_eq!(team[1].delivery.incident.as_ref().unwrap().id, other.id);
    hub.until_timeline(other.id, "paged team by webhook: delivered (200 OK)")
        .await;
    flaky.release();
    hub.until_timeline(inc.id, "paged alice by webhook: delivered (200 OK)")
        .await;
    let attempts: Vec<(String, u32)> = flaky
        .got_by("alice-now")
        .iter()
        .filter(|r| r.delivery.incident.as_ref().unwrap().id == inc.id)
        .map(|r| (r.id.clone(), r.delivery.attempt))
        .collect();
    let id = attempts[0].0.clone();
    assert_eq!(
        attempts,
        [(id.clone(), 2), (id, 3)],
        "one page, one id, every attempt"
    );
}
both_backends!(a_receiver_down_then_failing_then_slow_gets_its_page_and_holds_up_no_one);

async fn a_receiver_that_never_answers_costs_one_attempt_its_timeout(backend: Backend) {
    let rx = Receiver::start().await;
    let (config, mut pages) = paging(&support::pages::paged_config(&rx));
    pages.delivery = DeliverySettings {
        attempt_timeout: std::time::Duration::from_millis(200),
        ..DeliverySettings::default()
    };
    let hub = TestHub::with_pages_on(backend, config, pages).await;
    rx.answer_on("alice-now", Answer::Hold);
    let inc = hub.open(&critical("disk full")).await;
    hub.until_timeline(
        inc.id,
        "paged alice by webhook: failed: no answer within 200ms, trying again",
    )
    .await;
    rx.answer_on("alice-now", Answer::Status(200));
    hub.advance(minutes(1));
    hub.until_timeline(inc.id, "paged alice by webhook: delivered (200 OK)")
        .await;
    let got = rx.got_by("alice-now");
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].id, got[1].id);
}
both_backends!(a_receiver_that_never_answers_costs_one_attempt_its_timeout);

async fn an_acknowledgement_sent_before_a_page_s_timeline_entry_still_takes(backend: Backend) {
    let rx = Receiver::start().await;
    let hub = paging_hub(backend, &rx).await;
    let inc = hub.open(&critical("disk full")).await;
    assert_eq!(inc.version, 1);
    hub.until_timeline(inc.id, "paged alice by webhook: delivered (200 OK)")
        .await;
    let acked = hub
        .acted(ALICE, inc.id, "acknowledge", &json!({"version": 1}))
        .await;
    assert_eq!(acked.status, Status::Acknowledged);
    // A person's change in between still asks to look again.
    let other = hub.open(&critical("replica lag")).await;
    let noted = hub
        .act(ALICE, other.id, "notes", &json!({"text": "looking"}))
        .await;
    assert_eq!(noted.status(), StatusCode::CREATED);
    let resp = hub
        .act(BOB, other.id, "acknowledge", &json!({"version": 1}))
        .await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
}
both_backends!(an_acknowledgement_sent_before_a_page_s_timeline_entry_still_takes);
