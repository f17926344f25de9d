//! A page as a plain-text email, and the SMTP connection it leaves through
//! (`none`, `starttls` or `tls`). The subject names severity, service and
//! title; headers are built by lettre from cleaned one-line text, so a title
//! cannot add a header of its own.
use std::time::Duration;

use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::outcome::{SendOutcome, short_answer};
use super::page::Page;
use super::text;
use crate::config::{Smtp, SmtpTls};

/// `X-Oncall-Delivery`: the delivery id, the same on every attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
struct DeliveryId(String);

impl Header for DeliveryId {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str(super::webhook::DELIVERY_HEADER)
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(DeliveryId(s.to_string()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// `Auto-Submitted: auto-generated` (RFC 3834): out-of-office replies stay away.
#[derive(Debug, Clone, PartialEq, Eq)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".to_string())
    }
}

/// The plain-text body: the incident, the acknowledge link and what it does.
pub fn email_body(page: &Page) -> String {
    let mut lines = text::body_lines(page);
    if let Some(url) = &page.ack_url {
        lines.push(String::new());
        lines.push(format!("Acknowledge: {url}"));
        lines.extend(text::ack_hint(page));
    }
    lines.push(String::new());
    lines.push("-- ".to_string());
    lines.push(format!("oncall, delivery {}", page.delivery_id));
    let mut body = lines.join("\r\n");
    body.push_str("\r\n");
    body
}

/// The message for `page` from `from` to `to`, or why it cannot be made.
/// Its Message-ID comes from the delivery id, so a repeat is the same message.
pub fn email_message(page: &Page, from: &str, to: &str) -> Result<Message, String> {
    let from: Mailbox = from
        .trim()
        .parse()
        .map_err(|e| format!("the sender '{from}' is not an address ({e})"))?;
    let to: Address = to
        .trim()
        .parse()
        .map_err(|e| format!("'{to}' is not an email address ({e})"))?;
    let domain = from.email.domain().to_string();
    Message::builder()
        .from(from)
        .to(Mailbox::new(None, to))
        .subject(text::subject(page))
        .message_id(Some(format!("<{}@{domain}>", page.delivery_id)))
        .header(ContentType::TEXT_PLAIN)
        .header(DeliveryId(page.delivery_id.clone()))
        .header(AutoSubmitted)
        .body(email_body(page))
        .map_err(|e| format!("cannot write the message: {e}"))
}

/// The SMTP server, connected once per page (pages are rare; a pool would
/// hold connections a server drops anyway).
#[derive(Clone)]
pub struct SmtpSender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: String,
}

impl SmtpSender {
    /// A sender for `smtp` that gives up on a server silent for `timeout`.
    pub fn new(smtp: &Smtp, timeout: Duration) -> Result<SmtpSender, String> {
        type Transport = AsyncSmtpTransport<Tokio1Executor>;
        let builder = match smtp.tls {
            SmtpTls::None => Transport::builder_dangerous(&smtp.host),
            SmtpTls::Starttls => Transport::starttls_relay(&smtp.host)
                .map_err(|e| format!("cannot set up STARTTLS to {}: {e}", smtp.host))?,
            SmtpTls::Tls => Transport::relay(&smtp.host)
                .map_err(|e| format!("cannot set up TLS to {}: {e}", smtp.host))?,
        };
        let mut builder = builder.port(smtp.port).timeout(Some(timeout));
        if let Some((user, password)) = &smtp.login {
            let password = String::from_utf8_lossy(password.bytes()).into_owned();
            builder = builder.credentials(Credentials::new(user.clone(), password));
        }
        Ok(SmtpSender {
            transport: builder.build(),
            from: smtp.from.clone(),
        })
    }

    /// Sends `page` to the address `to`.
    pub async fn send(&self, page: &Page, to: &str) -> SendOutcome {
        let message = match email_message(page, &self.from, to) {
            Ok(m) => m,
            Err(why) => return SendOutcome::failed(why, false),
        };
        match self.transport.send(message).await {
            Ok(response) => {
                let text: Vec<&str> = response.message().collect();
                SendOutcome::accepted(short_answer(&format!(
                    "{} {}",
                    response.code(),
                    text.join(" ")
                )))
            }
            Err(e) => {
                // A 5xx answer (no such mailbox, refused) will be the same
                // next time; a 4xx, a timeout or a dropped connection may not.
                let retry = !e.is_permanent() && !e.is_client();
                SendOutcome::failed(short_answer(&format!("SMTP: {e}")), retry)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Via;
    use crate::notify::page::{PageEvent, sample};

    fn page(title: &str) -> Page {
        let mut page = sample(PageEvent::Opened, Via::Email, "alice@example.com");
        if let Some(i) = page.incident.as_mut() {
            i.title = title.into();
        }
        page
    }

    #[test]
    fn message_has_subject_ids_and_the_body_with_the_link() {
        let m = email_message(
            &page("Disk full"),
            "Oncall <oncall@example.com>",
            "alice@example.com",
        )
        .unwrap();
        let raw = String::from_utf8(m.formatted()).unwrap();
        assert!(
            raw.contains("Subject: [critical] db: Disk full\r\n"),
            "{raw}"
        );
        assert!(
            raw.contains("Message-ID: <dlv_42@example.com>\r\n"),
            "{raw}"
        );
        assert!(raw.contains("X-Oncall-Delivery: dlv_42\r\n"), "{raw}");
        assert!(raw.contains("Auto-Submitted: auto-generated\r\n"), "{raw}");
        assert!(raw.contains("To: alice@example.com\r\n"), "{raw}");
        assert!(
            raw.contains("Acknowledge: https://oncall.example.com/ack/abc.def\r\n"),
            "{raw}"
        );
        assert!(raw.contains("Runbook: Disk full\r\n"), "{raw}");
    }

    #[test]
    fn a_title_cannot_add_a_header() {
        let m = email_message(
            &page("x\r\nBcc: mallory@example.com\r\n\r\nbody"),
            "oncall@example.com",
            "alice@example.com",
        )
        .unwrap();
        let raw = String::from_utf8(m.formatted()).unwrap();
        let (headers, _) = raw.split_once("\r\n\r\n").unwrap();
        assert!(
            !headers
                .lines()
                .any(|l| l.to_ascii_lowercase().starts_with("bcc:")),
            "{headers}"
        );
        assert!(
            m.envelope()
                .to()
                .iter()
                .all(|a| a.to_string() == "alice@example.com")
        );
    }

    #[test]
    fn a_bad_address_is_a_failure_not_a_panic() {
        assert!(email_message(&page("x"), "oncall@example.com", "not an address").is_err());
    }
}
