//! Follow-ups over a real hub on 127.0.0.1 with a manual clock (SQLite, and
//! PostgreSQL with `--features postgres`): adding one to an incident (its
//! timeline says so, a repeat under its Idempotency-Key is answered once),
//! each refusal, the list's order with overdue ones first by the hub's
//! clock, closing one as done or dropped and who may, and a follow-up that
//! outlives its incident: still open after the incident is resolved and
//! two hand-offs, in each hand-off note, and gone from the next note once
//! done.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use chrono::TimeDelta;
use oncall::config::{HubConfig, ResponderConfig, Role};
use oncall::incident::{EventKind, Followup, FollowupList, FollowupStatus, Handoff};
use oncall::runbook::Library;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};
use support::timeline::{Refused, all_refused, count, last};
use support::{
    ALERTMANAGER, ALICE, BOB, Backend, CAROL, DAVE, ROTA_CONFIG, TestHub, at, both_backends,
    expect, expect_error, hub_config, integration, responder,
};

/// The rota team (alice, bob, carol on shifts; dave a lead) and an
/// integration token.
fn team() -> HubConfig {
    let mut config = hub_config(ROTA_CONFIG);
    for r in &mut config.responders {
        if r.name == "dave" {
            *r = ResponderConfig {
                role: Role::Lead,
                ..responder("dave", DAVE)
            };
        }
    }
    config
        .responders
        .push(integration("alertmanager", ALERTMANAGER));
    config
}

/// `POST /api/v1/incidents/{id}/followups` as `token`, under `key` when
/// given.
async fn add(hub: &TestHub, token: &str, id: u64, body: &Value, key: Option<&str>) -> Response {
    let path = format!("/api/v1/incidents/{id}/followups");
    send(hub, token, &path, body, key).await
}

/// `POST /api/v1/followups/{id}` as `token`, under `key` when given.
async fn close(hub: &TestHub, token: &str, id: u64, body: &Value, key: Option<&str>) -> Response {
    send(hub, token, &format!("/api/v1/followups/{id}"), body, key).await
}

async fn send(hub: &TestHub, token: &str, path: &str, body: &Value, key: Option<&str>) -> Response {
    let mut req = hub.request(Method::POST, token, path).json(body);
    if let Some(key) = key {
        req = req.header("Idempotency-Key", key);
    }
    req.send().await.unwrap()
}

async fn list(hub: &TestHub, query: &str) -> Vec<Followup> {
    let path = format!("/api/v1/followups{query}");
    let list: FollowupList = expect(hub.get(BOB, &path).await, StatusCode::OK).await;
    list.followups
}

