//! What pages whom, without a database: the plan each trigger makes from an
//! incident and the paging settings, read from a config as a hub reads it.
use chrono::{DateTime, TimeDelta, Utc};

use super::*;
use crate::config::Via;
use crate::hub::test_store::paged_hub;
use crate::incident::{Severity, Status};

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T09:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn notify() -> NotifySettings {
    paged_hub().1
}

fn paging() -> Paging {
    Paging::from_config(&paged_hub().0)
}

fn owned_by(owner: Option<&str>) -> Incident {
    Incident::builder(7, "disk full", t0())
        .service("db")
        .severity(Severity::Critical)
        .owner(owner)
        .build()
}

fn plan(trigger: Trigger, incident: &Incident) -> PagePlan {
    for_incident(trigger, incident, &notify(), &paging(), t0())
}

/// (recipient, via, due minutes after t0) of each delivery, in order.
fn whom(plan: &PagePlan) -> Vec<(String, Via, i64)> {
    plan.queue
        .iter()
        .map(|d| {
            let name = match &d.recipient {
                Recipient::Person(n) => n.clone(),
                Recipient::Channel(n) => format!("#{n}"),
            };
            (name, d.contact.via, (d.due_at - t0()).num_minutes())
        })
        .collect()
}

fn row(name: &str, via: Via, minutes: i64) -> (String, Via, i64) {
    (name.to_string(), via, minutes)
}

#[test]
fn a_new_incident_pages_its_owner_contacts_in_order_and_the_channels_that_listen() {
    let incident = owned_by(Some("alice"));
    let plan = plan(Trigger::Opened, &incident);
    assert_eq!(
        whom(&plan),
        [
            row("alice", Via::Ntfy, 0),
            row("alice", Via::Email, 5),
            row("#team-chat", Via::Slack, 0)
        ]
    );
    let first = &plan.queue[0];
    assert_eq!((first.event, first.contact_index), (PageEvent::Opened, 0));
    assert_eq!(plan.queue[1].contact_index, 1);
    let paged = first.incident.as_ref().unwrap();
    assert_eq!((paged.id, paged.owner.as_deref()), (7, Some("alice")));
    assert_eq!(plan.unpaged, None);
}

#[test]
fn below_min_severity_nobody_is_paged_nor_told() {
    let mut incident = owned_by(Some("alice"));
    for severity in [Severity::Warning, Severity::Info] {
        incident.severity = severity;
        for trigger in [Trigger::Opened, Trigger::Escalated, Trigger::Resolved] {
            assert!(plan(trigger, &incident).queue.is_empty(), "{severity:?}");
        }
    }
    incident.severity = Severity::High;
    assert_eq!(plan(Trigger::Opened, &incident).queue.len(), 3);
}

#[test]
fn an_escalation_pages_the_new_owner_and_ends_what_the_last_round_had_waiting() {
    let incident = owned_by(Some("bob"));
    let plan = plan(Trigger::Escalated, &incident);
    assert!(plan.cancel_waiting);
    assert_eq!(
        whom(&plan),
        [
            row("bob", Via::Webhook, 0),
            row("#stakeholders", Via::Webhook, 0)
        ]
    );
    assert_eq!(plan.queue[0].event, PageEvent::Escalated);
}

#[test]
fn a_repeat_and_an_ack_timeout_page_the_owner_from_the_first_contact_and_no_channel() {
    let incident = owned_by(Some("alice"));
    for (trigger, event) in [
        (Trigger::Repeat, PageEvent::Repeat),
        (Trigger::AckTimeout, PageEvent::AckTimeout),
    ] {
        let plan = plan(trigger, &incident);
        assert!(plan.cancel_waiting);
        assert_eq!(
            whom(&plan),
            [row("alice", Via::Ntfy, 0), row("alice", Via::Email, 5)]
        );
        assert!(plan.queue.iter().all(|d| d.event == event));
    }
}

#[test]
fn acknowledging_stops_the_rest_and_resolving_tells_the_channels() {
    let mut incident = owned_by(Some("alice"));
    incident.status = Status::Acknowledged;
    let acked = plan(Trigger::Acknowledged, &incident);
    assert!(acked.cancel_waiting);
    assert!(acked.queue.is_empty());
    incident.status = Status::Resolved;
    let resolved = plan(Trigger::Resolved, &incident);
    assert!(resolved.cancel_waiting);
    assert_eq!(whom(&resolved), [row("#team-chat", Via::Slack, 0)]);
    assert_eq!(resolved.queue[0].event, PageEvent::Resolved);
}

#[test]
fn nobody_on_call_or_no_contacts_pages_nobody_and_says_why() {
    let nobody = plan(Trigger::Opened, &owned_by(None));
    assert_eq!(whom(&nobody), [row("#team-chat", Via::Slack, 0)]);
    assert!(nobody.unpaged.unwrap().contains("nobody is on call"));
    let carol = plan(Trigger::Escalated, &owned_by(Some("carol")));
    assert_eq!(whom(&carol), [row("#stakeholders", Via::Webhook, 0)]);
    assert!(carol.unpaged.unwrap().contains("carol has no contacts"));
}

