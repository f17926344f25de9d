//! Pages over real sockets: a receiver on 127.0.0.1 (an axum server) that
//! records every request, and can answer 500, hold a request until told, or
//! be down; and a sender that POSTs each delivery to its contact's URL as
//! JSON, with its id in `X-Oncall-Delivery`, judging the answer the way the
//! hub's real senders do (5xx, 408, 429 and no answer are worth another try,
//! another 4xx is not). The hub's own formats are tested with the notify
//! code; these tests are about the queue, so the message is the delivery.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use futures::future::BoxFuture;
use oncall::hub::deliveries::{Delivery, DeliveryRecord, SendOutcome, Sender};
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

/// Bounds each wait so a broken hub fails the test instead of hanging it.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// How the receiver answers on one path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// 200 OK.
    Accept,
    /// This status, at once.
    Status(u16),
    /// Nothing until [`Receiver::release`], then 200 OK.
    Hold,
}

/// One request as it arrived.
#[derive(Debug, Clone)]
pub struct Received {
    /// The path's last segment: who the contact was.
    pub path: String,
    /// The `X-Oncall-Delivery` header.
    pub id: String,
    pub delivery: Delivery,
}

#[derive(Default)]
struct Shared {
    got: Mutex<Vec<Received>>,
    answers: Mutex<HashMap<String, Answer>>,
    arrived: Notify,
}

pub struct Receiver {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    release: watch::Sender<bool>,
    server: Option<JoinHandle<()>>,
}

impl Receiver {
    /// A receiver listening on a port of its own.
    pub async fn start() -> Receiver {
        let mut receiver = Receiver::down();
        receiver.up().await;
        receiver
    }

    /// A receiver with an address but nothing listening there: requests to
    /// it are refused until [`Receiver::up`].
    pub fn down() -> Receiver {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = probe.local_addr().unwrap();
        drop(probe);
        Receiver {
            addr,
            shared: Arc::default(),
            release: watch::channel(false).0,
            server: None,
        }
    }

    /// Starts listening at its address.
    pub async fn up(&mut self) {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.set_reuseaddr(true).unwrap();
        socket.bind(self.addr).unwrap();
        let listener = socket.listen(64).unwrap();
        let app = Router::new()
            .route("/{who}", post(receive))
            .with_state((self.shared.clone(), self.release.subscribe()));
        self.server = Some(tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        }));
    }

    /// The URL of contact `who` at this receiver.
    pub fn url(&self, who: &str) -> String {
        format!("http://{}/{who}", self.addr)
    }

    /// How requests to `who` are answered from now on.
    pub fn answer(&self, who: &str, answer: Answer) {
        self.shared
            .answers
            .lock()
            .unwrap()
            .insert(who.to_string(), answer);
    }

    /// Answers every request held, and those to come on held paths, 200 OK.
    pub fn release(&self) {
        self.release.send_replace(true);
    }

    /// Everything received so far, in order.
    pub fn got(&self) -> Vec<Received> {
        self.shared.got.lock().unwrap().clone()
    }

    /// What reached `who`.
    pub fn got_by(&self, who: &str) -> Vec<Received> {
        self.got().into_iter().filter(|r| r.path == who).collect()
    }

    /// Waits until `done` holds of what was received; what was received.
    pub async fn until(&self, what: &str, done: impl Fn(&[Received]) -> bool) -> Vec<Received> {
        let wait = async {
            loop {
                let arrived = self.shared.arrived.notified();
                let got = self.got();
                if done(&got) {
                    return got;
                }
                arrived.await;
            }
        };
        match tokio::time::timeout(PATIENCE, wait).await {
            Ok(got) => got,
            Err(_) => panic!("waited in vain for {what}; received: {:#?}", self.got()),
        }
    }

    /// Waits until `who` has received `n` requests; those.
    pub async fn until_got(&self, who: &str, n: usize) -> Vec<Received> {
        self.until(&format!("{n} requests to {who}"), |got| {
            got.iter().filter(|r| r.path == who).count() >= n
        })
        .await;
        self.got_by(who)
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}

type ReceiverState = (Arc<Shared>, watch::Receiver<bool>);

async fn receive(
    State((shared, mut released)): State<ReceiverState>,
    Path(who): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let id = headers
        .get("x-oncall-delivery")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let delivery: Delivery = serde_json::from_slice(&body).unwrap();
    shared.got.lock().unwrap().push(Received {
        path: who.clone(),
        id,
        delivery,
    });
    shared.arrived.notify_waiters();
    let answer = shared
        .answers
        .lock()
        .unwrap()
        .get(&who)
        .copied()
        .unwrap_or(Answer::Accept);
    match answer {
        Answer::Accept => StatusCode::OK,
        Answer::Status(code) => StatusCode::from_u16(code).unwrap(),
        Answer::Hold => {
            let _ = released.wait_for(|r| *r).await;
            StatusCode::OK
        }
    }
}

/// Sends each delivery as JSON to its contact's `to`.
pub struct JsonSender {
    client: reqwest::Client,
}

impl JsonSender {
    pub fn new() -> Arc<JsonSender> {
        Arc::new(JsonSender {
            client: oncall::feed::http::client_builder().build().unwrap(),
        })
    }
}

