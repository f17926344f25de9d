//! Overrides' rules on their own: who may put whom on call, what is refused,
//! whom an override displaces, and who may remove one.
use chrono::{DateTime, TimeDelta, Utc};

use super::*;
use crate::config::HubConfig;
use crate::hub::rules::tests::paging;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// alice holds 08:00-20:00 on the 23rd, bob 20:00-08:00.
fn now() -> DateTime<Utc> {
    at("2026-11-23T09:00:00Z")
}

fn req(responder: &str, start: &str, end: &str) -> NewOverride {
    NewOverride {
        responder: responder.into(),
        start: at(start),
        end: at(end),
    }
}

fn plan(by: &str, lead: bool, r: &NewOverride) -> Result<Vec<String>, Refusal> {
    plan_override(by, lead, r, &paging(), now(), &[])
}

fn forbidden(r: Result<Vec<String>, Refusal>) -> String {
    match r {
        Err(Refusal::Forbidden(m)) => m,
        other => panic!("expected a refusal for who asks, got {other:?}"),
    }
}

fn invalid(r: Result<Vec<String>, Refusal>) -> String {
    match r {
        Err(Refusal::Invalid(m)) => m,
        other => panic!("expected a refusal of the request, got {other:?}"),
    }
}

#[test]
fn anyone_may_cover_a_shift_themselves_displacing_its_holder() {
    let r = req("dave", "2026-11-23T10:00:00Z", "2026-11-23T12:00:00Z");
    assert_eq!(plan("dave", false, &r).unwrap(), vec!["alice"]);
}

#[test]
fn the_person_on_call_in_the_window_may_put_someone_else_on_call() {
    // The window runs into bob's night: bob may give it to dave.
    let r = req("dave", "2026-11-23T19:00:00Z", "2026-11-23T22:00:00Z");
    assert_eq!(plan("bob", false, &r).unwrap(), vec!["alice", "bob"]);
    assert_eq!(plan("alice", false, &r).unwrap(), vec!["alice", "bob"]);
}

#[test]
fn someone_else_off_the_window_is_refused_but_a_lead_may() {
    let r = req("alice", "2026-11-23T21:00:00Z", "2026-11-23T22:00:00Z");
    let why = forbidden(plan("dave", false, &r));
    assert!(why.contains("held by bob"), "{why}");
    assert_eq!(plan("lee", true, &r).unwrap(), vec!["bob"]);
}

#[test]
fn what_the_override_already_covers_is_not_displaced() {
    let r = req("alice", "2026-11-23T10:00:00Z", "2026-11-23T12:00:00Z");
    assert!(plan("alice", false, &r).unwrap().is_empty());
}

#[test]
fn earlier_covers_count_for_who_holds_the_window() {
    let handed = [Cover {
        who: "dave".into(),
        start: at("2026-11-23T08:30:00Z"),
        end: at("2026-11-23T20:00:00Z"),
        made: at("2026-11-23T08:30:00Z"),
    }];
    let r = req("bob", "2026-11-23T10:00:00Z", "2026-11-23T12:00:00Z");
    assert_eq!(
        plan_override("dave", false, &r, &paging(), now(), &handed).unwrap(),
        vec!["dave"]
    );
    assert!(matches!(
        plan_override("alice", false, &r, &paging(), now(), &handed),
        Err(Refusal::Forbidden(_))
    ));
}

#[test]
fn bad_windows_are_refused_saying_why() {
    let backwards = req("dave", "2026-11-23T12:00:00Z", "2026-11-23T10:00:00Z");
    assert!(invalid(plan("dave", false, &backwards)).contains("ends after it starts"));
    let empty = req("dave", "2026-11-23T12:00:00Z", "2026-11-23T12:00:00Z");
    assert!(invalid(plan("dave", false, &empty)).contains("ends after it starts"));
    let past = req("dave", "2026-11-22T12:00:00Z", "2026-11-23T08:00:00Z");
    assert!(invalid(plan("dave", false, &past)).contains("past already"));
    let long = NewOverride {
        end: at("2026-11-23T10:00:00Z") + LONGEST_OVERRIDE + TimeDelta::seconds(1),
        ..req("dave", "2026-11-23T10:00:00Z", "2026-11-23T10:00:00Z")
    };
    assert!(invalid(plan("dave", false, &long)).contains("at most 90 days"));
    let longest = NewOverride {
        end: at("2026-11-23T10:00:00Z") + LONGEST_OVERRIDE,
        ..long
    };
    assert!(plan("dave", false, &longest).is_ok());
}

#[test]
fn without_a_rota_there_is_nothing_to_override() {
    let bare = Paging::from_config(&HubConfig::default());
    let r = req("dave", "2026-11-23T10:00:00Z", "2026-11-23T12:00:00Z");
    assert!(invalid(plan_override("dave", false, &r, &bare, now(), &[])).contains("no rota"));
}

fn made(by: &str, responder: &str) -> Override {
    Override {
        id: 4,
        responder: responder.into(),
        start: at("2026-11-23T10:00:00Z"),
        end: at("2026-11-23T12:00:00Z"),
        created_by: by.into(),
        created_at: now(),
        removed_by: None,
        removed_at: None,
        displaced: Vec::new(),
    }
}

#[test]
fn its_maker_its_responder_or_a_lead_may_remove_an_override() {
    let o = made("bob", "dave");
    assert!(may_remove_override("bob", false, 4, Some(&o)).is_ok());
    assert!(may_remove_override("dave", false, 4, Some(&o)).is_ok());
    assert!(may_remove_override("lee", true, 4, Some(&o)).is_ok());
    assert!(matches!(
        may_remove_override("alice", false, 4, Some(&o)),
        Err(Refusal::Forbidden(_))
    ));
}

#[test]
fn an_unknown_or_removed_override_is_not_found() {
    assert_eq!(
        may_remove_override("lee", true, 9, None),
        Err(Refusal::NoOverride("there is no override #9".into()))
    );
    let removed = Override {
        removed_by: Some("dave".into()),
        removed_at: Some(now()),
        ..made("bob", "dave")
    };
    let Err(Refusal::NoOverride(why)) = may_remove_override("bob", false, 4, Some(&removed)) else {
        panic!("a removed override was removed again");
    };
    assert!(why.contains("already removed by dave"), "{why}");
}
