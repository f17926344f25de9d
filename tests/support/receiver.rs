//! A real HTTP receiver on 127.0.0.1 for pages: an axum server that records
//! every request (method, path, headers, body) and answers as the test says:
//! a status, or never (a slow receiver). `down_url` is an address nobody
//! listens on. Tests wait for what they expect with `requests(n)`, which
//! returns as soon as n requests arrived.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use tokio::sync::watch;

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
}

/// How the receiver answers the requests that follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// This status, with this body.
    Status(u16, String),
    /// Records the request and never answers.
    Never,
}

struct Shared {
    answer: Mutex<Answer>,
    requests: Mutex<Vec<Recorded>>,
    count: watch::Sender<usize>,
}

pub struct Receiver {
    pub base: String,
    shared: Arc<Shared>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl Receiver {
    /// Listens on a free port of 127.0.0.1, answering 200 with `{"ok":true}`.
    pub async fn start() -> Receiver {
        let (count, _) = watch::channel(0);
        let shared = Arc::new(Shared {
            answer: Mutex::new(Answer::Status(200, "{\"ok\":true}".into())),
            requests: Mutex::new(Vec::new()),
            count,
        });
        let app = Router::new().fallback(record).with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver {
            base,
            shared,
            server,
        }
    }

    /// The receiver's URL for `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// From now on, answer like this.
    pub fn answer(&self, answer: Answer) {
        *self.shared.answer.lock().unwrap() = answer;
    }

    /// Waits until at least `n` requests arrived and returns all of them.
    pub async fn requests(&self, n: usize) -> Vec<Recorded> {
        let mut count = self.shared.count.subscribe();
        // The borrow `wait_for` answers with is dropped at once: the
        // handler needs the value to count the next request.
        let arrived = tokio::time::timeout(PATIENCE, count.wait_for(|c| *c >= n))
            .await
            .is_ok_and(|r| r.is_ok());
        let got = self.recorded();
        assert!(
            arrived,
            "waited {PATIENCE:?} for {n} requests; got {}: {got:?}",
            got.len()
        );
        got
    }

    /// What arrived so far.
    pub fn recorded(&self) -> Vec<Recorded> {
        self.shared.requests.lock().unwrap().clone()
    }
}

async fn record(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    let recorded = Recorded {
        method: method.to_string(),
        path: uri.path().to_string(),
        headers: headers
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
            .collect(),
        body: body.to_vec(),
    };
    let answer = shared.answer.lock().unwrap().clone();
    shared.requests.lock().unwrap().push(recorded);
    shared.count.send_modify(|c| *c += 1);
    match answer {
        Answer::Status(status, body) => (StatusCode::from_u16(status).unwrap(), body),
        Answer::Never => std::future::pending().await,
    }
}

/// A URL on 127.0.0.1 where nothing listens: connections are refused.
pub fn down_url(path: &str) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}{path}")
}
