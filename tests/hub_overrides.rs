//! Overrides through the API over a real hub on 127.0.0.1, on both stores:
//! one made changes who `GET /api/v1/oncall` says is on call; anyone may
//! cover a shift themselves, putting someone else on call takes the person
//! on call then or a lead, and integrations never may; the person displaced
//! is paged through a real receiver; a repeated request is made once; a
//! removal is kept as history and refused to others; and the newest made of
//! two covers wins, whenever it starts.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use oncall::config::Role;
use oncall::hub::deliveries::PageEvent;
use oncall::incident::{Override, OverrideList};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use support::pages::{Receiver, paged_config, paging};
use support::{
    ALERTMANAGER, ALICE, BOB, Backend, DAVE, ERIN, ROTA_CONFIG, TestHub, at, both_backends, expect,
    expect_error, hub_config, integration,
};

/// The rota of `ROTA_CONFIG` (alice 08-20 on the 23rd, bob 20-08, carol
/// 08-20 on the 24th), erin a lead, and an integration token.
async fn rota_hub(backend: Backend) -> TestHub {
    let mut config = hub_config(ROTA_CONFIG);
    config.responders[4].role = Role::Lead;
    config.responders.push(integration("am", ALERTMANAGER));
    TestHub::start_on(backend, config).await
}

fn body(responder: &str, start: &str, end: &str) -> Value {
    json!({"responder": responder, "start": start, "end": end})
}

async fn cover(hub: &TestHub, token: &str, body: &Value) -> Override {
    expect(
        hub.post(token, "/api/v1/overrides", body).await,
        StatusCode::CREATED,
    )
    .await
}

async fn listed(hub: &TestHub) -> Vec<Override> {
    let list: OverrideList =
        expect(hub.get(ALICE, "/api/v1/overrides").await, StatusCode::OK).await;
    list.overrides
}

async fn remove(hub: &TestHub, token: &str, id: u64) -> reqwest::Response {
    hub.request(Method::DELETE, token, &format!("/api/v1/overrides/{id}"))
        .send()
        .await
        .unwrap()
}

async fn a_self_cover_changes_who_is_on_call(backend: Backend) {
    let hub = rota_hub(backend).await;
    let made = cover(
        &hub,
        DAVE,
        &body("dave", "2026-11-23T09:00:00Z", "2026-11-23T11:00:00Z"),
    )
    .await;
    assert_eq!(
        (made.responder.as_str(), made.created_by.as_str()),
        ("dave", "dave")
    );
    assert_eq!(
        (made.start, made.end),
        (at("2026-11-23T09:00:00Z"), at("2026-11-23T11:00:00Z"))
    );
    assert_eq!(made.displaced, ["alice"]);
    assert_eq!(made.created_at, at("2026-11-23T08:00:00Z"));
    let on = hub.oncall().await;
    let next = on.next.unwrap();
    assert_eq!(
        (next.who.as_str(), next.from),
        ("dave", at("2026-11-23T09:00:00Z"))
    );
    hub.set_time("2026-11-23T09:30:00Z");
    let now = hub.oncall().await.now.unwrap();
    assert_eq!(
        (now.who.as_str(), now.until),
        ("dave", at("2026-11-23T11:00:00Z"))
    );
    let Value::Object(wire) = serde_json::to_value(&listed(&hub).await[0]).unwrap() else {
        panic!("an override is an object");
    };
    assert!(
        !wire.contains_key("displaced"),
        "only the answer to making it names them"
    );
    assert_eq!(listed(&hub).await[0].id, made.id);
    // A new incident goes to whoever the override puts on call.
    let opened = hub.open(&support::incident("disk full")).await;
    assert_eq!(opened.owner.as_deref(), Some("dave"));
    hub.set_time("2026-11-23T11:00:00Z");
    assert_eq!(hub.oncall().await.now.unwrap().who, "alice");
    assert!(
        listed(&hub).await.is_empty(),
        "an override over is not listed"
    );
}
both_backends!(a_self_cover_changes_who_is_on_call);

