//! A page as an ntfy push (https://docs.ntfy.sh/publish/#publish-as-json):
//! a JSON POST to the server's root naming the topic, with a priority from
//! the severity and the acknowledge link as an `http` action button, so the
//! phone acknowledges without opening a browser.
use serde_json::{Value, json};

use super::page::{Page, PageEvent};
use super::text;
use crate::config::ntfy_topic;
use crate::incident::Severity;

/// Where to POST and what: the server's root and the JSON body.
#[derive(Debug, Clone, PartialEq)]
pub struct NtfyRequest {
    pub url: reqwest::Url,
    pub body: Value,
}

/// ntfy's priorities: 5 max (a long vibration, past do-not-disturb on most
/// phones) down to 1 min.
pub fn priority(page: &Page) -> u8 {
    match (&page.incident, page.event.is_urgent()) {
        (Some(i), true) => match i.severity {
            Severity::Critical => 5,
            Severity::High => 4,
            Severity::Warning => 3,
            Severity::Info => 2,
        },
        // Told, not woken: a hand-off, a resolution, a status update, a test.
        _ => 3,
    }
}

/// ntfy turns known tag names into emoji before the title.
fn tags(page: &Page) -> Vec<&'static str> {
    let tag = match (page.event, &page.incident) {
        (PageEvent::Resolved, _) => "white_check_mark",
        (PageEvent::Test, _) => "test_tube",
        (PageEvent::Handoff | PageEvent::Covered, _) => "handshake",
        (PageEvent::Status, _) => "speech_balloon",
        (_, Some(i)) if i.severity == Severity::Critical => "rotating_light",
        (_, Some(i)) if i.severity == Severity::Info => "information_source",
        _ => "warning",
    };
    vec![tag]
}

/// The publish request for `page` to the topic URL `topic_url`, or why the
/// URL is not a topic URL.
pub fn request(page: &Page, topic_url: &str) -> Result<NtfyRequest, String> {
    let (url, topic) = ntfy_topic(topic_url)?;
    let mut body = json!({
        "topic": topic,
        "title": text::subject(page),
        "message": text::body_lines(page).join("\n"),
        "priority": priority(page),
        "tags": tags(page),
    });
    if let (Some(ack), Value::Object(fields)) = (&page.ack_url, &mut body) {
        let button = json!([{
            "action": "http",
            "label": "Acknowledge",
            "url": ack,
            "method": "POST",
            "clear": true,
        }]);
        fields.insert("actions".into(), button);
    }
    Ok(NtfyRequest { url, body })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Via;
    use crate::notify::page::sample;

    fn page(event: PageEvent, severity: Severity) -> Page {
        let mut page = sample(event, Via::Ntfy, "https://ntfy.example.com/alice-pager");
        if let Some(i) = page.incident.as_mut() {
            i.severity = severity;
        }
        page
    }

    #[test]
    fn posts_to_the_root_with_the_topic_priority_and_an_acknowledge_button() {
        let p = page(PageEvent::Opened, Severity::Critical);
        let r = request(&p, "https://ntfy.example.com/alice-pager").unwrap();
        assert_eq!(r.url.as_str(), "https://ntfy.example.com/");
        assert_eq!(
            r.body,
            json!({
                "topic": "alice-pager",
                "title": "[critical] db: Disk full on db-1",
                "message": "Incident #42: Disk full on db-1\nSeverity: critical   Service: db\nStatus: triggered   Owner: alice\nRunbook: Disk full",
                "priority": 5,
                "tags": ["rotating_light"],
                "actions": [{
                    "action": "http",
                    "label": "Acknowledge",
                    "url": "https://oncall.example.com/ack/abc.def",
                    "method": "POST",
                    "clear": true,
                }],
            })
        );
    }

    #[test]
    fn a_server_under_a_path_keeps_its_path() {
        let p = page(PageEvent::Opened, Severity::High);
        let r = request(&p, "https://example.com/ntfy/alice-pager").unwrap();
        assert_eq!(r.url.as_str(), "https://example.com/ntfy/");
        assert_eq!(r.body["topic"], "alice-pager");
        assert!(request(&p, "https://example.com/").is_err());
    }

    #[test]
    fn priority_follows_severity_and_only_urgent_pages_are_loud() {
        let by = |e, s| priority(&page(e, s));
        assert_eq!(by(PageEvent::Opened, Severity::Critical), 5);
        assert_eq!(by(PageEvent::Escalated, Severity::High), 4);
        assert_eq!(by(PageEvent::Repeat, Severity::Warning), 3);
        assert_eq!(by(PageEvent::Help, Severity::Info), 2);
        assert_eq!(by(PageEvent::Resolved, Severity::Critical), 3);
    }

    #[test]
    fn without_an_acknowledge_link_there_is_no_button() {
        let mut p = page(PageEvent::Resolved, Severity::Critical);
        p.ack_url = None;
        let r = request(&p, "https://ntfy.example.com/team").unwrap();
        assert!(r.body.get("actions").is_none());
        assert_eq!(r.body["tags"], json!(["white_check_mark"]));
    }
}
