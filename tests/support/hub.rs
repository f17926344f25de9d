//! A real hub on a temporary SQLite file (or a PostgreSQL database of its
//! own, `support::postgres`), and a client that talks to it over loopback.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use oncall::config::{HubConfig, ResponderConfig, Role, Sha256Hex};
use oncall::hub::{self, DbTarget, HubSettings, ManualClock, Pages, RunningHub};
use oncall::incident::{ErrorBody, Incident, NewIncident, Opened};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;
use tempfile::TempDir;

use super::postgres::Database;

pub const ALICE: &str = "oc_alice_test_token";
pub const BOB: &str = "oc_bob_test_token";
pub const CAROL: &str = "oc_carol_test_token";
pub const DAVE: &str = "oc_dave_test_token";
pub const ERIN: &str = "oc_erin_test_token";
/// The token an Alertmanager's webhook sends as its bearer credentials.
pub const ALERTMANAGER: &str = "oc_alertmanager_test_token";

/// The store a test hub runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file in the hub's temporary directory.
    Sqlite,
    /// A new database of its own on the run's PostgreSQL cluster
    /// (`support::postgres`).
    Postgres,
}

pub struct TestHub {
    pub dir: TempDir,
    /// The SQLite file (on PostgreSQL, a path where nothing is).
    pub db: PathBuf,
    /// The database the hub serves, whichever store it is.
    pub target: DbTarget,
    /// The PostgreSQL database, on that store.
    pub postgres: Option<Database>,
    pub clock: Arc<ManualClock>,
    pub client: reqwest::Client,
    pub base: String,
    config: HubConfig,
    pages: Pages,
    hub: Option<RunningHub>,
}

pub fn start_time() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T08:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

pub fn responder(name: &str, token: &str) -> ResponderConfig {
    ResponderConfig::new(name, Sha256Hex::of(token))
}

/// A token that may only send events (`role = "integration"`).
pub fn integration(name: &str, token: &str) -> ResponderConfig {
    ResponderConfig {
        role: Role::Integration,
        ..responder(name, token)
    }
}

/// alice and bob, and the integration token an Alertmanager's webhook
/// sends, with no rota and no policies: what `TestHub::start` runs.
pub fn two_responders() -> HubConfig {
    HubConfig {
        responders: vec![
            responder("alice", ALICE),
            responder("bob", BOB),
            integration("alertmanager", ALERTMANAGER),
        ],
        ..HubConfig::default()
    }
}

/// alice, bob, carol, dave and erin, each with the token of that name.
pub fn five_responders() -> Vec<ResponderConfig> {
    vec![
        responder("alice", ALICE),
        responder("bob", BOB),
        responder("carol", CAROL),
        responder("dave", DAVE),
        responder("erin", ERIN),
    ]
}

// The escalation timers are left to the tests, which run a pass after moving
// the clock, so that nothing escalates behind their back.
fn settings(db: DbTarget, config: HubConfig, clock: Arc<ManualClock>, pages: Pages) -> HubSettings {
    HubSettings {
        db,
        config,
        clock,
        escalation_tick: None,
        pages,
    }
}

impl TestHub {
    pub async fn start() -> TestHub {
        TestHub::with_config(two_responders()).await
    }

    /// A hub with `config`, its clock at `start_time()`.
    pub async fn with_config(config: HubConfig) -> TestHub {
        TestHub::with_pages(config, Pages::off()).await
    }

    /// A hub with `config` that pages with `pages`, its clock at `start_time()`.
    pub async fn with_pages(config: HubConfig, pages: Pages) -> TestHub {
        TestHub::with_pages_on(Backend::Sqlite, config, pages).await
    }

    /// A hub with `config` on `backend`, its clock at `start_time()`.
    pub async fn start_on(backend: Backend, config: HubConfig) -> TestHub {
        TestHub::with_pages_on(backend, config, Pages::off()).await
    }

