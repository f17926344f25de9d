//! A page: one message to one contact of one person or channel, as the
//! delivery queue stores it. It holds everything its formats need (the
//! incident as it was when paged, the acknowledge link, the contact itself),
//! so a page sent again after a restart or a config change says the same
//! thing to the same place under the same delivery id.
use serde::{Deserialize, Serialize};

use crate::config::{ChannelEvent, Contact};
use crate::incident::{Incident, Severity, Status};
use crate::sanitize;

/// Why a page is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PageEvent {
    /// A new incident for its owner (or a channel's `opened`).
    Opened,
    /// Escalated to the person paged (or a channel's `escalated`).
    Escalated,
    /// Still unacknowledged after `repeat`.
    Repeat,
    /// Acknowledged but not resolved within `ack_timeout`: triggered again.
    AckTimeout,
    /// The person paged was asked to help.
    Help,
    /// The incident was reassigned to the person paged.
    Assigned,
    /// Given back by whoever held it: the person paged holds it now.
    Unacknowledged,
    /// Its snooze is over: triggered again.
    SnoozeOver,
    /// A hand-off: the person paged is on call now.
    Handoff,
    /// An override: someone else covers (some of) the shift of the person
    /// paged, who is off call then.
    Covered,
    /// `oncall notify test`: nothing happened.
    Test,
    /// A channel's `resolved`.
    Resolved,
    /// A channel's `status`: a status update for stakeholders.
    Status,
}

impl PageEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            PageEvent::Opened => "opened",
            PageEvent::Escalated => "escalated",
            PageEvent::Repeat => "repeat",
            PageEvent::AckTimeout => "ack_timeout",
            PageEvent::Help => "help",
            PageEvent::Assigned => "assigned",
            PageEvent::Unacknowledged => "unacknowledged",
            PageEvent::SnoozeOver => "snooze_over",
            PageEvent::Handoff => "handoff",
            PageEvent::Covered => "covered",
            PageEvent::Test => "test",
            PageEvent::Resolved => "resolved",
            PageEvent::Status => "status",
        }
    }

    /// Whether it asks someone to act now (a phone should ring for it).
    pub fn is_urgent(self) -> bool {
        matches!(
            self,
            PageEvent::Opened
                | PageEvent::Escalated
                | PageEvent::Repeat
                | PageEvent::AckTimeout
                | PageEvent::Help
                | PageEvent::Assigned
                | PageEvent::Unacknowledged
                | PageEvent::SnoozeOver
        )
    }
}

impl From<ChannelEvent> for PageEvent {
    fn from(e: ChannelEvent) -> PageEvent {
        match e {
            ChannelEvent::Opened => PageEvent::Opened,
            ChannelEvent::Escalated => PageEvent::Escalated,
            ChannelEvent::Resolved => PageEvent::Resolved,
            ChannelEvent::Handoff => PageEvent::Handoff,
            ChannelEvent::Status => PageEvent::Status,
        }
    }
}

impl std::str::FromStr for PageEvent {
    type Err = String;

    fn from_str(s: &str) -> Result<PageEvent, String> {
        serde_json::from_value(serde_json::Value::String(s.to_string()))
            .map_err(|_| format!("unknown page event '{s}'"))
    }
}

impl std::fmt::Display for PageEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The incident as it was when the page was made: a page sent again after
/// a restart says what it said the first time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PagedIncident {
    pub id: u64,
    pub severity: Severity,
    pub service: String,
    pub title: String,
    pub owner: Option<String>,
    pub status: Status,
    /// Its escalation level, named as the API names it (queues written
    /// before say `level`).
    #[serde(rename = "escalation_level", alias = "level")]
    pub level: u32,
    /// The title of the runbook that matches it best, if any: named when
    /// the page is written, so the queue stores none.
    #[serde(default)]
    pub runbook: Option<String>,
}

impl PagedIncident {
    pub fn of(incident: &Incident) -> PagedIncident {
        PagedIncident {
            id: incident.id,
            severity: incident.severity,
            service: incident.service.clone(),
            title: incident.title.clone(),
            owner: incident.owner.clone(),
            status: incident.status,
            level: incident.escalation_level,
            runbook: None,
        }
    }

    /// Every text one line with nothing a terminal, a phone or a mail
    /// reader would obey: what every format sends.
    pub fn cleaned(&self) -> PagedIncident {
        PagedIncident {
            service: sanitize::line(&self.service),
            title: sanitize::line(&self.title),
            owner: self.owner.as_deref().map(sanitize::line),
            runbook: self.runbook.as_deref().map(sanitize::line),
            ..self.clone()
        }
    }
}

