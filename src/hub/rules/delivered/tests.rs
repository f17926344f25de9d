//! What an attempt does to a delivery, without a database.
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use super::*;
use crate::config::{Contact, Via};
use crate::hub::deliveries::{Backoff, Delivery, PagedIncident};
use crate::incident::{Severity, Status};

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T09:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn settings() -> DeliverySettings {
    DeliverySettings {
        backoff: Backoff {
            first: Duration::from_secs(2),
            cap: Duration::from_secs(300),
        },
        max_attempts: 4,
        give_up_after: Duration::from_secs(3600),
        ..DeliverySettings::default()
    }
}

/// alice's ntfy page for incident #7, sending its `attempt`th attempt.
fn sending(attempt: u32) -> DeliveryRecord {
    DeliveryRecord {
        delivery: Delivery {
            id: "dlv_1".into(),
            event: PageEvent::Opened,
            incident: Some(PagedIncident {
                id: 7,
                severity: Severity::Critical,
                service: "db".into(),
                title: "disk full".into(),
                owner: Some("alice".into()),
                status: Status::Triggered,
                level: 1,
                runbook: None,
            }),
            recipient: Recipient::Person("alice".into()),
            contact: Contact {
                via: Via::Ntfy,
                to: "https://ntfy.example.com/alice".into(),
                after: Duration::ZERO,
            },
            contact_index: 0,
            round: 1,
            attempt,
            detail: None,
        },
        state: DeliveryState::Sending,
        started_at: t0(),
        due_at: t0(),
        next_attempt_at: t0(),
        lease_until: Some(t0() + TimeDelta::minutes(1)),
        last_error: None,
        answered_at: None,
        stopped: false,
    }
}

fn attempt(n: u32, outcome: SendOutcome) -> Attempted {
    Attempted {
        id: "dlv_1".into(),
        attempt: n,
        outcome,
        jitter: u32::MAX,
    }
}

/// What attempt `n` of [`sending`]`(n)` coming to `outcome` at `now` records.
fn after(n: u32, outcome: SendOutcome, now: DateTime<Utc>) -> Recorded {
    record(&sending(n), &attempt(n, outcome), &settings(), now).unwrap()
}

fn text(r: &Recorded) -> &str {
    &r.entry.as_ref().unwrap().1.text
}

#[test]
fn delivered_is_final_and_says_what_the_receiver_answered() {
    let now = t0() + TimeDelta::seconds(1);
    let r = after(1, SendOutcome::accepted("200 OK"), now);
    assert_eq!(
        (r.state, r.answered_at),
        (DeliveryState::Delivered, Some(now))
    );
    let (id, entry) = r.entry.as_ref().unwrap();
    assert_eq!((*id, entry.kind), (7, EventKind::Paged));
    assert_eq!(entry.text, "paged alice by ntfy: delivered (200 OK)");
}

#[test]
fn a_failure_worth_retrying_waits_a_growing_backoff() {
    for (n, wait) in [(1, 2), (2, 4), (3, 8)] {
        let r = after(n, SendOutcome::failed("connection refused", true), t0());
        assert_eq!(r.state, DeliveryState::Queued);
        assert_eq!(r.next_attempt_at, t0() + TimeDelta::seconds(wait), "{n}");
        assert_eq!(r.last_error.as_deref(), Some("connection refused"));
        assert_eq!(
            text(&r),
            "paged alice by ntfy: failed: connection refused, trying again"
        );
    }
}

