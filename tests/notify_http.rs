//! Pages through ntfy, a signed webhook and Slack, sent to a real HTTP
//! receiver on 127.0.0.1: the exact bodies and headers arrive (the webhook's
//! signature checked here, independently), and a receiver that is down,
//! failing, refusing or slow gives the outcome the queue needs to retry or
//! give up, without holding up a page to anyone else.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;
use support::receiver;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use oncall::config::{Config, Contact, NotifySettings, Via};
use oncall::incident::{Severity, Status};
use oncall::notify::{Page, PageEvent, PagedIncident, Recipient, SendOutcome, Sender};
use receiver::{Answer, Receiver, down_url};
use serde_json::json;
use sha2::Sha256;

const SECRET: &str = "a secret only the hub and the receiver know";

fn settings() -> NotifySettings {
    let path = Path::new("oncall.toml");
    let config = Config::parse(
        "[hub.notify]\nsecret_env = \"ONCALL_NOTIFY_SECRET\"\n",
        path,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    config
        .hub
        .notify_settings(path, |_| Some(SECRET.to_string()))
        .unwrap()
}

/// A sender whose attempts give up after `timeout`.
fn sender(timeout: Duration) -> Sender {
    Sender::new(&settings(), timeout).unwrap()
}

fn page(via: Via, to: &str) -> Page {
    Page {
        event: PageEvent::Opened,
        delivery_id: "dlv_5f1c".into(),
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
            after: Duration::ZERO,
        },
        ack_url: Some("https://oncall.example.com/ack/eyJpIjo0Mn0.c2ln".into()),
        detail: None,
    }
}

fn accepted(outcome: &SendOutcome) -> &str {
    match outcome {
        SendOutcome::Accepted { answer } => answer,
        other => panic!("expected accepted, got {other:?}"),
    }
}

