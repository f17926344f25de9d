//! The rules of ownership and roles on their own: incidents as values.
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use super::*;
use crate::config::NotifySettings;
use crate::hub::rules::tests::{paging, refused, update};
use crate::hub::rules::{Again, again};

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T09:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// Incident #7 of db, `status` and held by `owner`.
fn held(status: Status, owner: Option<&str>) -> Incident {
    Incident::builder(7, "disk full", t0())
        .service("db")
        .status(status)
        .owner(owner)
        .build()
}

fn assign_to(to: &str) -> AssignRequest {
    AssignRequest {
        to: to.into(),
        note: None,
    }
}

#[test]
fn taking_over_makes_it_yours_acknowledged_and_remembers_whom_from() {
    let current = Incident {
        helpers: vec!["bob".into(), "carol".into()],
        snoozed_until: Some(t0()),
        ..held(Status::Acknowledged, Some("alice"))
    };
    let u = update(assign(&current, "bob", &assign_to("bob")));
    assert_eq!(u.status, Some(Status::Acknowledged));
    assert_eq!(u.owner, Some(Some("bob".into())));
    assert_eq!(
        u.level, None,
        "acknowledged: no escalation timer to restart"
    );
    assert_eq!(
        u.assigned,
        Some(Assigned {
            from: Some("alice".into()),
            by: "bob".into()
        })
    );
    assert_eq!(
        u.helpers,
        Some(vec!["carol".into()]),
        "the owner helps no more"
    );
    assert_eq!(u.snoozed_until, Some(None), "reassigning ends the snooze");
    assert_eq!(u.entry.kind, EventKind::Assigned);
    assert_eq!(u.entry.text, "took it over from alice");
}

#[test]
fn reassigning_to_someone_else_waits_for_them_at_the_same_level() {
    let current = Incident {
        escalation_level: 2,
        ..held(Status::Acknowledged, Some("alice"))
    };
    let req = AssignRequest {
        to: "carol".into(),
        note: Some(" DB expert ".into()),
    };
    let u = update(assign(&current, "bob", &req));
    assert_eq!(u.status, Some(Status::Triggered));
    assert_eq!(u.owner, Some(Some("carol".into())));
    assert_eq!(u.level, Some(2), "its level's timer starts over");
    assert_eq!(u.helpers, None, "carol was not helping: the list stays");
    assert_eq!(u.entry.text, "reassigned from alice to carol: DB expert");
    let nobody = update(assign(
        &held(Status::Triggered, None),
        "bob",
        &assign_to("carol"),
    ));
    assert_eq!(nobody.entry.text, "assigned to carol");
    assert_eq!(nobody.assigned.and_then(|a| a.from), None);
}

#[test]
fn assigning_to_whom_holds_it_changes_nothing_and_resolved_is_refused() {
    let current = held(Status::Triggered, Some("alice"));
    assert_eq!(
        assign(&current, "bob", &assign_to("alice")),
        Ok(Transition::Unchanged)
    );
    let acked = held(Status::Acknowledged, Some("alice"));
    assert_eq!(
        assign(&acked, "alice", &assign_to("alice")),
        Ok(Transition::Unchanged)
    );
    // Taking over what one holds unacknowledged is acknowledging it.
    let u = update(assign(&current, "alice", &assign_to("alice")));
    assert_eq!(u.status, Some(Status::Acknowledged));
    assert_eq!(u.entry.kind, EventKind::Acknowledged);
    let (code, message) = refused(assign(
        &held(Status::Resolved, Some("alice")),
        "bob",
        &assign_to("bob"),
    ));
    assert_eq!(code, "resolved");
    assert!(message.contains("cannot be reassigned"), "{message}");
}

#[test]
fn giving_back_triggers_it_for_whom_its_level_reaches_now() {
    let current = Incident {
        snoozed_until: Some(t0()),
        ..held(Status::Acknowledged, Some("carol"))
    };
    let u = update(unacknowledge(&current, "carol", None, &paging(), t0(), &[]));
    assert_eq!(u.status, Some(Status::Triggered));
    assert_eq!(u.owner, Some(Some("alice".into())), "alice is on call");
    assert_eq!(u.level, Some(1));
    assert_eq!(u.snoozed_until, Some(None));
    assert_eq!(u.entry.kind, EventKind::Unacknowledged);
    assert_eq!(u.entry.text, "gave it back: paging alice (1st line)");
    let by_other = update(unacknowledge(
        &current,
        "bob",
        Some("carol went home"),
        &paging(),
        t0(),
        &[],
    ));
    assert_eq!(
        by_other.entry.text,
        "took back carol's acknowledgement: paging alice (1st line): carol went home"
    );
    // A service whose policy reaches nobody: the owner keeps it, paged.
    let bare = Paging::from_config(&crate::config::HubConfig::default());
    let u = update(unacknowledge(&current, "carol", None, &bare, t0(), &[]));
    assert_eq!(u.owner, None, "the owner stays");
    assert_eq!(u.entry.text, "gave it back: paging carol (1st line)");
}

