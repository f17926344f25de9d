//! `oncall migrate` into a real PostgreSQL: the demo's night (with a squash) copied over
//! is the same there, a hub on it answers as the SQLite hub did, and what
//! the copy must refuse is refused with the database left as it was.
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use oncall::feed::Action;
use oncall::feed::client::Sending;
use oncall::hub::{self, DbTarget, HUB_ID_HEADER, HubSettings, RunningHub};
use oncall::incident::{HandoffRequest, IncidentList, Opened, Status};
use reqwest::StatusCode;
use reqwest::header::{ETAG, IF_NONE_MATCH};

use crate::support::cli::{oncall, stderr, stdout};
use crate::support::postgres::Database;
use crate::support::{ALICE, Backend, TestHub, expect, incident, two_responders};

/// A SQLite hub file holding the demo's night and more: a hand-off, ticked
/// steps, notes, a request sent with an Idempotency-Key, and the webhook
/// pages to the demo's responder. Written by the demo hub, stopped, and
/// copied into `dir` as `name`.
async fn demo_file(dir: &Path, name: &str) -> PathBuf {
    let demo = oncall::demo::start_hub().await.unwrap();
    let file = demo.dir().join("demo.db");
    let alex = demo.client("alex").unwrap();
    let list = alex.list_all().await.unwrap();
    let triggered = list
        .incidents
        .iter()
        .find(|i| i.status == Status::Triggered)
        .unwrap();
    let (first, service) = (triggered.id, triggered.service.clone());
    alex.act(first, &Action::Acknowledge { version: None })
        .await
        .unwrap();
    for step in [0, 2] {
        let tick = Action::Step {
            runbook: "database".into(),
            step,
            done: true,
            text: None,
        };
        alex.act(first, &tick).await.unwrap();
    }
    let note = Action::Note {
        text: "connections capped at the pooler; \u{1b}[31mwatching\u{1b}[0m".into(),
    };
    let sending = Sending {
        key: "migrate-note-1",
        taken_at: chrono::Utc::now(),
    };
    alex.act_keyed(first, &note, Some(sending)).await.unwrap();
    // A squash of its service, which takes it: the squash and the
    // incident's `squashed_by` go over too.
    let squash = oncall::incident::NewSquash {
        matchers: [("service".to_string(), service)].into(),
        starts: None,
        until: chrono::Utc::now() + chrono::Duration::hours(2),
        reason: "pooler work on db-1".into(),
    };
    let squashed = alex.squash(first, &squash, None).await.unwrap();
    assert!(squashed.squashed_by.is_some(), "{squashed:?}");
    let handoff = HandoffRequest {
        to: Some("sam".into()),
        note: "db-1 capped at the pooler; see the notes".into(),
    };
    alex.hand_off(&handoff, None).await.unwrap();
    // Who else is on it: a helper, a manager, a snooze; and an incident
    // taken over. Each goes over too.
    for action in [
        Action::AskHelp {
            who: "priya".into(),
            note: Some("you know the pooler".into()),
        },
        Action::SetManager {
            who: "alex".into(),
            force: false,
        },
        Action::Snooze {
            length: "30m".into(),
        },
    ] {
        alex.act(first, &action).await.unwrap();
    }
    let other = list
        .incidents
        .iter()
        .find(|i| i.id != first && i.status.is_open())
        .unwrap()
        .id;
    let taken = alex
        .act(other, &Action::Assign { to: "alex".into() })
        .await
        .unwrap();
    assert!(taken.assigned_by.is_some(), "{taken:?}");
    let ran = oncall::incident::PingRequest {
        status: oncall::incident::PingStatus::Fail,
        exit_code: Some(2),
        run_id: Some("night-1".into()),
        log: Some("pg_dump: \u{1b}[31merror\u{1b}[0m".into()),
    };
    alex.ping("nightly-backup", &ran).await.unwrap();
    demo.hub.shutdown().await;
    let copy = dir.join(name);
    for suffix in ["", "-wal"] {
        let from = PathBuf::from(format!("{}{suffix}", file.display()));
        if from.exists() {
            std::fs::copy(&from, format!("{}{suffix}", copy.display())).unwrap();
        }
    }
    copy
}

