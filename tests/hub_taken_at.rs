//! An action that waited in a console's outbox says when it was taken
//! (`oncall-taken-at`): the hub keeps that time beside its own on the
//! timeline when it says something, and refuses a header that is no time.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;

use chrono::TimeDelta;
use oncall::incident::{EventKind, TAKEN_AT_HEADER};
use reqwest::{Method, StatusCode};
use serde_json::json;
use support::{ALICE, Backend, TestHub, both_backends, expect_error, start_time, two_responders};

async fn the_timeline_keeps_when_a_late_action_was_taken(backend: Backend) {
    let hub = TestHub::start_on(backend, two_responders()).await;
    let id = hub.open(&support::incident("disk full on db-2")).await.id;
    let now = start_time();
    let post = |path: String, taken: String, body: serde_json::Value| {
        hub.request(Method::POST, ALICE, &path)
            .header(TAKEN_AT_HEADER, taken)
            .json(&body)
            .send()
    };

    let taken = now - TimeDelta::minutes(25);
    let resp = post(
        format!("/api/v1/incidents/{id}/acknowledge"),
        taken.to_rfc3339(),
        json!({}),
    )
    .await
    .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    // Moments before, in the future, or weeks ago: nothing worth saying.
    for (text, when) in [
        ("at once", now - TimeDelta::seconds(5)),
        ("a wrong clock ahead", now + TimeDelta::minutes(3)),
        ("a wrong clock behind", now - TimeDelta::days(30)),
    ] {
        let resp = post(
            format!("/api/v1/incidents/{id}/notes"),
            when.to_rfc3339(),
            json!({ "text": text }),
        )
        .await
        .unwrap();
        assert_eq!(resp.status(), StatusCode::CREATED, "{text}");
    }

    let inc = hub.incident(id).await;
    let ack = inc
        .timeline
        .iter()
        .find(|e| e.kind == EventKind::Acknowledged)
        .unwrap();
    assert_eq!((ack.at, ack.taken_at), (now, Some(taken)));
    for e in inc.timeline.iter().filter(|e| e.kind == EventKind::Note) {
        assert_eq!(e.taken_at, None, "{}", e.text);
    }

    let resp = post(
        format!("/api/v1/incidents/{id}/notes"),
        "yesterday".to_string(),
        json!({ "text": "x" }),
    )
    .await
    .unwrap();
    let err = expect_error(resp, StatusCode::BAD_REQUEST, "bad_request").await;
    assert!(err.error.contains(TAKEN_AT_HEADER), "{}", err.error);
}
both_backends!(the_timeline_keeps_when_a_late_action_was_taken);
