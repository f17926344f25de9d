//! Squashes over a real hub on 127.0.0.1 with a manual clock, paging a real
//! receiver: a squashed alert is stored, folded and shown squashed but
//! pages nobody while the next unsquashed one pages; a maintenance window
//! starts and ends on the clock; removing a squash lets its incidents page
//! again and keeps it in the history with who removed it; bad squashes are
//! refused with JSON, never a 500; a repeated request is answered once.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use oncall::hub::deliveries::PageEvent;
use oncall::incident::{EventKind, Incident, NewIncident, Opened, Squash, SquashList};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use support::pages::{Receiver, critical, paging_hub};
use support::{ALERTMANAGER, ALICE, BOB, Backend, TestHub, both_backends, expect, expect_error};

fn minutes(m: i64) -> TimeDelta {
    TimeDelta::minutes(m)
}

/// A critical db alert named `alertname`: pages alice.
fn alert(alertname: &str, title: &str) -> NewIncident {
    NewIncident {
        dedup_key: Some(format!("{alertname}/{title}")),
        labels: BTreeMap::from([("alertname".to_string(), alertname.to_string())]),
        ..critical(title)
    }
}

fn squash_body(from: Option<DateTime<Utc>>, until: DateTime<Utc>) -> Value {
    let mut body = json!({
        "matchers": {"alertname": "DiskFull", "service": "db"},
        "until": until,
        "reason": "disk swap on db-1",
    });
    if let Some(from) = from {
        body["starts"] = json!(from);
    }
    body
}

async fn squash(hub: &TestHub, token: &str, body: &Value) -> Squash {
    expect(
        hub.post(token, "/api/v1/squashes", body).await,
        StatusCode::CREATED,
    )
    .await
}

async fn squashes(hub: &TestHub, query: &str) -> Vec<Squash> {
    let list: SquashList = expect(
        hub.get(ALICE, &format!("/api/v1/squashes{query}")).await,
        StatusCode::OK,
    )
    .await;
    list.squashes
}

async fn fold(hub: &TestHub, new: &NewIncident) -> Incident {
    let opened: Opened = expect(
        hub.post(ALICE, "/api/v1/incidents", new).await,
        StatusCode::OK,
    )
    .await;
    assert!(opened.folded);
    opened.incident
}

fn has_entry(incident: &Incident, kind: EventKind, text: &str) -> bool {
    incident
        .timeline
        .iter()
        .any(|e| e.kind == kind && e.text == text)
}

/// The ids of the incidents whose pages reached `rx` so far.
fn paged_ids(rx: &Receiver) -> Vec<u64> {
    rx.got()
        .iter()
        .filter_map(|r| r.delivery.incident.as_ref().map(|i| i.id))
        .collect()
}

async fn a_squash_stops_pages_and_the_next_unsquashed_alert_pages(backend: Backend) {
    let rx = Receiver::start().await;
    let hub = paging_hub(backend, &rx).await;
    let now = hub.clock_now();
    let made = squash(&hub, BOB, &squash_body(None, now + minutes(60))).await;
    assert_eq!(made.created_by, "bob");
    assert_eq!((made.created_at, made.starts), (now, now));
    assert_eq!(made.reason, "disk swap on db-1");

    let quiet = hub.open(&alert("DiskFull", "disk full on db-1")).await;
    assert_eq!(quiet.squashed_by, Some(made.id));
    let expected = format!(
        "opened via api, owned by alice (1st line); squashed by #{} (disk swap on db-1)",
        made.id
    );
    assert!(
        has_entry(&quiet, EventKind::Opened, &expected),
        "{:#?}",
        quiet.timeline
    );
    let again = fold(&hub, &alert("DiskFull", "disk full on db-1")).await;
    assert_eq!((again.occurrences, again.squashed_by), (2, Some(made.id)));

    let loud = hub
        .open(&alert("HighLatency", "slow queries on db-1"))
        .await;
    assert_eq!(loud.squashed_by, None);
    let got = rx.until_got("alice-now", 1).await;
    assert_eq!(got[0].delivery.incident.as_ref().unwrap().id, loud.id);
    rx.until_got("team", 1).await;
    assert!(hub.never_paged(quiet.id).await, "nothing queued");

    // Its timers stand still too: no escalation, no repeat, no later contact.
    hub.advance(minutes(16));
    let escalated = hub.escalate_overdue().await;
    assert_eq!(escalated, [loud.id], "only the unsquashed one climbs");
    rx.until_got("bob", 1).await;
    let still = hub.incident(quiet.id).await;
    assert_eq!(
        (still.escalation_level, still.squashed_by),
        (1, Some(made.id))
    );
    assert!(!paged_ids(&rx).contains(&quiet.id), "{:#?}", rx.got());
    assert!(hub.never_paged(quiet.id).await);
}
both_backends!(a_squash_stops_pages_and_the_next_unsquashed_alert_pages);

