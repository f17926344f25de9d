//! The hub's HTTP API, end to end: a real hub on a real SQLite file, and
//! with `--features postgres` the same tests on a real PostgreSQL, spoken to
//! over loopback.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;

use oncall::incident::{EventKind, Incident, IncidentList, NewIncident, Opened, Severity, Status};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, ETAG, IF_NONE_MATCH, WWW_AUTHENTICATE};
use reqwest::{Method, StatusCode};
use serde_json::json;
use support::{
    ALICE, BOB, Backend, TestHub, both_backends, expect, expect_error, incident, two_responders,
};

async fn healthz_needs_no_token(backend: Backend) {
    let hub = TestHub::start_on(backend, two_responders()).await;
    let resp = hub.client.get(hub.url("/healthz")).send().await.unwrap();
    let body: serde_json::Value = expect(resp, StatusCode::OK).await;
    assert_eq!(body, json!({ "status": "ok" }));
    hub.stop().await;
}
both_backends!(healthz_needs_no_token);

async fn the_api_refuses_missing_malformed_and_unknown_tokens(backend: Backend) {
    let hub = TestHub::start_on(backend, two_responders()).await;
    let url = hub.url("/api/v1/incidents");
    let attempts = [
        None,
        Some("Basic YWxpY2U6c2VjcmV0".to_string()),
        Some(format!("Token {ALICE}")),
        Some("Bearer".to_string()),
        Some("Bearer oc_not_a_known_token".to_string()),
        Some(format!("Bearer {ALICE}x")),
    ];
    for auth in attempts {
        for method in [Method::GET, Method::POST] {
            let mut req = hub
                .client
                .request(method.clone(), &url)
                .json(&incident("x"));
            if let Some(auth) = &auth {
                req = req.header(AUTHORIZATION, auth);
            }
            let resp = req.send().await.unwrap();
            let challenge = resp
                .headers()
                .get(WWW_AUTHENTICATE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            assert!(
                challenge.starts_with("Bearer"),
                "{method} {auth:?}: {challenge:?}"
            );
            expect_error(resp, StatusCode::UNAUTHORIZED, "unauthorized").await;
        }
    }
    // Nothing got in.
    let list: IncidentList =
        expect(hub.get(ALICE, "/api/v1/incidents").await, StatusCode::OK).await;
    assert!(list.incidents.is_empty());
    hub.stop().await;
}
both_backends!(the_api_refuses_missing_malformed_and_unknown_tokens);

async fn an_incident_opens_with_its_starting_state(backend: Backend) {
    let hub = TestHub::start_on(backend, two_responders()).await;
    let new = NewIncident {
        severity: Severity::Critical,
        labels: [("host".to_string(), "db-1".to_string())].into(),
        description: "WAL volume at 98%".into(),
        runbook: Some("os-faults".into()),
        ..incident("  Disk full on db-1  ")
    };
    let i = hub.open(&new).await;
    assert_eq!(i.title, "Disk full on db-1");
    assert_eq!(
        (i.status, i.severity),
        (Status::Triggered, Severity::Critical)
    );
    assert_eq!((i.version, i.occurrences, i.escalation_level), (1, 1, 1));
    assert_eq!(i.owner, None);
    assert_eq!(i.source, "api");
    assert_eq!(i.created_at, support::start_time());
    assert_eq!(i.labels.get("host"), Some("db-1"));
    assert_eq!(i.runbook.as_deref(), Some("os-faults"));
    assert!(!i.dedup_key.is_empty());
    assert_eq!(i.timeline.len(), 1);
    assert_eq!(
        (i.timeline[0].kind, i.timeline[0].who.as_str()),
        (EventKind::Opened, "alice")
    );

    // Without a dedup key, the same post opens another incident.
    let again = hub.open(&new).await;
    assert_ne!(again.id, i.id);
    assert_ne!(again.dedup_key, i.dedup_key);

    let empty = hub.post(ALICE, "/api/v1/incidents", &incident("   ")).await;
    let e = expect_error(empty, StatusCode::BAD_REQUEST, "bad_request").await;
    assert!(e.error.contains("title"), "{}", e.error);
    let long = hub
        .post(ALICE, "/api/v1/incidents", &incident(&"x".repeat(1_001)))
        .await;
    let e = expect_error(long, StatusCode::BAD_REQUEST, "bad_request").await;
    assert!(e.error.contains("1000"), "{}", e.error);
    hub.stop().await;
}
both_backends!(an_incident_opens_with_its_starting_state);

async fn repeats_fold_into_the_open_incident_by_dedup_key(backend: Backend) {
    let hub = TestHub::start_on(backend, two_responders()).await;
    let new = NewIncident {
        dedup_key: Some("db-1/disk".into()),
        ..incident("Disk full on db-1")
    };
    let first = hub.open(&new).await;
    for n in 2..=3u64 {
        hub.clock.advance(chrono::TimeDelta::minutes(1));
        let resp = hub.post(BOB, "/api/v1/incidents", &new).await;
        let folded: Opened = expect(resp, StatusCode::OK).await;
        assert!(folded.folded);
        assert_eq!(folded.incident.id, first.id);
        assert_eq!(folded.incident.occurrences, n);
        assert_eq!(folded.incident.version, n);
        assert_eq!(folded.incident.updated_at, hub.clock_now());
    }
    let i = hub.incident(first.id).await;
    let kinds: Vec<EventKind> = i.timeline.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [EventKind::Opened, EventKind::Repeated, EventKind::Repeated]
    );
    assert_eq!(i.timeline[2].text, "repeated (3 times)");
    assert_eq!(i.timeline[2].who, "bob");

    let list: IncidentList =
        expect(hub.get(ALICE, "/api/v1/incidents").await, StatusCode::OK).await;
    assert_eq!(list.incidents.len(), 1);
    hub.stop().await;
}
both_backends!(repeats_fold_into_the_open_incident_by_dedup_key);

