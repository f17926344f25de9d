//! The rules of follow-ups, without a store: due times, who may close one,
//! and what their incident's timeline says.
use chrono::{DateTime, TimeDelta, TimeZone, Utc};

use super::*;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).single().unwrap()
}

fn open(owner: &str) -> Followup {
    Followup {
        id: 4,
        incident_id: 9,
        incident_title: "disk full".into(),
        text: "add a disk alert".into(),
        owner: owner.into(),
        due: None,
        status: FollowupStatus::Open,
        note: None,
        created_by: "ana".into(),
        created_at: now(),
        closed_by: None,
        closed_at: None,
        overdue: false,
    }
}

fn close(status: FollowupStatus, note: Option<&str>) -> CloseFollowup {
    CloseFollowup {
        status,
        note: note.map(String::from),
    }
}

#[test]
fn a_due_time_in_the_past_is_refused() {
    let req = NewFollowup {
        text: " add a disk alert ".into(),
        owner: "sam".into(),
        due: Some(now() - TimeDelta::minutes(1)),
    };
    let refused = plan_followup(9, &req, now()).unwrap_err();
    assert!(matches!(refused, Refusal::Invalid(m) if m.contains("in the past")));
    let later = NewFollowup {
        due: Some(now() + TimeDelta::days(3)),
        ..req
    };
    let planned = plan_followup(9, &later, now()).unwrap();
    assert_eq!(planned.text, "add a disk alert");
}

#[test]
fn the_timeline_names_the_followup_and_its_owner() {
    let entry = followup_added(&open("sam"));
    assert_eq!(entry.id, 9);
    assert_eq!(entry.entry.kind, EventKind::Followup);
    assert_eq!(entry.entry.text, "follow-up #4 for sam: add a disk alert");
}

#[test]
fn the_owner_the_incident_holder_and_a_lead_may_close_it() {
    let f = open("sam");
    let done = close(FollowupStatus::Done, Some("alert added"));
    let by_owner = close_followup(&f, None, "sam", false, &done).unwrap();
    assert_eq!(
        by_owner.entry.text,
        "follow-up #4 for sam done: add a disk alert (alert added)"
    );
    assert!(close_followup(&f, Some("ana"), "ana", false, &done).is_ok());
    assert!(close_followup(&f, None, "lee", true, &done).is_ok());
    let refused = close_followup(&f, Some("ana"), "bob", false, &done).unwrap_err();
    assert!(
        matches!(&refused, Refusal::Forbidden(m) if m.contains("only sam or ana")),
        "{refused:?}"
    );
}

#[test]
fn only_an_open_followup_can_be_closed() {
    let mut f = open("sam");
    f.status = FollowupStatus::Dropped;
    f.closed_by = Some("sam".into());
    f.closed_at = Some(now());
    let refused = close_followup(&f, None, "sam", false, &close(FollowupStatus::Done, None));
    assert!(
        matches!(&refused, Err(Refusal::FollowupClosed(m)) if m.contains("is dropped already")),
        "{refused:?}"
    );
    let reopen = close_followup(
        &open("sam"),
        None,
        "sam",
        false,
        &close(FollowupStatus::Open, None),
    );
    assert!(matches!(reopen, Err(Refusal::Invalid(_))));
}
