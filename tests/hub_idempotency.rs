//! `Idempotency-Key` on every change: a repeat gets the first answer and
//! changes nothing, even across a restart; a key reused for another request
//! is refused.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;

use oncall::incident::{EventKind, Incident, Opened};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use support::{
    ALICE, BOB, Backend, TestHub, both_backends, expect, expect_error, incident, two_responders,
};

async fn post_with_key(
    hub: &TestHub,
    token: &str,
    path: &str,
    key: &str,
    body: &Value,
) -> reqwest::Response {
    hub.request(Method::POST, token, path)
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn a_repeated_note_is_added_once_and_answered_the_same(backend: Backend) {
    let mut hub = TestHub::start_on(backend, two_responders()).await;
    let id = hub.open(&incident("disk full")).await.id;
    let path = format!("/api/v1/incidents/{id}/notes");
    let first = post_with_key(&hub, ALICE, &path, "note-1", &json!({"text": "looking"})).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first_body = first.text().await.unwrap();
    let again = post_with_key(&hub, ALICE, &path, "note-1", &json!({"text": "looking"})).await;
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(
        again
            .headers()
            .get("idempotent-replayed")
            .map(|v| v.to_str().unwrap()),
        Some("true")
    );
    assert_eq!(again.text().await.unwrap(), first_body);
    let notes = |i: &Incident| {
        i.timeline
            .iter()
            .filter(|e| e.kind == EventKind::Note)
            .count()
    };
    assert_eq!(notes(&hub.incident(id).await), 1);

    // Still so after a restart: the key is in the database, not in memory.
    hub.restart().await;
    let after = post_with_key(&hub, ALICE, &path, "note-1", &json!({"text": "looking"})).await;
    assert_eq!(after.status(), StatusCode::CREATED);
    assert_eq!(notes(&hub.incident(id).await), 1);
}
both_backends!(a_repeated_note_is_added_once_and_answered_the_same);

async fn a_refusal_is_remembered_too(backend: Backend) {
    let hub = TestHub::start_on(backend, two_responders()).await;
    let inc = hub.open(&incident("db down")).await;
    let ack = format!("/api/v1/incidents/{}/acknowledge", inc.id);
    expect::<Incident>(hub.post(BOB, &ack, &json!({})).await, StatusCode::OK).await;
    let refused = expect_error(
        post_with_key(&hub, ALICE, &ack, "ack-1", &json!({})).await,
        StatusCode::CONFLICT,
        "conflict",
    )
    .await;
    assert!(refused.error.contains("bob"));
    // bob resolves; alice's retry of the same request still gets the first answer.
    let resolve = format!("/api/v1/incidents/{}/resolve", inc.id);
    expect::<Incident>(hub.post(BOB, &resolve, &json!({})).await, StatusCode::OK).await;
    let again = expect_error(
        post_with_key(&hub, ALICE, &ack, "ack-1", &json!({})).await,
        StatusCode::CONFLICT,
        "conflict",
    )
    .await;
    assert_eq!(again, refused);
}
both_backends!(a_refusal_is_remembered_too);

async fn opening_twice_with_one_key_opens_one_incident(backend: Backend) {
    let hub = TestHub::start_on(backend, two_responders()).await;
    let body = serde_json::to_value(incident("no dedup key here")).unwrap();
    let first: Opened = expect(
        post_with_key(&hub, ALICE, "/api/v1/incidents", "open-1", &body).await,
        StatusCode::CREATED,
    )
    .await;
    let again: Opened = expect(
        post_with_key(&hub, ALICE, "/api/v1/incidents", "open-1", &body).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(first, again);
    let list: oncall::incident::IncidentList =
        expect(hub.get(ALICE, "/api/v1/incidents").await, StatusCode::OK).await;
    assert_eq!(list.incidents.len(), 1);
    // Another responder's key of the same name is theirs alone.
    let bobs: Opened = expect(
        post_with_key(&hub, BOB, "/api/v1/incidents", "open-1", &body).await,
        StatusCode::CREATED,
    )
    .await;
    assert_ne!(bobs.incident.id, first.incident.id);
}
both_backends!(opening_twice_with_one_key_opens_one_incident);

async fn a_key_reused_for_another_request_is_refused(backend: Backend) {
    let hub = TestHub::start_on(backend, two_responders()).await;
    let id = hub.open(&incident("x")).await.id;
    let path = format!("/api/v1/incidents/{id}/notes");
    post_with_key(&hub, ALICE, &path, "k", &json!({"text": "one"})).await;
    let e = expect_error(
        post_with_key(&hub, ALICE, &path, "k", &json!({"text": "two"})).await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    )
    .await;
    assert!(
        e.error.contains("already used for another request"),
        "{e:?}"
    );
    for bad in ["", &"k".repeat(201), "with space", "ünïcode"] {
        let resp = hub
            .request(Method::POST, ALICE, &path)
            .header("Idempotency-Key", bad)
            .json(&json!({"text": "x"}))
            .send()
            .await;
        // Some of these cannot even be sent as a header value; those that can are refused.
        if let Ok(resp) = resp {
            expect_error(resp, StatusCode::BAD_REQUEST, "bad_request").await;
        }
    }
    let notes = hub
        .incident(id)
        .await
        .timeline
        .iter()
        .filter(|e| e.kind == EventKind::Note)
        .count();
    assert_eq!(notes, 1);
}
both_backends!(a_key_reused_for_another_request_is_refused);