async fn a_maintenance_window_starts_and_ends_on_the_clock(backend: Backend) {
    let rx = Receiver::start().await;
    let hub = paging_hub(backend, &rx).await;
    let t0 = hub.clock_now();
    let window = squash(
        &hub,
        ALICE,
        &squash_body(Some(t0 + minutes(60)), t0 + minutes(120)),
    )
    .await;
    assert_eq!(
        squashes(&hub, "").await,
        std::slice::from_ref(&window),
        "scheduled ones are listed"
    );

    // Before the window: pages as usual.
    let before = hub.open(&alert("DiskFull", "disk full before")).await;
    assert_eq!(before.squashed_by, None);
    rx.until_got("alice-now", 1).await;

    // The window opens: the open incident goes quiet, and a new one pages nobody.
    hub.advance(minutes(60));
    hub.escalate_overdue().await;
    let text = format!("squashed by #{} (disk swap on db-1)", window.id);
    let taken = hub.until_timeline(before.id, &text).await;
    assert_eq!(taken.squashed_by, Some(window.id));
    let inside = hub.open(&alert("DiskFull", "disk full inside")).await;
    assert_eq!(inside.squashed_by, Some(window.id));
    hub.advance(minutes(30));
    assert_eq!(
        hub.escalate_overdue().await,
        Vec::<u64>::new(),
        "quiet incidents do not climb"
    );
    assert!(hub.never_paged(inside.id).await);

    // The window closes: what is still open pages again, a new round.
    hub.advance(minutes(30));
    hub.escalate_overdue().await;
    let released = hub
        .until_timeline(
            inside.id,
            &format!("squash #{} is over: paging again", window.id),
        )
        .await;
    assert_eq!((released.squashed_by, released.escalation_level), (None, 1));
    let got = rx
        .until_got_all("a page for the released incident", |got| {
            got.iter().any(|r| {
                r.path == "alice-now"
                    && r.delivery
                        .incident
                        .as_ref()
                        .is_some_and(|i| i.id == inside.id)
            })
        })
        .await;
    let page = got
        .iter()
        .find(|r| {
            r.delivery
                .incident
                .as_ref()
                .is_some_and(|i| i.id == inside.id)
        })
        .unwrap();
    assert_eq!(page.delivery.event, PageEvent::Repeat);
    let after = hub.open(&alert("DiskFull", "disk full after")).await;
    assert_eq!(after.squashed_by, None);
    assert!(
        squashes(&hub, "").await.is_empty(),
        "over: no longer in force"
    );
    let history = squashes(&hub, "?all=true").await;
    assert_eq!(history.len(), 1, "kept as history");
    assert_eq!(
        (history[0].created_by.as_str(), history[0].reason.as_str()),
        ("alice", "disk swap on db-1")
    );
}
both_backends!(a_maintenance_window_starts_and_ends_on_the_clock);