fn failed(outcome: &SendOutcome) -> (&str, bool) {
    match outcome {
        SendOutcome::Failed { why, retry } => (why, *retry),
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[tokio::test]
async fn ntfy_gets_the_json_publish_with_priority_and_an_acknowledge_button() {
    let rx = Receiver::start().await;
    let outcome = sender(receiver::PATIENCE)
        .send(&page(Via::Ntfy, &rx.url("/alice-pager")))
        .await;
    assert_eq!(accepted(&outcome), "200 OK: {\"ok\":true}");
    let got = rx.requests(1).await;
    assert_eq!(
        (got[0].method.as_str(), got[0].path.as_str()),
        ("POST", "/")
    );
    assert_eq!(got[0].header("content-type"), Some("application/json"));
    assert_eq!(
        got[0].json(),
        json!({
            "topic": "alice-pager",
            "title": "[critical] db: Disk full on db-1",
            "message": "Incident #42: Disk full on db-1\nSeverity: critical   Service: db\nStatus: triggered   Owner: alice\nRunbook: Disk full",
            "priority": 5,
            "tags": ["rotating_light"],
            "actions": [{
                "action": "http",
                "label": "Acknowledge",
                "url": "https://oncall.example.com/ack/eyJpIjo0Mn0.c2ln",
                "method": "POST",
                "clear": true,
            }],
        })
    );
}

#[tokio::test]
async fn a_webhook_gets_the_signed_body_and_the_delivery_id() {
    let rx = Receiver::start().await;
    let page = page(Via::Webhook, &rx.url("/hooks/oncall"));
    let outcome = sender(receiver::PATIENCE).send(&page).await;
    accepted(&outcome);
    let got = &rx.requests(1).await[0];
    assert_eq!(got.path, "/hooks/oncall");
    assert_eq!(
        got.text(),
        r#"{"event":"opened","delivery_id":"dlv_5f1c","incident":{"id":42,"severity":"critical","service":"db","title":"Disk full on db-1","owner":"alice","status":"triggered","escalation_level":1,"runbook":"Disk full"},"ack_url":"https://oncall.example.com/ack/eyJpIjo0Mn0.c2ln","person":"alice","channel":null,"detail":null}"#
    );
    assert_eq!(got.header("x-oncall-delivery"), Some("dlv_5f1c"));
    // What a receiver does: HMAC-SHA256 of the body as received, with the secret.
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(&got.body);
    let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    assert_eq!(got.header("x-oncall-signature"), Some(expected.as_str()));
}

#[tokio::test]
async fn a_page_sent_again_is_the_same_bytes_under_the_same_id() {
    let rx = Receiver::start().await;
    let page = page(Via::Webhook, &rx.url("/hook"));
    let sender = sender(receiver::PATIENCE);
    accepted(&sender.send(&page).await);
    accepted(&sender.send(&page).await);
    let got = rx.requests(2).await;
    assert_eq!(got[0].body, got[1].body);
    assert_eq!(
        got[0].headers.get("x-oncall-delivery"),
        got[1].headers.get("x-oncall-delivery")
    );
    assert_eq!(
        got[0].headers.get("x-oncall-signature"),
        got[1].headers.get("x-oncall-signature")
    );
}

#[tokio::test]
async fn slack_gets_text_with_the_link_in_its_own_form() {
    let rx = Receiver::start().await;
    rx.answer(Answer::Body(200, "ok".into()));
    let mut page = page(Via::Slack, &rx.url("/services/T0/B0/XYZ"));
    page.incident.as_mut().unwrap().title = "<!here> disk & <b>".into();
    let outcome = sender(receiver::PATIENCE).send(&page).await;
    assert_eq!(accepted(&outcome), "200 OK: ok");
    let got = &rx.requests(1).await[0];
    assert_eq!(got.path, "/services/T0/B0/XYZ");
    assert_eq!(
        got.json(),
        json!({ "text": "*[critical] db: &lt;!here&gt; disk &amp; &lt;b&gt;*\n\
            Incident #42: &lt;!here&gt; disk &amp; &lt;b&gt;\n\
            Severity: critical   Service: db\n\
            Status: triggered   Owner: alice\n\
            Runbook: Disk full\n\
            <https://oncall.example.com/ack/eyJpIjo0Mn0.c2ln|Acknowledge>" })
    );
}

#[tokio::test]
async fn a_receiver_that_is_down_fails_to_be_retried_and_the_url_is_not_told() {
    let url = down_url("/services/T0/B0/SECRETPART");
    let outcome = sender(receiver::PATIENCE)
        .send(&page(Via::Slack, &url))
        .await;
    let (why, retry) = failed(&outcome);
    assert!(retry, "{why}");
    assert!(why.starts_with("could not connect"), "{why}");
    assert!(
        !why.contains("SECRETPART") && !why.contains("127.0.0.1"),
        "{why}"
    );
}

#[tokio::test]
async fn server_errors_and_overload_are_retried_refusals_are_not() {
    let rx = Receiver::start().await;
    let sender = sender(receiver::PATIENCE);
    let page = page(Via::Webhook, &rx.url("/hook"));
    for (status, retry) in [
        (500, true),
        (503, true),
        (429, true),
        (408, true),
        (400, false),
        (404, false),
        (301, false),
    ] {
        rx.answer(Answer::Body(status, "nope\u{1b}[2J".into()));
        let outcome = sender.send(&page).await;
        let (why, again) = failed(&outcome);
        assert_eq!(again, retry, "{status}: {why}");
        assert!(why.starts_with(&status.to_string()), "{status}: {why}");
        assert!(why.contains("nope") && !why.contains('\u{1b}'), "{why}");
    }
}

#[tokio::test]
async fn a_slow_receiver_times_out_to_be_retried() {
    let rx = Receiver::start().await;
    rx.answer(Answer::Hold);
    let outcome = sender(Duration::from_millis(200))
        .send(&page(Via::Ntfy, &rx.url("/alice-pager")))
        .await;
    let (why, retry) = failed(&outcome);
    assert!(retry, "{why}");
    assert_eq!(why, "no answer within 200ms");
    assert_eq!(rx.requests(1).await.len(), 1, "the request did arrive");
}

#[tokio::test]
async fn a_slow_contact_does_not_hold_up_another() {
    let slow = Receiver::start().await;
    slow.answer(Answer::Hold);
    let fast = Receiver::start().await;
    let sender = Arc::new(sender(receiver::PATIENCE));
    let to_slow = {
        let sender = sender.clone();
        let page = page(Via::Webhook, &slow.url("/hook"));
        tokio::spawn(async move { sender.send(&page).await })
    };
    slow.requests(1).await;
    // The slow receiver holds its request open; the other page goes through.
    accepted(&sender.send(&page(Via::Webhook, &fast.url("/hook"))).await);
    assert_eq!(fast.requests(1).await.len(), 1);
    assert!(!to_slow.is_finished(), "the slow page is still waiting");
    to_slow.abort();
}

#[tokio::test]
async fn a_topic_url_without_a_topic_fails_without_retry() {
    let outcome = sender(receiver::PATIENCE)
        .send(&page(Via::Ntfy, "http://127.0.0.1:9/"))
        .await;
    let (why, retry) = failed(&outcome);
    assert!(!retry, "{why}");
    assert_eq!(why, "`to` is not an ntfy topic URL");
}
