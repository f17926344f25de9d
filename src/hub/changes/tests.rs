use chrono::{DateTime, TimeDelta, Utc};
use tempfile::TempDir;

use super::*;
use crate::config::HubConfig;
use crate::hub::escalation::escalate;
use crate::hub::store::Store;
use crate::incident::{EventKind, NewIncident, Severity, Status};

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T08:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn alice() -> Actor<'static> {
    Actor {
        who: "alice",
        now: t0(),
        taken: None,
    }
}

fn bob() -> Actor<'static> {
    Actor {
        who: "bob",
        now: t0() + TimeDelta::minutes(1),
        taken: None,
    }
}

fn new(title: &str, key: Option<&str>) -> NewIncident {
    NewIncident {
        title: title.into(),
        service: "db".into(),
        dedup_key: key.map(str::to_string),
        ..NewIncident::default()
    }
}

fn store() -> (TempDir, Store) {
    let dir = TempDir::new().unwrap();
    let store = Store::open(&dir.path().join("hub.db")).unwrap();
    (dir, store)
}

/// The policies of a hub with no rota and no policies configured.
fn paging() -> Paging {
    Paging::from_config(&HubConfig::default())
}

fn open(store: &Store, n: NewIncident) -> Opened {
    store
        .write(|tx| open_or_fold(tx, alice(), &n, &paging()))
        .unwrap()
}

#[test]
fn opening_sets_the_starting_state_and_counts_a_change() {
    let (_dir, store) = store();
    assert_eq!(store.current_seq(), 0);
    let o = open(&store, new("disk full", None));
    assert!(!o.folded);
    let i = o.incident;
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
    assert_eq!(store.current_seq(), 1);
}

#[test]
fn repeats_fold_into_the_open_incident_until_it_is_resolved() {
    let (_dir, store) = store();
    let first = open(&store, new("disk full", Some("k"))).incident;
    open(&store, new("disk full", Some("k")));
    let third = open(&store, new("disk full", Some("k")));
    assert!(third.folded);
    assert_eq!(third.incident.id, first.id);
    assert_eq!(third.incident.occurrences, 3);
    assert_eq!(third.incident.version, 3);
    let last = third.incident.timeline.last().unwrap();
    assert_eq!(last.kind, EventKind::Repeated);
    assert_eq!(last.text, "repeated (3 times)");

    store
        .write(|tx| resolve(tx, bob(), first.id, None))
        .unwrap();
    let again = open(&store, new("disk full", Some("k")));
    assert!(!again.folded);
    assert_ne!(again.incident.id, first.id);
}

#[test]
fn the_schema_allows_one_open_incident_per_key() {
    let (_dir, store) = store();
    let first = open(&store, new("disk full", Some("k"))).incident;
    let dup = store.write(|tx| {
        tx.execute(
            "INSERT INTO incidents (dedup_key, title, service, severity, status, source,
                 created_at, updated_at, escalation_level, occurrences, version, change_seq)
             SELECT dedup_key, title, service, severity, 'triggered', source, created_at,
                 updated_at, 1, 1, 1, 99 FROM incidents WHERE id = ?1",
            [first.id as i64],
        )?;
        Ok(())
    });
    assert!(dup.is_err());
}

