//! The rota and the escalation policies over a real hub: who is on call as
//! the (injected) clock crosses shift boundaries, who owns a new incident,
//! escalation by hand and by the hub's own timers.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;

use chrono::TimeDelta;
use oncall::incident::{EventKind, Incident, NewIncident, Status, Targets};
use reqwest::StatusCode;
use serde_json::json;
use support::{
    ALICE, BOB, Backend, DAVE, ERIN, ROTA_CONFIG, TestHub, at, both_backends, expect, expect_error,
    hub_config, two_responders,
};

async fn rota_hub(backend: Backend) -> TestHub {
    TestHub::start_on(backend, hub_config(ROTA_CONFIG)).await
}

async fn escalate(hub: &TestHub, token: &str, id: u64, body: serde_json::Value) -> Incident {
    let path = format!("/api/v1/incidents/{id}/escalate");
    expect(hub.post(token, &path, &body).await, StatusCode::OK).await
}

async fn acknowledge(hub: &TestHub, token: &str, id: u64) -> Incident {
    let path = format!("/api/v1/incidents/{id}/acknowledge");
    expect(hub.post(token, &path, &json!({})).await, StatusCode::OK).await
}

async fn oncall_follows_the_rota_across_shift_boundaries(backend: Backend) {
    let hub = rota_hub(backend).await;
    let on = hub.oncall().await;
    let now = on.now.unwrap();
    assert_eq!(now.who, "alice");
    assert_eq!(
        (now.since, now.until),
        (at("2026-11-23T08:00:00Z"), at("2026-11-23T20:00:00Z"))
    );
    let next = on.next.unwrap();
    assert_eq!(
        (next.who.as_str(), next.from),
        ("bob", at("2026-11-23T20:00:00Z"))
    );
    assert_eq!(on.shift.map(|s| s.to_string()).as_deref(), Some("12h"));

    hub.set_time("2026-11-23T19:59:59Z");
    assert_eq!(hub.oncall().await.now.unwrap().who, "alice");
    hub.clock.advance(TimeDelta::seconds(1));
    let on = hub.oncall().await;
    let now = on.now.unwrap();
    assert_eq!(
        (now.who.as_str(), now.since),
        ("bob", at("2026-11-23T20:00:00Z"))
    );
    assert_eq!(now.until, at("2026-11-24T08:00:00Z"));
    assert_eq!(on.next.unwrap().who, "carol");

    // The override: dave covers 10:00-14:00 in carol's shift.
    hub.set_time("2026-11-24T09:00:00Z");
    let on = hub.oncall().await;
    assert_eq!(on.now.unwrap().until, at("2026-11-24T10:00:00Z"));
    assert_eq!(on.next.unwrap().who, "dave");
    hub.set_time("2026-11-24T10:00:00Z");
    let on = hub.oncall().await;
    let now = on.now.unwrap();
    assert_eq!(
        (now.who.as_str(), now.until),
        ("dave", at("2026-11-24T14:00:00Z"))
    );
    let next = on.next.unwrap();
    assert_eq!(
        (next.who.as_str(), next.from),
        ("carol", at("2026-11-24T14:00:00Z"))
    );
    // Each level says whom it reaches now.
    let db = &on.policies[0];
    assert_eq!(db.services, ["db", "postgres"]);
    let reach: Vec<_> = db.levels.iter().map(|l| l.who.as_deref()).collect();
    assert_eq!(reach, [Some("dave"), Some("dave"), Some("erin")]);
    hub.stop().await;
}
both_backends!(oncall_follows_the_rota_across_shift_boundaries);

async fn oncall_answers_the_documented_json(backend: Backend) {
    let hub = rota_hub(backend).await;
    let body: serde_json::Value =
        expect(hub.get(ALICE, "/api/v1/oncall").await, StatusCode::OK).await;
    assert_eq!(
        body["now"],
        json!({"who": "alice", "since": "2026-11-23T08:00:00Z", "until": "2026-11-23T20:00:00Z"})
    );
    assert_eq!(
        body["next"],
        json!({"who": "bob", "from": "2026-11-23T20:00:00Z"})
    );
    assert_eq!(body["shift"], "12h");
    assert_eq!(
        body["policies"][0]["levels"][0],
        json!({"level": 1, "name": "1st line", "who": "alice", "targets": "on-call", "after": "15m"})
    );
    assert_eq!(
        body["policies"][0]["levels"][2],
        json!({"level": 3, "name": "3rd line", "who": "erin", "targets": ["erin"], "after": null})
    );
    assert_eq!(body["policies"][2]["services"], json!(["*"]));
    hub.stop().await;
}
both_backends!(oncall_answers_the_documented_json);

