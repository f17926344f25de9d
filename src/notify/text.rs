//! What a page says, in words, shared by every format: a one-line subject
//! (an email's subject, an ntfy title, a chat message's first line) and a few
//! lines about the incident. The words come out cleaned (one line where one
//! line is meant, nothing a terminal, phone or mail reader would obey), so a
//! format that uses them cannot forget to.
use super::page::{Page, PageEvent, PagedIncident, Recipient};
use crate::sanitize;

/// Titles are cut here in subjects and push titles: phones show less anyway.
pub const MAX_SUBJECT_CHARS: usize = 200;

/// `text` on one line, cleaned, and cut to `max` characters with an ellipsis.
pub fn one_line(text: &str, max: usize) -> String {
    let clean = sanitize::line(text);
    let clean = clean.trim();
    if clean.chars().count() <= max {
        return clean.to_string();
    }
    let mut cut: String = clean.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// What happened, in a few words before the incident.
fn prefix(event: PageEvent) -> &'static str {
    match event {
        PageEvent::Opened => "",
        PageEvent::Escalated => "Escalated: ",
        PageEvent::Repeat => "Still unacknowledged: ",
        PageEvent::AckTimeout => "Acknowledged too long, triggered again: ",
        PageEvent::Help => "Help asked: ",
        PageEvent::Assigned => "Assigned to you: ",
        PageEvent::Unacknowledged => "Given back, triggered again: ",
        PageEvent::SnoozeOver => "Snooze over, triggered again: ",
        PageEvent::Handoff => "Hand-off: ",
        PageEvent::Covered => "Covered: ",
        PageEvent::Test => "Test page: ",
        PageEvent::Resolved => "Resolved: ",
        PageEvent::Status => "Status update: ",
    }
}

/// One line: what happened, the severity, service and title.
pub fn subject(page: &Page) -> String {
    let text = match (&page.incident, page.event) {
        (Some(i), event) => format!(
            "{}[{}] {}: {}",
            prefix(event),
            i.severity,
            i.service,
            i.title
        ),
        (None, PageEvent::Handoff) => match &page.recipient {
            Recipient::Person(_) => "Hand-off: you are on call now".to_string(),
            Recipient::Channel(_) => "Hand-off: the pager changed hands".to_string(),
        },
        (None, PageEvent::Covered) => "Covered: someone else is on call for you".to_string(),
        (None, PageEvent::Test) => "Test page from oncall".to_string(),
        (None, event) => format!("oncall: {}", event.as_str()),
    };
    one_line(&text, MAX_SUBJECT_CHARS)
}

/// The incident's facts, one per line, cleaned.
pub fn incident_lines(incident: &PagedIncident) -> Vec<String> {
    let i = incident.cleaned();
    let mut lines = vec![
        format!("Incident #{}: {}", i.id, i.title),
        format!("Severity: {}   Service: {}", i.severity, i.service),
        format!(
            "Status: {}   Owner: {}",
            i.status,
            i.owner.as_deref().unwrap_or("nobody yet")
        ),
    ];
    if let Some(runbook) = &i.runbook {
        lines.push(format!("Runbook: {runbook}"));
    }
    lines
}

/// The body without the acknowledge link (each format places that its own
/// way): the incident, then what more the page says.
pub fn body_lines(page: &Page) -> Vec<String> {
    let mut lines = Vec::new();
    if page.event == PageEvent::Test {
        lines.push(format!(
            "A test page for {} through {} ({}). Nothing needs doing.",
            sanitize::line(page.recipient.name()),
            page.contact.via,
            sanitize::line(&page.contact.to)
        ));
    }
    if let Some(incident) = &page.incident {
        lines.extend(incident_lines(incident));
    }
    if let Some(detail) = &page.detail {
        let detail = sanitize::clean(detail, true);
        lines.extend(detail.lines().map(str::to_string));
    }
    lines
}

/// The lines beside an acknowledge link: what pressing it does.
pub fn ack_hint(page: &Page) -> [String; 2] {
    [
        format!(
            "The link opens a page with one button; pressing it acknowledges as {}.",
            sanitize::line(page.recipient.name())
        ),
        "It works once, within an hour.".to_string(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Via;
    use crate::notify::page::sample;

    fn page(event: PageEvent, title: &str) -> Page {
        let mut page = sample(event, Via::Ntfy, "https://ntfy.example.com/alice");
        if let Some(i) = page.incident.as_mut() {
            i.title = title.into();
            i.owner = None;
        }
        page.ack_url = None;
        page.detail = Some("first\nsecond\u{1b}[2J".into());
        page
    }

    #[test]
    fn subject_says_what_happened_severity_service_and_title() {
        assert_eq!(
            subject(&page(PageEvent::Opened, "Disk full on db-1")),
            "[critical] db: Disk full on db-1"
        );
        assert_eq!(
            subject(&page(PageEvent::Repeat, "Disk full")),
            "Still unacknowledged: [critical] db: Disk full"
        );
    }

    #[test]
    fn subject_is_one_clean_line_of_bounded_length() {
        let s = subject(&page(PageEvent::Opened, "a\r\nBcc: x@example.com\u{7}"));
        assert_eq!(s, "[critical] db: a  Bcc: x@example.com");
        let long = subject(&page(PageEvent::Opened, &"x".repeat(5000)));
        assert_eq!(long.chars().count(), MAX_SUBJECT_CHARS);
        assert!(long.ends_with('…'));
    }

    #[test]
    fn body_has_the_incident_runbook_and_detail_cleaned() {
        let lines = body_lines(&page(PageEvent::Opened, "Disk full"));
        assert_eq!(
            lines,
            [
                "Incident #42: Disk full",
                "Severity: critical   Service: db",
                "Status: triggered   Owner: nobody yet",
                "Runbook: Disk full",
                "first",
                "second",
            ]
        );
    }

    #[test]
    fn a_test_page_says_nothing_needs_doing() {
        let mut p = page(PageEvent::Test, "");
        p.incident = None;
        p.detail = None;
        assert_eq!(subject(&p), "Test page from oncall");
        assert_eq!(
            body_lines(&p),
            [
                "A test page for alice through ntfy (https://ntfy.example.com/alice). Nothing needs doing."
            ]
        );
    }
}