async fn someone_else_is_put_on_call_by_the_person_on_call_or_a_lead(backend: Backend) {
    let hub = rota_hub(backend).await;
    let window = body("dave", "2026-11-23T21:00:00Z", "2026-11-23T23:00:00Z");
    // carol is not on call then (bob is): refused, and it says who is.
    let refused = expect_error(
        hub.post(support::CAROL, "/api/v1/overrides", &window).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert!(refused.error.contains("held by bob"), "{}", refused.error);
    assert!(listed(&hub).await.is_empty());
    let by_bob = cover(&hub, BOB, &window).await;
    assert_eq!(
        (by_bob.created_by.as_str(), by_bob.displaced.clone()),
        ("bob", vec!["bob".to_string()])
    );
    let by_lead = cover(
        &hub,
        ERIN,
        &body("carol", "2026-11-24T01:00:00Z", "2026-11-24T02:00:00Z"),
    )
    .await;
    assert_eq!(by_lead.created_by, "erin");
    assert_eq!(
        listed(&hub).await,
        [by_bob.clone(), by_lead.clone()].map(|o| Override {
            displaced: Vec::new(),
            ..o
        })
    );
    // An integration only sends events.
    expect_error(
        hub.post(ALERTMANAGER, "/api/v1/overrides", &window).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}
both_backends!(someone_else_is_put_on_call_by_the_person_on_call_or_a_lead);

async fn bad_overrides_are_refused_with_json(backend: Backend) {
    let hub = rota_hub(backend).await;
    for (bad, status, says) in [
        (
            body("zed", "2026-11-23T09:00:00Z", "2026-11-23T10:00:00Z"),
            StatusCode::BAD_REQUEST,
            "not a responder",
        ),
        (
            body("am", "2026-11-23T09:00:00Z", "2026-11-23T10:00:00Z"),
            StatusCode::FORBIDDEN,
            "integration",
        ),
        (
            body("dave", "2026-11-23T10:00:00Z", "2026-11-23T09:00:00Z"),
            StatusCode::BAD_REQUEST,
            "ends after it starts",
        ),
        (
            body("dave", "2026-11-22T10:00:00Z", "2026-11-23T07:00:00Z"),
            StatusCode::BAD_REQUEST,
            "past already",
        ),
        (
            body("dave", "2026-11-23T10:00:00Z", "2027-03-23T10:00:00Z"),
            StatusCode::BAD_REQUEST,
            "at most 90 days",
        ),
        (
            json!({"responder": "dave", "start": "tomorrow", "end": "2026-11-23T10:00:00Z"}),
            StatusCode::BAD_REQUEST,
            "",
        ),
        (json!({"responder": "dave"}), StatusCode::BAD_REQUEST, ""),
    ] {
        let code = if status == StatusCode::FORBIDDEN {
            "forbidden"
        } else {
            "bad_request"
        };
        let e = expect_error(
            hub.post(DAVE, "/api/v1/overrides", &bad).await,
            status,
            code,
        )
        .await;
        assert!(e.error.contains(says), "{bad}: {}", e.error);
    }
    assert!(listed(&hub).await.is_empty());
}
both_backends!(bad_overrides_are_refused_with_json);

async fn a_repeated_override_is_made_once(backend: Backend) {
    let hub = rota_hub(backend).await;
    let window = body("dave", "2026-11-23T09:00:00Z", "2026-11-23T10:00:00Z");
    let send = || {
        hub.request(Method::POST, DAVE, "/api/v1/overrides")
            .header("Idempotency-Key", "cover-1")
            .json(&window)
            .send()
    };
    let first: Override = expect(send().await.unwrap(), StatusCode::CREATED).await;
    let again: Override = expect(send().await.unwrap(), StatusCode::CREATED).await;
    assert_eq!(first, again);
    assert_eq!(listed(&hub).await.len(), 1);
}
both_backends!(a_repeated_override_is_made_once);

async fn an_override_is_removed_by_its_maker_its_responder_or_a_lead(backend: Backend) {
    let hub = rota_hub(backend).await;
    let made = cover(
        &hub,
        ALICE,
        &body("dave", "2026-11-23T09:00:00Z", "2026-11-23T10:00:00Z"),
    )
    .await;
    let refused = expect_error(
        remove(&hub, BOB, made.id).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert!(
        refused.error.contains("only they or a lead"),
        "{}",
        refused.error
    );
    expect_error(
        remove(&hub, ALICE, 999).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    expect_error(
        hub.request(Method::DELETE, ALICE, "/api/v1/overrides/x")
            .send()
            .await
            .unwrap(),
        StatusCode::BAD_REQUEST,
        "bad_request",
    )
    .await;
    hub.set_time("2026-11-23T08:30:00Z");
    let removed: Override = expect(remove(&hub, DAVE, made.id).await, StatusCode::OK).await;
    assert_eq!(
        (removed.removed_by.as_deref(), removed.removed_at),
        (Some("dave"), Some(at("2026-11-23T08:30:00Z")))
    );
    assert!(listed(&hub).await.is_empty());
    hub.set_time("2026-11-23T09:30:00Z");
    assert_eq!(hub.oncall().await.now.unwrap().who, "alice");
    let again = expect_error(
        remove(&hub, ERIN, made.id).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert!(
        again.error.contains("already removed by dave"),
        "{}",
        again.error
    );
    // A lead removes anyone's.
    let other = cover(
        &hub,
        DAVE,
        &body("dave", "2026-11-23T10:00:00Z", "2026-11-23T11:00:00Z"),
    )
    .await;
    let _: Override = expect(remove(&hub, ERIN, other.id).await, StatusCode::OK).await;
}
both_backends!(an_override_is_removed_by_its_maker_its_responder_or_a_lead);

async fn the_cover_made_last_wins_over_a_hand_off(backend: Backend) {
    let hub = rota_hub(backend).await;
    // dave covers 12:00-16:00 first; then alice hands her shift to bob at
    // 10:00: the hand-off, made later, holds to 20:00.
    cover(
        &hub,
        DAVE,
        &body("dave", "2026-11-23T12:00:00Z", "2026-11-23T16:00:00Z"),
    )
    .await;
    hub.set_time("2026-11-23T10:00:00Z");
    let resp = hub
        .post(
            ALICE,
            "/api/v1/handoff",
            &json!({"to": "bob", "note": "db-2 is flaky"}),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    hub.set_time("2026-11-23T13:00:00Z");
    assert_eq!(hub.oncall().await.now.unwrap().who, "bob");
    // An override made after the hand-off wins its window again.
    cover(
        &hub,
        BOB,
        &body("erin", "2026-11-23T14:00:00Z", "2026-11-23T15:00:00Z"),
    )
    .await;
    hub.set_time("2026-11-23T14:30:00Z");
    assert_eq!(hub.oncall().await.now.unwrap().who, "erin");
}
both_backends!(the_cover_made_last_wins_over_a_hand_off);

async fn the_person_displaced_is_paged_without_urgency(backend: Backend) {
    let rx = Receiver::start().await;
    let text = paged_config(&rx)
        + "\n[hub.rota]\nresponders = [\"alice\", \"bob\"]\nshift = \"12h\"\nstart = \"2026-11-23T08:00:00Z\"\n";
    let (config, pages) = paging(&text);
    let hub = TestHub::with_pages_on(backend, config, pages).await;
    let made = cover(
        &hub,
        BOB,
        &body("bob", "2026-11-23T09:00:00Z", "2026-11-23T11:00:00Z"),
    )
    .await;
    assert_eq!(made.displaced, ["alice"]);
    let got = rx.until_got("alice-now", 1).await;
    let told = &got[0].delivery;
    assert_eq!(
        (told.event, told.incident.is_none()),
        (PageEvent::Covered, true)
    );
    assert!(!told.event.is_urgent());
    assert_eq!(
        told.detail.as_deref(),
        Some(format!("bob is on call for you from 2026-11-23 09:00 UTC to 2026-11-23 11:00 UTC; override #{}", made.id).as_str())
    );
    assert!(rx.got_by("bob").is_empty(), "the one covering is not paged");
}
both_backends!(the_person_displaced_is_paged_without_urgency);