async fn without_a_rota_nobody_is_on_call_and_the_default_policy_shows(backend: Backend) {
    let hub = TestHub::start_on(backend, two_responders()).await;
    let on = hub.oncall().await;
    assert_eq!((on.now, on.next, on.shift), (None, None, None));
    assert_eq!(on.policies.len(), 1);
    let default = &on.policies[0];
    assert_eq!(default.services, ["*"]);
    let names: Vec<_> = default.levels.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["1st line", "2nd line", "3rd line"]);
    assert!(
        default
            .levels
            .iter()
            .all(|l| l.who.is_none() && l.after.is_none())
    );
    assert!(default.levels.iter().all(|l| l.targets == Targets::OnCall));
    assert_eq!(hub.open_for("db", "disk full").await.owner, None);
    hub.stop().await;
}
both_backends!(without_a_rota_nobody_is_on_call_and_the_default_policy_shows);

async fn a_new_incident_belongs_to_level_1_of_its_service_policy(backend: Backend) {
    let hub = rota_hub(backend).await;
    let db = hub.open_for("db", "replication lag").await;
    assert_eq!(db.owner.as_deref(), Some("alice"));
    assert_eq!(
        db.timeline[0].text,
        "opened via api, owned by alice (1st line)"
    );
    let payments = hub.open_for("Payments", "card declines").await;
    assert_eq!(payments.owner.as_deref(), Some("erin"));
    let web = hub.open_for("web", "5xx rate").await;
    assert_eq!(web.owner.as_deref(), Some("alice"));

    // At night the on-call person is bob; a repeat keeps its owner.
    let repeat = NewIncident {
        dedup_key: Some("db-1/lag".into()),
        service: "postgres".into(),
        ..support::incident("replication lag on db-1")
    };
    let first = hub.open(&repeat).await;
    assert_eq!(first.owner.as_deref(), Some("alice"));
    hub.set_time("2026-11-23T21:00:00Z");
    assert_eq!(
        hub.open_for("db", "slow queries").await.owner.as_deref(),
        Some("bob")
    );
    let folded: oncall::incident::Opened = expect(
        hub.post(BOB, "/api/v1/incidents", &repeat).await,
        StatusCode::OK,
    )
    .await;
    assert!(folded.folded);
    assert_eq!(folded.incident.owner.as_deref(), Some("alice"));
    hub.stop().await;
}
both_backends!(a_new_incident_belongs_to_level_1_of_its_service_policy);

async fn escalation_by_hand_climbs_the_service_policy_and_stops_at_its_last_level(
    backend: Backend,
) {
    let hub = rota_hub(backend).await;
    let id = hub.open_for("db", "replication lag").await.id;
    acknowledge(&hub, ALICE, id).await;

    let i = escalate(&hub, ALICE, id, json!({"note": "needs a DBA"})).await;
    assert_eq!((i.escalation_level, i.status), (2, Status::Triggered));
    assert_eq!(i.owner.as_deref(), Some("dave"));
    let last = i.timeline.last().unwrap();
    assert_eq!(
        (last.kind, last.who.as_str()),
        (EventKind::Escalated, "alice")
    );
    assert_eq!(
        last.text,
        "escalated from 1st line to 2nd line (dave): needs a DBA"
    );

    let i = escalate(&hub, DAVE, id, json!({})).await;
    assert_eq!((i.escalation_level, i.owner.as_deref()), (3, Some("erin")));
    assert_eq!(
        i.timeline.last().unwrap().text,
        "escalated from 2nd line to 3rd line (erin)"
    );

    let refused = hub
        .post(
            ERIN,
            &format!("/api/v1/incidents/{id}/escalate"),
            &json!({}),
        )
        .await;
    let e = expect_error(refused, StatusCode::CONFLICT, "last_level").await;
    assert!(
        e.error
            .contains("already at 3rd line, the last level of the db policy"),
        "{}",
        e.error
    );
    assert_eq!(hub.incident(id).await.version, i.version);

    // The default policy here has two levels.
    let web = hub.open_for("web", "5xx rate").await.id;
    let i = escalate(&hub, ALICE, web, json!({})).await;
    assert_eq!((i.escalation_level, i.owner.as_deref()), (2, Some("carol")));
    let refused = hub
        .post(
            ALICE,
            &format!("/api/v1/incidents/{web}/escalate"),
            &json!({}),
        )
        .await;
    let e = expect_error(refused, StatusCode::CONFLICT, "last_level").await;
    assert!(
        e.error
            .contains("already at 2nd line, the last level of the default policy"),
        "{}",
        e.error
    );
    hub.stop().await;
}
both_backends!(escalation_by_hand_climbs_the_service_policy_and_stops_at_its_last_level);

