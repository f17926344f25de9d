//! The squash rules on values: which squash keeps an incident quiet, and
//! what settling an open incident writes as squashes start and end.
use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};

use super::*;

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T10:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn at(minutes: i64) -> DateTime<Utc> {
    t0() + TimeDelta::minutes(minutes)
}

fn squash(id: u64, service: &str, starts: i64, until: i64) -> Squash {
    Squash {
        id,
        matchers: BTreeMap::from([("service".to_string(), service.to_string())]),
        starts: at(starts),
        until: at(until),
        reason: format!("work on {service}"),
        created_by: "alice".into(),
        created_at: t0(),
        removed_by: None,
        removed_at: None,
    }
}

fn incident(service: &str, squashed_by: Option<u64>, status: Status) -> Incident {
    let mut i = Incident::builder(7, "disk full", t0())
        .service(service)
        .status(status)
        .level(2)
        .build();
    i.squashed_by = squashed_by;
    i
}

fn request(starts: Option<i64>, until: i64) -> NewSquash {
    NewSquash {
        matchers: BTreeMap::from([("service".to_string(), "db".to_string())]),
        starts: starts.map(at),
        until: at(until),
        reason: "  disk swap ".into(),
    }
}

#[test]
fn a_squash_starts_now_unless_told_and_must_end_after_it_starts_and_after_now() {
    let planned = plan_squash(&request(None, 60), t0()).unwrap();
    assert_eq!((planned.starts, planned.until), (t0(), at(60)));
    assert_eq!(planned.reason, "disk swap");
    let window = plan_squash(&request(Some(120), 180), t0()).unwrap();
    assert_eq!(window.starts, at(120), "a maintenance window, later");
    for (starts, until) in [(None, 0), (None, -5), (Some(30), 30), (Some(60), 30)] {
        assert!(
            matches!(
                plan_squash(&request(starts, until), t0()),
                Err(Refusal::Invalid(_))
            ),
            "{starts:?}..{until}"
        );
    }
    let too_long = plan_squash(&request(None, 60 * 24 * (MAX_SQUASH_DAYS + 1)), t0());
    assert!(matches!(too_long, Err(Refusal::Invalid(m)) if m.contains("at most")));
}

#[test]
fn an_open_incident_matching_a_squash_in_force_is_squashed() {
    let squashes = [squash(3, "db", 0, 60), squash(2, "web", 0, 60)];
    let update = settle(&incident("db", None, Status::Triggered), &squashes, at(1)).unwrap();
    assert_eq!(update.squashed_by, Some(Some(3)));
    assert_eq!(update.entry.kind, EventKind::Squashed);
    assert_eq!(update.entry.text, "squashed by #3 (work on db)");
    assert_eq!(update.level, None);
    assert_eq!(
        settle(
            &incident("db", Some(3), Status::Triggered),
            &squashes,
            at(1)
        ),
        None,
        "already squashed by it: nothing to write"
    );
    assert_eq!(
        settle(&incident("api", None, Status::Triggered), &squashes, at(1)),
        None
    );
    assert_eq!(
        settle(&incident("db", None, Status::Resolved), &squashes, at(1)),
        None
    );
}

#[test]
fn a_maintenance_window_squashes_only_between_its_start_and_its_end() {
    let window = [squash(4, "db", 60, 120)];
    let open = incident("db", None, Status::Triggered);
    assert_eq!(settle(&open, &window, at(59)), None, "not started yet");
    let inside = settle(&open, &window, at(60)).unwrap();
    assert_eq!(inside.squashed_by, Some(Some(4)));
    let squashed = incident("db", Some(4), Status::Triggered);
    assert_eq!(settle(&squashed, &window, at(119)), None);
    let over = settle(&squashed, &window, at(120)).unwrap();
    assert_eq!(over.squashed_by, Some(None));
    assert_eq!(over.entry.kind, EventKind::Unsquashed);
    assert_eq!(over.entry.text, "squash #4 is over: paging again");
    assert_eq!(over.level, Some(2), "its level's timer starts over");
}

#[test]
fn a_removed_squash_releases_and_an_acknowledged_incident_is_not_paged_for_it() {
    let mut removed = squash(5, "db", 0, 600);
    removed.removed_at = Some(at(10));
    removed.removed_by = Some("bob".into());
    let acked = incident("db", Some(5), Status::Acknowledged);
    let update = settle(&acked, std::slice::from_ref(&removed), at(10)).unwrap();
    assert_eq!(update.squashed_by, Some(None));
    assert_eq!(update.entry.text, "squash #5 is over");
    assert_eq!(update.level, None, "someone holds it: no timer to restart");
    let mut other = squash(9, "db", 0, 600);
    other.reason = "still migrating".into();
    let moved = settle(&acked, &[removed, other], at(10)).unwrap();
    assert_eq!(moved.squashed_by, Some(Some(9)), "another squash takes it");
}

#[test]
fn an_incident_keeps_the_squash_it_has_among_several() {
    let squashes = [squash(2, "db", 0, 60), squash(8, "db", 0, 60)];
    let i = incident("db", Some(8), Status::Triggered);
    assert_eq!(squash_for(&i, &squashes, at(1)).map(|s| s.id), Some(8));
    let fresh = incident("db", None, Status::Triggered);
    assert_eq!(squash_for(&fresh, &squashes, at(1)).map(|s| s.id), Some(2));
}
