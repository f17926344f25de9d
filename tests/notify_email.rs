//! Email pages through a real SMTP server on 127.0.0.1 (Debian's
//! python3-aiosmtpd): the message's envelope, headers and body as received;
//! a title that tries to add a header; and the server's refusals judged as
//! the queue needs them (try later, or never as it is).
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;
use support::smtp;

use std::path::Path;
use std::time::Duration;

use oncall::config::{Config, Contact, NotifySettings, Via};
use oncall::incident::{Severity, Status};
use oncall::notify::{Page, PageEvent, PagedIncident, Recipient, SendOutcome, Sender};
use smtp::SmtpServer;

/// How long an attempt may take before the test fails; it bounds a wait.
const PATIENCE: Duration = Duration::from_secs(30);

fn settings(port: u16, tls: &str) -> NotifySettings {
    let path = Path::new("oncall.toml");
    let text = format!(
        "[hub.notify.smtp]\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"{tls}\"\nfrom = \"Oncall <oncall@example.com>\"\n"
    );
    let config = Config::parse(&text, path).unwrap_or_else(|e| panic!("{e}"));
    config.hub.notify_settings(path, |_| None).unwrap()
}

fn page(to: &str, title: &str) -> Page {
    Page {
        event: PageEvent::Escalated,
        delivery_id: "dlv_77aa".into(),
        incident: Some(PagedIncident {
            id: 42,
            severity: Severity::High,
            service: "payments".into(),
            title: title.into(),
            owner: Some("bob".into()),
            status: Status::Triggered,
            level: 1,
            runbook: Some("Payments failing".into()),
        }),
        recipient: Recipient::Person("bob".into()),
        contact: Contact {
            via: Via::Email,
            to: to.to_string(),
            after: Duration::from_secs(300),
        },
        ack_url: Some("https://oncall.example.com/ack/eyJpIjo0Mn0.c2ln".into()),
        detail: None,
    }
}

fn failed(outcome: &SendOutcome) -> (&str, bool) {
    match outcome {
        SendOutcome::Failed { why, retry } => (why, *retry),
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[tokio::test]
async fn an_email_page_arrives_with_subject_headers_body_and_link() {
    let server = SmtpServer::start();
    let sender = Sender::new(&settings(server.port, "none"), PATIENCE).unwrap();
    let outcome = sender
        .send(&page("bob@example.com", "Card payments failing"))
        .await;
    match &outcome {
        SendOutcome::Accepted { answer } => assert_eq!(answer, "250 2.0.0 saved as 1"),
        other => panic!("{other:?}"),
    }
    let got = server.received();
    assert_eq!(got.len(), 1);
    let m = &got[0];
    assert_eq!(m.mail_from, "oncall@example.com");
    assert_eq!(m.rcpt_tos, ["bob@example.com"]);
    assert_eq!(
        m.header("Subject").as_deref(),
        Some("Escalated: [high] payments: Card payments failing")
    );
    assert_eq!(
        m.header("From").as_deref(),
        Some("Oncall <oncall@example.com>")
    );
    assert_eq!(m.header("To").as_deref(), Some("bob@example.com"));
    assert_eq!(
        m.header("Message-ID").as_deref(),
        Some("<dlv_77aa@example.com>")
    );
    assert_eq!(m.header("X-Oncall-Delivery").as_deref(), Some("dlv_77aa"));
    assert_eq!(
        m.header("Auto-Submitted").as_deref(),
        Some("auto-generated")
    );
    assert!(m.header("Content-Type").unwrap().starts_with("text/plain"));
    assert_eq!(
        m.body_text().replace("\r\n", "\n").trim_end(),
        "Incident #42: Card payments failing\n\
         Severity: high   Service: payments\n\
         Status: triggered   Owner: bob\n\
         Runbook: Payments failing\n\
         \n\
         Acknowledge: https://oncall.example.com/ack/eyJpIjo0Mn0.c2ln\n\
         The link opens a page with one button; pressing it acknowledges as bob.\n\
         It works once, within an hour.\n\
         \n\
         -- \n\
         oncall, delivery dlv_77aa"
    );
}

#[tokio::test]
async fn a_title_cannot_add_headers_or_recipients() {
    let server = SmtpServer::start();
    let sender = Sender::new(&settings(server.port, "none"), PATIENCE).unwrap();
    let title = "down\r\nBcc: mallory@example.com\r\nX-Evil: 1\r\n\r\nfake body";
    let outcome = sender.send(&page("bob@example.com", title)).await;
    assert!(outcome.is_accepted(), "{outcome:?}");
    let m = &server.received()[0];
    assert_eq!(m.rcpt_tos, ["bob@example.com"]);
    assert_eq!(m.header("Bcc"), None);
    assert_eq!(m.header("X-Evil"), None);
    let subject = m.header("Subject").unwrap();
    assert!(
        subject.contains("down  Bcc: mallory@example.com  X-Evil: 1"),
        "{subject}"
    );
}

#[tokio::test]
async fn a_mailbox_that_does_not_exist_is_not_retried_a_busy_server_is() {
    let server = SmtpServer::start();
    let sender = Sender::new(&settings(server.port, "none"), PATIENCE).unwrap();
    let outcome = sender.send(&page("nobody@example.com", "x")).await;
    let (why, retry) = failed(&outcome);
    assert!(!retry, "{why}");
    assert!(why.contains("no such mailbox"), "{why}");
    let outcome = sender.send(&page("busy@example.com", "x")).await;
    let (why, retry) = failed(&outcome);
    assert!(retry, "{why}");
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn a_server_that_is_down_is_retried() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let sender = Sender::new(&settings(port, "none"), PATIENCE).unwrap();
    let outcome = sender.send(&page("bob@example.com", "x")).await;
    let (why, retry) = failed(&outcome);
    assert!(retry, "{why}");
    assert!(why.contains("Connection refused"), "{why}");
}

#[tokio::test]
async fn starttls_is_required_not_skipped_when_the_server_lacks_it() {
    let server = SmtpServer::start();
    let sender = Sender::new(&settings(server.port, "starttls"), PATIENCE).unwrap();
    let outcome = sender.send(&page("bob@example.com", "x")).await;
    let (why, retry) = failed(&outcome);
    assert!(why.contains("STARTTLS is not supported"), "{why}");
    assert!(!retry, "a server without STARTTLS will not grow it: {why}");
    assert!(
        server.received().is_empty(),
        "nothing went out in the clear"
    );
}