impl Sender for JsonSender {
    fn send<'a>(&'a self, delivery: &'a Delivery) -> BoxFuture<'a, SendOutcome> {
        Box::pin(async move {
            let sent = self
                .client
                .post(&delivery.contact.to)
                .header("X-Oncall-Delivery", &delivery.id)
                .json(delivery)
                .send()
                .await;
            match sent {
                Ok(resp) if resp.status().is_success() => {
                    SendOutcome::delivered(resp.status().to_string())
                }
                Ok(resp) => {
                    let status = resp.status();
                    let code = status.as_u16();
                    let retry = code == 408 || code == 429 || status.is_server_error();
                    SendOutcome::failed(status.to_string(), retry)
                }
                Err(e) if e.is_connect() => SendOutcome::failed("connection refused", true),
                Err(e) => SendOutcome::failed(format!("no answer: {e}"), true),
            }
        })
    }
}

/// The responders of `support::hub` with contacts at `rx`: alice's
/// `alice-now` at once and `alice-later` 5 minutes in, bob's `bob`; carol
/// has none. db goes to alice, then bob after 15 minutes, then carol; the
/// channel `team` hears of opened, resolved and hand-offs; at or above high
/// pages, unanswered pages repeat every 10 minutes, acknowledgements time
/// out after 4 hours.
pub fn paged_config(rx: &Receiver) -> String {
    paged_config_split(rx, rx)
}

/// As [`paged_config`], alice's contacts at `alices` and the rest at `rx`.
pub fn paged_config_split(alices: &Receiver, rx: &Receiver) -> String {
    let contact = |url: String, after: &str| {
        format!(
            "[[hub.responders.contacts]]\nvia = \"webhook\"\nto = \"{url}\"\nafter = \"{after}\"\n"
        )
    };
    let mut text = String::new();
    for (name, token, contacts) in [
        (
            "alice",
            super::ALICE,
            contact(alices.url("alice-now"), "0m") + &contact(alices.url("alice-later"), "5m"),
        ),
        ("bob", super::BOB, contact(rx.url("bob"), "0m")),
        ("carol", super::CAROL, String::new()),
    ] {
        text.push_str(&format!(
            "[[hub.responders]]\nname = \"{name}\"\ntoken_sha256 = \"{}\"\n{contacts}",
            oncall::config::Sha256Hex::of(token).to_hex()
        ));
    }
    text.push_str(&format!(
        "[[hub.responders]]\nname = \"alertmanager\"\nrole = \"integration\"\ntoken_sha256 = \"{}\"\n",
        oncall::config::Sha256Hex::of(super::ALERTMANAGER).to_hex()
    ));
    text.push_str(&format!(
        r#"
[[hub.policies]]
services = ["db"]
[[hub.policies.levels]]
who = ["alice"]
after = "15m"
[[hub.policies.levels]]
who = ["bob"]
after = "15m"
[[hub.policies.levels]]
who = ["carol"]

[hub.notify]
public_url = "https://oncall.example.com"
secret_env = "ONCALL_NOTIFY_SECRET"
repeat = "10m"
ack_timeout = "4h"

[[hub.notify.channels]]
name = "team"
via = "webhook"
to = "{}"
events = ["opened", "resolved", "handoff"]
"#,
        rx.url("team")
    ));
    text
}

/// The hub config and paging of `text`, sending with a [`JsonSender`].
pub fn paging(text: &str) -> (oncall::config::HubConfig, oncall::hub::Pages) {
    let path = std::path::Path::new("pages-test.toml");
    let hub = match oncall::config::Config::parse(text, path) {
        Ok(config) => config.hub,
        Err(e) => panic!("{e}"),
    };
    let notify = hub
        .notify_settings(path, |_| Some("sixteen bytes or more of secret".into()))
        .unwrap();
    (hub, oncall::hub::Pages::new(notify, JsonSender::new()))
}

/// A hub paging through `rx` as [`paged_config`] says.
pub async fn paging_hub(rx: &Receiver) -> super::TestHub {
    let (config, pages) = paging(&paged_config(rx));
    super::TestHub::with_pages(config, pages).await
}

/// A critical incident of db, which pages alice.
pub fn critical(title: &str) -> oncall::incident::NewIncident {
    oncall::incident::NewIncident {
        severity: oncall::incident::Severity::Critical,
        ..super::incident(title)
    }
}

impl super::TestHub {
    /// Moves the clock on `by` and has the worker look at the queue.
    pub fn advance(&self, by: chrono::TimeDelta) {
        self.clock.advance(by);
        self.state().wake_deliveries();
    }

    /// Waits until incident `id`'s deliveries (those of no incident: the
    /// hand-offs') satisfy `done`; them.
    pub async fn until_deliveries(
        &self,
        id: Option<u64>,
        what: &str,
        done: impl Fn(&[DeliveryRecord]) -> bool,
    ) -> Vec<DeliveryRecord> {
        super::alertmanager::eventually(what, || async {
            let now = self
                .state()
                .deliveries(id)
                .await
                .map_err(|e| e.to_string())?;
            if done(&now) {
                Ok(now)
            } else {
                Err(format!("{now:#?}"))
            }
        })
        .await
    }

    /// Waits until incident `id`'s timeline has an entry `text`.
    pub async fn until_timeline(&self, id: u64, text: &str) -> oncall::incident::Incident {
        super::alertmanager::eventually(&format!("'{text}' on #{id}'s timeline"), || async {
            let incident = self.incident(id).await;
            if incident.timeline.iter().any(|e| e.text == text) {
                Ok(incident)
            } else {
                Err(format!("{:#?}", incident.timeline))
            }
        })
        .await
    }
}