/// Whom a page is for; the hub's queue stores it as it is written here.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "name", rename_all = "lowercase")]
pub enum Recipient {
    /// A responder, through one of their contacts.
    Person(String),
    /// A team channel from `[[hub.notify.channels]]`.
    Channel(String),
}

impl Recipient {
    pub fn name(&self) -> &str {
        match self {
            Recipient::Person(n) | Recipient::Channel(n) => n,
        }
    }

    pub fn is_person(&self) -> bool {
        matches!(self, Recipient::Person(_))
    }
}

/// One message to one contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    pub event: PageEvent,
    /// Stable across every attempt, so a receiver can drop a repeat.
    pub delivery_id: String,
    /// None for a hand-off and a test page.
    pub incident: Option<PagedIncident>,
    pub recipient: Recipient,
    pub contact: Contact,
    /// `{public_url}/ack/{token}`, on pages that ask a person to act.
    pub ack_url: Option<String>,
    /// More to say: a status update's text, who asks for help and why, a
    /// hand-off's summary.
    pub detail: Option<String>,
}

impl Page {
    /// The page `oncall notify test NAME` sends through one contact.
    pub fn test(person: &str, contact: Contact, delivery_id: String) -> Page {
        Page {
            event: PageEvent::Test,
            delivery_id,
            incident: None,
            recipient: Recipient::Person(person.to_string()),
            contact,
            ack_url: None,
            detail: None,
        }
    }
}

/// The page the formats' tests start from: incident #42, critical, service
/// db, "Disk full on db-1", owned by alice, runbook "Disk full", for alice,
/// with an acknowledge link.
#[cfg(test)]
pub(crate) fn sample(event: PageEvent, via: crate::config::Via, to: &str) -> Page {
    Page {
        event,
        delivery_id: "dlv_42".into(),
        incident: Some(PagedIncident {
            id: 42,
            severity: Severity::Critical,
            service: "db".into(),
            title: "Disk full on db-1".into(),
            owner: Some("alice".into()),
            status: Status::Triggered,
            level: 1,
            runbook: Some("Disk full".into()),
        }),
        recipient: Recipient::Person("alice".into()),
        contact: Contact {
            via,
            to: to.to_string(),
            after: std::time::Duration::ZERO,
        },
        ack_url: Some("https://oncall.example.com/ack/abc.def".into()),
        detail: None,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::config::Via;

    fn page() -> Page {
        let mut page = sample(PageEvent::AckTimeout, Via::Email, "alice@example.com");
        page.contact.after = Duration::from_secs(300);
        if let Some(i) = page.incident.as_mut() {
            i.title = "Disk \u{1b}[31mfull\u{202e}".into();
        }
        page
    }

    #[test]
    fn a_page_reads_back_as_it_was_queued() {
        let page = page();
        let json = serde_json::to_string(&page).unwrap();
        assert!(json.contains("\"event\":\"ack_timeout\""), "{json}");
        assert!(json.contains("\"after\":\"5m\""), "{json}");
        let back: Page = serde_json::from_str(&json).unwrap();
        assert_eq!(back, page);
        let mut at_once = page.clone();
        at_once.contact.after = Duration::ZERO;
        let json = serde_json::to_string(&at_once).unwrap();
        assert_eq!(serde_json::from_str::<Page>(&json).unwrap(), at_once);
    }

    #[test]
    fn an_incident_queued_before_pages_named_runbooks_still_reads() {
        let queued = r#"{"id":7,"severity":"high","service":"db","title":"t","owner":null,"status":"triggered","level":2}"#;
        let incident: PagedIncident = serde_json::from_str(queued).unwrap();
        assert_eq!((incident.level, incident.runbook.as_deref()), (2, None));
        let json = serde_json::to_string(&incident).unwrap();
        assert!(json.contains("\"escalation_level\":2"), "{json}");
        assert_eq!(
            "ack_timeout".parse::<PageEvent>(),
            Ok(PageEvent::AckTimeout)
        );
        assert!("ringing".parse::<PageEvent>().is_err());
    }

    #[test]
    fn cleaned_incident_text_holds_no_escape_or_override() {
        let cleaned = page().incident.unwrap().cleaned();
        assert_eq!(cleaned.title, "Disk full");
    }

    #[test]
    fn only_what_asks_someone_to_act_is_urgent() {
        assert!(PageEvent::Opened.is_urgent() && PageEvent::AckTimeout.is_urgent());
        assert!(!PageEvent::Handoff.is_urgent() && !PageEvent::Resolved.is_urgent());
        assert!(!PageEvent::Covered.is_urgent());
        assert_eq!(PageEvent::from(ChannelEvent::Status), PageEvent::Status);
    }
}