    /// A hub with `config` on `backend` that pages with `pages`, its clock at
    /// `start_time()`.
    pub async fn with_pages_on(backend: Backend, config: HubConfig, pages: Pages) -> TestHub {
        let dir = TempDir::new().unwrap();
        let db = dir.path().join("hub.db");
        let postgres = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => Some(Database::create().await),
        };
        let target = match &postgres {
            Some(database) => database.target(),
            None => DbTarget::Sqlite(db.clone()),
        };
        let clock = Arc::new(ManualClock::new(start_time()));
        TestHub::serve(dir, db, target, postgres, clock, config, pages).await
    }

    /// Another hub on this one's database (PostgreSQL: several hubs may
    /// share one), with the same config, pages and clock, on its own port.
    pub async fn beside(&self) -> TestHub {
        assert!(
            self.postgres.is_some(),
            "only hubs on PostgreSQL share a database"
        );
        let dir = TempDir::new().unwrap();
        let db = dir.path().join("hub.db");
        let postgres = self.postgres.clone();
        TestHub::serve(
            dir,
            db,
            self.target.clone(),
            postgres,
            self.clock.clone(),
            self.config.clone(),
            self.pages.clone(),
        )
        .await
    }

    async fn serve(
        dir: TempDir,
        db: PathBuf,
        target: DbTarget,
        postgres: Option<Database>,
        clock: Arc<ManualClock>,
        config: HubConfig,
        pages: Pages,
    ) -> TestHub {
        let running = hub::start(
            "127.0.0.1:0".parse().unwrap(),
            settings(target.clone(), config.clone(), clock.clone(), pages.clone()),
        )
        .await
        .unwrap();
        TestHub {
            base: format!("http://{}", running.addr),
            hub: Some(running),
            dir,
            db,
            target,
            postgres,
            clock,
            config,
            pages,
            client: oncall::feed::http::client_builder().build().unwrap(),
        }
    }

    /// The backend this hub runs on.
    pub fn backend(&self) -> Backend {
        match self.postgres {
            Some(_) => Backend::Postgres,
            None => Backend::Sqlite,
        }
    }

    /// The running hub's state.
    pub fn state(&self) -> &oncall::hub::HubState {
        self.hub.as_ref().expect("the hub is running").state()
    }

    /// Stops the hub the way a crash would: nothing is waited for, and
    /// what was being sent is cut off mid-way.
    pub fn crash(&mut self) {
        drop(self.hub.take());
    }

    /// One pass of the hub's escalation timers at the clock's now.
    pub async fn escalate_overdue(&self) -> Vec<u64> {
        let running = self.hub.as_ref().expect("the hub is running");
        running.state().escalate_overdue().await.unwrap()
    }

    fn settings(&self) -> HubSettings {
        settings(
            self.target.clone(),
            self.config.clone(),
            self.clock.clone(),
            self.pages.clone(),
        )
    }

    /// Stops the hub and starts a new one on the same database file.
    pub async fn restart(&mut self) {
        if let Some(running) = self.hub.take() {
            running.shutdown().await;
        }
        let running = hub::start("127.0.0.1:0".parse().unwrap(), self.settings())
            .await
            .unwrap();
        self.base = format!("http://{}", running.addr);
        self.client = oncall::feed::http::client_builder().build().unwrap();
        self.hub = Some(running);
    }

    /// Stops the hub and starts a new one on the same database file with
    /// `config` (a config changed between runs).
    pub async fn restart_with(&mut self, config: HubConfig) {
        self.config = config;
        self.restart().await;
    }

    /// Stops the hub, keeping its address and database for `resume`.
    pub async fn pause(&mut self) {
        if let Some(running) = self.hub.take() {
            running.shutdown().await;
        }
    }

    /// Starts the hub again on the same address and database.
    pub async fn resume(&mut self) {
        let addr: std::net::SocketAddr = self.base.trim_start_matches("http://").parse().unwrap();
        let running = hub::start(addr, self.settings()).await.unwrap();
        self.hub = Some(running);
    }

    /// Stops the hub and starts it again at the same address on a new
    /// database in which `titles` were opened first: another database put in
    /// place while it was down, its cursor already past the old one's.
    pub async fn replace_database(&mut self, titles: &[&str]) {
        self.pause().await;
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.db.display()));
        }
        if self.postgres.is_some() {
            let database = Database::create().await;
            self.target = database.target();
            self.postgres = Some(database);
        }
        let address = self.base.clone();
        self.restart().await;
        for title in titles {
            self.open(&incident(title)).await;
        }
        self.pause().await;
        self.base = address;
        self.resume().await;
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

    /// `POST /api/v1/incidents/{id}/{action}` (acknowledge, escalate,
    /// resolve, notes, steps) as `token`'s responder.
    pub async fn act<B: serde::Serialize>(
        &self,
        token: &str,
        id: u64,
        action: &str,
        body: &B,
    ) -> Response {
        self.post(token, &format!("/api/v1/incidents/{id}/{action}"), body)
            .await
    }

    /// The same, expecting the changed incident back with `200 OK`.
    pub async fn acted<B: serde::Serialize>(
        &self,
        token: &str,
        id: u64,
        action: &str,
        body: &B,
    ) -> Incident {
        expect(self.act(token, id, action, body).await, StatusCode::OK).await
    }

    /// Posts `new` and expects it to open (201) a new incident.
    pub async fn open(&self, new: &NewIncident) -> Incident {
        let resp = self.post(ALICE, "/api/v1/incidents", new).await;
        let opened: Opened = expect(resp, StatusCode::CREATED).await;
        assert!(!opened.folded);
        opened.incident
    }

    /// The client a console of `token`'s responder talks to this hub with.
    pub fn hub_client(&self, token: &str) -> oncall::feed::HubClient {
        let timeout = std::time::Duration::from_secs(5);
        oncall::feed::HubClient::new(&self.base, token.into(), "ONCALL_TOKEN", timeout).unwrap()
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

/// The team of the rota tests, as a checked config file would give it:
/// alice, bob and carol take 12h shifts from `start_time()` (alice 08-20,
/// bob 20-08, carol 08-20 the next day, ...), dave covers 10:00-14:00 on the
/// 24th; db and postgres escalate on-call (15m) -> dave (30m) -> erin,
/// payments go to erin first, and everything else on-call -> carol.
pub const ROTA_CONFIG: &str = r#"
[hub.rota]
responders = ["alice", "bob", "carol"]
shift = "12h"
start = "2026-11-23T08:00:00Z"

[[hub.rota.overrides]]
start = "2026-11-24T10:00:00Z"
end = "2026-11-24T14:00:00Z"
responder = "dave"

[[hub.policies]]
services = ["db", "postgres"]
[[hub.policies.levels]]
name = "1st line"
who = "on-call"
after = "15m"
[[hub.policies.levels]]
name = "2nd line"
who = ["dave"]
after = "30m"
[[hub.policies.levels]]
name = "3rd line"
who = ["erin"]

[[hub.policies]]
services = ["payments"]
[[hub.policies.levels]]
who = ["erin", "dave"]
[[hub.policies.levels]]
who = "on-call"

[[hub.policies]]
services = ["*"]
[[hub.policies.levels]]
who = "on-call"
[[hub.policies.levels]]
who = ["carol"]
"#;

/// The five responders and `rest`, read and checked like a config file.
pub fn hub_config(rest: &str) -> HubConfig {
    let mut text = String::new();
    for r in five_responders() {
        text.push_str(&format!(
            "[[hub.responders]]\nname = \"{}\"\ntoken_sha256 = \"{}\"\n",
            r.name,
            r.token_sha256.to_hex()
        ));
    }
    text.push_str(rest);
    match oncall::config::Config::parse(&text, std::path::Path::new("rota-test.toml")) {
        Ok(config) => config.hub,
        Err(e) => panic!("{e}"),
    }
}

pub fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

impl TestHub {
    /// Sets the hub's clock.
    pub fn set_time(&self, s: &str) {
        self.clock.set(at(s));
    }

    /// Opens an incident of `service` as alice.
    pub async fn open_for(&self, service: &str, title: &str) -> Incident {
        self.open(&NewIncident {
            service: service.to_string(),
            ..incident(title)
        })
        .await
    }

    /// `GET /api/v1/oncall`.
    pub async fn oncall(&self) -> oncall::incident::OnCall {
        expect(self.get(ALICE, "/api/v1/oncall").await, StatusCode::OK).await
    }
}