async fn an_unacknowledged_incident_escalates_by_itself_when_its_level_times_out(backend: Backend) {
    let hub = rota_hub(backend).await;
    let waiting = hub.open_for("db", "replication lag").await.id;
    let held = hub.open_for("db", "slow queries").await.id;
    acknowledge(&hub, ALICE, held).await;
    let no_timer = hub.open_for("web", "5xx rate").await.id;

    hub.clock
        .advance(TimeDelta::minutes(15) - TimeDelta::seconds(1));
    assert_eq!(hub.escalate_overdue().await, Vec::<u64>::new());
    hub.clock.advance(TimeDelta::seconds(1));
    assert_eq!(hub.escalate_overdue().await, [waiting]);
    let i = hub.incident(waiting).await;
    assert_eq!((i.escalation_level, i.status), (2, Status::Triggered));
    assert_eq!(i.owner.as_deref(), Some("dave"));
    let last = i.timeline.last().unwrap();
    assert_eq!(
        (last.kind, last.who.as_str()),
        (EventKind::Escalated, "the hub")
    );
    assert_eq!(
        last.text,
        "escalated from 1st line to 2nd line (dave): not acknowledged within 15m"
    );
    // The acknowledged one and the one whose level has no timer stay put.
    let h = hub.incident(held).await;
    assert_eq!((h.escalation_level, h.owner.as_deref()), (1, Some("alice")));
    assert_eq!(hub.incident(no_timer).await.escalation_level, 1);

    // The timer starts over at the new level: 30m from now.
    assert_eq!(hub.escalate_overdue().await, Vec::<u64>::new());
    hub.clock.advance(TimeDelta::minutes(29));
    assert_eq!(hub.escalate_overdue().await, Vec::<u64>::new());
    hub.clock.advance(TimeDelta::minutes(1));
    assert_eq!(hub.escalate_overdue().await, [waiting]);
    let i = hub.incident(waiting).await;
    assert_eq!((i.escalation_level, i.owner.as_deref()), (3, Some("erin")));
    assert!(
        i.timeline
            .last()
            .unwrap()
            .text
            .ends_with("not acknowledged within 30m")
    );

    // The last level has no timer; nothing goes past it.
    hub.clock.advance(TimeDelta::hours(6));
    assert_eq!(hub.escalate_overdue().await, Vec::<u64>::new());
    assert_eq!(hub.incident(waiting).await.escalation_level, 3);
    assert_eq!(hub.incident(held).await.escalation_level, 1);
    hub.stop().await;
}
both_backends!(an_unacknowledged_incident_escalates_by_itself_when_its_level_times_out);

async fn escalating_by_hand_restarts_the_timer_and_acknowledging_stops_it(backend: Backend) {
    let hub = rota_hub(backend).await;
    let id = hub.open_for("postgres", "vacuum stuck").await.id;
    hub.clock.advance(TimeDelta::minutes(10));
    escalate(&hub, BOB, id, json!({})).await;
    // 15m after opening, but only 5m at the 2nd line, which waits 30m.
    hub.clock.advance(TimeDelta::minutes(5));
    assert_eq!(hub.escalate_overdue().await, Vec::<u64>::new());
    hub.clock.advance(TimeDelta::minutes(20));
    acknowledge(&hub, DAVE, id).await;
    hub.clock.advance(TimeDelta::hours(2));
    assert_eq!(hub.escalate_overdue().await, Vec::<u64>::new());
    let i = hub.incident(id).await;
    assert_eq!((i.escalation_level, i.status), (2, Status::Acknowledged));
    assert_eq!(i.owner.as_deref(), Some("dave"));
    hub.stop().await;
}
both_backends!(escalating_by_hand_restarts_the_timer_and_acknowledging_stops_it);