#[test]
fn it_gives_up_when_refused_for_good_after_the_last_attempt_or_too_late() {
    let refused = after(1, SendOutcome::failed("404 Not Found", false), t0());
    assert_eq!(refused.state, DeliveryState::Failed);
    assert_eq!(
        text(&refused),
        "paged alice by ntfy: gave up: 404 Not Found"
    );
    let last = after(
        4,
        SendOutcome::failed("503 Service Unavailable", true),
        t0(),
    );
    assert_eq!(last.state, DeliveryState::Failed);
    assert_eq!(
        text(&last),
        "paged alice by ntfy: gave up after 4 attempts: 503 Service Unavailable"
    );
    let late = after(
        2,
        SendOutcome::failed("timed out", true),
        t0() + TimeDelta::minutes(59) + TimeDelta::seconds(58),
    );
    assert_eq!(
        late.state,
        DeliveryState::Failed,
        "the next try would be past the hour"
    );
}

#[test]
fn a_late_failure_is_the_newer_attempt_s_to_record_but_a_late_acceptance_counts() {
    let retaken = sending(3);
    let stale = attempt(2, SendOutcome::failed("timed out", true));
    assert_eq!(record(&retaken, &stale, &settings(), t0()), None);
    let took = attempt(2, SendOutcome::accepted(""));
    let r = record(&retaken, &took, &settings(), t0()).unwrap();
    assert_eq!(r.state, DeliveryState::Delivered);
    assert_eq!(text(&r), "paged alice by ntfy: delivered");
    let mut done = sending(3);
    done.state = DeliveryState::Delivered;
    assert_eq!(
        record(&done, &took, &settings(), t0()),
        None,
        "once is enough"
    );
    let mut cancelled = sending(1);
    cancelled.state = DeliveryState::Cancelled;
    assert_eq!(record(&cancelled, &stale, &settings(), t0()), None);
}

#[test]
fn what_a_receiver_says_reaches_the_timeline_as_one_clean_short_line() {
    let evil = format!(
        "bad\n\u{1b}]0;owned\u{7}gateway \u{202e}{}",
        "x".repeat(500)
    );
    let r = after(1, SendOutcome::failed(evil, false), t0());
    let line = text(&r);
    assert!(
        !line.contains(['\n', '\u{1b}', '\u{7}', '\u{202e}']),
        "{line:?}"
    );
    assert!(
        line.starts_with("paged alice by ntfy: gave up: bad gateway "),
        "{line}"
    );
    assert!(line.chars().count() < 260, "{line}");
}

#[test]
fn channels_and_later_events_are_named() {
    let mut d = sending(1);
    d.delivery.recipient = Recipient::Channel("team-chat".into());
    d.delivery.contact.via = Via::Slack;
    d.delivery.event = PageEvent::Resolved;
    let r = record(
        &d,
        &attempt(1, SendOutcome::accepted("ok")),
        &settings(),
        t0(),
    )
    .unwrap();
    assert_eq!(
        text(&r),
        "paged team-chat by slack (resolved): delivered (ok)"
    );
    d.delivery.event = PageEvent::AckTimeout;
    let r = record(
        &d,
        &attempt(1, SendOutcome::accepted("")),
        &settings(),
        t0(),
    )
    .unwrap();
    assert_eq!(
        text(&r),
        "paged team-chat by slack (ack timeout): delivered"
    );
    d.delivery.incident = None;
    let r = record(
        &d,
        &attempt(1, SendOutcome::accepted("")),
        &settings(),
        t0(),
    )
    .unwrap();
    assert_eq!(r.entry, None, "a hand-off has no incident to tell");
}

#[test]
fn a_failure_after_its_page_ended_is_not_tried_again() {
    let mut stopped = sending(1);
    stopped.stopped = true;
    let failed = attempt(1, SendOutcome::failed("connection refused", true));
    let r = record(&stopped, &failed, &settings(), t0()).unwrap();
    assert_eq!(r.state, DeliveryState::Cancelled);
    assert_eq!(
        text(&r),
        "paged alice by ntfy: failed: connection refused; not tried again, the page is over"
    );
    let took = attempt(1, SendOutcome::accepted("200 OK"));
    let r = record(&stopped, &took, &settings(), t0()).unwrap();
    assert_eq!(r.state, DeliveryState::Delivered, "what arrived arrived");
}