#[test]
fn an_integration_is_never_paged() {
    let plan = plan(Trigger::Opened, &owned_by(Some("am")));
    assert!(plan.queue.iter().all(|d| !d.recipient.is_person()));
    assert!(plan.unpaged.is_some());
}

#[test]
fn without_contacts_or_channels_nothing_is_queued() {
    let quiet = NotifySettings::default();
    let incident = owned_by(Some("alice"));
    for trigger in [Trigger::Opened, Trigger::Escalated, Trigger::Resolved] {
        let plan = for_incident(trigger, &incident, &quiet, &paging(), t0());
        assert!(plan.queue.is_empty());
    }
}

#[test]
fn a_handoff_tells_the_incoming_responder_once_and_the_channels() {
    let handoff = Handoff {
        id: 1,
        from: "bob".into(),
        to: "alice".into(),
        at: t0(),
        note: " db-2 is flaky ".into(),
        moved: vec![3, 5],
        until: Some(t0() + TimeDelta::hours(11)),
    };
    let plan = for_handoff(&handoff, &notify(), &paging(), t0());
    assert!(!plan.cancel_waiting);
    assert_eq!(
        whom(&plan),
        [row("alice", Via::Ntfy, 0), row("#team-chat", Via::Slack, 0)],
        "her first contact only: a hand-off is not urgent, and nothing would stop the rest"
    );
    let told = &plan.queue[0];
    assert_eq!(
        (told.event, told.incident.is_none()),
        (PageEvent::Handoff, true)
    );
    assert!(!told.event.is_urgent());
    assert_eq!(
        told.detail.as_deref(),
        Some(
            "bob handed the shift to alice, on call until 2026-11-23 20:00 UTC; passed on: #3, #5; note: db-2 is flaky"
        )
    );
    let to_carol = Handoff {
        to: "carol".into(),
        ..handoff
    };
    let plan = for_handoff(&to_carol, &notify(), &paging(), t0());
    assert_eq!(whom(&plan), [row("#team-chat", Via::Slack, 0)]);
}

#[test]
fn only_what_changes_an_incident_s_paging_is_a_trigger() {
    assert_eq!(Trigger::of(EventKind::Opened), Some(Trigger::Opened));
    assert_eq!(Trigger::of(EventKind::Escalated), Some(Trigger::Escalated));
    assert_eq!(
        Trigger::of(EventKind::Retriggered),
        Some(Trigger::AckTimeout)
    );
    for quiet in [
        EventKind::Repeated,
        EventKind::Note,
        EventKind::Step,
        EventKind::Reassigned,
        EventKind::Paged,
    ] {
        assert_eq!(Trigger::of(quiet), None, "{quiet:?}");
    }
}

#[test]
fn a_reassignment_pages_the_new_owner_unless_they_took_it_over() {
    let mut incident = owned_by(Some("alice"));
    for (trigger, event) in [
        (Trigger::Assigned, PageEvent::Assigned),
        (Trigger::GivenBack, PageEvent::Unacknowledged),
        (Trigger::SnoozeOver, PageEvent::SnoozeOver),
    ] {
        let plan = plan(trigger, &incident);
        assert!(plan.cancel_waiting);
        assert_eq!(
            whom(&plan),
            [row("alice", Via::Ntfy, 0), row("alice", Via::Email, 5)],
            "{trigger:?}: the owner, no channel"
        );
        assert!(plan.queue.iter().all(|d| d.event == event));
    }
    // Taken over: acknowledged by whoever holds it now; what waited for
    // the last owner stops and nobody is paged.
    incident.status = Status::Acknowledged;
    let taken = plan(Trigger::Assigned, &incident);
    assert!(taken.cancel_waiting && taken.queue.is_empty());
}

#[test]
fn a_helper_is_paged_through_their_contacts_saying_who_asks() {
    let incident = owned_by(Some("alice"));
    let detail = "alice asks you to help with incident #7: replica lag".to_string();
    let plan = for_helper(&incident, "bob", detail.clone(), &notify(), &paging(), t0());
    assert!(!plan.cancel_waiting, "the owner's pages go on");
    assert_eq!(whom(&plan), [row("bob", Via::Webhook, 0)]);
    assert_eq!(plan.queue[0].event, PageEvent::Help);
    assert_eq!(plan.queue[0].detail.as_deref(), Some(detail.as_str()));
    // Asked whatever the severity: a person asked for this help.
    let quiet = Incident {
        severity: Severity::Info,
        ..incident
    };
    let plan = for_helper(&quiet, "bob", String::new(), &notify(), &paging(), t0());
    assert_eq!(plan.queue.len(), 1);
}