async fn a_resolved_incidents_key_opens_a_new_incident(backend: Backend) {
    let hub = TestHub::start_on(backend, two_responders()).await;
    let new = NewIncident {
        dedup_key: Some("db-1/disk".into()),
        ..incident("Disk full on db-1")
    };
    let first = hub.open(&new).await;
    let resp = hub
        .post(
            ALICE,
            &format!("/api/v1/incidents/{}/resolve", first.id),
            &json!({}),
        )
        .await;
    expect::<Incident>(resp, StatusCode::OK).await;
    let second = hub.open(&new).await;
    assert_ne!(second.id, first.id);
    assert_eq!(second.occurrences, 1);
    assert_eq!(second.dedup_key, "db-1/disk");
    // And the repeat after that folds into the new one.
    let resp = hub.post(ALICE, "/api/v1/incidents", &new).await;
    let folded: Opened = expect(resp, StatusCode::OK).await;
    assert_eq!(folded.incident.id, second.id);
    assert_eq!(hub.incident(first.id).await.occurrences, 1);
    hub.stop().await;
}
both_backends!(a_resolved_incidents_key_opens_a_new_incident);

async fn the_list_filters_by_status_in_feed_order_without_timelines(backend: Backend) {
    let hub = TestHub::start_on(backend, two_responders()).await;
    let mut ids = Vec::new();
    for (title, severity) in [
        ("old warning", Severity::Warning),
        ("critical", Severity::Critical),
        ("new warning", Severity::Warning),
        ("resolved", Severity::Critical),
    ] {
        hub.clock.advance(chrono::TimeDelta::minutes(1));
        ids.push(
            hub.open(&NewIncident {
                severity,
                ..incident(title)
            })
            .await
            .id,
        );
    }
    let resp = hub
        .post(
            ALICE,
            &format!("/api/v1/incidents/{}/resolve", ids[3]),
            &json!({}),
        )
        .await;
    expect::<Incident>(resp, StatusCode::OK).await;

    let open: IncidentList =
        expect(hub.get(ALICE, "/api/v1/incidents").await, StatusCode::OK).await;
    let titles: Vec<&str> = open.incidents.iter().map(|i| i.title.as_str()).collect();
    assert_eq!(titles, ["critical", "new warning", "old warning"]);
    assert!(open.incidents.iter().all(|i| i.timeline.is_empty()));
    let explicit: IncidentList = expect(
        hub.get(ALICE, "/api/v1/incidents?status=open").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(explicit, open);

    let all: IncidentList = expect(
        hub.get(ALICE, "/api/v1/incidents?status=all").await,
        StatusCode::OK,
    )
    .await;
    let titles: Vec<&str> = all.incidents.iter().map(|i| i.title.as_str()).collect();
    assert_eq!(
        titles,
        ["critical", "new warning", "old warning", "resolved"]
    );
    assert_eq!(all.cursor, open.cursor);

    for bad in ["?status=closed", "?since=abc", "?since=-1", "?since="] {
        let resp = hub.get(ALICE, &format!("/api/v1/incidents{bad}")).await;
        expect_error(resp, StatusCode::BAD_REQUEST, "bad_request").await;
    }
    hub.stop().await;
}
both_backends!(the_list_filters_by_status_in_feed_order_without_timelines);

async fn the_list_answers_304_until_something_changes(backend: Backend) {
    let hub = TestHub::start_on(backend, two_responders()).await;
    let id = hub.open(&incident("disk full")).await.id;
    let first = hub.get(ALICE, "/api/v1/incidents").await;
    assert_eq!(first.status(), StatusCode::OK);
    let tag = first.headers()[ETAG].to_str().unwrap().to_string();

    let cached = hub
        .request(Method::GET, ALICE, "/api/v1/incidents")
        .header(IF_NONE_MATCH, &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(cached.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(cached.headers()[ETAG].to_str().unwrap(), tag);
    assert!(cached.bytes().await.unwrap().is_empty());

    // Another filter is another answer.
    let all = hub
        .request(Method::GET, ALICE, "/api/v1/incidents?status=all")
        .header(IF_NONE_MATCH, &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(all.status(), StatusCode::OK);

    let resp = hub
        .post(
            ALICE,
            &format!("/api/v1/incidents/{id}/notes"),
            &json!({"text": "looking"}),
        )
        .await;
    expect::<Incident>(resp, StatusCode::CREATED).await;
    let changed = hub
        .request(Method::GET, ALICE, "/api/v1/incidents")
        .header(IF_NONE_MATCH, &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::OK);
    let new_tag = changed.headers()[ETAG].to_str().unwrap().to_string();
    assert_ne!(new_tag, tag);
    let list: IncidentList = expect(changed, StatusCode::OK).await;
    assert_eq!(list.incidents[0].version, 2);
    hub.stop().await;
}
both_backends!(the_list_answers_304_until_something_changes);

async fn since_returns_only_what_changed_after_the_cursor(backend: Backend) {
    let hub = TestHub::start_on(backend, two_responders()).await;
    let a = hub.open(&incident("a")).await;
    hub.open(&incident("b")).await;
    let all: IncidentList = expect(
        hub.get(ALICE, "/api/v1/incidents?status=all").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(all.incidents.len(), 2);

    let none: IncidentList = expect(
        hub.get(
            ALICE,
            &format!("/api/v1/incidents?status=all&since={}", all.cursor),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(none.incidents.is_empty());
    assert_eq!(none.cursor, all.cursor);

    let resp = hub
        .post(
            BOB,
            &format!("/api/v1/incidents/{}/resolve", a.id),
            &json!({}),
        )
        .await;
    expect::<Incident>(resp, StatusCode::OK).await;
    let changes: IncidentList = expect(
        hub.get(
            ALICE,
            &format!("/api/v1/incidents?status=all&since={}", all.cursor),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(changes.incidents.len(), 1);
    assert_eq!(changes.incidents[0].id, a.id);
    assert_eq!(changes.incidents[0].status, Status::Resolved);
    assert!(changes.cursor > all.cursor);
    hub.stop().await;
}
both_backends!(since_returns_only_what_changed_after_the_cursor);

async fn one_incident_comes_with_its_timeline_oldest_first(backend: Backend) {
    let hub = TestHub::start_on(backend, two_responders()).await;
    let id = hub.open(&incident("disk full")).await.id;
    hub.clock.advance(chrono::TimeDelta::minutes(2));
    let path = format!("/api/v1/incidents/{id}");
    expect::<Incident>(
        hub.post(BOB, &format!("{path}/acknowledge"), &json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    hub.clock.advance(chrono::TimeDelta::minutes(3));
    expect::<Incident>(
        hub.post(
            BOB,
            &format!("{path}/notes"),
            &json!({"text": "deleting old WAL"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let i = hub.incident(id).await;
    let kinds: Vec<EventKind> = i.timeline.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [EventKind::Opened, EventKind::Acknowledged, EventKind::Note]
    );
    assert!(i.timeline.windows(2).all(|w| w[0].at < w[1].at));
    assert_eq!(i.timeline[2].text, "deleting old WAL");
    assert_eq!(i.updated_at, i.timeline[2].at);

    let missing = hub
        .get(ALICE, &format!("/api/v1/incidents/{}", id + 1000))
        .await;
    expect_error(missing, StatusCode::NOT_FOUND, "not_found").await;
    let bad = hub.get(ALICE, "/api/v1/incidents/abc").await;
    expect_error(bad, StatusCode::BAD_REQUEST, "bad_request").await;
    let missing_ack = hub
        .post(
            ALICE,
            &format!("/api/v1/incidents/{}/acknowledge", id + 1000),
            &json!({}),
        )
        .await;
    expect_error(missing_ack, StatusCode::NOT_FOUND, "not_found").await;
    hub.stop().await;
}
both_backends!(one_incident_comes_with_its_timeline_oldest_first);

async fn acknowledge_takes_the_owner_from_the_token(backend: Backend) {
    let hub = TestHub::start_on(backend, two_responders()).await;
    let id = hub.open(&incident("disk full")).await.id;
    let path = format!("/api/v1/incidents/{id}/acknowledge");

    // The body cannot name someone else.
    let forged = hub.post(BOB, &path, &json!({"who": "alice"})).await;
    expect_error(forged, StatusCode::BAD_REQUEST, "bad_request").await;

    // A bare POST, no body at all, is an acknowledge without note or version.
    let resp = hub.request(Method::POST, BOB, &path).send().await.unwrap();
    let i: Incident = expect(resp, StatusCode::OK).await;
    assert_eq!(i.status, Status::Acknowledged);
    assert_eq!(i.owner.as_deref(), Some("bob"));
    assert_eq!(i.version, 2);
    let last = i.timeline.last().unwrap();
    assert_eq!(
        (last.kind, last.who.as_str()),
        (EventKind::Acknowledged, "bob")
    );

    // Again by bob: unchanged. By alice: refused, naming bob.
    let again: Incident = expect(hub.post(BOB, &path, &json!({})).await, StatusCode::OK).await;
    assert_eq!(again, i);
    let taken = hub.post(ALICE, &path, &json!({})).await;
    let e = expect_error(taken, StatusCode::CONFLICT, "conflict").await;
    assert!(
        e.error.contains("already acknowledged by bob"),
        "{}",
        e.error
    );
    assert_eq!(e.incident.unwrap().owner.as_deref(), Some("bob"));
    hub.stop().await;
}
both_backends!(acknowledge_takes_the_owner_from_the_token);

async fn a_stale_version_is_refused_with_the_current_incident(backend: Backend) {
    let hub = TestHub::start_on(backend, two_responders()).await;
    let id = hub.open(&incident("disk full")).await.id;
    expect::<Incident>(
        hub.act(ALICE, id, "notes", &json!({"text": "x"})).await,
        StatusCode::CREATED,
    )
    .await;
    let resp = hub
        .post(
            BOB,
            &format!("/api/v1/incidents/{id}/acknowledge"),
            &json!({"version": 1, "note": "mine"}),
        )
        .await;
    let e = expect_error(resp, StatusCode::CONFLICT, "conflict").await;
    assert!(e.error.contains("version 1, now 2"), "{}", e.error);
    let current = e.incident.unwrap();
    assert_eq!((current.version, current.status), (2, Status::Triggered));
    assert_eq!(current.timeline.len(), 2);

    let resp = hub
        .post(
            BOB,
            &format!("/api/v1/incidents/{id}/acknowledge"),
            &json!({"version": 2, "note": "mine"}),
        )
        .await;
    let i: Incident = expect(resp, StatusCode::OK).await;
    assert_eq!(i.timeline.last().unwrap().text, "mine");
    hub.stop().await;
}
both_backends!(a_stale_version_is_refused_with_the_current_incident);

async fn of_two_simultaneous_acknowledgements_exactly_one_wins(backend: Backend) {
    let hub = TestHub::start_on(backend, two_responders()).await;
    for round in 0..20 {
        let id = hub.open(&incident(&format!("race {round}"))).await.id;
        let path = format!("/api/v1/incidents/{id}/acknowledge");
        let body = json!({"version": 1});
        let (a, b) = tokio::join!(hub.post(ALICE, &path, &body), hub.post(BOB, &path, &body));
        let mut statuses = [a.status(), b.status()];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::OK, StatusCode::CONFLICT],
            "round {round}"
        );
        let winner = if a.status() == StatusCode::OK {
            "alice"
        } else {
            "bob"
        };
        let loser = if a.status() == StatusCode::OK { b } else { a };
        expect_error(loser, StatusCode::CONFLICT, "conflict").await;

        let i = hub.incident(id).await;
        assert_eq!(i.owner.as_deref(), Some(winner));
        assert_eq!(i.version, 2);
        let acks: Vec<_> = i
            .timeline
            .iter()
            .filter(|e| e.kind == EventKind::Acknowledged)
            .collect();
        assert_eq!(acks.len(), 1, "round {round}: {:?}", i.timeline);
        assert_eq!(acks[0].who, winner);
    }
    hub.stop().await;
}
both_backends!(
    of_two_simultaneous_acknowledgements_exactly_one_wins,
    flavor = "multi_thread",
    worker_threads = 2
);

async fn escalation_climbs_the_lines_and_stops_at_the_last(backend: Backend) {
    let hub = TestHub::start_on(backend, two_responders()).await;
    let id = hub.open(&incident("replication lag")).await.id;
    let path = format!("/api/v1/incidents/{id}/escalate");
    hub.acted(ALICE, id, "acknowledge", &json!({})).await;

    let i: Incident = expect(
        hub.post(ALICE, &path, &json!({"note": "needs a DBA"}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!((i.escalation_level, i.status), (2, Status::Triggered));
    let last = i.timeline.last().unwrap();
    assert_eq!(last.kind, EventKind::Escalated);
    assert_eq!(
        last.text,
        "escalated from 1st line to 2nd line: needs a DBA"
    );
    assert_eq!(last.who, "alice");

    let resp = hub.request(Method::POST, BOB, &path).send().await.unwrap();
    let i: Incident = expect(resp, StatusCode::OK).await;
    assert_eq!(i.escalation_level, 3);
    assert_eq!(
        i.timeline.last().unwrap().text,
        "escalated from 2nd line to 3rd line"
    );

    let refused = hub.post(BOB, &path, &json!({})).await;
    let e = expect_error(refused, StatusCode::CONFLICT, "last_level").await;
    assert!(
        e.error.contains("already at 3rd line, the last level"),
        "{}",
        e.error
    );
    assert_eq!(e.incident.unwrap().escalation_level, 3);
    assert_eq!(hub.incident(id).await.version, i.version);

    hub.acted(BOB, id, "resolve", &json!({})).await;
    let resolved = hub.post(BOB, &path, &json!({})).await;
    expect_error(resolved, StatusCode::CONFLICT, "resolved").await;
    hub.stop().await;
}
both_backends!(escalation_climbs_the_lines_and_stops_at_the_last);

async fn resolving_twice_is_refused(backend: Backend) {
    let hub = TestHub::start_on(backend, two_responders()).await;
    let id = hub.open(&incident("disk full")).await.id;
    let path = format!("/api/v1/incidents/{id}/resolve");
    let i: Incident = expect(
        hub.post(BOB, &path, &json!({"note": "freed 40 GB"})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(i.status, Status::Resolved);
    let last = i.timeline.last().unwrap();
    assert_eq!(
        (last.kind, last.text.as_str(), last.who.as_str()),
        (EventKind::Resolved, "freed 40 GB", "bob")
    );

    let again = hub.post(ALICE, &path, &json!({})).await;
    let e = expect_error(again, StatusCode::CONFLICT, "resolved").await;
    assert_eq!(e.incident.unwrap().version, i.version);
    let ack = hub
        .post(
            ALICE,
            &format!("/api/v1/incidents/{id}/acknowledge"),
            &json!({}),
        )
        .await;
    expect_error(ack, StatusCode::CONFLICT, "resolved").await;
    hub.stop().await;
}
both_backends!(resolving_twice_is_refused);

async fn notes_are_added_even_after_resolving(backend: Backend) {
    let hub = TestHub::start_on(backend, two_responders()).await;
    let id = hub.open(&incident("disk full")).await.id;
    let path = format!("/api/v1/incidents/{id}/notes");
    let i: Incident = expect(
        hub.post(ALICE, &path, &json!({"text": "  checking  "}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let last = i.timeline.last().unwrap();
    assert_eq!(
        (last.kind, last.text.as_str(), last.who.as_str()),
        (EventKind::Note, "checking", "alice")
    );
    assert_eq!(i.version, 2);

    for bad in [
        json!({"text": "   "}),
        json!({}),
        json!({"text": "x".repeat(16 * 1024 + 1)}),
    ] {
        let resp = hub.post(ALICE, &path, &bad).await;
        expect_error(resp, StatusCode::BAD_REQUEST, "bad_request").await;
    }

    hub.acted(ALICE, id, "resolve", &json!({})).await;
    let i: Incident = expect(
        hub.post(BOB, &path, &json!({"text": "post-mortem Friday"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(i.status, Status::Resolved);
    assert_eq!(i.timeline.last().unwrap().who, "bob");
    hub.stop().await;
}
both_backends!(notes_are_added_even_after_resolving);

async fn a_body_over_one_mebibyte_is_refused_with_413(backend: Backend) {
    let hub = TestHub::start_on(backend, two_responders()).await;
    let huge = NewIncident {
        description: "x".repeat(2 * 1024 * 1024),
        ..incident("huge")
    };
    let resp = hub.post(ALICE, "/api/v1/incidents", &huge).await;
    expect_error(resp, StatusCode::PAYLOAD_TOO_LARGE, "too_large").await;
    let list: IncidentList =
        expect(hub.get(ALICE, "/api/v1/incidents").await, StatusCode::OK).await;
    assert!(list.incidents.is_empty());
    hub.stop().await;
}
both_backends!(a_body_over_one_mebibyte_is_refused_with_413);

async fn malformed_bodies_get_400_saying_what_was_wrong(backend: Backend) {
    let hub = TestHub::start_on(backend, two_responders()).await;
    let id = hub.open(&incident("disk full")).await.id;
    let cases: Vec<(&str, &str, Vec<u8>, &str)> = vec![
        (
            "/api/v1/incidents",
            "application/json",
            b"{\"title\": ".to_vec(),
            "EOF",
        ),
        (
            "/api/v1/incidents",
            "application/json",
            b"{\"title\": 12, \"service\": \"db\"}".to_vec(),
            "title",
        ),
        (
            "/api/v1/incidents",
            "application/json",
            b"{\"title\": \"t\", \"service\": \"db\", \"colour\": 1}".to_vec(),
            "colour",
        ),
        (
            "/api/v1/incidents",
            "application/json",
            b"{\"service\": \"db\"}".to_vec(),
            "title",
        ),
        (
            "/api/v1/incidents",
            "application/json",
            b"{\"title\": \"t\", \"service\": \"db\", \"severity\": \"apocalyptic\"}".to_vec(),
            "severity",
        ),
        (
            "/api/v1/incidents",
            "application/json",
            b"{\"title\": \"\xff\xfe\", \"service\": \"db\"}".to_vec(),
            "unicode",
        ),
        (
            "/api/v1/incidents",
            "text/plain",
            b"{\"title\": \"t\", \"service\": \"db\"}".to_vec(),
            "Content-Type",
        ),
        ("/api/v1/incidents", "application/json", Vec::new(), "EOF"),
        (
            "/api/v1/incidents/ID/acknowledge",
            "application/json",
            b"{\"version\": \"one\"}".to_vec(),
            "version",
        ),
        (
            "/api/v1/incidents/ID/acknowledge",
            "application/json",
            b"[1, 2]".to_vec(),
            "Failed",
        ),
        (
            "/api/v1/incidents/ID/notes",
            "application/json",
            b"{\"text\": null}".to_vec(),
            "text",
        ),
    ];
    for (path, content_type, body, needle) in cases {
        let path = path.replace("ID", &id.to_string());
        let resp = hub
            .request(Method::POST, ALICE, &path)
            .header(CONTENT_TYPE, content_type)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        let e = expect_error(resp, StatusCode::BAD_REQUEST, "bad_request").await;
        assert!(
            e.error.contains(needle),
            "{path} {:?}: {} lacks {needle:?}",
            String::from_utf8_lossy(&body),
            e.error
        );
    }
    // None of that changed the incident.
    assert_eq!(hub.incident(id).await.version, 1);
    hub.stop().await;
}
both_backends!(malformed_bodies_get_400_saying_what_was_wrong);

async fn unknown_routes_and_wrong_methods_get_json_errors(backend: Backend) {
    let hub = TestHub::start_on(backend, two_responders()).await;
    let resp = hub.get(ALICE, "/api/v1/nothing-here").await;
    expect_error(resp, StatusCode::NOT_FOUND, "not_found").await;
    let resp = hub
        .client
        .get(hub.url("/no/such/page"))
        .send()
        .await
        .unwrap();
    expect_error(resp, StatusCode::NOT_FOUND, "not_found").await;
    let resp = hub
        .request(Method::DELETE, ALICE, "/api/v1/incidents")
        .send()
        .await
        .unwrap();
    expect_error(resp, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
    let resp = hub
        .request(Method::GET, ALICE, "/api/v1/incidents/1/acknowledge")
        .send()
        .await
        .unwrap();
    expect_error(resp, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
    let resp = hub.client.post(hub.url("/healthz")).send().await.unwrap();
    expect_error(resp, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
    hub.stop().await;
}
both_backends!(unknown_routes_and_wrong_methods_get_json_errors);

async fn incidents_survive_a_restart_on_the_same_file(backend: Backend) {
    let mut hub = TestHub::start_on(backend, two_responders()).await;
    let new = NewIncident {
        dedup_key: Some("db-1/disk".into()),
        ..incident("disk full")
    };
    let id = hub.open(&new).await.id;
    hub.acted(BOB, id, "acknowledge", &json!({"note": "mine"}))
        .await;
    let before: IncidentList = expect(
        hub.get(ALICE, "/api/v1/incidents?status=all").await,
        StatusCode::OK,
    )
    .await;
    let tag_before = hub.get(ALICE, "/api/v1/incidents").await.headers()[ETAG].clone();

    hub.restart().await;

    let i = hub.incident(id).await;
    assert_eq!(i.owner.as_deref(), Some("bob"));
    assert_eq!(i.timeline.len(), 2);
    let after: IncidentList = expect(
        hub.get(ALICE, "/api/v1/incidents?status=all").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(after, before);
    // Same data, same change number: a client's ETag still holds.
    let cached = hub
        .request(Method::GET, ALICE, "/api/v1/incidents")
        .header(IF_NONE_MATCH, tag_before)
        .send()
        .await
        .unwrap();
    assert_eq!(cached.status(), StatusCode::NOT_MODIFIED);
    // The dedup key still folds into the same open incident.
    let folded: Opened = expect(
        hub.post(ALICE, "/api/v1/incidents", &new).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(folded.incident.id, id);
    assert!(folded.incident.version > i.version);
    hub.stop().await;
}
both_backends!(incidents_survive_a_restart_on_the_same_file);

async fn simultaneous_repeats_open_one_incident_and_count_every_repeat(backend: Backend) {
    let hub = TestHub::start_on(backend, two_responders()).await;
    let new = NewIncident {
        dedup_key: Some("web/5xx".into()),
        ..incident("5xx rate above 5%")
    };
    let posts = (0..10).map(|n| {
        let token = if n % 2 == 0 { ALICE } else { BOB };
        hub.post(token, "/api/v1/incidents", &new)
    });
    let answers = futures::future::join_all(posts).await;
    let mut created = 0;
    let mut ids = Vec::new();
    for resp in answers {
        match resp.status() {
            StatusCode::CREATED => created += 1,
            StatusCode::OK => {}
            other => panic!("unexpected {other}"),
        }
        let opened: Opened = resp.json().await.unwrap();
        ids.push(opened.incident.id);
    }
    assert_eq!(created, 1);
    ids.dedup();
    assert_eq!(ids.len(), 1);
    let i = hub.incident(ids[0]).await;
    assert_eq!(i.occurrences, 10);
    assert_eq!(i.version, 10);
    hub.stop().await;
}
both_backends!(
    simultaneous_repeats_open_one_incident_and_count_every_repeat,
    flavor = "multi_thread",
    worker_threads = 2
);

async fn runbook_steps_are_ticked_shared_and_idempotent(backend: Backend) {
    let hub = TestHub::start_on(backend, two_responders()).await;
    let id = hub.open(&incident("disk full")).await.id;
    let path = format!("/api/v1/incidents/{id}/steps");
    let i: Incident = expect(
        hub.post(
            ALICE,
            &path,
            &json!({"runbook": "disk-full", "step": 2, "done": true, "text": "df -h /var"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        i.steps
            .get("disk-full")
            .map(|s| s.iter().copied().collect::<Vec<_>>()),
        Some(vec![2])
    );
    let last = i.timeline.last().unwrap();
    assert_eq!(
        (last.kind, last.who.as_str(), last.text.as_str()),
        (
            EventKind::Step,
            "alice",
            "ticked 'df -h /var' (step 3 of disk-full)"
        )
    );
    let version = i.version;

    // The same tick again changes nothing.
    let again: Incident = expect(
        hub.post(
            BOB,
            &path,
            &json!({"runbook": "disk-full", "step": 2, "done": true}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again.version, version);

    // Bob sees it on the incident; then unticks it.
    assert!(hub.incident(id).await.steps["disk-full"].contains(&2));
    let un: Incident = expect(
        hub.post(
            BOB,
            &path,
            &json!({"runbook": "disk-full", "step": 2, "done": false}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(un.steps.is_empty());
    assert_eq!(
        un.timeline.last().unwrap().text,
        "unticked step 3 of disk-full"
    );

    for bad in [
        json!({"runbook": "", "step": 1, "done": true}),
        json!({"runbook": "x", "step": -1, "done": true}),
        json!({"runbook": "x", "done": true}),
    ] {
        expect_error(
            hub.post(ALICE, &path, &bad).await,
            StatusCode::BAD_REQUEST,
            "bad_request",
        )
        .await;
    }
    expect_error(
        hub.post(
            ALICE,
            "/api/v1/incidents/999/steps",
            &json!({"runbook": "x", "step": 1, "done": true}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}
both_backends!(runbook_steps_are_ticked_shared_and_idempotent);
