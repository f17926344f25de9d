//! The hub on a real PostgreSQL (`--features postgres`; Debian's
//! `postgresql` package, `support::postgres`): the API answers as on SQLite,
//! and several hubs on one database act as one: a change made through one
//! is in the other's next list, one Idempotency-Key sent to both at once has
//! one effect, an overdue incident is escalated once whichever hubs run
//! their timers, hubs starting at once on an empty database all come up,
//! and a database newer than the hub is refused.
#![cfg(feature = "postgres")]
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;

use chrono::TimeDelta;
use oncall::hub::{self, DbTarget, HubSettings};
use oncall::incident::{EventKind, Incident, IncidentList, NewIncident, Opened, Status};
use reqwest::header::{ETAG, IF_NONE_MATCH};
use reqwest::{Method, StatusCode};
use serde_json::json;
use support::alertmanager::eventually;
use support::postgres::Database;
use support::{
    ALICE, BOB, Backend, ROTA_CONFIG, TestHub, expect, expect_error, hub_config, incident,
    two_responders,
};

async fn list(hub: &TestHub, query: &str) -> IncidentList {
    expect(
        hub.get(ALICE, &format!("/api/v1/incidents{query}")).await,
        StatusCode::OK,
    )
    .await
}

#[tokio::test]
async fn the_api_answers_on_postgresql_as_on_sqlite() {
    let hub = TestHub::start_on(Backend::Postgres, two_responders()).await;
    let first = hub
        .open(&NewIncident {
            dedup_key: Some("db-lag".into()),
            ..incident("replication lag")
        })
        .await;
    assert_eq!((first.version, first.status), (1, Status::Triggered));

    // A repeat folds into the open incident.
    let again: Opened = expect(
        hub.post(
            ALICE,
            "/api/v1/incidents",
            &NewIncident {
                dedup_key: Some("db-lag".into()),
                ..incident("replication lag")
            },
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(again.folded);
    assert_eq!(
        (again.incident.id, again.incident.occurrences),
        (first.id, 2)
    );

    // The list, its ETag, and 304 while nothing changes.
    let whole = hub.get(ALICE, "/api/v1/incidents").await;
    let tag = whole.headers()[ETAG].to_str().unwrap().to_string();
    let whole: IncidentList = expect(whole, StatusCode::OK).await;
    assert_eq!(whole.incidents.len(), 1);
    let cached = hub
        .request(Method::GET, ALICE, "/api/v1/incidents")
        .header(IF_NONE_MATCH, &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(cached.status(), StatusCode::NOT_MODIFIED);

    // A stale version is refused with the incident as it is.
    let stale = hub
        .act(BOB, first.id, "acknowledge", &json!({"version": 1}))
        .await;
    let e = expect_error(stale, StatusCode::CONFLICT, "conflict").await;
    assert_eq!(e.incident.unwrap().version, 2);
    let held = hub
        .acted(BOB, first.id, "acknowledge", &json!({"version": 2}))
        .await;
    assert_eq!(
        (held.status, held.owner.as_deref()),
        (Status::Acknowledged, Some("bob"))
    );

    // What changed since the cursor, and nothing else.
    let other = hub.open(&incident("disk full")).await;
    let changed = list(&hub, &format!("?status=all&since={}", whole.cursor)).await;
    let mut ids: Vec<u64> = changed.incidents.iter().map(|i| i.id).collect();
    ids.sort();
    assert_eq!(ids, [first.id, other.id]);
    let nothing = list(&hub, &format!("?status=all&since={}", changed.cursor)).await;
    assert!(nothing.incidents.is_empty());
    let fresh = hub
        .request(Method::GET, ALICE, "/api/v1/incidents")
        .header(IF_NONE_MATCH, &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(fresh.status(), StatusCode::OK);

    // A hand-off passes bob's incident on.
    let handoff: oncall::incident::Handoff = expect(
        hub.post(
            BOB,
            "/api/v1/handoff",
            &json!({"to": "alice", "note": "lag still open"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(handoff.moved, [first.id]);
    assert_eq!(hub.incident(first.id).await.owner.as_deref(), Some("alice"));
    let latest: oncall::incident::Handoff = expect(
        hub.get(ALICE, "/api/v1/handoffs/latest").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(latest, handoff);

    // A repeated request with its key is answered the same, once.
    let path = format!("/api/v1/incidents/{}/notes", other.id);
    let mut answers = Vec::new();
    for _ in 0..2 {
        let resp = hub
            .request(Method::POST, ALICE, &path)
            .header("Idempotency-Key", "note-1")
            .json(&json!({"text": "looking"}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::CREATED);
        answers.push(resp.text().await.unwrap());
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(notes(&hub.incident(other.id).await), 1);
    hub.stop().await;
}

fn notes(i: &Incident) -> usize {
    i.timeline
        .iter()
        .filter(|e| e.kind == EventKind::Note)
        .count()
}

#[tokio::test]
async fn a_change_through_one_hub_is_in_the_others_next_list() {
    let a = TestHub::start_on(Backend::Postgres, two_responders()).await;
    let b = a.beside().await;
    let before = b.get(ALICE, "/api/v1/incidents").await;
    let tag = before.headers()[ETAG].to_str().unwrap().to_string();
    assert!(
        expect::<IncidentList>(before, StatusCode::OK)
            .await
            .incidents
            .is_empty()
    );

    let opened = a.open(&incident("opened on a")).await;
    let seen = eventually("b's list to show what a opened", || async {
        let resp = b
            .request(Method::GET, ALICE, "/api/v1/incidents")
            .header(IF_NONE_MATCH, &tag)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if resp.status() == StatusCode::NOT_MODIFIED {
            return Err("304".into());
        }
        let list: IncidentList = expect(resp, StatusCode::OK).await;
        if list.incidents.is_empty() {
            return Err("an empty list".into());
        }
        Ok(list)
    })
    .await;
    assert_eq!(seen.incidents[0].id, opened.id);

    // Cursors and ETags mean the same on both: b's cursor taken to a.
    let noted: Incident = expect(
        b.act(ALICE, opened.id, "notes", &json!({"text": "from b"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let since_a = list(&a, &format!("?since={}", seen.cursor)).await;
    assert_eq!(since_a.incidents.len(), 1);
    assert_eq!(since_a.incidents[0].version, noted.version);
    let on_b = list(&b, &format!("?since={}", seen.cursor)).await;
    assert_eq!(on_b.cursor, since_a.cursor);
    assert_eq!(
        a.get(ALICE, "/api/v1/incidents").await.headers()[oncall::hub::HUB_ID_HEADER],
        b.get(ALICE, "/api/v1/incidents").await.headers()[oncall::hub::HUB_ID_HEADER]
    );
    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_key_sent_to_two_hubs_at_once_has_one_effect() {
    let a = TestHub::start_on(Backend::Postgres, two_responders()).await;
    let b = a.beside().await;
    for round in 0..10 {
        let key = format!("open-{round}");
        let send = |hub: &TestHub| {
            hub.request(Method::POST, ALICE, "/api/v1/incidents")
                .header("Idempotency-Key", key.clone())
                .json(&incident(&format!("once {round}")))
                .send()
        };
        let (one, two) = tokio::join!(send(&a), send(&b));
        let (one, two) = (one.unwrap(), two.unwrap());
        assert_eq!(one.status(), StatusCode::CREATED, "round {round}");
        assert_eq!(two.status(), StatusCode::CREATED, "round {round}");
        let (one, two): (Opened, Opened) = (one.json().await.unwrap(), two.json().await.unwrap());
        assert_eq!(one.incident.id, two.incident.id, "round {round}");
    }
    let all = list(&a, "?status=all").await;
    assert_eq!(all.incidents.len(), 10);
    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_overdue_incident_is_escalated_once_by_two_hubs() {
    let a = TestHub::start_on(Backend::Postgres, hub_config(ROTA_CONFIG)).await;
    let b = a.beside().await;
    let mut waiting = Vec::new();
    for n in 0..10 {
        waiting.push(a.open_for("db", &format!("replication lag {n}")).await.id);
    }
    // Each hub's timers run as the running hub runs them, while the other's
    // do too: several passes at once, past the first level's 15 minutes,
    // then past the second's 30.
    for (minutes, level) in [(15, 2), (30, 3)] {
        a.clock.advance(TimeDelta::minutes(minutes));
        let passes = [&a, &b, &a, &b].map(|hub| hub.escalate_overdue());
        let mut escalated = futures::future::join_all(passes).await.concat();
        escalated.sort();
        assert_eq!(escalated, waiting, "at level {level}");
        for &id in &waiting {
            let i = b.incident(id).await;
            assert_eq!(i.escalation_level, level);
            let escalations = i
                .timeline
                .iter()
                .filter(|e| e.kind == EventKind::Escalated)
                .count();
            assert_eq!(escalations, usize::try_from(level).unwrap() - 1);
        }
    }
    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hubs_starting_at_once_on_an_empty_database_all_come_up() {
    let database = Database::create().await;
    let start = || {
        hub::start(
            "127.0.0.1:0".parse().unwrap(),
            HubSettings::new(database.target(), two_responders()),
        )
    };
    let (one, two, three) = tokio::join!(start(), start(), start());
    let hubs = [one.unwrap(), two.unwrap(), three.unwrap()];
    let client = oncall::feed::http::client_builder().build().unwrap();
    let mut ids = Vec::new();
    for hub in &hubs {
        let resp = client
            .get(format!("http://{}/api/v1/incidents", hub.addr))
            .bearer_auth(ALICE)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        ids.push(resp.headers()[oncall::hub::HUB_ID_HEADER].clone());
    }
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    for hub in hubs {
        hub.shutdown().await;
    }
}

#[tokio::test]
async fn a_database_newer_than_the_hub_is_refused() {
    let hub = TestHub::start_on(Backend::Postgres, two_responders()).await;
    let database = hub.postgres.clone().unwrap();
    hub.stop().await;
    database
        .client()
        .await
        .execute("UPDATE schema_version SET version = version + 1", &[])
        .await
        .unwrap();
    let refused = hub::start(
        "127.0.0.1:0".parse().unwrap(),
        HubSettings::new(database.target(), two_responders()),
    )
    .await;
    let e = format!("{:#}", refused.err().unwrap());
    assert!(e.contains("written by a newer oncall"), "{e}");
    assert!(e.contains("@127.0.0.1:"), "{e}");
    let password = database.url.split(['@', ':']).nth(2).unwrap();
    assert!(!e.contains(password), "the password shows: {e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hubs_send_each_page_once() {
    use support::pages::{Receiver, critical, paged_config, paging};
    let rx = Receiver::start().await;
    let (config, pages) = paging(&paged_config(&rx));
    let a = TestHub::with_pages_on(Backend::Postgres, config, pages).await;
    let b = a.beside().await;
    let mut opened = Vec::new();
    for n in 0..10 {
        let hub = if n % 2 == 0 { &a } else { &b };
        opened.push(hub.open(&critical(&format!("disk full {n}"))).await.id);
        // Both workers look at the queue: whichever comes first takes each.
        a.state().wake_deliveries();
        b.state().wake_deliveries();
    }
    // Each opening pages alice's first contact and the team channel.
    let got = rx
        .until_got_all("a page per opening to alice and to the team", |got| {
            got.len() >= 2 * opened.len()
        })
        .await;
    let mut ids: Vec<&str> = got.iter().map(|r| r.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), got.len(), "a delivery was sent twice: {got:#?}");
    assert!(got.iter().all(|r| r.delivery.attempt == 1), "{got:#?}");
    for id in opened {
        a.until_deliveries(Some(id), "the pages due now delivered", |d| {
            d.iter()
                .filter(|r| r.delivery.contact.after.is_zero())
                .all(|r| r.state == oncall::hub::deliveries::DeliveryState::Delivered)
        })
        .await;
    }
    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hub_gone_mid_change_holds_the_others_up_for_seconds_only() {
    let hub = TestHub::start_on(Backend::Postgres, two_responders()).await;
    // A hub whose machine vanished inside a change: its session took the
    // writes lock and went silent, its connection not known to be dead.
    let DbTarget::Postgres(target) = &hub.target else {
        panic!("not on PostgreSQL");
    };
    let (mut gone, connection) = target
        .config()
        .connect(tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let stuck = gone.transaction().await.unwrap();
    // The writes lock of src/hub/store/postgres/mod.rs.
    let writes_lock: i64 = 0x6f6e_6361_6c6c_0002;
    stuck
        .execute("SELECT pg_advisory_xact_lock($1)", &[&writes_lock])
        .await
        .unwrap();
    // The server ends the silent session (after 10 s idle), and the change
    // goes through: waited for well beyond that, so a hang is a failure.
    let change = hub
        .state()
        .open_incidents("alice", vec![incident("after the stall")]);
    let opened = tokio::time::timeout(std::time::Duration::from_secs(60), change)
        .await
        .expect("the writes lock is still held by the silent session")
        .unwrap();
    assert_eq!(opened.len(), 1);
    assert!(
        stuck.commit().await.is_err(),
        "the silent session was ended"
    );
    hub.stop().await;
}
