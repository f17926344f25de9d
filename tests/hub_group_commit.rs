//! Changes asked for at once share one commit (group commit, on both
//! stores), each in a savepoint of its own: in a burst where some changes
//! are refused (a stale version, a missing incident, a repeated key), the
//! refused ones leave nothing behind and every other one is there, once,
//! with one change number each and none skipped.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;

use futures::future::join_all;
use oncall::incident::{EventKind, IncidentList, Status};
use reqwest::{Method, StatusCode};
use serde_json::json;
use support::{ALICE, BOB, Backend, TestHub, both_backends, expect, incident, two_responders};

const INCIDENTS: usize = 20;

async fn cursor(hub: &TestHub, query: &str) -> IncidentList {
    expect(
        hub.get(ALICE, &format!("/api/v1/incidents?{query}")).await,
        StatusCode::OK,
    )
    .await
}

async fn refused_changes_in_a_burst_leave_the_others_whole(backend: Backend) {
    let hub = TestHub::start_on(backend, two_responders()).await;
    let mut ids = Vec::new();
    for n in 0..INCIDENTS {
        ids.push(
            hub.open(&incident(&format!("disk full on host-{n}")))
                .await
                .id,
        );
    }
    let before = cursor(&hub, "status=all").await.cursor;

    // Every kind of request at once, interleaved, so that refused changes
    // share batches with the ones that go through.
    let mut burst = Vec::new();
    for (n, id) in ids.iter().enumerate() {
        let ack = hub
            .request(
                Method::POST,
                ALICE,
                &format!("/api/v1/incidents/{id}/acknowledge"),
            )
            .json(&json!({"note": "mine"}));
        let stale = hub
            .request(
                Method::POST,
                BOB,
                &format!("/api/v1/incidents/{id}/acknowledge"),
            )
            .json(&json!({"version": 99}));
        let missing = hub
            .request(Method::POST, BOB, "/api/v1/incidents/999999/notes")
            .json(&json!({"text": "nowhere"}));
        let keyed = |who| {
            hub.request(Method::POST, who, &format!("/api/v1/incidents/{id}/notes"))
                .header("Idempotency-Key", format!("burst-{n}"))
                .json(&json!({"text": format!("looked at host-{n}")}))
        };
        burst.extend([ack, stale, missing, keyed(ALICE), keyed(ALICE)]);
    }
    let answers: Vec<StatusCode> = join_all(
        burst
            .into_iter()
            .map(|req| async move { req.send().await.unwrap().status() }),
    )
    .await;
    for (n, chunk) in answers.chunks(5).enumerate() {
        // The stale acknowledge may come before or after the good one (and
        // the notes): either way its version is not the incident's.
        assert_eq!(
            chunk,
            [
                StatusCode::OK,
                StatusCode::CONFLICT,
                StatusCode::NOT_FOUND,
                StatusCode::CREATED,
                StatusCode::CREATED
            ],
            "incident {n}"
        );
    }

    for (n, id) in ids.iter().enumerate() {
        let i = hub.incident(*id).await;
        assert_eq!(
            (i.status, i.owner.as_deref()),
            (Status::Acknowledged, Some("alice"))
        );
        let kinds = |kind: EventKind| i.timeline.iter().filter(|e| e.kind == kind).count();
        assert_eq!(kinds(EventKind::Acknowledged), 1, "#{id}");
        let notes: Vec<&str> = i
            .timeline
            .iter()
            .filter(|e| e.kind == EventKind::Note)
            .map(|e| e.text.as_str())
            .collect();
        assert_eq!(notes, [format!("looked at host-{n}")], "#{id}");
    }
    // One change number for each change that went through, none skipped:
    // a console polling since `before` gets every incident.
    let after = cursor(&hub, "status=all").await.cursor;
    assert_eq!(after - before, 2 * INCIDENTS as u64);
    let since = cursor(&hub, &format!("status=all&since={before}")).await;
    assert_eq!(since.incidents.len(), INCIDENTS);
    hub.stop().await;
}
both_backends!(
    refused_changes_in_a_burst_leave_the_others_whole,
    flavor = "multi_thread",
    worker_threads = 2
);
