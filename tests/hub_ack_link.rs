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
use support::{BOB, TestHub};

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

#[tokio::test]
async fn the_link_shows_a_button_and_only_its_post_acknowledges_as_the_person_once() {
    let rx = Receiver::start().await;
    let hub = paging_hub(&rx).await;
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

#[tokio::test]
async fn someone_else_first_is_a_conflict_that_says_who() {
    let rx = Receiver::start().await;
    let hub = paging_hub(&rx).await;
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

#[tokio::test]
async fn a_tampered_expired_or_foreign_link_is_refused_and_changes_nothing() {
    let rx = Receiver::start().await;
    let hub = paging_hub(&rx).await;
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
