//! The small HTML pages behind an acknowledge link. `GET` shows one button
//! and changes nothing (chat apps fetch links to preview them); pressing it
//! POSTs to the same URL, and the answer is one of: acknowledged, someone
//! else got there first (with where the incident stands), or refused. Every
//! untrusted text is cleaned and HTML-escaped; the pages load nothing.
use super::ack_token::Refusal;
use super::page::PagedIncident;
use crate::incident::Status;
use crate::sanitize;

/// Headers every acknowledge page is served with: no scripts, styles only
/// inline, forms only to the hub itself, never cached, framed or indexed,
/// and the token never sent on as a referrer.
pub const HEADERS: [(&str, &str); 6] = [
    ("content-type", "text/html; charset=utf-8"),
    (
        "content-security-policy",
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    ),
    ("cache-control", "no-store"),
    ("referrer-policy", "no-referrer"),
    ("x-robots-tag", "noindex"),
    ("x-content-type-options", "nosniff"),
];

/// `text` cleaned to one line and safe inside HTML text and attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in sanitize::line(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title>\
         <style>body{{font-family:sans-serif;max-width:32em;margin:2em auto;padding:0 1em}}\
         button{{font-size:1.4em;padding:.6em 1.2em}}</style></head>\
         <body><h1>{title}</h1>\n{body}\n</body></html>\n"
    )
}

/// What the incident is, as a paragraph.
fn facts(incident: &PagedIncident) -> String {
    let owner = incident
        .owner
        .as_deref()
        .map_or("nobody".to_string(), escape);
    format!(
        "<p><strong>#{} {}</strong><br>{} · {} · {} · owner {}</p>",
        incident.id,
        escape(&incident.title),
        incident.severity,
        escape(&incident.service),
        incident.status,
        owner
    )
}

/// `GET /ack/{token}`: the incident and one button that acknowledges it as
/// `person`. Nothing changes until the button is pressed.
pub fn confirm(incident: Option<&PagedIncident>, person: &str) -> String {
    let what = incident.map(facts).unwrap_or_default();
    page(
        "Acknowledge this incident?",
        &format!(
            "{what}<form method=\"post\"><button type=\"submit\">Acknowledge as {}</button></form>",
            escape(person)
        ),
    )
}

/// The answer to a POST that acknowledged the incident.
pub fn acknowledged(incident: &PagedIncident, person: &str) -> String {
    page(
        "Acknowledged",
        &format!(
            "{}<p>{} owns it now. The rest of the contacts will not be paged.</p>",
            facts(incident),
            escape(person)
        ),
    )
}

/// The answer (409) when someone else acknowledged, resolved or took the
/// incident first: where it stands now.
pub fn taken(incident: &PagedIncident) -> String {
    let said = match (incident.status, incident.owner.as_deref()) {
        (Status::Resolved, _) => "It is resolved already.".to_string(),
        (Status::Acknowledged, Some(owner)) => {
            format!("{} acknowledged it first.", escape(owner))
        }
        (_, Some(owner)) => format!("It is {}'s now.", escape(owner)),
        (_, None) => "It changed before this link was used.".to_string(),
    };
    page(
        "Someone got there first",
        &format!("{}<p>{said} Nothing was changed.</p>", facts(incident)),
    )
}

/// The answer when the link itself is refused; nothing was changed.
pub fn refused(why: Refusal) -> String {
    let (title, text) = match why {
        Refusal::Malformed => (
            "This link is not complete",
            "It may have been cut short when it was copied. Open it from the page you received, or acknowledge in the console.".to_string(),
        ),
        Refusal::Tampered => (
            "This link is not valid",
            "It was changed, or it is not from this hub. Acknowledge in the console.".to_string(),
        ),
        Refusal::Expired { at } => (
            "This link has expired",
            format!(
                "It worked until {} UTC. Acknowledge in the console, or wait for the next page.",
                at.format("%Y-%m-%d %H:%M")
            ),
        ),
        Refusal::Used => (
            "This link was used already",
            "Each link works once. Acknowledge in the console.".to_string(),
        ),
    };
    page(title, &format!("<p>{text}</p><p>Nothing was changed.</p>"))
}

/// The answer when the hub could not act on a good link (the incident is
/// gone, its row cannot be read): why, and what to do instead.
pub fn failed(why: &str) -> String {
    page(
        "The hub could not acknowledge it",
        &format!("<p>{}</p><p>Acknowledge in the console.</p>", escape(why)),
    )
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::incident::Severity;

    fn incident(title: &str, status: Status, owner: Option<&str>) -> PagedIncident {
        PagedIncident {
            id: 42,
            severity: Severity::Critical,
            service: "db".into(),
            title: title.into(),
            owner: owner.map(str::to_string),
            status,
            level: 0,
            runbook: None,
        }
    }

    #[test]
    fn the_confirmation_is_one_post_button_and_escapes_the_title() {
        let html = confirm(
            Some(&incident(
                "<script>alert(1)</script>\u{1b}[2J",
                Status::Triggered,
                None,
            )),
            "al\"ice",
        );
        assert_eq!(html.matches("<form").count(), 1);
        assert!(html.contains("<form method=\"post\"><button type=\"submit\">Acknowledge as al&quot;ice</button></form>"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(
            !html.contains("<script>") && !html.contains('\u{1b}'),
            "{html}"
        );
    }

    #[test]
    fn taken_says_who_got_there_first_and_that_nothing_changed() {
        let html = taken(&incident("Disk full", Status::Acknowledged, Some("bob")));
        assert!(
            html.contains("bob acknowledged it first. Nothing was changed."),
            "{html}"
        );
        let html = taken(&incident("Disk full", Status::Resolved, Some("bob")));
        assert!(html.contains("It is resolved already."), "{html}");
    }

    #[test]
    fn each_refusal_says_why_and_that_nothing_changed() {
        let at = Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap();
        for (why, says) in [
            (Refusal::Malformed, "not complete"),
            (Refusal::Tampered, "not valid"),
            (Refusal::Expired { at }, "worked until 2026-11-23 09:00 UTC"),
            (Refusal::Used, "used already"),
        ] {
            let html = refused(why);
            assert!(html.contains(says), "{why:?}: {html}");
            assert!(html.contains("Nothing was changed."), "{why:?}");
            assert!(!html.contains("<form"), "{why:?}");
        }
    }

    #[test]
    fn acknowledged_names_the_new_owner() {
        let html = acknowledged(
            &incident("Disk full", Status::Acknowledged, Some("alice")),
            "alice",
        );
        assert!(html.contains("alice owns it now."), "{html}");
    }
}
