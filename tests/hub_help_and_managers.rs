//! Who else is on an incident, over a real hub on 127.0.0.1 (SQLite, and
//! PostgreSQL with `--features postgres`), paging a real receiver: asking
//! someone to help (`helpers`: paged, listed on the incident and in the
//! list, able to act on it, the owner staying the owner) and declaring a
//! major incident with its manager (`roles`: refused with the reason when
//! the one named fixes it, unless forced). Each route: what it does, each
//! refusal, a repeat under its Idempotency-Key answered once, and the
//! timeline entry saying who did what and when.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use oncall::hub::deliveries::PageEvent;
use oncall::incident::{EventKind, Incident, Status};
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::pages::{Receiver, critical, paging_hub};
use support::timeline::{all_refused, count, last, refused_to_integrations_and_once_resolved};
use support::{ALICE, BOB, Backend, CAROL, both_backends, expect, expect_error};

async fn a_helper_is_paged_listed_and_may_act_while_the_owner_stays(backend: Backend) {
    let rx = Receiver::start().await;
    let hub = paging_hub(backend, &rx).await;
    let inc = hub.open(&critical("replica lag")).await;
    rx.until_got("alice-now", 1).await;
    hub.acted(ALICE, inc.id, "acknowledge", &json!({})).await;

    let body = json!({"who": "bob", "note": "you know the replicas"});
    let helped: Incident = expect(
        hub.keyed(ALICE, inc.id, "helpers", &body, "help-1").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(helped.helpers, ["bob"]);
    assert_eq!(helped.owner.as_deref(), Some("alice"), "the owner stays");
    assert_eq!(helped.status, Status::Acknowledged);
    let entry = last(&helped);
    assert_eq!(
        (entry.kind, entry.who.as_str(), entry.text.as_str()),
        (
            EventKind::Help,
            "alice",
            "asked bob to help: you know the replicas"
        )
    );
    assert_eq!(entry.at, hub.clock_now());
    let paged = rx.until_got("bob", 1).await;
    let d = &paged[0].delivery;
    assert_eq!(d.event, PageEvent::Help);
    assert_eq!(
        d.detail.as_deref(),
        Some(
            format!(
                "alice asks you to help with incident #{}: you know the replicas",
                inc.id
            )
            .as_str()
        )
    );
    let again: Incident = expect(
        hub.keyed(ALICE, inc.id, "helpers", &body, "help-1").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again, helped);
    // Asking again without a key: already helping, nothing changes.
    let same = hub
        .acted(ALICE, inc.id, "helpers", &json!({"who": "bob"}))
        .await;
    assert_eq!(same.helpers, ["bob"]);
    assert_eq!(count(&same, EventKind::Help), 1);
    assert_eq!(rx.got_by("bob").len(), 1, "paged once");

    // Listed in the list, and acting on it: a note, a step.
    let listed: Value = expect(hub.get(CAROL, "/api/v1/incidents").await, StatusCode::OK).await;
    assert_eq!(listed["incidents"][0]["helpers"], json!(["bob"]));
    let noted: Incident = expect(
        hub.act(
            BOB,
            inc.id,
            "notes",
            &json!({"text": "lag is from a long query"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(noted.owner.as_deref(), Some("alice"));
    // Someone may join by themselves.
    let joined = hub
        .acted(CAROL, inc.id, "helpers", &json!({"who": "carol"}))
        .await;
    assert_eq!(joined.helpers, ["bob", "carol"]);
    assert_eq!(last(&joined).text, "joined to help");
}
both_backends!(a_helper_is_paged_listed_and_may_act_while_the_owner_stays);

async fn asking_for_help_is_refused_with_the_reason(backend: Backend) {
    let rx = Receiver::start().await;
    let hub = paging_hub(backend, &rx).await;
    let inc = hub.open(&critical("replica lag")).await;
    let path = format!("/api/v1/incidents/{}/helpers", inc.id);
    let (bad, forbidden) = (StatusCode::BAD_REQUEST, StatusCode::FORBIDDEN);
    let who = |name: &str| json!({ "who": name });
    let long = json!({"who": "carol", "note": "x".repeat(16 * 1024 + 1)});
    let cases = [
        (
            BOB,
            who("alice"),
            StatusCode::CONFLICT,
            "conflict",
            "alice holds incident",
        ),
        (
            BOB,
            who("mallory"),
            bad,
            "bad_request",
            "'mallory' is not a responder",
        ),
        (
            BOB,
            who("alertmanager"),
            forbidden,
            "forbidden",
            "is an integration",
        ),
        (BOB, long, bad, "bad_request", "16 KiB"),
    ];
    all_refused(&hub, &path, &cases).await;
    let carol = who("carol");
    refused_to_integrations_and_once_resolved(&hub, inc.id, &path, carol, "no more help").await;
    assert_eq!(count(&hub.incident(inc.id).await, EventKind::Help), 0);
}
both_backends!(asking_for_help_is_refused_with_the_reason);

async fn a_major_incident_gets_a_manager_who_is_not_fixing_it(backend: Backend) {
    let rx = Receiver::start().await;
    let hub = paging_hub(backend, &rx).await;
    let inc = hub.open(&critical("payments down")).await;
    hub.acted(ALICE, inc.id, "acknowledge", &json!({})).await;
    hub.acted(ALICE, inc.id, "helpers", &json!({"who": "bob"}))
        .await;
    let path = format!("/api/v1/incidents/{}/roles", inc.id);

    // The owner and a helper are refused, with the reason and the incident.
    let e = expect_error(
        hub.post(
            BOB,
            &path,
            &json!({"role": "incident_manager", "who": "alice"}),
        )
        .await,
        StatusCode::CONFLICT,
        "role_conflict",
    )
    .await;
    assert!(
        e.error.starts_with(&format!(
            "alice owns incident #{}: the person fixing an incident must not also run it",
            inc.id
        )),
        "{}",
        e.error
    );
    assert!(e.error.contains("\"force\": true"), "{}", e.error);
    assert!(!e.incident.unwrap().major);
    let e = expect_error(
        hub.post(
            ALICE,
            &path,
            &json!({"role": "incident_manager", "who": "bob"}),
        )
        .await,
        StatusCode::CONFLICT,
        "role_conflict",
    )
    .await;
    assert!(
        e.error.contains("bob is helping fix incident"),
        "{}",
        e.error
    );

    // Someone else: declared major, named, on the timeline.
    let body = json!({"role": "incident_manager", "who": "carol"});
    let major: Incident = expect(
        hub.keyed(BOB, inc.id, "roles", &body, "im-1").await,
        StatusCode::OK,
    )
    .await;
    assert!(major.major);
    assert_eq!(major.incident_manager.as_deref(), Some("carol"));
    assert_eq!(major.owner.as_deref(), Some("alice"));
    let entry = last(&major);
    assert_eq!(
        (entry.kind, entry.who.as_str(), entry.text.as_str()),
        (
            EventKind::Role,
            "bob",
            "declared a major incident; incident manager: carol"
        )
    );
    assert_eq!(entry.at, hub.clock_now());
    let again: Incident = expect(
        hub.keyed(BOB, inc.id, "roles", &body, "im-1").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again, major);
    let listed: Value = expect(hub.get(ALICE, "/api/v1/incidents").await, StatusCode::OK).await;
    assert_eq!(listed["incidents"][0]["major"], true);
    assert_eq!(listed["incidents"][0]["incident_manager"], "carol");

    // Forced: the helper runs it after all, and the timeline says so.
    let forced = hub
        .acted(
            ALICE,
            inc.id,
            "roles",
            &json!({"role": "incident_manager", "who": "bob", "force": true}),
        )
        .await;
    assert_eq!(forced.incident_manager.as_deref(), Some("bob"));
    assert_eq!(
        last(&forced).text,
        format!(
            "incident manager: bob (was carol) (forced: bob is helping fix incident #{})",
            inc.id
        )
    );
    assert_eq!(count(&forced, EventKind::Role), 2);
}
both_backends!(a_major_incident_gets_a_manager_who_is_not_fixing_it);

async fn naming_a_role_is_refused_with_the_reason(backend: Backend) {
    let rx = Receiver::start().await;
    let hub = paging_hub(backend, &rx).await;
    let inc = hub.open(&critical("payments down")).await;
    let path = format!("/api/v1/incidents/{}/roles", inc.id);
    let (bad, forbidden) = (StatusCode::BAD_REQUEST, StatusCode::FORBIDDEN);
    let manager = |name: &str| json!({"role": "incident_manager", "who": name});
    let cases = [
        (
            BOB,
            json!({"role": "scribe", "who": "carol"}),
            bad,
            "bad_request",
            "the roles are: incident_manager",
        ),
        (
            BOB,
            manager("mallory"),
            bad,
            "bad_request",
            "'mallory' is not a responder",
        ),
        (
            BOB,
            json!({"role": "incident_manager"}),
            bad,
            "bad_request",
            "",
        ),
        (
            BOB,
            json!({"role": "incident_manager", "who": "carol", "extra": 1}),
            bad,
            "bad_request",
            "",
        ),
        (
            BOB,
            manager("alertmanager"),
            forbidden,
            "forbidden",
            "is an integration",
        ),
    ];
    all_refused(&hub, &path, &cases).await;
    let carol = manager("carol");
    refused_to_integrations_and_once_resolved(&hub, inc.id, &path, carol, "nobody to run it").await;
    assert_eq!(count(&hub.incident(inc.id).await, EventKind::Role), 0);
}
both_backends!(naming_a_role_is_refused_with_the_reason);
