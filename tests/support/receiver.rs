//! A real HTTP receiver on 127.0.0.1 for pages: an axum server that records
//! every request (method, path, headers, body) and answers as the test says,
//! for every path or for one: a status, or nothing until released (a slow
//! receiver). It can start down (an address nobody listens on yet) and come
//! up there later. Tests wait for what they expect with `requests(n)`, which
//! returns as soon as n requests arrived.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How long a test waits for requests to arrive; it bounds a wait and
/// measures nothing.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// One request as it arrived.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    /// Header names in lower case.
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).unwrap()
    }

    /// The path's last segment: in the paging tests, whose contact it was.
    pub fn who(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or_default()
    }
}

/// How the receiver answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// This status, with `{"ok":true}` for a 2xx and nothing otherwise.
    Status(u16),
    /// This status, with this body.
    Body(u16, String),
    /// Records the request and answers nothing until [`Receiver::release`],
    /// then 200.
    Hold,
}

struct Shared {
    /// For paths without an answer of their own.
    answer: Mutex<Answer>,
    by_path: Mutex<HashMap<String, Answer>>,
    requests: Mutex<Vec<Recorded>>,
    count: watch::Sender<usize>,
}

pub struct Receiver {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    release: watch::Sender<bool>,
    server: Option<JoinHandle<()>>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}

impl Receiver {
    /// Listens on a free port of 127.0.0.1, answering 200 with `{"ok":true}`.
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
            shared: Arc::new(Shared {
                answer: Mutex::new(Answer::Status(200)),
                by_path: Mutex::default(),
                requests: Mutex::default(),
                count: watch::channel(0).0,
            }),
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
            .fallback(record)
            .with_state((self.shared.clone(), self.release.subscribe()));
        self.server = Some(tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        }));
    }

    /// The receiver's URL for `path` (with or without its leading `/`).
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, rooted(path))
    }

    /// From now on, answer every path without an answer of its own so.
    pub fn answer(&self, answer: Answer) {
        *self.shared.answer.lock().unwrap() = answer;
    }

    /// From now on, answer requests to `path` so.
    pub fn answer_on(&self, path: &str, answer: Answer) {
        self.shared
            .by_path
            .lock()
            .unwrap()
            .insert(rooted(path), answer);
    }

    /// Answers every request held, and those to come on held paths, 200.
    pub fn release(&self) {
        self.release.send_replace(true);
    }

    /// Waits until at least `n` requests arrived and returns all of them.
    pub async fn requests(&self, n: usize) -> Vec<Recorded> {
        self.until(&format!("{n} requests"), |got| got.len() >= n)
            .await
    }

    /// Waits until `done` holds of what arrived; all of it.
    pub async fn until(&self, what: &str, done: impl Fn(&[Recorded]) -> bool) -> Vec<Recorded> {
        let mut count = self.shared.count.subscribe();
        // The borrow `wait_for` answers with is dropped at once: the
        // handler needs the value to count the next request.
        let arrived = tokio::time::timeout(PATIENCE, count.wait_for(|_| done(&self.recorded())))
            .await
            .is_ok_and(|r| r.is_ok());
        let got = self.recorded();
        assert!(arrived, "waited {PATIENCE:?} for {what}; got {got:#?}");
        got
    }

    /// What arrived so far, in order.
    pub fn recorded(&self) -> Vec<Recorded> {
        self.shared.requests.lock().unwrap().clone()
    }
}

fn rooted(path: &str) -> String {
    format!("/{}", path.trim_start_matches('/'))
}

type ReceiverState = (Arc<Shared>, watch::Receiver<bool>);

async fn record(
    State((shared, mut released)): State<ReceiverState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    let path = uri.path().to_string();
    let answer = match shared.by_path.lock().unwrap().get(&path) {
        Some(answer) => answer.clone(),
        None => shared.answer.lock().unwrap().clone(),
    };
    let recorded = Recorded {
        method: method.to_string(),
        path,
        headers: headers
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
            .collect(),
        body: body.to_vec(),
    };
    shared.requests.lock().unwrap().push(recorded);
    shared.count.send_modify(|c| *c += 1);
    let (status, body) = match answer {
        Answer::Status(status) if (200..300).contains(&status) => (status, "{\"ok\":true}".into()),
        Answer::Status(status) => (status, String::new()),
        Answer::Body(status, body) => (status, body),
        Answer::Hold => {
            let _ = released.wait_for(|r| *r).await;
            (200, "{\"ok\":true}".into())
        }
    };
    (StatusCode::from_u16(status).unwrap(), body)
}

/// A URL on 127.0.0.1 where nothing listens: connections are refused.
pub fn down_url(path: &str) -> String {
    Receiver::down().url(path)
}
