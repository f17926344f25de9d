//! Who may do what, over a real hub (docs/api.md, "Who is asking"): an
//! integration token only sends events, only the responder on call or a
//! lead hands the shift off, nobody hands it to an integration, and every
//! refusal is a 403 that says why and changes nothing. The dry run answers
//! with the same rule.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;

use oncall::config::{HubConfig, Role};
use oncall::incident::{EventKind, Handoff, HandoffPlan, Incident, Opened, Status};
use reqwest::{Method, StatusCode};
use serde_json::json;
use support::{
    ALERTMANAGER, ALICE, BOB, Backend, CAROL, ERIN, ROTA_CONFIG, TestHub, at, both_backends,
    expect, expect_error, hub_config, integration,
};

/// The rota team (alice on call 08-20 on the 23rd, then bob, then carol),
/// erin a lead, and the Alertmanager integration.
fn team() -> HubConfig {
    let mut config = hub_config(ROTA_CONFIG);
    for r in &mut config.responders {
        if r.name == "erin" {
            r.role = Role::Lead;
        }
    }
    config
        .responders
        .push(integration("alertmanager", ALERTMANAGER));
    config
}

async fn hand_off(hub: &TestHub, token: &str, body: serde_json::Value) -> reqwest::Response {
    hub.post(token, "/api/v1/handoff", &body).await
}

async fn dry_run(hub: &TestHub, token: &str, body: serde_json::Value) -> reqwest::Response {
    hub.post(token, "/api/v1/handoff?dry_run=true", &body).await
}