#[test]
fn only_an_acknowledged_incident_is_given_back_or_snoozed() {
    let triggered = held(Status::Triggered, Some("alice"));
    let (code, message) = refused(unacknowledge(
        &triggered,
        "alice",
        None,
        &paging(),
        t0(),
        &[],
    ));
    assert_eq!(code, "not_acknowledged");
    assert!(message.contains("nothing to give back"), "{message}");
    let (code, message) = refused(snooze(&triggered, Duration::from_secs(60), "1m", t0()));
    assert_eq!(code, "not_acknowledged");
    assert!(message.contains("acknowledge it first"), "{message}");
    let resolved = held(Status::Resolved, Some("alice"));
    assert_eq!(
        refused(snooze(&resolved, Duration::from_secs(60), "1m", t0())).0,
        "resolved"
    );
    assert_eq!(
        refused(unacknowledge(
            &resolved,
            "alice",
            None,
            &paging(),
            t0(),
            &[]
        ))
        .0,
        "resolved"
    );
}

#[test]
fn a_snooze_ends_when_its_time_comes_and_then_pages_again() {
    let acked = held(Status::Acknowledged, Some("alice"));
    let u = update(snooze(&acked, Duration::from_secs(90), "90s", t0()));
    let until = t0() + TimeDelta::seconds(90);
    assert_eq!(u.snoozed_until, Some(Some(until)));
    assert_eq!(u.status, None, "it stays acknowledged");
    assert_eq!(u.entry.text, "snoozed for 90s, until 09:01:30 UTC");
    let snoozed = Incident {
        snoozed_until: Some(until),
        escalation_level: 2,
        ..acked
    };
    assert!(
        snoozes_over(
            std::slice::from_ref(&snoozed),
            until - TimeDelta::seconds(1)
        )
        .is_empty()
    );
    let [over] = snoozes_over(std::slice::from_ref(&snoozed), until)
        .try_into()
        .unwrap();
    assert_eq!(over.status, Some(Status::Triggered));
    assert_eq!(over.level, Some(2), "its level's timer starts over");
    assert_eq!(over.snoozed_until, Some(None));
    assert_eq!(over.entry.kind, EventKind::Unsnoozed);
    assert_eq!(
        over.entry.text,
        "the snooze is over: triggered again, paging alice"
    );
}

#[test]
fn acknowledging_a_snoozed_incident_again_ends_the_snooze() {
    let snoozed = Incident {
        snoozed_until: Some(t0() + TimeDelta::minutes(30)),
        ..held(Status::Acknowledged, Some("alice"))
    };
    let req = AckRequest::default();
    let u = update(acknowledge(&snoozed, "alice", &req));
    assert_eq!(u.snoozed_until, Some(None));
    assert_eq!(u.entry.text, "acknowledged again: the snooze is over");
    let unsnoozed = held(Status::Acknowledged, Some("alice"));
    assert_eq!(
        acknowledge(&unsnoozed, "alice", &req),
        Ok(Transition::Unchanged)
    );
}

#[test]
fn a_snoozed_incident_waits_for_its_snooze_not_the_ack_timeout() {
    let mut notify = NotifySettings::default();
    notify.ack_timeout = Some(Duration::from_secs(600));
    let snoozed = crate::hub::rules::Unanswered {
        incident: Incident {
            snoozed_until: Some(t0() + TimeDelta::hours(1)),
            ..held(Status::Acknowledged, Some("alice"))
        },
        round_started: None,
        acknowledged_at: Some(t0()),
    };
    let later = t0() + TimeDelta::minutes(30);
    assert_eq!(
        again(std::slice::from_ref(&snoozed), &[], &notify, later),
        []
    );
    let plain = crate::hub::rules::Unanswered {
        incident: held(Status::Acknowledged, Some("alice")),
        ..snoozed
    };
    assert!(matches!(
        again(&[plain], &[], &notify, later).as_slice(),
        [Again::AckTimeout(_)]
    ));
}