#[test]
fn acknowledge_checks_version_owner_and_status() {
    let (_dir, store) = store();
    let id = open(&store, new("disk full", None)).incident.id;
    let stale = AckRequest {
        version: Some(7),
        note: None,
    };
    match store.write(|tx| acknowledge(tx, alice(), id, &stale)) {
        Err(StoreError::Refused {
            code,
            message,
            incident,
        }) => {
            assert_eq!(code, "conflict");
            assert!(message.contains("version 7, now 1"), "{message}");
            assert_eq!(incident.version, 1);
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    let seq = store.current_seq();
    let req = AckRequest {
        version: Some(1),
        note: Some("on it".into()),
    };
    let acked = store
        .write(|tx| acknowledge(tx, alice(), id, &req))
        .unwrap();
    assert_eq!(acked.status, Status::Acknowledged);
    assert_eq!(acked.owner.as_deref(), Some("alice"));
    assert_eq!(acked.version, 2);
    assert_eq!(acked.timeline.last().unwrap().text, "on it");
    assert_eq!(store.current_seq(), seq + 1);

    // The same responder again: nothing changes.
    let again = store
        .write(|tx| acknowledge(tx, alice(), id, &AckRequest::default()))
        .unwrap();
    assert_eq!(again, acked);
    assert_eq!(store.current_seq(), seq + 1);

    match store.write(|tx| acknowledge(tx, bob(), id, &AckRequest::default())) {
        Err(StoreError::Refused { code, message, .. }) => {
            assert_eq!(code, "conflict");
            assert!(
                message.contains("already acknowledged by alice"),
                "{message}"
            );
        }
        other => panic!("expected a conflict, got {other:?}"),
    }

    store.write(|tx| resolve(tx, bob(), id, None)).unwrap();
    match store.write(|tx| acknowledge(tx, bob(), id, &AckRequest::default())) {
        Err(StoreError::Refused { code, .. }) => assert_eq!(code, "resolved"),
        other => panic!("expected resolved, got {other:?}"),
    }
}

#[test]
fn escalation_climbs_to_the_last_level_and_stops() {
    let (_dir, store) = store();
    let id = open(&store, new("disk full", None)).incident.id;
    store
        .write(|tx| acknowledge(tx, alice(), id, &AckRequest::default()))
        .unwrap();
    let up = store
        .write(|tx| escalate(tx, bob(), id, Some("needs a DBA"), &paging()))
        .unwrap();
    assert_eq!(up.escalation_level, 2);
    assert_eq!(up.status, Status::Triggered);
    assert_eq!(up.owner, None);
    assert_eq!(
        up.timeline.last().unwrap().text,
        "escalated from 1st line to 2nd line: needs a DBA"
    );
    let up = store
        .write(|tx| escalate(tx, bob(), id, None, &paging()))
        .unwrap();
    assert_eq!(up.escalation_level, 3);
    assert_eq!(paging().next_level(&up.service, up.escalation_level), None);
    match store.write(|tx| escalate(tx, bob(), id, None, &paging())) {
        Err(StoreError::Refused {
            code,
            message,
            incident,
        }) => {
            assert_eq!(code, "last_level");
            assert!(
                message.contains("already at 3rd line, the last level"),
                "{message}"
            );
            assert_eq!(incident.escalation_level, 3);
        }
        other => panic!("expected last_level, got {other:?}"),
    }
}

#[test]
fn notes_are_taken_on_resolved_incidents_and_missing_ones_are_not_found() {
    let (_dir, store) = store();
    let id = open(&store, new("disk full", None)).incident.id;
    store
        .write(|tx| resolve(tx, bob(), id, Some("freed space")))
        .unwrap();
    let noted = store
        .write(|tx| add_note(tx, bob(), id, " post-mortem Friday "))
        .unwrap();
    let last = noted.timeline.last().unwrap();
    assert_eq!(
        (last.kind, last.text.as_str()),
        (EventKind::Note, "post-mortem Friday")
    );
    assert!(matches!(
        store.write(|tx| add_note(tx, bob(), id + 100, "x")),
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(store.get(id + 100), Err(StoreError::NotFound(_))));
}

#[test]
fn the_list_is_in_feed_order_and_since_returns_only_later_changes() {
    let (_dir, store) = store();
    let mk = |title: &str, sev: Severity, minutes: i64| {
        let n = NewIncident {
            severity: sev,
            ..new(title, None)
        };
        let by = Actor {
            who: "alice",
            now: t0() + TimeDelta::minutes(minutes),
            taken: None,
        };
        store
            .write(|tx| open_or_fold(tx, by, &n, &paging()))
            .unwrap()
            .incident
    };
    let old_warning = mk("old warning", Severity::Warning, 0);
    let critical = mk("critical", Severity::Critical, 1);
    let new_warning = mk("new warning", Severity::Warning, 2);
    let resolved = mk("resolved critical", Severity::Critical, 3);
    store
        .write(|tx| resolve(tx, bob(), resolved.id, None))
        .unwrap();

    let (seq, all) = store.list(false, 0).unwrap();
    assert_eq!(seq, store.current_seq());
    let ids: Vec<u64> = all.iter().map(|i| i.id).collect();
    assert_eq!(
        ids,
        [critical.id, new_warning.id, old_warning.id, resolved.id]
    );
    assert!(all.iter().all(|i| i.timeline.is_empty()));

    let (_, open_only) = store.list(true, 0).unwrap();
    assert_eq!(open_only.len(), 3);

    let before = store.current_seq();
    store
        .write(|tx| add_note(tx, bob(), old_warning.id, "still there"))
        .unwrap();
    let (after, changed) = store.list(false, before).unwrap();
    assert_eq!(after, before + 1);
    assert_eq!(
        changed.iter().map(|i| i.id).collect::<Vec<_>>(),
        [old_warning.id]
    );
    assert!(store.list(false, after).unwrap().1.is_empty());
}

#[test]
fn everything_survives_reopening_the_file() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("hub.db");
    let (id, seq, hub_id) = {
        let store = Store::open(&path).unwrap();
        let id = open(&store, new("disk full", Some("k"))).incident.id;
        store
            .write(|tx| add_note(tx, bob(), id, "looking"))
            .unwrap();
        (id, store.current_seq(), store.hub_id().to_string())
    };
    let store = Store::open(&path).unwrap();
    assert_eq!(store.current_seq(), seq);
    assert_eq!(store.hub_id(), hub_id);
    let i = store.get(id).unwrap();
    assert_eq!(i.timeline.len(), 2);
    assert_eq!(i.version, 2);
}