/// Nothing was handed off: no hand-off stored, and `who` still on call.
async fn nothing_handed_off(hub: &TestHub, who: &str) {
    let none = hub.get(ALICE, "/api/v1/handoffs/latest").await;
    expect_error(none, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(hub.oncall().await.now.unwrap().who, who);
}

async fn an_integration_token_may_only_send_events(backend: Backend) {
    let hub = TestHub::start_on(backend, team()).await;
    let opened: Opened = expect(
        hub.post(
            ALERTMANAGER,
            "/api/v1/incidents",
            &json!({"title": "disk full", "service": "db"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let id = opened.incident.id;
    let webhook = std::fs::read_to_string(format!(
        "{}/tests/fixtures/alertmanager-0.25/webhook-001.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let resp = hub
        .request(Method::POST, ALERTMANAGER, "/api/v1/alertmanager")
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(webhook)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);

    let before = hub.incident(id).await;
    let refused = [
        (Method::GET, "/api/v1/incidents".to_string()),
        (Method::GET, format!("/api/v1/incidents/{id}")),
        (Method::POST, format!("/api/v1/incidents/{id}/acknowledge")),
        (Method::POST, format!("/api/v1/incidents/{id}/escalate")),
        (Method::POST, format!("/api/v1/incidents/{id}/resolve")),
        (Method::POST, format!("/api/v1/incidents/{id}/notes")),
        (Method::POST, format!("/api/v1/incidents/{id}/steps")),
        (Method::GET, "/api/v1/oncall".to_string()),
        (Method::POST, "/api/v1/handoff".to_string()),
        (Method::POST, "/api/v1/handoff?dry_run=true".to_string()),
        (Method::GET, "/api/v1/handoffs/latest".to_string()),
    ];
    for (method, path) in refused {
        let resp = hub
            .request(method.clone(), ALERTMANAGER, &path)
            .json(&json!({"text": "mine now", "to": "alertmanager", "note": ""}))
            .send()
            .await
            .unwrap();
        let e = expect_error(resp, StatusCode::FORBIDDEN, "forbidden").await;
        assert!(
            e.error.contains("'alertmanager' is an integration token")
                && e.error.contains("may only send events")
                && e.error.contains(&format!("not {method} /api/v1/")),
            "{method} {path}: {}",
            e.error
        );
    }
    // It never came to own the incident, nor changed it.
    let after: Incident = hub.incident(id).await;
    assert_eq!(after, before);
    assert_eq!(after.status, Status::Triggered);
    assert_eq!(after.owner.as_deref(), Some("alice"));
    nothing_handed_off(&hub, "alice").await;
    hub.stop().await;
}
both_backends!(an_integration_token_may_only_send_events);

async fn only_the_responder_on_call_or_a_lead_hands_off_the_shift(backend: Backend) {
    let hub = TestHub::start_on(backend, team()).await;
    hub.set_time("2026-11-23T15:00:00Z");
    let alices = hub.open_for("db", "replication lag").await.id;

    // bob is not on call: he may not move the pager from alice to carol,
    // nor check whether he could.
    for resp in [
        hand_off(&hub, BOB, json!({"to": "carol", "note": ""})).await,
        dry_run(&hub, BOB, json!({"to": "carol", "note": ""})).await,
        hand_off(&hub, BOB, json!({"note": ""})).await,
    ] {
        let e = expect_error(resp, StatusCode::FORBIDDEN, "forbidden").await;
        assert_eq!(
            e.error,
            "alice is on call now: only alice or a lead may hand off the shift"
        );
    }
    nothing_handed_off(&hub, "alice").await;

    // erin, a lead, may: the dry run says what would happen and records
    // nothing; the hand-off passes alice's shift and incidents to carol.
    let plan: HandoffPlan = expect(
        dry_run(&hub, ERIN, json!({"to": "carol", "note": ""})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        plan,
        HandoffPlan {
            from: "alice".into(),
            to: "carol".into(),
            until: Some(at("2026-11-23T20:00:00Z")),
            moves: vec![alices],
        }
    );
    nothing_handed_off(&hub, "alice").await;
    let handoff: Handoff = expect(
        hand_off(
            &hub,
            ERIN,
            json!({"to": "carol", "note": "alice is off sick"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        (
            handoff.from.as_str(),
            handoff.to.as_str(),
            handoff.moved.as_slice()
        ),
        ("alice", "carol", [alices].as_slice())
    );
    let moved = hub.incident(alices).await;
    assert_eq!(moved.owner.as_deref(), Some("carol"));
    let last = moved.timeline.last().unwrap();
    assert_eq!(
        (last.kind, last.who.as_str(), last.text.as_str()),
        (
            EventKind::Reassigned,
            "erin",
            "handed over from alice to carol by erin"
        )
    );
    assert_eq!(hub.oncall().await.now.unwrap().who, "carol");

    // alice no longer holds the pager; carol does, and hands it on.
    let resp = hand_off(&hub, ALICE, json!({"to": "bob", "note": ""})).await;
    let e = expect_error(resp, StatusCode::FORBIDDEN, "forbidden").await;
    assert!(e.error.starts_with("carol is on call now"), "{}", e.error);
    let resp = hand_off(&hub, CAROL, json!({"to": "bob", "note": ""})).await;
    expect::<Handoff>(resp, StatusCode::CREATED).await;
    assert_eq!(hub.oncall().await.now.unwrap().who, "bob");
    hub.stop().await;
}
both_backends!(only_the_responder_on_call_or_a_lead_hands_off_the_shift);

async fn before_the_first_shift_only_a_lead_hands_off(backend: Backend) {
    let hub = TestHub::start_on(backend, team()).await;
    hub.set_time("2026-11-23T07:00:00Z");
    assert_eq!(hub.oncall().await.now, None);
    let resp = hand_off(&hub, ALICE, json!({"to": "bob", "note": ""})).await;
    let e = expect_error(resp, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(
        e.error,
        "nobody is on call now: only a lead may hand off the shift"
    );
    let resp = hand_off(&hub, ERIN, json!({"to": "bob", "note": ""})).await;
    let handoff: Handoff = expect(resp, StatusCode::CREATED).await;
    assert_eq!(handoff.until, Some(at("2026-11-23T08:00:00Z")));
    assert_eq!(hub.oncall().await.now.unwrap().who, "bob");
    hub.stop().await;
}
both_backends!(before_the_first_shift_only_a_lead_hands_off);

async fn nobody_hands_off_to_an_integration(backend: Backend) {
    let hub = TestHub::start_on(backend, team()).await;
    for resp in [
        hand_off(&hub, ALICE, json!({"to": "alertmanager", "note": ""})).await,
        dry_run(&hub, ALICE, json!({"to": "alertmanager", "note": ""})).await,
        hand_off(&hub, ERIN, json!({"to": "alertmanager", "note": ""})).await,
    ] {
        let e = expect_error(resp, StatusCode::FORBIDDEN, "forbidden").await;
        assert_eq!(
            e.error,
            "'alertmanager' is an integration, which is never on call: hand off to one of alice, bob, carol, dave, erin"
        );
    }
    nothing_handed_off(&hub, "alice").await;
    hub.stop().await;
}
both_backends!(nobody_hands_off_to_an_integration);

async fn a_dry_run_refuses_what_the_hand_off_refuses_and_records_nothing(backend: Backend) {
    let hub = TestHub::start_on(backend, team()).await;
    let cases = [
        (json!({"to": "zed", "note": ""}), "'zed' is not a responder"),
        (
            json!({"to": "alice", "note": ""}),
            "alice cannot hand off to themselves",
        ),
    ];
    for (body, needle) in cases {
        for resp in [
            dry_run(&hub, ALICE, body.clone()).await,
            hand_off(&hub, ALICE, body.clone()).await,
        ] {
            let e = expect_error(resp, StatusCode::BAD_REQUEST, "bad_request").await;
            assert!(e.error.contains(needle), "{body}: {}", e.error);
        }
    }
    let resp = hub
        .post(ALICE, "/api/v1/handoff?dry_run=maybe", &json!({"note": ""}))
        .await;
    expect_error(resp, StatusCode::BAD_REQUEST, "bad_request").await;
    // Without "to", the rota's next person; a dry run never moves the pager.
    for _ in 0..2 {
        let plan: HandoffPlan = expect(
            dry_run(&hub, ALICE, json!({"note": ""})).await,
            StatusCode::OK,
        )
        .await;
        assert_eq!((plan.from.as_str(), plan.to.as_str()), ("alice", "bob"));
    }
    nothing_handed_off(&hub, "alice").await;
    hub.stop().await;
}
both_backends!(a_dry_run_refuses_what_the_hand_off_refuses_and_records_nothing);

async fn a_hand_off_to_what_is_now_an_integration_no_longer_puts_it_on_call(backend: Backend) {
    // Before roles: alice, on call, handed the pager to the Alertmanager
    // token's name.
    let mut config = hub_config(ROTA_CONFIG);
    config
        .responders
        .push(support::responder("alertmanager", ALERTMANAGER));
    let mut hub = TestHub::start_on(backend, config).await;
    hub.set_time("2026-11-23T12:00:00Z");
    let resp = hand_off(&hub, ALICE, json!({"to": "alertmanager", "note": ""})).await;
    expect::<Handoff>(resp, StatusCode::CREATED).await;
    assert_eq!(hub.oncall().await.now.unwrap().who, "alertmanager");
    // With its role said, the rota's person is on call again and new
    // incidents reach them.
    hub.restart_with(team()).await;
    assert_eq!(hub.oncall().await.now.unwrap().who, "alice");
    assert_eq!(
        hub.open_for("db", "lock waits").await.owner.as_deref(),
        Some("alice")
    );
    hub.stop().await;
}
both_backends!(a_hand_off_to_what_is_now_an_integration_no_longer_puts_it_on_call);

async fn in_a_rota_of_one_the_next_person_is_the_one_handing_off(backend: Backend) {
    let mut config = hub_config(
        "[hub.rota]\nresponders = [\"alice\"]\nshift = \"12h\"\nstart = \"2026-11-23T08:00:00Z\"\n",
    );
    config.responders[4].role = Role::Lead;
    let hub = TestHub::start_on(backend, config).await;
    for (token, why) in [
        (ALICE, "the rota's next person is alice, who is handing off"),
        (
            ERIN,
            "the rota's next person is alice, who is on call already",
        ),
    ] {
        let resp = dry_run(&hub, token, json!({"note": ""})).await;
        let e = expect_error(resp, StatusCode::BAD_REQUEST, "bad_request").await;
        assert_eq!(e.error, format!("{why}: say who takes over with \"to\""));
    }
    hub.stop().await;
}
both_backends!(in_a_rota_of_one_the_next_person_is_the_one_handing_off);