#[test]
fn asking_for_help_lists_the_helper_and_the_owner_stays() {
    let current = held(Status::Acknowledged, Some("alice"));
    let req = HelpRequest {
        who: "carol".into(),
        note: Some("replica lag".into()),
    };
    let u = update(ask_help(&current, "alice", &req));
    assert_eq!(u.helpers, Some(vec!["carol".into()]));
    assert_eq!(u.owner, None, "the owner stays");
    assert_eq!(u.entry.kind, EventKind::Help);
    assert_eq!(u.entry.text, "asked carol to help: replica lag");
    let helped = Incident {
        helpers: vec!["carol".into()],
        ..current.clone()
    };
    assert_eq!(ask_help(&helped, "bob", &req), Ok(Transition::Unchanged));
    let joined = update(ask_help(
        &current,
        "dave",
        &HelpRequest {
            who: "dave".into(),
            note: None,
        },
    ));
    assert_eq!(joined.entry.text, "joined to help");
    let (code, message) = refused(ask_help(
        &current,
        "bob",
        &HelpRequest {
            who: "alice".into(),
            note: None,
        },
    ));
    assert_eq!(code, "conflict");
    assert!(
        message.contains("alice holds incident #7 already"),
        "{message}"
    );
    let crowded = Incident {
        helpers: (0..MAX_HELPERS).map(|i| format!("h{i}")).collect(),
        ..current
    };
    assert!(matches!(
        ask_help(&crowded, "alice", &req),
        Err(Refusal::Invalid(_))
    ));
}

fn manager(who: &str, force: bool) -> RoleRequest {
    RoleRequest {
        role: crate::incident::INCIDENT_MANAGER.into(),
        who: who.into(),
        force,
    }
}

#[test]
fn naming_an_incident_manager_declares_it_major() {
    let current = held(Status::Acknowledged, Some("alice"));
    let u = update(set_role(&current, &manager("dave", false)));
    assert_eq!(u.manager.as_deref(), Some("dave"));
    assert_eq!(u.entry.kind, EventKind::Role);
    assert_eq!(
        u.entry.text,
        "declared a major incident; incident manager: dave"
    );
    let major = Incident {
        major: true,
        incident_manager: Some("dave".into()),
        ..current
    };
    assert_eq!(
        set_role(&major, &manager("dave", false)),
        Ok(Transition::Unchanged)
    );
    let u = update(set_role(&major, &manager("bob", false)));
    assert_eq!(u.entry.text, "incident manager: bob (was dave)");
}

#[test]
fn the_one_fixing_is_not_made_manager_unless_forced() {
    let current = Incident {
        helpers: vec!["carol".into()],
        ..held(Status::Acknowledged, Some("alice"))
    };
    let (code, message) = refused(set_role(&current, &manager("alice", false)));
    assert_eq!(code, "role_conflict");
    assert!(
        message.starts_with(
            "alice owns incident #7: the person fixing an incident must not also run it"
        ),
        "{message}"
    );
    assert!(message.contains("\"force\": true"), "{message}");
    let (code, message) = refused(set_role(&current, &manager("carol", false)));
    assert_eq!(code, "role_conflict");
    assert!(
        message.starts_with("carol is helping fix incident #7"),
        "{message}"
    );
    let u = update(set_role(&current, &manager("carol", true)));
    assert_eq!(u.manager.as_deref(), Some("carol"));
    assert_eq!(
        u.entry.text,
        "declared a major incident; incident manager: carol (forced: carol is helping fix incident #7)"
    );
    assert_eq!(
        refused(set_role(
            &held(Status::Resolved, None),
            &manager("dave", false)
        ))
        .0,
        "resolved"
    );
}

#[test]
fn a_status_update_is_the_latest_whatever_the_status_and_never_empty() {
    let said = |text: &str| StatusUpdateRequest { text: text.into() };
    for status in [Status::Triggered, Status::Acknowledged, Status::Resolved] {
        let current = held(status, Some("alice"));
        let u = update(status_update(
            &current,
            "bob",
            &said(" rolling back "),
            t0(),
        ));
        let latest = u.status_update.expect("the latest update");
        assert_eq!(
            (latest.text.as_str(), latest.by.as_str(), latest.at),
            ("rolling back", "bob", t0())
        );
        assert_eq!(u.entry.kind, EventKind::StatusUpdate);
        assert_eq!(u.entry.text, "rolling back");
        assert_eq!(
            (u.status, u.owner.clone()),
            (None, None),
            "nothing else changes"
        );
    }
    let current = held(Status::Triggered, Some("alice"));
    assert!(matches!(
        status_update(&current, "bob", &said("  \n "), t0()),
        Err(Refusal::Invalid(_))
    ));
    // The same words from the same person again: said already. From
    // someone else, or other words, it is news.
    let current = Incident {
        status_update: Some(StatusUpdate {
            text: "rolling back".into(),
            by: "bob".into(),
            at: t0(),
        }),
        ..current
    };
    let later = t0() + TimeDelta::minutes(5);
    assert!(matches!(
        status_update(&current, "bob", &said("rolling back"), later),
        Ok(Transition::Unchanged)
    ));
    assert!(
        status_update(&current, "alice", &said("rolling back"), later)
            .is_ok_and(|t| !matches!(t, Transition::Unchanged))
    );
    assert!(
        status_update(&current, "bob", &said("rolled back"), later)
            .is_ok_and(|t| !matches!(t, Transition::Unchanged))
    );
}
