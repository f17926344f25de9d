//! Status updates over a real hub on 127.0.0.1 (SQLite, and PostgreSQL with
//! `--features postgres`), sending to a real receiver: what stakeholders are
//! told is the incident's latest update, on its timeline with who and when,
//! and sent to the channels that hear of `status`, while the pages waiting
//! for the owner carry on. A repeat under its Idempotency-Key is answered
//! once; each refusal says why.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use chrono::TimeDelta;
use oncall::hub::deliveries::PageEvent;
use oncall::incident::{EventKind, Incident, Status};
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::pages::{Receiver, critical, paging_hub};
use support::timeline::{all_refused, count, last};
use support::{ALERTMANAGER, ALICE, BOB, Backend, both_backends, expect, expect_error};

async fn an_update_is_the_latest_on_the_timeline_and_sent_to_the_channels(backend: Backend) {
    let rx = Receiver::start().await;
    let hub = paging_hub(backend, &rx).await;
    let inc = hub.open(&critical("checkout errors")).await;
    rx.until_got("alice-now", 1).await;
    rx.until_got("team", 1).await;

    let body = json!({"text": "  Checkout fails for 5% of users; rolling back.  "});
    let updated: Incident = expect(
        hub.keyed(BOB, inc.id, "updates", &body, "update-1").await,
        StatusCode::OK,
    )
    .await;
    let latest = updated.status_update.clone().expect("a latest update");
    assert_eq!(latest.text, "Checkout fails for 5% of users; rolling back.");
    assert_eq!((latest.by.as_str(), latest.at), ("bob", hub.clock_now()));
    assert_eq!(updated.status, Status::Triggered, "nothing else changes");
    assert_eq!(updated.owner.as_deref(), Some("alice"));
    let entry = last(&updated);
    assert_eq!(
        (entry.kind, entry.who.as_str(), entry.text.as_str()),
        (
            EventKind::StatusUpdate,
            "bob",
            "Checkout fails for 5% of users; rolling back."
        )
    );
    assert_eq!(entry.at, hub.clock_now());

    let sent = rx.until_got("team", 2).await;
    let d = &sent[1].delivery;
    assert_eq!(d.event, PageEvent::Status);
    assert_eq!(
        d.detail.as_deref(),
        Some("bob: Checkout fails for 5% of users; rolling back.")
    );

    // The same request again: the first answer, nothing said twice.
    let again: Incident = expect(
        hub.keyed(BOB, inc.id, "updates", &body, "update-1").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again.version, updated.version);
    let now = hub.incident(inc.id).await;
    assert_eq!(count(&now, EventKind::StatusUpdate), 1);

    // The owner's next contact is still paged when its time comes.
    hub.advance(TimeDelta::minutes(5));
    rx.until_got("alice-later", 1).await;
    assert_eq!(rx.got_by("team").len(), 2, "{:?}", rx.got_by("team"));

    // A newer update replaces it as the latest, in the list as well; a
    // resolved incident takes one too (the all-clear).
    hub.acted(ALICE, inc.id, "resolve", &json!({})).await;
    let body = json!({"text": "All clear: the rollback fixed it."});
    let cleared: Incident = expect(
        hub.keyed(ALICE, inc.id, "updates", &body, "update-2").await,
        StatusCode::OK,
    )
    .await;
    let latest = cleared.status_update.clone().expect("the all-clear");
    assert_eq!(
        (latest.text.as_str(), latest.by.as_str()),
        ("All clear: the rollback fixed it.", "alice")
    );
    assert_eq!(count(&cleared, EventKind::StatusUpdate), 2);
    let list: Value = expect(
        hub.get(BOB, "/api/v1/incidents?status=all").await,
        StatusCode::OK,
    )
    .await;
    let listed = list["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == json!(inc.id))
        .cloned()
        .unwrap();
    assert_eq!(
        listed["status_update"]["text"],
        json!("All clear: the rollback fixed it.")
    );
    let sent = rx.until_got("team", 4).await;
    assert!(
        sent.iter()
            .any(|r| r.delivery.detail.as_deref()
                == Some("alice: All clear: the rollback fixed it.")),
        "{sent:?}"
    );
}
both_backends!(an_update_is_the_latest_on_the_timeline_and_sent_to_the_channels);

async fn an_update_is_refused_with_the_reason(backend: Backend) {
    let rx = Receiver::start().await;
    let hub = paging_hub(backend, &rx).await;
    let inc = hub.open(&critical("checkout errors")).await;
    rx.until_got("team", 1).await;
    let path = format!("/api/v1/incidents/{}/updates", inc.id);
    let bad = StatusCode::BAD_REQUEST;
    let cases = [
        (
            BOB,
            json!({"text": "   "}),
            bad,
            "bad_request",
            "it is empty",
        ),
        (BOB, json!({}), bad, "bad_request", "text"),
        (
            BOB,
            json!({"text": "x".repeat(16 * 1024 + 1)}),
            bad,
            "bad_request",
            "16 KiB",
        ),
        (
            BOB,
            json!({"text": "hi", "to": "everyone"}),
            bad,
            "bad_request",
            "to",
        ),
        (
            ALERTMANAGER,
            json!({"text": "hello"}),
            StatusCode::FORBIDDEN,
            "forbidden",
            "integration token",
        ),
    ];
    all_refused(&hub, &path, &cases).await;
    let missing = hub
        .post(
            BOB,
            "/api/v1/incidents/999999/updates",
            &json!({"text": "hello"}),
        )
        .await;
    expect_error(missing, StatusCode::NOT_FOUND, "not_found").await;
    let now = hub.incident(inc.id).await;
    assert_eq!(count(&now, EventKind::StatusUpdate), 0);
    assert!(now.status_update.is_none());
    assert_eq!(rx.got_by("team").len(), 1, "only the opening was sent");
}
both_backends!(an_update_is_refused_with_the_reason);