/// A hub on `db` (a SQLite file or a PostgreSQL database), its timers off.
async fn serve(db: DbTarget) -> RunningHub {
    let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let settings = HubSettings {
        escalation_tick: None,
        ..HubSettings::new(db, two_responders())
    };
    hub::start(addr, settings).await.unwrap()
}

/// The whole list a hub serves, with its ETag and hub id.
async fn whole_list(hub: &RunningHub) -> (IncidentList, String, String) {
    let resp = oncall::feed::http::client_builder()
        .build()
        .unwrap()
        .get(format!("http://{}/api/v1/incidents?status=all", hub.addr))
        .bearer_auth(ALICE)
        .send()
        .await
        .unwrap();
    let header = |name: &str| resp.headers()[name].to_str().unwrap().to_string();
    let (etag, hub_id) = (header(ETAG.as_str()), header(HUB_ID_HEADER));
    (expect(resp, StatusCode::OK).await, etag, hub_id)
}

#[tokio::test]
async fn the_demo_hub_is_the_same_on_postgresql_and_serves_the_same_list() {
    let dir = tempfile::tempdir().unwrap();
    let file = demo_file(dir.path(), "hub.db").await;
    let before = std::fs::read(&file).unwrap();
    let db = Database::create().await;
    let target = match db.target() {
        DbTarget::Postgres(t) => t,
        other => panic!("{other:?}"),
    };

    let report = hub::migrate::migrate(&file, &target).await.unwrap();
    assert!(report.same(), "{:#?}", report.differences);
    for c in &report.counts {
        assert_eq!(c.sqlite, c.postgres, "{c:?}");
        assert!(c.sqlite > 0, "the demo file holds no {}", c.what);
    }
    assert_eq!(
        std::fs::read(&file).unwrap(),
        before,
        "the file is unchanged"
    );

    // The same file served by a SQLite hub, and the database by a hub on
    // PostgreSQL: one list, one ETag, one cursor.
    let served = dir.path().join("served.db");
    std::fs::copy(&file, &served).unwrap();
    let on_sqlite = serve(DbTarget::Sqlite(served)).await;
    let (list, etag, hub_id) = whole_list(&on_sqlite).await;
    on_sqlite.shutdown().await;
    let on_postgres = serve(db.target()).await;
    let (pg_list, pg_etag, pg_hub_id) = whole_list(&on_postgres).await;
    assert_eq!((pg_etag, pg_hub_id), (etag.clone(), hub_id));
    assert_eq!(pg_list, list);
    let client = oncall::feed::http::client_builder().build().unwrap();
    let base = format!("http://{}/api/v1/incidents", on_postgres.addr);
    let cached = client
        .get(format!("{base}?status=all"))
        .bearer_auth(ALICE)
        .header(IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(cached.status(), StatusCode::NOT_MODIFIED);
    let since = client
        .get(format!("{base}?status=all&since={}", list.cursor))
        .bearer_auth(ALICE)
        .send()
        .await
        .unwrap();
    let since: IncidentList = expect(since, StatusCode::OK).await;
    assert!(since.incidents.is_empty(), "{:?}", since.incidents);
    assert_eq!(since.cursor, list.cursor);
    // New incidents take ids after the copied ones.
    let highest = list.incidents.iter().map(|i| i.id).max().unwrap();
    let opened = client
        .post(&base)
        .bearer_auth(ALICE)
        .json(&incident("after the move"))
        .send()
        .await
        .unwrap();
    let opened: Opened = expect(opened, StatusCode::CREATED).await;
    assert_eq!(opened.incident.id, highest + 1);
    on_postgres.shutdown().await;
}

#[tokio::test]
async fn a_row_changed_after_the_copy_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let file = demo_file(dir.path(), "hub.db").await;
    let db = Database::create().await;
    let DbTarget::Postgres(target) = db.target() else {
        panic!("not PostgreSQL")
    };
    hub::migrate::migrate(&file, &target).await.unwrap();

    let pg = db.client().await;
    pg.batch_execute(
        "UPDATE incidents SET title = E'changed \\x1b[2J' WHERE id = (SELECT min(id) FROM incidents);
         UPDATE deliveries SET last_error = 'tampered'
          WHERE queued_order = (SELECT min(queued_order) FROM deliveries);
         DELETE FROM idempotency;",
    )
    .await
    .unwrap();
    let report = hub::migrate::compare(&file, &target).await.unwrap();
    assert!(!report.same());
    let said = report.differences.join("\n");
    for expected in [
        "incident #1: title is '",
        "'changed ' in PostgreSQL",
        "'tampered' in PostgreSQL",
        "idempotency record 'alex' 'migrate-note-1' is in the SQLite file but not in PostgreSQL",
        "incident #1 as the hub reads it: title is",
    ] {
        assert!(said.contains(expected), "{expected}\n{said}");
    }
    assert!(!said.contains('\u{1b}'), "{said:?}");
}

