//! The hand-off over a real hub: it moves exactly the outgoing responder's
//! open incidents, makes the incoming one on call to the end of the shift,
//! survives a restart, and is what the incoming console reads next.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;

use oncall::incident::{EventKind, Handoff, Incident, IncidentList, Status};
use reqwest::StatusCode;
use serde_json::json;
use support::{
    ALICE, BOB, Backend, CAROL, ROTA_CONFIG, TestHub, at, both_backends, expect, expect_error,
    hub_config, two_responders,
};

async fn act(hub: &TestHub, token: &str, id: u64, action: &str) -> Incident {
    let path = format!("/api/v1/incidents/{id}/{action}");
    expect(hub.post(token, &path, &json!({})).await, StatusCode::OK).await
}

async fn a_hand_off_moves_exactly_the_outgoing_responders_open_incidents(backend: Backend) {
    let mut hub = TestHub::start_on(backend, hub_config(ROTA_CONFIG)).await;
    // alice is on call: she owns what opens on db and web.
    let triggered = hub.open_for("db", "replication lag").await.id;
    let held = hub.open_for("db", "slow queries").await.id;
    act(&hub, ALICE, held, "acknowledge").await;
    let resolved = hub.open_for("db", "disk full").await.id;
    act(&hub, ALICE, resolved, "resolve").await;
    let erins = hub.open_for("payments", "card declines").await.id;
    let bobs = hub.open_for("web", "5xx rate").await.id;
    act(&hub, BOB, bobs, "acknowledge").await;
    let untouched: Vec<Incident> =
        futures::future::join_all([resolved, erins, bobs].map(|id| hub.incident(id))).await;
    let cursor = expect::<IncidentList>(
        hub.get(ALICE, "/api/v1/incidents?status=all").await,
        StatusCode::OK,
    )
    .await
    .cursor;

    hub.set_time("2026-11-23T15:00:00Z");
    let resp = hub
        .post(
            ALICE,
            "/api/v1/handoff",
            &json!({"note": "db-1 lag still open; noisy disk alert"}),
        )
        .await;
    let handoff: Handoff = expect(resp, StatusCode::CREATED).await;
    assert_eq!(
        (handoff.from.as_str(), handoff.to.as_str()),
        ("alice", "bob")
    );
    assert_eq!(handoff.moved, [triggered, held]);
    assert_eq!(handoff.at, at("2026-11-23T15:00:00Z"));
    assert_eq!(handoff.until, Some(at("2026-11-23T20:00:00Z")));
    assert_eq!(handoff.note, "db-1 lag still open; noisy disk alert");

    for (id, status) in [(triggered, Status::Triggered), (held, Status::Acknowledged)] {
        let i = hub.incident(id).await;
        assert_eq!((i.owner.as_deref(), i.status), (Some("bob"), status));
        let last = i.timeline.last().unwrap();
        assert_eq!(
            (last.kind, last.who.as_str()),
            (EventKind::Reassigned, "alice")
        );
        assert_eq!(last.text, "handed over from alice to bob");
    }
    for before in untouched {
        let now = hub.incident(before.id).await;
        assert_eq!(now, before, "#{} changed", before.id);
    }
    // Consoles polling with a cursor see exactly the two reassignments.
    let changed: IncidentList = expect(
        hub.get(
            ALICE,
            &format!("/api/v1/incidents?status=all&since={cursor}"),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let mut ids: Vec<u64> = changed.incidents.iter().map(|i| i.id).collect();
    ids.sort();
    assert_eq!(ids, [triggered, held]);

    // bob is on call from the hand-off, and through his own shift after it.
    let now = hub.oncall().await.now.unwrap();
    assert_eq!(now.who, "bob");
    assert_eq!(
        (now.since, now.until),
        (at("2026-11-23T15:00:00Z"), at("2026-11-24T08:00:00Z"))
    );
    assert_eq!(
        hub.open_for("db", "lock waits").await.owner.as_deref(),
        Some("bob")
    );

    let latest: Handoff = expect(
        hub.get(BOB, "/api/v1/handoffs/latest").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(latest, handoff);
    let to_bob: Handoff = expect(
        hub.get(BOB, "/api/v1/handoffs/latest?to=bob").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(to_bob, handoff);
    let none = hub.get(CAROL, "/api/v1/handoffs/latest?to=carol").await;
    expect_error(none, StatusCode::NOT_FOUND, "not_found").await;

    // Stored, so a restarted hub still has bob on call and the note.
    hub.restart().await;
    assert_eq!(hub.oncall().await.now.unwrap().who, "bob");
    let latest: Handoff = expect(
        hub.get(BOB, "/api/v1/handoffs/latest").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(latest, handoff);
    hub.stop().await;
}
both_backends!(a_hand_off_moves_exactly_the_outgoing_responders_open_incidents);

async fn a_hand_off_to_a_named_responder_and_the_next_one_wins(backend: Backend) {
    let hub = TestHub::start_on(backend, hub_config(ROTA_CONFIG)).await;
    hub.set_time("2026-11-23T12:00:00Z");
    let resp = hub
        .post(
            ALICE,
            "/api/v1/handoff",
            &json!({"to": "carol", "note": ""}),
        )
        .await;
    let first: Handoff = expect(resp, StatusCode::CREATED).await;
    assert_eq!(first.to, "carol");
    assert!(first.moved.is_empty());
    hub.set_time("2026-11-23T13:00:00Z");
    assert_eq!(hub.oncall().await.now.unwrap().who, "carol");
    let resp = hub
        .post(
            CAROL,
            "/api/v1/handoff",
            &json!({"to": "dave", "note": "over to you"}),
        )
        .await;
    expect::<Handoff>(resp, StatusCode::CREATED).await;
    let on = hub.oncall().await;
    let now = on.now.unwrap();
    assert_eq!(
        (now.who.as_str(), now.until),
        ("dave", at("2026-11-23T20:00:00Z"))
    );
    assert_eq!(on.next.unwrap().who, "bob");
    let latest: Handoff = expect(
        hub.get(ALICE, "/api/v1/handoffs/latest").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (latest.from.as_str(), latest.to.as_str()),
        ("carol", "dave")
    );
    let to_carol: Handoff = expect(
        hub.get(CAROL, "/api/v1/handoffs/latest?to=carol").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(to_carol, first);
    hub.stop().await;
}
both_backends!(a_hand_off_to_a_named_responder_and_the_next_one_wins);

async fn hand_offs_that_cannot_be_carried_out_are_refused(backend: Backend) {
    let hub = TestHub::start_on(backend, hub_config(ROTA_CONFIG)).await;
    let owned = hub.open_for("db", "replication lag").await;
    let cases = [
        (json!({"to": "zed", "note": ""}), "'zed' is not a responder"),
        (
            json!({"to": "alice", "note": ""}),
            "cannot hand off to themselves",
        ),
        (json!({"to": "bob"}), "note"),
        (json!({"to": "bob", "note": "", "from": "carol"}), "from"),
        (
            json!({"to": "bob", "note": "x".repeat(64 * 1024 + 1)}),
            "64 KiB",
        ),
    ];
    for (body, needle) in cases {
        let resp = hub.post(ALICE, "/api/v1/handoff", &body).await;
        let e = expect_error(resp, StatusCode::BAD_REQUEST, "bad_request").await;
        assert!(e.error.contains(needle), "{body}: {}", e.error);
    }
    // bob is not on call, so he may not hand off at all.
    let resp = hub.post(BOB, "/api/v1/handoff", &json!({"note": ""})).await;
    let e = expect_error(resp, StatusCode::FORBIDDEN, "forbidden").await;
    assert!(e.error.starts_with("alice is on call now"), "{}", e.error);
    // Nothing was recorded or moved.
    expect_error(
        hub.get(ALICE, "/api/v1/handoffs/latest").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_eq!(hub.incident(owned.id).await, owned);
    hub.stop().await;
}
both_backends!(hand_offs_that_cannot_be_carried_out_are_refused);

async fn without_a_rota_a_hand_off_must_say_who_takes_over(backend: Backend) {
    let hub = TestHub::start_on(backend, two_responders()).await;
    let id = hub.open_for("db", "replication lag").await.id;
    act(&hub, ALICE, id, "acknowledge").await;
    let resp = hub
        .post(ALICE, "/api/v1/handoff", &json!({"note": "quiet night"}))
        .await;
    let e = expect_error(resp, StatusCode::BAD_REQUEST, "bad_request").await;
    assert!(
        e.error.starts_with("no rota: say who takes over"),
        "{}",
        e.error
    );
    let resp = hub
        .post(
            ALICE,
            "/api/v1/handoff",
            &json!({"to": "bob", "note": "quiet night"}),
        )
        .await;
    let handoff: Handoff = expect(resp, StatusCode::CREATED).await;
    assert_eq!(
        (handoff.moved.as_slice(), handoff.until),
        ([id].as_slice(), None)
    );
    assert_eq!(hub.incident(id).await.owner.as_deref(), Some("bob"));
    // With no rota there is still nobody on call.
    assert_eq!(hub.oncall().await.now, None);
    hub.stop().await;
}
both_backends!(without_a_rota_a_hand_off_must_say_who_takes_over);
