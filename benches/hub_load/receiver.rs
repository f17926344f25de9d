//! The far end of a page: an HTTP server on 127.0.0.1 standing in for a
//! responder's webhook (`POST /page`, as the hub sends it) and for
//! Alertmanager's webhook receiver (`POST /alertmanager`). It notes the
//! instant each page arrives, before anything else, so the bench can time a
//! page from the answer to the request that caused it; it checks each hub
//! page's signature after that, and counts what it got.
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use tokio::sync::oneshot;

/// What a page was for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Paged {
    /// The hub's incident, by id (its `opened` page).
    Incident(u64),
    /// Alertmanager's alert, by `alertname`.
    Alert(String),
}

impl fmt::Display for Paged {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Paged::Incident(id) => write!(f, "incident #{id}"),
            Paged::Alert(name) => write!(f, "alert {name}"),
        }
    }
}

/// A page that came before anyone asked for it, or someone waiting for one.
enum Slot {
    Arrived(Instant),
    Waiting(oneshot::Sender<Instant>),
}

/// What came in, counted.
#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    /// Requests to `/page`.
    pub hub_pages: usize,
    /// Of those, how many carried a wrong or no `X-Oncall-Signature`.
    pub unsigned: usize,
    /// Of those, how many repeated a delivery id already received.
    pub repeats: usize,
    /// Requests to `/alertmanager`.
    pub alertmanager_pages: usize,
}

#[derive(Default)]
struct Book {
    slots: HashMap<Paged, Slot>,
    deliveries: HashSet<String>,
    tally: Tally,
}

#[derive(Clone)]
struct Shared {
    book: Arc<Mutex<Book>>,
    secret: Arc<[u8]>,
}

impl Shared {
    fn book(&self) -> MutexGuard<'_, Book> {
        // A handler that panicked left the counts as they were: still usable.
        self.book.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// `paged` arrived `at`: to whoever waits for it, or kept for them. A
    /// repeat keeps the first arrival.
    fn arrived(&self, paged: Paged, at: Instant) {
        let mut book = self.book();
        match book.slots.remove(&paged) {
            Some(Slot::Waiting(tx)) => {
                let _ = tx.send(at);
            }
            Some(Slot::Arrived(first)) => {
                book.slots.insert(paged, Slot::Arrived(first));
            }
            None => {
                book.slots.insert(paged, Slot::Arrived(at));
            }
        }
    }
}

pub struct Receiver {
    shared: Shared,
    pub addr: SocketAddr,
    server: tokio::task::JoinHandle<()>,
}

impl Receiver {
    /// Listens on 127.0.0.1:`port` (0: any free port); hub pages are checked
    /// against `secret`.
    pub async fn start(port: u16, secret: &str) -> anyhow::Result<Receiver> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .with_context(|| format!("cannot listen on 127.0.0.1:{port} for pages"))?;
        let addr = listener.local_addr()?;
        let shared = Shared {
            book: Arc::default(),
            secret: Arc::from(secret.as_bytes()),
        };
        let app = Router::new()
            .route("/page", post(hub_page))
            .route("/alertmanager", post(alertmanager_page))
            .with_state(shared.clone());
        let server = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                eprintln!("the page receiver stopped: {e}");
            }
        });
        Ok(Receiver {
            shared,
            addr,
            server,
        })
    }

    /// When `paged` arrived: at once if it already has, or when it does,
    /// within `within`.
    pub async fn arrival(&self, paged: Paged, within: Duration) -> anyhow::Result<Instant> {
        let rx = {
            let mut book = self.shared.book();
            match book.slots.remove(&paged) {
                Some(Slot::Arrived(at)) => return Ok(at),
                Some(Slot::Waiting(_)) | None => {
                    let (tx, rx) = oneshot::channel();
                    book.slots.insert(paged.clone(), Slot::Waiting(tx));
                    rx
                }
            }
        };
        match tokio::time::timeout(within, rx).await {
            Ok(Ok(at)) => Ok(at),
            Ok(Err(_)) => anyhow::bail!("the page receiver stopped waiting for {paged}"),
            Err(_) => anyhow::bail!("no page for {paged} arrived within {within:?}"),
        }
    }

    pub fn tally(&self) -> Tally {
        self.shared.book().tally
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn hub_page(State(shared): State<Shared>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let at = Instant::now();
    let page: Value = serde_json::from_slice(&body).unwrap_or_default();
    let genuine = signed(&shared.secret, &headers, &body);
    let delivery = headers
        .get("x-oncall-delivery")
        .and_then(|d| d.to_str().ok())
        .unwrap_or_default()
        .to_string();
    {
        let mut book = shared.book();
        book.tally.hub_pages += 1;
        book.tally.unsigned += usize::from(!genuine);
        if !book.deliveries.insert(delivery) {
            book.tally.repeats += 1;
        }
    }
    if page["event"] == "opened"
        && let Some(id) = page["incident"]["id"].as_u64()
    {
        shared.arrived(Paged::Incident(id), at);
    }
    StatusCode::NO_CONTENT
}

async fn alertmanager_page(State(shared): State<Shared>, body: Bytes) -> StatusCode {
    let at = Instant::now();
    let page: Value = serde_json::from_slice(&body).unwrap_or_default();
    shared.book().tally.alertmanager_pages += 1;
    let firing = page["alerts"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|a| a["status"] == "firing");
    for alert in firing {
        if let Some(name) = alert["labels"]["alertname"].as_str() {
            shared.arrived(Paged::Alert(name.to_string()), at);
        }
    }
    StatusCode::OK
}

/// Whether `X-Oncall-Signature` is `sha256=` and the HMAC-SHA256 of `body`.
fn signed(secret: &[u8], headers: &HeaderMap, body: &[u8]) -> bool {
    let Some(hex_sig) = headers
        .get("x-oncall-signature")
        .and_then(|s| s.to_str().ok())
        .and_then(|s| s.strip_prefix("sha256="))
    else {
        return false;
    };
    let (Ok(sig), Ok(mut mac)) = (hex::decode(hex_sig), Hmac::<Sha256>::new_from_slice(secret))
    else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&sig).is_ok()
}