#[tokio::test]
async fn a_database_that_holds_anything_is_refused_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let file = demo_file(dir.path(), "hub.db").await;
    let used = TestHub::start_on(Backend::Postgres, two_responders()).await;
    used.open(&incident("already here")).await;
    let db = used.postgres.clone().unwrap();
    used.stop().await;
    let DbTarget::Postgres(target) = db.target() else {
        panic!("not PostgreSQL")
    };
    let pg = db.client().await;
    let state = || async {
        let row = pg
            .query_one(
                "SELECT hub_id, change_seq, (SELECT string_agg(title, ',') FROM incidents) FROM hub",
                &[],
            )
            .await
            .unwrap();
        (
            row.get::<_, String>(0),
            row.get::<_, i64>(1),
            row.get::<_, String>(2),
        )
    };
    let before = state().await;
    let e = hub::migrate::migrate(&file, &target).await.unwrap_err();
    let said = e.to_string();
    assert!(said.contains("is not empty: it holds 1 incident"), "{said}");
    assert!(said.contains("an empty database"), "{said}");
    assert_eq!(state().await, before);

    // Served by a hub, even empty: refused too.
    let served = TestHub::start_on(Backend::Postgres, two_responders()).await;
    let DbTarget::Postgres(target) = served.target.clone() else {
        panic!("not PostgreSQL")
    };
    let e = hub::migrate::migrate(&file, &target).await.unwrap_err();
    assert!(e.to_string().contains("stop the hubs on it"), "{e}");
}

#[tokio::test]
async fn a_copy_that_fails_leaves_the_database_empty() {
    let dir = tempfile::tempdir().unwrap();
    let file = demo_file(dir.path(), "hub.db").await;
    // A timeline entry of no incident, as a hand edit could leave: SQLite
    // kept it, PostgreSQL refuses it, after the incidents went in.
    let conn = rusqlite::Connection::open(&file).unwrap();
    conn.pragma_update(None, "foreign_keys", "OFF").unwrap();
    conn.execute(
        "INSERT INTO timeline (incident_id, at, who, kind) VALUES (9999, '2026-11-23T08:00:00Z', 'x', 'note')",
        [],
    )
    .unwrap();
    drop(conn);
    let db = Database::create().await;
    let DbTarget::Postgres(target) = db.target() else {
        panic!("not PostgreSQL")
    };
    let e = hub::migrate::migrate(&file, &target).await.unwrap_err();
    assert!(e.to_string().contains("foreign key"), "{e}");
    let pg = db.client().await;
    let row = pg
        .query_one(
            "SELECT (SELECT count(*) FROM incidents) + (SELECT count(*) FROM timeline)",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, i64>(0), 0);
}

#[tokio::test]
async fn the_command_prints_what_it_copied_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let file = demo_file(dir.path(), "hub.db").await;
    let db = Database::create().await;
    // The password from PGPASSWORD, as `serve --db` takes it.
    let (scheme, rest) = db.url.split_once("://").unwrap();
    let (credentials, host) = rest.split_once('@').unwrap();
    let (user, password) = credentials.split_once(':').unwrap();
    let url = format!("{scheme}://{user}@{host}");
    let password = password.to_string();
    let pgpassword = password.clone();
    let out = tokio::task::spawn_blocking(move || {
        oncall(
            &["migrate", "--from", file.to_str().unwrap(), "--to", &url],
            &[("PGPASSWORD", pgpassword.as_str())],
        )
    })
    .await
    .unwrap();
    let printed = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{printed}{}", stderr(&out));
    assert!(printed.starts_with("copied "), "{printed}");
    assert!(!printed.contains(&password), "{printed}");
    for line in [
        "  incidents ",
        "  timeline entries ",
        "  hand-offs ",
        "  idempotency records ",
        "  deliveries ",
        "compared: both hold the same",
    ] {
        assert!(printed.contains(line), "{line}\n{printed}");
    }
}
