//! Pages over real sockets: the receiver of `support::receiver` read as the
//! queue's deliveries, and a sender that POSTs each delivery to its
//! contact's URL as JSON, with its id in `X-Oncall-Delivery`, judging the
//! answer the way the hub's real senders do (5xx, 408, 429 and no answer are
//! worth another try, another 4xx is not). The hub's own formats are tested
//! with the notify code; these tests are about the queue, so the message is
//! the delivery.

use std::sync::Arc;

use futures::future::BoxFuture;
use oncall::hub::deliveries::{Delivery, DeliveryRecord, SendOutcome, Sender};

pub use super::receiver::{Answer, PATIENCE, Receiver};
use super::team::{Person, policy, responders};

/// One delivery as it arrived.
#[derive(Debug, Clone)]
pub struct Received {
    /// The path's last segment: who the contact was.
    pub path: String,
    /// The `X-Oncall-Delivery` header.
    pub id: String,
    pub delivery: Delivery,
}

impl Receiver {
    /// Every delivery received so far, in order.
    pub fn got(&self) -> Vec<Received> {
        self.recorded().iter().map(received).collect()
    }

    /// What reached `who`.
    pub fn got_by(&self, who: &str) -> Vec<Received> {
        self.got().into_iter().filter(|r| r.path == who).collect()
    }

    /// Waits until `done` holds of the deliveries received; them.
    pub async fn until_got_all(
        &self,
        what: &str,
        done: impl Fn(&[Received]) -> bool,
    ) -> Vec<Received> {
        let got = self
            .until(what, |got| {
                done(&got.iter().map(received).collect::<Vec<_>>())
            })
            .await;
        got.iter().map(received).collect()
    }

    /// Waits until `who` has received `n` deliveries; those.
    pub async fn until_got(&self, who: &str, n: usize) -> Vec<Received> {
        self.until(&format!("{n} requests to {who}"), |got| {
            got.iter().filter(|r| r.who() == who).count() >= n
        })
        .await;
        self.got_by(who)
    }
}

fn received(r: &super::receiver::Recorded) -> Received {
    Received {
        path: r.who().to_string(),
        id: r
            .header("x-oncall-delivery")
            .unwrap_or_default()
            .to_string(),
        delivery: serde_json::from_slice(&r.body).unwrap(),
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
                    SendOutcome::accepted(resp.status().to_string())
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
/// channel `team` hears of opened, resolved, hand-offs and status updates;
/// at or above high pages, unanswered pages repeat every 10 minutes,
/// acknowledgements time out after 4 hours.
pub fn paged_config(rx: &Receiver) -> String {
    paged_config_split(rx, rx)
}

/// As [`paged_config`], alice's contacts at `alices` and the rest at `rx`.
pub fn paged_config_split(alices: &Receiver, rx: &Receiver) -> String {
    let people = [
        Person::new("alice", super::ALICE)
            .paged_at(alices.url("alice-now"), "0m")
            .paged_at(alices.url("alice-later"), "5m"),
        Person::new("bob", super::BOB).paged_at(rx.url("bob"), "0m"),
        Person::new("carol", super::CAROL),
    ];
    let levels = [
        ("alice", Some("15m")),
        ("bob", Some("15m")),
        ("carol", None),
    ];
    responders(&people)
        + &policy(&["db"], &levels)
        + &notify_table("repeat = \"10m\"\nack_timeout = \"4h\"\n")
        + &format!(
            r#"
[[hub.notify.channels]]
name = "team"
via = "webhook"
to = "{}"
events = ["opened", "resolved", "handoff", "status"]
"#,
            rx.url("team")
        )
}

/// `[hub.notify]` as [`paging`] reads it (it supplies the secret), with
/// `more` of its keys.
pub fn notify_table(more: &str) -> String {
    format!(
        "\n[hub.notify]\npublic_url = \"https://oncall.example.com\"\nsecret_env = \"ONCALL_NOTIFY_SECRET\"\n{more}"
    )
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
pub async fn paging_hub(backend: super::Backend, rx: &Receiver) -> super::TestHub {
    let (config, pages) = paging(&paged_config(rx));
    super::TestHub::with_pages_on(backend, config, pages).await
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

    /// Whether nothing was ever queued to page for incident `id`.
    pub async fn never_paged(&self, id: u64) -> bool {
        self.state().deliveries(Some(id)).await.unwrap().is_empty()
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
