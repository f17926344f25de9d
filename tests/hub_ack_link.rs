//! Acknowledging from the page itself: the link a page carries
//! (`{public_url}/ack/{token}`), signed with the hub's secret, against a real
//! hub on 127.0.0.1. `GET` shows one button and changes nothing; `POST`
//! acknowledges as the person the link names, once; someone else first is a
//! 409 with where the incident stands; a tampered, expired or reused link is
//! refused with a clear page and changes nothing.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use chrono::TimeDelta;
use oncall::config::Secret;
use oncall::incident::{EventKind, Status};
use oncall::notify::{AckClaims, ack_token};
use reqwest::StatusCode;
use serde_json::json;
use support::pages::{Receiver, critical, paging_hub};
use support::{BOB, Backend, TestHub, both_backends};

const SECRET: &[u8] = b"sixteen bytes or more of secret";

fn link(hub: &TestHub, id: u64, person: &str, nonce: &str) -> String {
    let claims = AckClaims::new(id, person, hub.clock_now(), nonce.to_string());
    let token = ack_token::sign(&Secret::new(SECRET.to_vec()), &claims);
    hub.url(&format!("/ack/{token}"))
}

async fn page(resp: reqwest::Response) -> (StatusCode, String) {
    let status = resp.status();
    let csp = resp
        .headers()
        .get("content-security-policy")
        .map(|v| v.to_str().unwrap().to_string());
    assert!(csp.is_some_and(|c| c.contains("default-src 'none'")));
    (status, resp.text().await.unwrap())
}

async fn the_link_shows_a_button_and_only_its_post_acknowledges_as_the_person_once(
    backend: Backend,
) {
    let rx = Receiver::start().await;
    let hub = paging_hub(backend, &rx).await;
    let inc = hub.open(&critical("disk full on db-1")).await;
    let url = link(&hub, inc.id, "alice", "n1");
    let http = oncall::feed::http::client_builder().build().unwrap();

    let (status, html) = page(http.get(&url).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Acknowledge as alice"), "{html}");
    assert_eq!(
        hub.incident(inc.id).await.status,
        Status::Triggered,
        "GET changes nothing"
    );

    let (status, html) = page(http.post(&url).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("alice owns it now"), "{html}");
    let now = hub.incident(inc.id).await;
    assert_eq!(
        (now.status, now.owner.as_deref()),
        (Status::Acknowledged, Some("alice"))
    );
    let ack = now
        .timeline
        .iter()
        .find(|e| e.kind == EventKind::Acknowledged)
        .unwrap();
    assert_eq!(ack.who, "alice");

    let (status, html) = page(http.post(&url).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::GONE, "{html}");
    assert!(html.contains("used already"), "{html}");
}
both_backends!(the_link_shows_a_button_and_only_its_post_acknowledges_as_the_person_once);

async fn someone_else_first_is_a_conflict_that_says_who(backend: Backend) {
    let rx = Receiver::start().await;
    let hub = paging_hub(backend, &rx).await;
    let inc = hub.open(&critical("disk full on db-1")).await;
    hub.acted(BOB, inc.id, "acknowledge", &json!({})).await;
    let url = link(&hub, inc.id, "alice", "n2");
    let (status, html) = page(
        oncall::feed::http::client_builder()
            .build()
            .unwrap()
            .post(&url)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{html}");
    assert!(html.contains("bob acknowledged it first"), "{html}");
    assert_eq!(hub.incident(inc.id).await.owner.as_deref(), Some("bob"));
}
both_backends!(someone_else_first_is_a_conflict_that_says_who);

async fn a_tampered_expired_or_foreign_link_is_refused_and_changes_nothing(backend: Backend) {
    let rx = Receiver::start().await;
    let hub = paging_hub(backend, &rx).await;
    let inc = hub.open(&critical("disk full on db-1")).await;
    let http = oncall::feed::http::client_builder().build().unwrap();

    // Another incident's id put into a signed token: the signature no longer holds.
    let good = link(&hub, inc.id, "alice", "n3");
    let (payload, signature) = good.rsplit_once('/').unwrap().1.split_once('.').unwrap();
    let forged = hub.url(&format!(
        "/ack/{}x.{signature}",
        &payload[..payload.len() - 1]
    ));
    let (status, html) = page(http.post(&forged).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{html}");

    // Signed with another secret.
    let claims = AckClaims::new(inc.id, "alice", hub.clock_now(), "n4".into());
    let other = ack_token::sign(
        &Secret::new(b"another secret of some length".to_vec()),
        &claims,
    );
    let (status, _) = page(
        http.post(hub.url(&format!("/ack/{other}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // An integration's name is never a person to acknowledge as.
    let url = link(&hub, inc.id, "alertmanager", "n5");
    let (status, _) = page(http.post(&url).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Past its hour.
    let url = link(&hub, inc.id, "alice", "n6");
    hub.advance(TimeDelta::minutes(61));
    let (status, html) = page(http.post(&url).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::GONE, "{html}");
    assert!(html.contains("expired"), "{html}");

    // Nonsense.
    let (status, _) = page(http.get(hub.url("/ack/%1b%5b2J")).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    assert_eq!(hub.incident(inc.id).await.status, Status::Triggered);
}
both_backends!(a_tampered_expired_or_foreign_link_is_refused_and_changes_nothing);

/// The button an ntfy page shows, pressed: the hub's own page for alice,
/// written as ntfy's publish request, carries an `http` action whose POST
/// acknowledges the incident as alice.
async fn the_ntfy_pages_acknowledge_button_acknowledges_when_pressed(backend: Backend) {
    use oncall::config::{Contact, NotifySettings, Via};
    use oncall::hub::deliveries::notify_sender::page_of;
    use oncall::hub::deliveries::{Delivery, PageEvent, PagedIncident, Recipient};

    let rx = Receiver::start().await;
    let hub = paging_hub(backend, &rx).await;
    let inc = hub.open(&critical("disk full on db-1")).await;
    let mut settings = NotifySettings::default();
    settings.public_url = Some(hub.base.clone());
    settings.secret = Some(Secret::new(SECRET.to_vec()));
    let delivery = Delivery {
        id: "dlv_ntfy".into(),
        event: PageEvent::Opened,
        incident: Some(PagedIncident::of(&inc)),
        recipient: Recipient::Person("alice".into()),
        contact: Contact {
            via: Via::Ntfy,
            to: "https://ntfy.example.com/alice-pager".into(),
            after: std::time::Duration::ZERO,
        },
        contact_index: 0,
        round: 1,
        attempt: 1,
        detail: None,
    };
    let library = oncall::runbook::Library::shipped();
    let ntfy_page = page_of(&delivery, &settings, &library, hub.clock_now(), "n8".into());
    let request = oncall::notify::ntfy::request(&ntfy_page, &ntfy_page.contact.to).unwrap();
    let button = &request.body["actions"][0];
    assert_eq!(
        (button["action"].as_str(), button["method"].as_str()),
        (Some("http"), Some("POST"))
    );
    let url = button["url"].as_str().unwrap();
    assert!(url.starts_with(&format!("{}/ack/", hub.base)), "{url}");

    let http = oncall::feed::http::client_builder().build().unwrap();
    let (status, html) = page(http.post(url).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let now = hub.incident(inc.id).await;
    assert_eq!(
        (now.status, now.owner.as_deref()),
        (Status::Acknowledged, Some("alice"))
    );
}
both_backends!(the_ntfy_pages_acknowledge_button_acknowledges_when_pressed);