async fn adding_one_records_it_and_tells_the_incidents_timeline(backend: Backend) {
    let hub = TestHub::start_on(backend, team()).await;
    let inc = hub.open_for("db", "disk full on db-1").await;
    let before = hub.incident(inc.id).await.version;
    let due = "2026-11-26T08:00:00Z";
    let body = json!({"text": "  add a disk alert  ", "owner": "bob", "due": due});
    let made: Followup = expect(
        add(&hub, ALICE, inc.id, &body, Some("f-1")).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(made.incident_id, inc.id);
    assert_eq!(made.incident_title, "disk full on db-1");
    assert_eq!(made.text, "add a disk alert");
    assert_eq!(made.owner, "bob");
    assert_eq!(made.due, Some(at(due)));
    assert_eq!(made.status, FollowupStatus::Open);
    assert_eq!(made.created_by, "alice");
    assert_eq!(made.created_at, hub.clock_now());
    assert_eq!((made.closed_by.as_deref(), made.closed_at), (None, None));
    assert!(!made.overdue);

    // The incident changed: its timeline says who is to do what, by when.
    let now = hub.incident(inc.id).await;
    assert!(now.version > before);
    let entry = last(&now);
    assert_eq!(
        (entry.kind, entry.who.as_str(), entry.text.as_str()),
        (
            EventKind::Followup,
            "alice",
            format!(
                "follow-up #{} for bob: add a disk alert (due 2026-11-26 08:00 UTC)",
                made.id
            )
            .as_str()
        )
    );

    // The same request under the same key: the first answer, nothing new.
    let again: Followup = expect(
        add(&hub, ALICE, inc.id, &body, Some("f-1")).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(again, made);
    assert_eq!(count(&hub.incident(inc.id).await, EventKind::Followup), 1);
    assert_eq!(list(&hub, "").await, vec![made]);
}
both_backends!(adding_one_records_it_and_tells_the_incidents_timeline);

async fn adding_is_refused_with_the_reason(backend: Backend) {
    let hub = TestHub::start_on(backend, team()).await;
    let inc = hub.open_for("db", "disk full").await;
    let path = format!("/api/v1/incidents/{}/followups", inc.id);
    let (bad, forbidden) = (StatusCode::BAD_REQUEST, StatusCode::FORBIDDEN);
    let to = |owner: &str| json!({"text": "add a disk alert", "owner": owner});
    let long = "x".repeat(501);
    let cases: Vec<Refused<'_>> = vec![
        (
            BOB,
            to("mallory"),
            bad,
            "bad_request",
            "'mallory' is not a responder of this hub",
        ),
        (
            BOB,
            to("alertmanager"),
            forbidden,
            "forbidden",
            "is an integration",
        ),
        (
            BOB,
            to("  "),
            bad,
            "bad_request",
            "owner must name a person",
        ),
        (
            BOB,
            json!({"text": " ", "owner": "bob"}),
            bad,
            "bad_request",
            "needs some text",
        ),
        (
            BOB,
            json!({"text": long, "owner": "bob"}),
            bad,
            "bad_request",
            "at most 500",
        ),
        (
            BOB,
            json!({"text": "t", "owner": "bob", "due": "2026-11-23T07:00:00Z"}),
            bad,
            "bad_request",
            "is in the past",
        ),
        (
            BOB,
            json!({"text": "t", "owner": "bob", "due": "3d"}),
            bad,
            "bad_request",
            "due",
        ),
        (
            BOB,
            json!({"text": "t", "owner": "bob", "who": "x"}),
            bad,
            "bad_request",
            "who",
        ),
        (
            ALERTMANAGER,
            to("bob"),
            forbidden,
            "forbidden",
            "integration token",
        ),
    ];
    all_refused(&hub, &path, &cases).await;
    let nowhere = [(BOB, to("bob"), StatusCode::NOT_FOUND, "not_found", "#999")];
    all_refused(&hub, "/api/v1/incidents/999/followups", &nowhere).await;
    // Nothing was recorded, and the incident did not change.
    assert!(list(&hub, "").await.is_empty());
    assert_eq!(count(&hub.incident(inc.id).await, EventKind::Followup), 0);
}
both_backends!(adding_is_refused_with_the_reason);

async fn the_list_puts_open_ones_first_overdue_first_by_the_hubs_clock(backend: Backend) {
    let hub = TestHub::start_on(backend, team()).await;
    let inc = hub.open_for("db", "disk full").await;
    let one = |text: &str, owner: &str, due: Option<&str>| {
        let mut body = json!({"text": text, "owner": owner});
        if let Some(due) = due {
            body["due"] = json!(due);
        }
        body
    };
    let mut ids = Vec::new();
    for body in [
        one("no date", "bob", None),
        one("soon", "bob", Some("2026-11-23T10:00:00Z")),
        one("later", "bob", Some("2026-11-25T10:00:00Z")),
        one("carol's", "carol", Some("2026-11-23T09:00:00Z")),
        one("to drop", "bob", None),
    ] {
        let made: Followup = expect(
            add(&hub, ALICE, inc.id, &body, None).await,
            StatusCode::CREATED,
        )
        .await;
        ids.push(made.id);
    }
    let dropped: Followup = expect(
        close(
            &hub,
            BOB,
            ids[4],
            &json!({"status": "dropped", "note": "not needed"}),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(dropped.status, FollowupStatus::Dropped);
    assert_eq!(dropped.note.as_deref(), Some("not needed"));

    // Past 10:00 by the hub's clock: "soon" and carol's are overdue.
    hub.clock.advance(TimeDelta::hours(3));
    let all = list(&hub, "").await;
    let order: Vec<(&str, bool)> = all.iter().map(|f| (f.text.as_str(), f.overdue)).collect();
    assert_eq!(
        order,
        [
            ("carol's", true),
            ("soon", true),
            ("later", false),
            ("no date", false),
            ("to drop", false)
        ]
    );
    let bobs_open = list(&hub, "?owner=bob&open=true").await;
    let texts: Vec<&str> = bobs_open.iter().map(|f| f.text.as_str()).collect();
    assert_eq!(texts, ["soon", "later", "no date"]);
    // A name the hub does not know is a mistake, said as one.
    let e = expect_error(
        hub.get(BOB, "/api/v1/followups?owner=mallory").await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    )
    .await;
    assert!(
        e.error.contains("'mallory' is not a responder"),
        "{}",
        e.error
    );
    expect_error(
        hub.get(BOB, "/api/v1/followups?open=maybe").await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    )
    .await;
}
both_backends!(the_list_puts_open_ones_first_overdue_first_by_the_hubs_clock);

async fn closing_is_for_the_owner_the_holder_or_a_lead_and_only_once(backend: Backend) {
    let hub = TestHub::start_on(backend, team()).await;
    // alice is on call: she holds what opens on db.
    let inc = hub.open_for("db", "disk full").await;
    assert_eq!(inc.owner.as_deref(), Some("alice"));
    let mut ids = Vec::new();
    for n in 0..3 {
        let body = json!({"text": format!("task {n}"), "owner": "bob"});
        let made: Followup = expect(
            add(&hub, CAROL, inc.id, &body, None).await,
            StatusCode::CREATED,
        )
        .await;
        ids.push(made.id);
    }
    let done = json!({"status": "done", "note": "shipped"});
    let (bad, forbidden) = (StatusCode::BAD_REQUEST, StatusCode::FORBIDDEN);
    let path = format!("/api/v1/followups/{}", ids[0]);
    let cases: Vec<Refused<'_>> = vec![
        (
            CAROL,
            done.clone(),
            forbidden,
            "forbidden",
            "only bob or alice",
        ),
        (
            BOB,
            json!({"status": "open"}),
            bad,
            "bad_request",
            "\"done\" or \"dropped\"",
        ),
        (
            BOB,
            json!({"status": "finished"}),
            bad,
            "bad_request",
            "status",
        ),
        (
            ALERTMANAGER,
            done.clone(),
            forbidden,
            "forbidden",
            "integration token",
        ),
    ];
    all_refused(&hub, &path, &cases).await;
    all_refused(
        &hub,
        "/api/v1/followups/999",
        &[(
            BOB,
            done.clone(),
            StatusCode::NOT_FOUND,
            "not_found",
            "no follow-up #999",
        )],
    )
    .await;
    all_refused(
        &hub,
        "/api/v1/followups/first",
        &[(BOB, done.clone(), bad, "bad_request", "numbers")],
    )
    .await;

    // The owner, under a key: closed once, the repeat answered the same.
    let closed: Followup = expect(
        close(&hub, BOB, ids[0], &done, Some("c-1")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(closed.status, FollowupStatus::Done);
    assert_eq!(closed.closed_by.as_deref(), Some("bob"));
    assert_eq!(closed.closed_at, Some(hub.clock_now()));
    let again: Followup = expect(
        close(&hub, BOB, ids[0], &done, Some("c-1")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again, closed);
    let twice = expect_error(
        close(&hub, BOB, ids[0], &done, None).await,
        StatusCode::CONFLICT,
        "closed",
    )
    .await;
    assert!(
        twice.error.contains("is done already (bob"),
        "{}",
        twice.error
    );
    // The incident's holder, and a lead.
    let drop = json!({"status": "dropped"});
    expect::<Followup>(
        close(&hub, ALICE, ids[1], &drop, None).await,
        StatusCode::OK,
    )
    .await;
    expect::<Followup>(close(&hub, DAVE, ids[2], &done, None).await, StatusCode::OK).await;

    let timeline = hub.incident(inc.id).await;
    assert_eq!(count(&timeline, EventKind::Followup), 6);
    let entry = last(&timeline);
    assert_eq!(
        (entry.who.as_str(), entry.text.as_str()),
        (
            "dave",
            format!("follow-up #{} for bob done: task 2 (shipped)", ids[2]).as_str()
        )
    );
    assert!(list(&hub, "?open=true").await.is_empty());
}
both_backends!(closing_is_for_the_owner_the_holder_or_a_lead_and_only_once);

/// The note `from` would write now, composed from what the hub gives.
async fn note_of(hub: &TestHub, token: &str, from: &str) -> String {
    let client = hub.hub_client(token);
    let shift = oncall::handoff::gather(&client, from, hub.clock_now())
        .await
        .unwrap();
    oncall::handoff::compose(&shift, &Library::shipped(), "")
}

async fn hand_off(hub: &TestHub, token: &str, to: &str) {
    let body = json!({"to": to, "note": "over to you"});
    let _: Handoff = expect(
        hub.post(token, "/api/v1/handoff", &body).await,
        StatusCode::CREATED,
    )
    .await;
}

async fn a_followup_outlives_its_incident_and_every_handoff_until_done(backend: Backend) {
    let hub = TestHub::start_on(backend, team()).await;
    let inc = hub.open_for("db", "disk full on db-1").await;
    let body = json!({"text": "add a disk alert", "owner": "carol", "due": "2026-11-23T12:00:00Z"});
    let made: Followup = expect(
        add(&hub, ALICE, inc.id, &body, None).await,
        StatusCode::CREATED,
    )
    .await;
    hub.acted(ALICE, inc.id, "resolve", &json!({})).await;
    assert_eq!(list(&hub, "?open=true").await, vec![made.clone()]);

    let line = format!("- follow-up #{} for carol: add a disk alert", made.id);
    // alice's note, then her hand-off to bob; past its due time, bob's
    // note says it is overdue, then his hand-off to carol.
    let note = note_of(&hub, ALICE, "alice").await;
    assert!(
        note.contains(&format!(
            "## Open follow-ups (1)\n\n{line} · due 2026-11-23 12:00 UTC\n"
        )),
        "{note}"
    );
    assert!(
        note.contains(&format!("  - from #{} disk full on db-1", inc.id)),
        "{note}"
    );
    hand_off(&hub, ALICE, "bob").await;
    hub.clock.advance(TimeDelta::hours(5));
    let note = note_of(&hub, BOB, "bob").await;
    assert!(
        note.contains(&format!("{line} · OVERDUE since 2026-11-23 12:00 UTC\n")),
        "{note}"
    );
    hand_off(&hub, BOB, "carol").await;
    assert_eq!(list(&hub, "?open=true").await.len(), 1);

    // Done: the next note no longer carries it.
    let done = json!({"status": "done"});
    expect::<Followup>(
        close(&hub, CAROL, made.id, &done, None).await,
        StatusCode::OK,
    )
    .await;
    let note = note_of(&hub, CAROL, "carol").await;
    assert!(!note.contains("## Open follow-ups"), "{note}");
    assert!(!note.contains(&line), "{note}");
}
both_backends!(a_followup_outlives_its_incident_and_every_handoff_until_done);