async fn removing_a_squash_lets_its_incidents_page_and_keeps_who_removed_it(backend: Backend) {
    let rx = Receiver::start().await;
    let hub = paging_hub(backend, &rx).await;
    let now = hub.clock_now();
    let made = squash(&hub, ALICE, &squash_body(None, now + minutes(240))).await;
    let quiet = hub.open(&alert("DiskFull", "disk full on db-1")).await;
    assert_eq!(quiet.squashed_by, Some(made.id));

    hub.advance(minutes(10));
    let path = format!("/api/v1/squashes/{}", made.id);
    let removed: Squash = expect(
        hub.request(Method::DELETE, BOB, &path)
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(removed.removed_by.as_deref(), Some("bob"));
    assert_eq!(removed.removed_at, Some(now + minutes(10)));
    let got = rx.until_got("alice-now", 1).await;
    assert_eq!(got[0].delivery.incident.as_ref().unwrap().id, quiet.id);
    let released = hub.incident(quiet.id).await;
    assert_eq!(released.squashed_by, None);
    assert!(has_entry(
        &released,
        EventKind::Unsquashed,
        &format!("squash #{} is over: paging again", made.id)
    ));

    assert!(squashes(&hub, "").await.is_empty());
    let since = (now - minutes(1)).to_rfc3339();
    let shift = squashes(&hub, &format!("?since={}", since.replace('+', "%2B"))).await;
    assert_eq!(
        shift,
        std::slice::from_ref(&removed),
        "the shift's squashes include removed ones"
    );
    assert_eq!(squashes(&hub, "?all=true").await, [removed]);

    let again = hub
        .request(Method::DELETE, ALICE, &path)
        .send()
        .await
        .unwrap();
    let body = expect_error(again, StatusCode::CONFLICT, "over").await;
    assert!(
        body.error.contains("already removed by bob"),
        "{}",
        body.error
    );
    let none = hub
        .request(Method::DELETE, ALICE, "/api/v1/squashes/999")
        .send()
        .await
        .unwrap();
    expect_error(none, StatusCode::NOT_FOUND, "not_found").await;
    let word = hub
        .request(Method::DELETE, ALICE, "/api/v1/squashes/db")
        .send()
        .await
        .unwrap();
    expect_error(word, StatusCode::BAD_REQUEST, "bad_request").await;
}
both_backends!(removing_a_squash_lets_its_incidents_page_and_keeps_who_removed_it);

async fn bad_squashes_are_refused_with_json(backend: Backend) {
    let rx = Receiver::start().await;
    let hub = paging_hub(backend, &rx).await;
    let now = hub.clock_now();
    let until = now + minutes(60);
    let refused = [
        (
            json!({"matchers": {"service": "db"}, "until": until}),
            "reason",
        ),
        (
            json!({"matchers": {"service": "db"}, "until": until, "reason": "  "}),
            "reason",
        ),
        (
            json!({"matchers": {}, "until": until, "reason": "r"}),
            "at least one matcher",
        ),
        (
            json!({"matchers": {"service": "db"}, "until": now - minutes(1), "reason": "r"}),
            "past",
        ),
        (
            json!({"matchers": {"service": "db"}, "starts": until, "until": until, "reason": "r"}),
            "after starts",
        ),
        (
            json!({"matchers": {"al\u{1b}[2Jert": "x"}, "until": until, "reason": "r"}),
            "matcher's name",
        ),
        (
            json!({"matchers": {"alertname": "Disk\u{202e}Full"}, "until": until, "reason": "r"}),
            "bidi",
        ),
        (
            json!({"matchers": {"service": ""}, "until": until, "reason": "r"}),
            "must not be empty",
        ),
        (
            json!({"matchers": {"service": "db"}, "until": "tomorrow", "reason": "r"}),
            "until",
        ),
        (
            json!({"matchers": {"service": "db"}, "until": until, "reason": "r", "who": "x"}),
            "who",
        ),
        (
            json!({"matchers": ["service"], "until": until, "reason": "r"}),
            "matchers",
        ),
    ];
    for (body, says) in refused {
        let resp = hub.post(ALICE, "/api/v1/squashes", &body).await;
        let error = expect_error(resp, StatusCode::BAD_REQUEST, "bad_request").await;
        assert!(error.error.contains(says), "{body}: {}", error.error);
    }
    let resp = hub
        .post(ALERTMANAGER, "/api/v1/squashes", &squash_body(None, until))
        .await;
    expect_error(resp, StatusCode::FORBIDDEN, "forbidden").await;
    for query in [
        "?all=true&since=2026-11-23T10:00:00Z",
        "?since=yesterday",
        "?all=maybe",
        "?who=x",
    ] {
        let resp = hub.get(ALICE, &format!("/api/v1/squashes{query}")).await;
        expect_error(resp, StatusCode::BAD_REQUEST, "bad_request").await;
    }
    assert!(
        squashes(&hub, "?all=true").await.is_empty(),
        "nothing was recorded"
    );
}
both_backends!(bad_squashes_are_refused_with_json);

async fn a_repeated_squash_request_is_made_once(backend: Backend) {
    let rx = Receiver::start().await;
    let hub = paging_hub(backend, &rx).await;
    let body = squash_body(None, hub.clock_now() + minutes(60));
    let send = |body: Value| {
        hub.request(Method::POST, ALICE, "/api/v1/squashes")
            .header("Idempotency-Key", "squash-1")
            .json(&body)
            .send()
    };
    let first: Squash = expect(send(body.clone()).await.unwrap(), StatusCode::CREATED).await;
    let second: Squash = expect(send(body.clone()).await.unwrap(), StatusCode::CREATED).await;
    assert_eq!(first, second);
    assert_eq!(squashes(&hub, "").await, std::slice::from_ref(&first));
    let mut other = body;
    other["reason"] = json!("another reason");
    let reused = send(other).await.unwrap();
    expect_error(reused, StatusCode::BAD_REQUEST, "bad_request").await;

    let path = format!("/api/v1/squashes/{}", first.id);
    let delete = || {
        hub.request(Method::DELETE, ALICE, &path)
            .header("Idempotency-Key", "unsquash-1")
            .send()
    };
    let removed: Squash = expect(delete().await.unwrap(), StatusCode::OK).await;
    let replayed: Squash = expect(delete().await.unwrap(), StatusCode::OK).await;
    assert_eq!(
        removed, replayed,
        "the outbox's retry gets the first answer"
    );
}
both_backends!(a_repeated_squash_request_is_made_once);
