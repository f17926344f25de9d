//! The rules on their own: incidents as values, no database.
use std::path::Path;

use chrono::{DateTime, TimeDelta, Utc};

use super::*;
use crate::config::{Config, HubConfig};
use crate::hub::policy::Paging;
use crate::hub::rota::Cover;
use crate::incident::{AckRequest, HandoffPlan, Incident, StepRequest};

const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn t0() -> DateTime<Utc> {
    at("2026-11-23T09:00:00Z")
}

/// alice and bob take 12h turns from 08:00; db pages the person on call,
/// then the DBAs after 15 minutes; every other service gets three lines.
pub(super) fn paging() -> Paging {
    let mut text = String::new();
    for (name, role) in [
        ("alice", "responder"),
        ("bob", "responder"),
        ("dave", "responder"),
        ("lee", "lead"),
        ("am", "integration"),
    ] {
        text.push_str(&format!(
            "[[hub.responders]]\nname = \"{name}\"\nrole = \"{role}\"\ntoken_sha256 = \"{HASH}\"\n"
        ));
    }
    text.push_str(
        "[hub.rota]\nresponders = [\"alice\", \"bob\"]\nshift = \"12h\"\nstart = \"2026-11-23T08:00:00Z\"\n\
         [[hub.policies]]\nservices = [\"db\"]\n\
         [[hub.policies.levels]]\nwho = \"on-call\"\nafter = \"15m\"\n\
         [[hub.policies.levels]]\nname = \"DBAs\"\nwho = [\"dave\"]\n",
    );
    let config = Config::parse(&text, Path::new("test.toml")).unwrap_or_else(|e| panic!("{e}"));
    Paging::from_config(&config.hub)
}

/// No rota and no policies: three lines, nobody to reach.
fn bare() -> Paging {
    Paging::from_config(&HubConfig::default())
}

fn incident(id: u64, service: &str) -> Incident {
    Incident::builder(id, "disk full", t0())
        .service(service)
        .source("api")
        .build()
}

fn with(status: Status, owner: Option<&str>) -> Incident {
    Incident {
        status,
        owner: owner.map(str::to_string),
        ..incident(7, "db")
    }
}

pub(super) fn update(t: Result<Transition, Refusal>) -> Update {
    match t {
        Ok(Transition::Update(u)) => u,
        other => panic!("expected an update, got {other:?}"),
    }
}

