//! The SQLite store under the changes the handlers make: what is written,
//! the change counter, the feed order and what a reopened file holds.
use crate::hub::change::{Change, Outcome};
use crate::hub::error::ApiError;
use crate::hub::store::{SqliteStore, Store, StoreError};
use crate::hub::test_store::{TestStore, t0};
use crate::incident::{
    AckRequest, EscalateRequest, EventKind, NewIncident, NoteRequest, ResolveRequest, Severity,
    Status,
};

fn new(title: &str, key: Option<&str>) -> NewIncident {
    NewIncident {
        title: title.into(),
        service: "db".into(),
        dedup_key: key.map(str::to_string),
        ..NewIncident::default()
    }
}

async fn open(hub: &TestStore, n: NewIncident) -> (bool, u64) {
    match hub.made("alice", Change::Open(n)).await {
        Ok(Outcome::Opened(o)) => (o.folded, o.incident.id),
        other => panic!("expected an opening, got {other:?}"),
    }
}

fn ack(id: u64, version: Option<u64>) -> Change {
    Change::Acknowledge {
        id,
        req: AckRequest {
            version,
            note: None,
        },
    }
}

fn resolve(id: u64) -> Change {
    Change::Resolve {
        id,
        req: ResolveRequest::default(),
    }
}

fn refused(result: Result<Outcome, ApiError>) -> (&'static str, String, u32) {
    match result {
        Err(ApiError::Refused {
            code,
            message,
            incident,
        }) => (code, message, incident.escalation_level),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn opening_sets_the_starting_state_and_counts_a_change() {
    let hub = TestStore::new();
    assert_eq!(hub.seq().await, 0);
    let i = hub
        .changed("alice", Change::Open(new("disk full", None)))
        .await;
    assert_eq!(
        (i.status, i.version, i.occurrences, i.escalation_level),
        (Status::Triggered, 1, 1, 1)
    );
    assert!(i.dedup_key.starts_with("auto-"), "{}", i.dedup_key);
    assert_eq!(i.source, "api");
    assert_eq!(i.owner, None);
    assert_eq!(i.created_at, t0());
    assert_eq!(i.timeline.len(), 1);
    assert_eq!(i.timeline[0].kind, EventKind::Opened);
    assert_eq!(i.timeline[0].who, "alice");
    assert_eq!(hub.seq().await, 1);
}

#[tokio::test]
async fn repeats_fold_into_the_open_incident_until_it_is_resolved() {
    let hub = TestStore::new();
    let (_, first) = open(&hub, new("disk full", Some("k"))).await;
    open(&hub, new("disk full", Some("k"))).await;
    let third = hub
        .changed("alice", Change::Open(new("disk full", Some("k"))))
        .await;
    assert_eq!(third.id, first);
    assert_eq!(third.occurrences, 3);
    assert_eq!(third.version, 3);
    let last = third.timeline.last().unwrap();
    assert_eq!(last.kind, EventKind::Repeated);
    assert_eq!(last.text, "repeated (3 times)");

    hub.at(1).made("bob", resolve(first)).await.unwrap();
    let (folded, again) = open(&hub, new("disk full", Some("k"))).await;
    assert!(!folded);
    assert_ne!(again, first);
}

#[tokio::test]
async fn the_schema_allows_one_open_incident_per_key() {
    let hub = TestStore::new();
    let (_, first) = open(&hub, new("disk full", Some("k"))).await;
    let dup = hub.store.write(|tx| {
        tx.execute(
            "INSERT INTO incidents (dedup_key, title, service, severity, status, source,
                 created_at, updated_at, escalation_level, occurrences, version, change_seq)
             SELECT dedup_key, title, service, severity, 'triggered', source, created_at,
                 updated_at, 1, 1, 1, 99 FROM incidents WHERE id = ?1",
            [first as i64],
        )?;
        Ok(())
    });
    assert!(dup.is_err());
}

#[tokio::test]
async fn acknowledging_writes_once_and_a_refusal_carries_the_incident_as_it_is() {
    let hub = TestStore::new();
    let (_, id) = open(&hub, new("disk full", None)).await;
    let (code, message, _) = refused(hub.made("alice", ack(id, Some(7))).await);
    assert_eq!(code, "conflict");
    assert!(message.contains("version 7, now 1"), "{message}");
    assert_eq!(hub.seq().await, 1, "a refusal writes nothing");

    let acked = hub.changed("alice", ack(id, Some(1))).await;
    assert_eq!(acked.status, Status::Acknowledged);
    assert_eq!(acked.owner.as_deref(), Some("alice"));
    assert_eq!(acked.version, 2);
    assert_eq!(hub.seq().await, 2);
    // The same responder again: nothing changes.
    assert_eq!(hub.changed("alice", ack(id, None)).await, acked);
    assert_eq!(hub.seq().await, 2);

    hub.at(1).made("bob", resolve(id)).await.unwrap();
    let (code, _, _) = refused(hub.made("bob", ack(id, None)).await);
    assert_eq!(code, "resolved");
}

#[tokio::test]
async fn escalation_climbs_to_the_last_level_and_stops() {
    let hub = TestStore::new();
    let (_, id) = open(&hub, new("disk full", None)).await;
    hub.made("alice", ack(id, None)).await.unwrap();
    let up = |note: Option<&str>| Change::Escalate {
        id,
        req: EscalateRequest {
            note: note.map(str::to_string),
        },
    };
    let climbed = hub.at(1).changed("bob", up(Some("needs a DBA"))).await;
    assert_eq!(climbed.escalation_level, 2);
    assert_eq!(climbed.status, Status::Triggered);
    assert_eq!(climbed.owner, None);
    assert_eq!(
        climbed.timeline.last().unwrap().text,
        "escalated from 1st line to 2nd line: needs a DBA"
    );
    assert_eq!(hub.changed("bob", up(None)).await.escalation_level, 3);
    let (code, message, level) = refused(hub.made("bob", up(None)).await);
    assert_eq!(code, "last_level");
    assert!(
        message.contains("already at 3rd line, the last level"),
        "{message}"
    );
    assert_eq!(level, 3);
}

#[tokio::test]
async fn notes_are_taken_on_resolved_incidents_and_missing_ones_are_not_found() {
    let hub = TestStore::new();
    let (_, id) = open(&hub, new("disk full", None)).await;
    hub.made("bob", resolve(id)).await.unwrap();
    let note = |id: u64, text: &str| Change::Note {
        id,
        req: NoteRequest { text: text.into() },
    };
    let noted = hub.changed("bob", note(id, " post-mortem Friday ")).await;
    let last = noted.timeline.last().unwrap();
    assert_eq!(
        (last.kind, last.text.as_str()),
        (EventKind::Note, "post-mortem Friday")
    );
    assert!(matches!(
        hub.made("bob", note(id + 100, "x")).await,
        Err(ApiError::NotFound(_))
    ));
    assert!(matches!(
        hub.store.get(id + 100).await,
        Err(StoreError::NotFound(_))
    ));
}

#[tokio::test]
async fn the_list_is_in_feed_order_and_since_returns_only_later_changes() {
    let hub = TestStore::new();
    let mut ids = Vec::new();
    for (minutes, (title, severity)) in [
        ("old warning", Severity::Warning),
        ("critical", Severity::Critical),
        ("new warning", Severity::Warning),
        ("resolved critical", Severity::Critical),
    ]
    .into_iter()
    .enumerate()
    {
        let n = NewIncident {
            severity,
            ..new(title, None)
        };
        hub.at(minutes as i64);
        ids.push(open(&hub, n).await.1);
    }
    let [old_warning, critical, new_warning, resolved] = ids[..] else {
        unreachable!()
    };
    hub.made("bob", resolve(resolved)).await.unwrap();

    let (seq, all) = hub.store.list(false, 0).await.unwrap();
    assert_eq!(seq, hub.seq().await);
    let order: Vec<u64> = all.iter().map(|i| i.id).collect();
    assert_eq!(order, [critical, new_warning, old_warning, resolved]);
    assert!(all.iter().all(|i| i.timeline.is_empty()));

    let (_, open_only) = hub.store.list(true, 0).await.unwrap();
    assert_eq!(open_only.len(), 3);

    let before = hub.seq().await;
    let note = Change::Note {
        id: old_warning,
        req: NoteRequest {
            text: "still there".into(),
        },
    };
    hub.made("bob", note).await.unwrap();
    let (after, changed) = hub.store.list(false, before).await.unwrap();
    assert_eq!(after, before + 1);
    assert_eq!(
        changed.iter().map(|i| i.id).collect::<Vec<_>>(),
        [old_warning]
    );
    assert!(hub.store.list(false, after).await.unwrap().1.is_empty());
}

#[tokio::test]
async fn everything_survives_reopening_the_file() {
    let hub = TestStore::new();
    let (_, id) = open(&hub, new("disk full", Some("k"))).await;
    let note = Change::Note {
        id,
        req: NoteRequest {
            text: "looking".into(),
        },
    };
    hub.made("bob", note).await.unwrap();
    let (seq, hub_id) = (hub.seq().await, hub.store.hub_id().to_string());
    let path = hub.dir.path().join("hub.db");
    let TestStore { dir, store, .. } = hub;
    drop(store);
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.current_seq().await.unwrap(), seq);
    assert_eq!(store.hub_id(), hub_id);
    let i = store.get(id).await.unwrap();
    assert_eq!(i.timeline.len(), 2);
    assert_eq!(i.version, 2);
    drop(dir);
}

#[tokio::test]
async fn the_history_starts_at_its_cursor_by_an_index_not_a_scan() {
    let hub = TestStore::new();
    let sql = crate::hub::store::history::history_sql(2, |n| format!("?{n}"));
    let plan = hub.store.write(move |tx| {
        let mut stmt = tx.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
        let rows = stmt.query_map(rusqlite::params![10_i64, 50_i64, "%a%", "%b%"], |r| {
            r.get::<_, String>(3)
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?.join("\n"))
    });
    let plan = plan.unwrap();
    assert!(
        plan.contains("SEARCH incidents USING INDEX incidents_resolved"),
        "{plan}"
    );
    assert!(!plan.contains("SCAN incidents"), "{plan}");
}
