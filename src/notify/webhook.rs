//! A page as a JSON POST: the generic webhook (the page's facts as JSON,
//! signed with the hub's secret so the receiver knows it came from the hub)
//! and Slack's incoming-webhook message (also taken by Mattermost).
use hmac::{Hmac, Mac};
use serde::Serialize;
use serde_json::json;
use sha2::Sha256;

use super::page::{Page, PagedIncident, Recipient};
use super::text;
use crate::config::Secret;
use crate::sanitize;

/// The delivery id, the same on every attempt: a receiver drops a repeat by it.
pub const DELIVERY_HEADER: &str = "X-Oncall-Delivery";
/// `sha256=HEX`: HMAC-SHA256 of the exact body with the hub's secret.
pub const SIGNATURE_HEADER: &str = "X-Oncall-Signature";

/// The webhook's JSON (docs/api.md, "Webhook pages"). Field order is the
/// order written, so the body of a page is the same on every attempt.
#[derive(Serialize)]
struct WebhookBody<'a> {
    event: &'a str,
    delivery_id: &'a str,
    incident: Option<PagedIncident>,
    ack_url: Option<&'a str>,
    /// The responder paged, when it is a person.
    person: Option<String>,
    /// The team channel, when it is one.
    channel: Option<String>,
    detail: Option<String>,
}

/// The exact bytes POSTed to a webhook for `page`.
pub fn webhook_body(page: &Page) -> Vec<u8> {
    let (person, channel) = match &page.recipient {
        Recipient::Person(n) => (Some(sanitize::line(n)), None),
        Recipient::Channel(n) => (None, Some(sanitize::line(n))),
    };
    let body = WebhookBody {
        event: page.event.as_str(),
        delivery_id: &page.delivery_id,
        incident: page.incident.as_ref().map(PagedIncident::cleaned),
        ack_url: page.ack_url.as_deref(),
        person,
        channel,
        detail: page.detail.as_deref().map(|d| sanitize::clean(d, true)),
    };
    // Serializing plain strings and numbers to a Vec cannot fail; an empty
    // object would still be a page the receiver can see arrive.
    serde_json::to_vec(&body).unwrap_or_else(|_| b"{}".to_vec())
}

/// The `X-Oncall-Signature` value for `body`: `sha256=` and the hex HMAC.
pub fn signature(secret: &Secret, body: &[u8]) -> String {
    // HMAC takes a key of any length, so this never fails.
    let mac = match Hmac::<Sha256>::new_from_slice(secret.bytes()) {
        Ok(mut mac) => {
            mac.update(body);
            mac.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    };
    format!("sha256={}", hex::encode(mac))
}

/// Slack's mrkdwn reads `&`, `<` and `>` as markup: untrusted text has them
/// escaped, so a title cannot write `<!channel>` or a link of its own.
fn slack_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The JSON POSTed to a Slack (or Mattermost) incoming webhook for `page`:
/// a bold subject, the incident's lines, and the acknowledge link in Slack's
/// `<url|label>` form.
pub fn slack_body(page: &Page) -> Vec<u8> {
    let mut lines = vec![format!("*{}*", slack_escape(&text::subject(page)))];
    lines.extend(text::body_lines(page).iter().map(|l| slack_escape(l)));
    if let Some(url) = &page.ack_url {
        // The link is ours (the public URL and a URL-safe token), but `|`
        // and `>` would end it early, so they are percent-encoded.
        let url = url
            .replace('|', "%7C")
            .replace('>', "%3E")
            .replace('<', "%3C");
        lines.push(format!("<{url}|Acknowledge>"));
    }
    serde_json::to_vec(&json!({ "text": lines.join("\n") })).unwrap_or_else(|_| b"{}".to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Via;
    use crate::notify::page::{PageEvent, sample};

    fn page(title: &str) -> Page {
        let mut page = sample(
            PageEvent::Escalated,
            Via::Webhook,
            "https://hooks.example.com/oncall",
        );
        if let Some(i) = page.incident.as_mut() {
            i.title = title.into();
        }
        page
    }

    #[test]
    fn webhook_body_carries_event_delivery_incident_and_link() {
        let body = webhook_body(&page("5xx on /login\u{1b}]0;x\u{7}"));
        let text = String::from_utf8(body).unwrap();
        assert_eq!(
            text,
            r#"{"event":"escalated","delivery_id":"dlv_42","incident":{"id":42,"severity":"critical","service":"db","title":"5xx on /login","owner":"alice","status":"triggered","escalation_level":1,"runbook":"Disk full"},"ack_url":"https://oncall.example.com/ack/abc.def","person":"alice","channel":null,"detail":null}"#
        );
    }

    #[test]
    fn signature_is_the_hmac_of_the_exact_body() {
        // RFC 4231, test case 2.
        let secret = Secret::new(b"Jefe".to_vec());
        assert_eq!(
            signature(&secret, b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn slack_text_escapes_markup_and_links_the_acknowledge_page() {
        let body = slack_body(&page("<!channel> & <https://evil.example|click>"));
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            v,
            json!({ "text": "*Escalated: [critical] db: &lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;*\n\
                Incident #42: &lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;\n\
                Severity: critical   Service: db\n\
                Status: triggered   Owner: alice\n\
                Runbook: Disk full\n\
                <https://oncall.example.com/ack/abc.def|Acknowledge>" })
        );
    }
}
