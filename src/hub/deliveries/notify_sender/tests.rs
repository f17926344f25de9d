//! What a queued delivery becomes as a page: the event, the incident with
//! its best runbook, and an acknowledge link only where a person is asked to
//! act, signed so that the hub's own check takes it.
use std::time::Duration;

use chrono::TimeZone;

use super::*;
use crate::config::{Contact, Secret, Via};
use crate::hub::deliveries::PagedIncident;
use crate::incident::{Severity, Status};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 3, 0, 0).unwrap()
}

fn settings() -> NotifySettings {
    let mut s = NotifySettings::default();
    s.public_url = Some("https://oncall.example.com".into());
    s.secret = Some(Secret::new(b"a-secret-of-enough-length".to_vec()));
    s
}

fn delivery(event: PageEvent, recipient: Recipient) -> Delivery {
    Delivery {
        id: "dlv_1".into(),
        event,
        incident: Some(PagedIncident {
            id: 42,
            severity: Severity::Critical,
            service: "db".into(),
            title: "PostgreSQL too many connections".into(),
            owner: Some("alice".into()),
            status: Status::Triggered,
            level: 1,
            runbook: None,
        }),
        recipient,
        contact: Contact {
            via: Via::Webhook,
            to: "http://127.0.0.1:9/hook".into(),
            after: Duration::ZERO,
        },
        contact_index: 0,
        round: 1,
        attempt: 1,
        detail: None,
    }
}

#[test]
fn a_page_to_a_person_carries_a_link_that_acknowledges_as_them() {
    let d = delivery(PageEvent::Opened, Recipient::Person("alice".into()));
    let page = page_of(&d, &settings(), &Library::shipped(), now(), "n1".into());
    assert_eq!(page.event, notify::PageEvent::Opened);
    assert_eq!(page.delivery_id, "dlv_1");
    let url = page.ack_url.unwrap();
    let token = url.strip_prefix("https://oncall.example.com/ack/").unwrap();
    let secret = settings().secret.unwrap();
    let claims = ack_token::verify(&secret, token, now()).unwrap();
    assert_eq!((claims.incident, claims.person.as_str()), (42, "alice"));
    assert_eq!(claims.nonce, "n1");
}

#[test]
fn the_page_names_the_runbook_the_console_would_show_first() {
    let d = delivery(PageEvent::Escalated, Recipient::Person("alice".into()));
    let page = page_of(&d, &settings(), &Library::shipped(), now(), "n".into());
    let runbook = page.incident.unwrap().runbook.unwrap();
    assert!(runbook.contains("PostgreSQL"), "{runbook}");
}

#[test]
fn channels_hand_offs_and_hubs_without_a_public_url_get_no_link() {
    let library = Library::shipped();
    let channel = delivery(PageEvent::Opened, Recipient::Channel("team".into()));
    assert_eq!(
        page_of(&channel, &settings(), &library, now(), "n".into()).ack_url,
        None
    );
    let handoff = delivery(PageEvent::Handoff, Recipient::Person("bob".into()));
    assert_eq!(
        page_of(&handoff, &settings(), &library, now(), "n".into()).ack_url,
        None
    );
    let resolved = delivery(PageEvent::Resolved, Recipient::Person("bob".into()));
    assert_eq!(
        page_of(&resolved, &settings(), &library, now(), "n".into()).ack_url,
        None
    );
    let mut no_url = settings();
    no_url.public_url = None;
    let opened = delivery(PageEvent::Opened, Recipient::Person("alice".into()));
    assert_eq!(
        page_of(&opened, &no_url, &library, now(), "n".into()).ack_url,
        None
    );
}