pub(super) fn refused(t: Result<Transition, Refusal>) -> (&'static str, String) {
    match t {
        Err(Refusal::State { code, message, .. }) => (code, message),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn a_new_incident_belongs_to_whom_level_one_reaches_and_a_repeat_folds() {
    let new = NewIncident {
        title: "disk full".into(),
        service: "db".into(),
        ..NewIncident::default()
    };
    let Transition::Open(opening) = open_or_fold(&new, None, &paging(), t0(), &[]) else {
        panic!("expected an opening");
    };
    assert_eq!(opening.owner.as_deref(), Some("alice"));
    assert_eq!(opening.source, "api");
    assert_eq!(opening.text, "opened via api, owned by alice (1st line)");
    let Transition::Open(nobody) = open_or_fold(&new, None, &bare(), t0(), &[]) else {
        panic!("expected an opening");
    };
    assert_eq!(
        (nobody.owner, nobody.text.as_str()),
        (None, "opened via api")
    );

    let open = Incident {
        occurrences: 2,
        ..with(Status::Acknowledged, Some("bob"))
    };
    let fold = update(Ok(open_or_fold(&new, Some(&open), &paging(), t0(), &[])));
    assert_eq!(fold.occurrences, Some(3));
    assert_eq!(fold.owner, None, "a repeat keeps its owner");
    assert_eq!(fold.entry.kind, EventKind::Repeated);
    assert_eq!(fold.entry.text, "repeated (3 times)");
}

#[test]
fn acknowledge_checks_status_version_and_owner() {
    let triggered = with(Status::Triggered, None);
    let stale = AckRequest {
        version: Some(7),
        note: None,
    };
    let (code, message) = refused(acknowledge(&triggered, "alice", &stale));
    assert_eq!(code, "conflict");
    assert!(message.contains("version 7, now 1"), "{message}");

    let req = AckRequest {
        version: Some(1),
        note: Some("  on it ".into()),
    };
    let ack = update(acknowledge(&triggered, "alice", &req));
    assert_eq!(ack.status, Some(Status::Acknowledged));
    assert_eq!(ack.owner, Some(Some("alice".into())));
    assert_eq!(ack.entry.text, "on it");

    let held = with(Status::Acknowledged, Some("alice"));
    assert_eq!(
        acknowledge(&held, "alice", &AckRequest::default()),
        Ok(Transition::Unchanged),
        "acknowledging again what one holds changes nothing"
    );
    let (code, message) = refused(acknowledge(&held, "bob", &AckRequest::default()));
    assert_eq!(code, "conflict");
    assert_eq!(message, "incident #7 is already acknowledged by alice");
    // Acknowledged with nobody holding it (a hand-off to nobody): take it.
    let unheld = with(Status::Acknowledged, None);
    assert_eq!(
        update(acknowledge(&unheld, "bob", &AckRequest::default())).owner,
        Some(Some("bob".into()))
    );

    let (code, message) = refused(acknowledge(
        &with(Status::Resolved, None),
        "bob",
        &AckRequest::default(),
    ));
    assert_eq!(code, "resolved");
    assert_eq!(
        message,
        "incident #7 is already resolved, it cannot be acknowledged; if the problem is back, open a new incident"
    );
}

#[test]
fn resolve_notes_and_steps() {
    let done = update(resolve(&with(Status::Acknowledged, None), Some(" freed ")));
    assert_eq!(
        (done.status, done.entry.text.as_str()),
        (Some(Status::Resolved), "freed")
    );
    let (code, message) = refused(resolve(&with(Status::Resolved, None), None));
    assert_eq!(code, "resolved");
    assert!(
        message.contains("already resolved, nothing to do"),
        "{message}"
    );

    let note = update(Ok(add_note(&with(Status::Resolved, None), " post-mortem ")));
    assert_eq!(
        (note.entry.kind, note.entry.text.as_str()),
        (EventKind::Note, "post-mortem")
    );

    let tick = StepRequest {
        runbook: "disk-full".into(),
        step: 0,
        done: true,
        text: Some(" df -h ".into()),
    };
    let mut inc = with(Status::Triggered, None);
    let ticked = update(Ok(set_step(&inc, &tick)));
    assert_eq!(ticked.entry.text, "ticked 'df -h' (step 1 of disk-full)");
    assert_eq!(
        ticked.step,
        Some(StepMark {
            runbook: "disk-full".into(),
            step: 0,
            done: true
        })
    );
    inc.steps.entry("disk-full".into()).or_default().insert(0);
    assert_eq!(set_step(&inc, &tick), Transition::Unchanged);
    let untick = StepRequest {
        done: false,
        text: None,
        step: 0,
        ..tick
    };
    assert_eq!(
        update(Ok(set_step(&inc, &untick))).entry.text,
        "unticked step 1 of disk-full"
    );
}

#[test]
fn escalation_climbs_to_whom_the_next_level_reaches_and_stops_at_the_last() {
    let acked = with(Status::Acknowledged, Some("alice"));
    let up = update(escalate(
        &acked,
        Some(" needs a DBA "),
        &paging(),
        t0(),
        &[],
    ));
    assert_eq!(up.level, Some(2));
    assert_eq!(up.status, Some(Status::Triggered));
    assert_eq!(up.owner, Some(Some("dave".into())));
    assert_eq!(
        up.entry.text,
        "escalated from 1st line to DBAs (dave): needs a DBA"
    );
    let top = Incident {
        escalation_level: 2,
        ..acked.clone()
    };
    let (code, message) = refused(escalate(&top, None, &paging(), t0(), &[]));
    assert_eq!(code, "last_level");
    assert_eq!(
        message,
        "incident #7 is already at DBAs, the last level of the db policy"
    );
    let web = Incident {
        escalation_level: 3,
        ..incident(8, "web")
    };
    let (_, message) = refused(escalate(&web, None, &bare(), t0(), &[]));
    assert!(
        message.contains("already at 3rd line, the last level of the default policy"),
        "{message}"
    );
    let up = update(escalate(&incident(9, "web"), None, &bare(), t0(), &[]));
    assert_eq!(up.owner, Some(None), "nobody on call: nobody owns it");
    let (code, _) = refused(escalate(
        &with(Status::Resolved, None),
        None,
        &paging(),
        t0(),
        &[],
    ));
    assert_eq!(code, "resolved");
}

#[test]
fn the_timers_take_only_what_waited_its_levels_time() {
    let since = t0();
    let waiting = |inc: Incident| Waiting {
        incident: inc,
        level_since: since,
    };
    let all = [
        waiting(incident(1, "db")),
        waiting(with(Status::Acknowledged, Some("alice"))),
        waiting(Incident {
            escalation_level: 2,
            ..incident(3, "db")
        }),
        waiting(incident(4, "web")),
    ];
    assert!(overdue(&all, &paging(), since + TimeDelta::minutes(14), &[]).is_empty());
    let due = overdue(&all, &paging(), since + TimeDelta::minutes(15), &[]);
    assert_eq!(due.len(), 1, "{due:?}");
    assert_eq!(due[0].id, 1);
    assert_eq!(
        due[0].entry.text,
        "escalated from 1st line to DBAs (dave): not acknowledged within 15m"
    );
}

#[test]
fn only_the_responder_on_call_or_a_lead_hands_off_and_never_to_the_same_person() {
    let p = paging();
    assert_eq!(
        parties("alice", false, None, &p, t0(), &[]),
        Ok(("alice".into(), "bob".into()))
    );
    assert_eq!(
        parties("bob", false, Some("dave"), &p, t0(), &[]),
        Err(Refusal::Forbidden(
            "alice is on call now: only alice or a lead may hand off the shift".into()
        ))
    );
    assert_eq!(
        parties("lee", true, Some("dave"), &p, t0(), &[]),
        Ok(("alice".into(), "dave".into()))
    );
    let Err(Refusal::Invalid(why)) = parties("alice", false, Some("alice"), &p, t0(), &[]) else {
        panic!("expected a refusal");
    };
    assert_eq!(
        why,
        "alice cannot hand off to themselves: say who takes over with \"to\""
    );
    let Err(Refusal::Invalid(why)) = parties("lee", true, Some("alice"), &p, t0(), &[]) else {
        panic!("expected a refusal");
    };
    assert_eq!(
        why,
        "alice is on call already: say who takes over with \"to\""
    );
    // A hand-off to bob made him on call to 20:00, and his own turn follows.
    let cover = Cover {
        who: "bob".into(),
        start: t0(),
        end: at("2026-11-23T20:00:00Z"),
        made: t0(),
    };
    assert_eq!(
        parties("bob", false, None, &p, t0(), &[cover]),
        Ok(("bob".into(), "alice".into()))
    );
    let Err(Refusal::Invalid(why)) = parties("alice", false, None, &bare(), t0(), &[]) else {
        panic!("expected a refusal");
    };
    assert!(why.starts_with("no rota"), "{why}");
    let integration = Cover {
        who: "am".into(),
        start: t0(),
        end: t0(),
        made: t0(),
    };
    assert!(
        in_force(&p, vec![integration]).is_empty(),
        "an integration is never on call"
    );
}

#[test]
fn a_hand_off_passes_the_outgoing_incidents_to_the_end_of_the_shift() {
    let p = paging();
    let planned = plan(("alice".into(), "dave".into()), vec![3, 5], &p, t0());
    assert_eq!(
        planned,
        HandoffPlan {
            from: "alice".into(),
            to: "dave".into(),
            until: Some(at("2026-11-23T20:00:00Z")),
            moves: vec![3, 5],
        }
    );
    let record = record(planned, "lee", "quiet night");
    assert_eq!(record.moves.len(), 2);
    assert_eq!(record.moves[1].id, 5);
    assert_eq!(record.moves[1].owner, Some(Some("dave".into())));
    assert_eq!(
        record.moves[1].entry.text,
        "handed over from alice to dave by lee"
    );
    assert_eq!(record.note, "quiet night");
    assert_eq!(
        covers_since(&bare(), t0()),
        None,
        "without a rota nothing covers"
    );
    assert_eq!(
        covers_since(&p, t0()),
        Some(t0() - TimeDelta::hours(24) - TimeDelta::days(1))
    );
}

#[test]
fn each_alert_opens_folds_resolves_or_does_nothing() {
    let p = paging();
    let fire = AlertChange::Fire(NewIncident {
        title: "disk".into(),
        service: "db".into(),
        dedup_key: Some("am:1".into()),
        ..NewIncident::default()
    });
    let resolved = AlertChange::Resolve {
        dedup_key: "am:1".into(),
    };
    assert_eq!(fire.dedup_key(), Some("am:1"));
    assert!(matches!(
        alert_step(&fire, None, &p, t0(), &[]),
        AlertStep::Open(_)
    ));
    let open = incident(4, "db");
    assert!(matches!(
        alert_step(&fire, Some(&open), &p, t0(), &[]),
        AlertStep::Fold(_)
    ));
    assert_eq!(
        alert_step(&resolved, None, &p, t0(), &[]),
        AlertStep::Nothing
    );
    let AlertStep::Resolve(done) = alert_step(&resolved, Some(&open), &p, t0(), &[]) else {
        panic!("expected a resolve");
    };
    assert_eq!(done.entry.text, crate::incident::RESOLVED_TEXT);
}
