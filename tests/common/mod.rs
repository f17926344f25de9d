//! A real hub on a temporary SQLite file, and a client that talks to it over
//! loopback.
#![allow(dead_code)] // each test binary uses its own part of this

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use oncall::config::{HubConfig, ResponderConfig, Sha256Hex};
use oncall::hub::{self, HubSettings, ManualClock, RunningHub};
use oncall::incident::{ErrorBody, Incident, NewIncident, Opened};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;
use tempfile::TempDir;

pub const ALICE: &str = "oc_alice_test_token";
pub const BOB: &str = "oc_bob_test_token";
/// The token an Alertmanager's webhook sends as its bearer credentials.
pub const ALERTMANAGER: &str = "oc_alertmanager_test_token";

pub struct TestHub {
    pub dir: TempDir,
    pub db: PathBuf,
    pub clock: Arc<ManualClock>,
    pub client: reqwest::Client,
    pub base: String,
    hub: Option<RunningHub>,
}

pub fn start_time() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T08:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn settings(db: PathBuf, clock: Arc<ManualClock>) -> HubSettings {
    let responder = |name: &str, token: &str| ResponderConfig {
        name: name.to_string(),
        token_sha256: Sha256Hex::of(token),
    };
    HubSettings {
        db,
        config: HubConfig {
            responders: vec![
                responder("alice", ALICE),
                responder("bob", BOB),
                responder("alertmanager", ALERTMANAGER),
            ],
            ..HubConfig::default()
        },
        clock,
    }
}

impl TestHub {
    pub async fn start() -> TestHub {
        let dir = TempDir::new().unwrap();
        let db = dir.path().join("hub.db");
        let clock = Arc::new(ManualClock::new(start_time()));
        let running = hub::start(
            "127.0.0.1:0".parse().unwrap(),
            settings(db.clone(), clock.clone()),
        )
        .await
        .unwrap();
        TestHub {
            base: format!("http://{}", running.addr),
            hub: Some(running),
            dir,
            db,
            clock,
            client: reqwest::Client::new(),
        }
    }

    /// Stops the hub and starts a new one on the same database file.
    pub async fn restart(&mut self) {
        if let Some(running) = self.hub.take() {
            running.shutdown().await;
        }
        let running = hub::start(
            "127.0.0.1:0".parse().unwrap(),
            settings(self.db.clone(), self.clock.clone()),
        )
        .await
        .unwrap();
        self.base = format!("http://{}", running.addr);
        self.client = reqwest::Client::new();
        self.hub = Some(running);
    }

    pub async fn stop(mut self) {
        if let Some(running) = self.hub.take() {
            running.shutdown().await;
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn request(&self, method: Method, token: &str, path: &str) -> RequestBuilder {
        self.client
            .request(method, self.url(path))
            .bearer_auth(token)
    }

    pub async fn get(&self, token: &str, path: &str) -> Response {
        self.request(Method::GET, token, path).send().await.unwrap()
    }

    pub async fn post<B: serde::Serialize>(&self, token: &str, path: &str, body: &B) -> Response {
        self.request(Method::POST, token, path)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// Posts `new` and expects it to open (201) a new incident.
    pub async fn open(&self, new: &NewIncident) -> Incident {
        let resp = self.post(ALICE, "/api/v1/incidents", new).await;
        let opened: Opened = expect(resp, StatusCode::CREATED).await;
        assert!(!opened.folded);
        opened.incident
    }

    pub async fn incident(&self, id: u64) -> Incident {
        expect(
            self.get(ALICE, &format!("/api/v1/incidents/{id}")).await,
            StatusCode::OK,
        )
        .await
    }
}

pub fn incident(title: &str) -> NewIncident {
    NewIncident {
        title: title.to_string(),
        service: "db".to_string(),
        ..NewIncident::default()
    }
}

/// The body of `resp`, after checking its status.
pub async fn expect<T: DeserializeOwned>(resp: Response, status: StatusCode) -> T {
    let got = resp.status();
    let text = resp.text().await.unwrap();
    assert_eq!(got, status, "body: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// The JSON error of `resp`, after checking its status and code.
pub async fn expect_error(resp: Response, status: StatusCode, code: &str) -> ErrorBody {
    let content_type = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert!(
        content_type.starts_with("application/json"),
        "content type {content_type:?}"
    );
    let body: ErrorBody = expect(resp, status).await;
    assert_eq!(body.code, code, "{body:?}");
    assert!(!body.error.is_empty());
    body
}

impl TestHub {
    pub fn clock_now(&self) -> DateTime<Utc> {
        use oncall::hub::Clock;
        self.clock.now()
    }
}
