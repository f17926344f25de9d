//! The console's HTTP client for the hub's API (docs/api.md). Every answer is checked and cleaned here, so the rest of the
//! console only ever sees well-formed, inert incidents.
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, ETAG, IF_NONE_MATCH};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::failover::{self, Rotation};
use crate::incident::{
    AckRequest, AssignRequest, ErrorBody, EscalateRequest, HelpRequest, INCIDENT_MANAGER, Incident,
    IncidentList, NewIncident, NoteRequest, Opened, ResolveRequest, RoleRequest, SnoozeLength,
    SnoozeRequest, StatusUpdateRequest, StepRequest, TAKEN_AT_HEADER, UnacknowledgeRequest,
};
use crate::sanitize;

/// An action of the outbox on its way: the Idempotency-Key it always goes
/// with, and when the responder took it.
#[derive(Debug, Clone, Copy)]
pub struct Sending<'a> {
    pub key: &'a str,
    pub taken_at: chrono::DateTime<chrono::Utc>,
}

/// Why a request to the feed did not give an answer we could use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedError {
    #[error("cannot reach {0}")]
    Unreachable(String),
    #[error("no answer within {0}s")]
    Timeout(u64),
    #[error("the token was refused (401): check the token in ${0}")]
    Unauthorized(String),
    #[error("the feed failed ({status}): {message}")]
    Server { status: u16, message: String },
    #[error("the answer was not what the feed sends: {0}")]
    Garbage(String),
    /// The hub understood and said no (404, 409, 400...). `incident` is the
    /// current state when the hub sends it (409).
    #[error("{message}")]
    Rejected {
        status: u16,
        code: String,
        message: String,
        incident: Option<Box<Incident>>,
    },
    #[error("{0}")]
    NotConfigured(String),
    /// The feed cannot do this at all (escalate on an Alertmanager feed);
    /// the message says what would.
    #[error("{0}")]
    Unsupported(String),
}

impl FeedError {
    /// Whether trying again later may work (the action should be kept).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            FeedError::Unreachable(_) | FeedError::Timeout(_) | FeedError::Server { .. }
        )
    }
}

/// What a poll of the list found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListOutcome {
    /// 304: nothing changed since the ETag we sent.
    Unchanged,
    Changed {
        list: IncidentList,
        etag: Option<String>,
        /// The hub's database, when the feed names it: its cursor means
        /// something only there.
        hub: Option<String>,
    },
}

/// One change a responder asks of an incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    Acknowledge {
        version: Option<u64>,
    },
    Escalate {
        note: Option<String>,
    },
    Resolve {
        note: Option<String>,
    },
    Note {
        text: String,
    },
    Step {
        runbook: String,
        step: u32,
        done: bool,
        text: Option<String>,
    },
    /// Squash the incident's alert: quiet what matches `matchers` until
    /// `until`, for `reason`.
    Squash {
        matchers: std::collections::BTreeMap<String, String>,
        until: chrono::DateTime<chrono::Utc>,
        reason: String,
    },
    /// Give it to `to`; to the responder themselves, take it over.
    Assign {
        to: String,
    },
    /// Give it back: triggered again, paged by its policy.
    Unacknowledge,
    /// Snooze it for `length` as written ("30m", "90s").
    Snooze {
        length: String,
    },
    /// Ask `who` to help, saying why.
    AskHelp {
        who: String,
        note: Option<String>,
    },
    /// Declare it major with `who` as incident manager; `force` names them
    /// though they own or help fix it.
    SetManager {
        who: String,
        force: bool,
    },
    /// Tell stakeholders how it goes: the incident's latest status update.
    StatusUpdate {
        text: String,
    },
    /// Add a follow-up to the incident: `text`, for `owner`, due at `due`.
    AddFollowup {
        text: String,
        owner: String,
        due: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// Close follow-up `followup` (of the incident) as done or dropped.
    CloseFollowup {
        followup: u64,
        status: crate::incident::FollowupStatus,
        note: Option<String>,
    },
}

impl Action {
    pub fn verb(&self) -> &'static str {
        match self {
            Action::Acknowledge { .. } => "acknowledge",
            Action::Escalate { .. } => "escalate",
            Action::Resolve { .. } => "resolve",
            Action::Note { .. } => "note",
            Action::Step { done: true, .. } => "tick",
            Action::Step { done: false, .. } => "untick",
            Action::Squash { .. } => "squash",
            Action::Assign { .. } => "assign",
            Action::Unacknowledge => "give back",
            Action::Snooze { .. } => "snooze",
            Action::AskHelp { .. } => "ask for help",
            Action::SetManager { .. } => "name the incident manager",
            Action::StatusUpdate { .. } => "post a status update",
            Action::AddFollowup { .. } => "add a follow-up",
            Action::CloseFollowup { .. } => "close a follow-up",
        }
    }

    /// Whether it changes who holds the incident or who else is on it
    /// (ownership and roles).
    pub fn is_ownership(&self) -> bool {
        matches!(
            self,
            Action::Assign { .. }
                | Action::Unacknowledge
                | Action::Snooze { .. }
                | Action::AskHelp { .. }
                | Action::SetManager { .. }
                | Action::StatusUpdate { .. }
        )
    }
}

/// The client of one hub, or of several on one database (`urls = [...]`):
/// every request goes to the hub that answered last and, when that one does
/// not answer, to the next (failover.rs).
#[derive(Debug, Clone)]
pub struct HubClient {
    http: reqwest::Client,
    /// One or more, in the order the config lists them.
    bases: Vec<String>,
    rotation: Rotation,
    token: String,
    token_env: String,
    timeout: Duration,
}

impl HubClient {
    /// `base` is the hub's URL (`http://host:port`); `token_env` only names
    /// where the token came from, for error messages.
    pub fn new(
        base: &str,
        token: String,
        token_env: &str,
        timeout: Duration,
    ) -> Result<HubClient, FeedError> {
        HubClient::failover(&[base], token, token_env, timeout)
    }

    /// A client of several hubs on one database, asked in this order.
    pub fn failover(
        bases: &[&str],
        token: String,
        token_env: &str,
        timeout: Duration,
    ) -> Result<HubClient, FeedError> {
        if bases.is_empty() {
            return Err(FeedError::NotConfigured("the feed has no URL".to_string()));
        }
        let http = super::http::client_builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .user_agent(concat!("oncall/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| FeedError::NotConfigured(format!("cannot build an HTTP client: {e}")))?;
        Ok(HubClient {
            http,
            bases: bases
                .iter()
                .map(|b| b.trim_end_matches('/').to_string())
                .collect(),
            rotation: Rotation::new(bases.len()),
            token,
            token_env: token_env.to_string(),
            timeout,
        })
    }

    /// The first hub's URL: what the feed is known by (its cache and outbox
    /// on disk), whichever hub answers.
    pub fn base(&self) -> &str {
        self.bases.first().map_or("", String::as_str)
    }

    /// The URL of the hub asked first now: the one that answered last.
    pub fn answering(&self) -> &str {
        self.bases
            .get(self.rotation.current())
            .map_or_else(|| self.base(), String::as_str)
    }

    /// How many hubs the feed lists.
    pub fn hubs(&self) -> usize {
        self.bases.len()
    }

    /// Runs `attempt` against each hub in turn, from the one that answered
    /// last, until one answers (even with a refusal: that is its answer).
    /// When none does, the last failure, naming every hub tried.
    async fn each_hub<'a, T, F, Fut>(&'a self, attempt: F) -> Result<T, FeedError>
    where
        F: Fn(&'a str) -> Fut,
        Fut: std::future::Future<Output = Result<T, FeedError>>,
    {
        let mut last = None;
        for i in self.rotation.order() {
            let Some(base) = self.bases.get(i) else {
                continue;
            };
            match attempt(base).await {
                Err(e) if failover::ask_next(&e) => {
                    if self.bases.len() > 1 {
                        tracing::warn!("{}: {e}; asking the next hub", failover::host_of(base));
                    }
                    last = Some(e);
                }
                answer => {
                    self.rotation.answered(i);
                    return answer;
                }
            }
        }
        Err(match last {
            Some(FeedError::Unreachable(_)) if self.bases.len() > 1 => {
                let hosts: Vec<String> = self.bases.iter().map(|b| failover::host_of(b)).collect();
                FeedError::Unreachable(format!("any of {}", hosts.join(", ")))
            }
            Some(e) => e,
            None => FeedError::NotConfigured("the feed has no URL".to_string()),
        })
    }

    /// `GET /api/v1/incidents`: everything open, or what changed since `since`
    /// (resolved ones included, so the console learns of resolutions).
    pub async fn list(
        &self,
        since: Option<u64>,
        etag: Option<&str>,
    ) -> Result<ListOutcome, FeedError> {
        self.each_hub(|base| self.list_at(base, since, etag)).await
    }

    async fn list_at(
        &self,
        base: &str,
        since: Option<u64>,
        etag: Option<&str>,
    ) -> Result<ListOutcome, FeedError> {
        let url = match since {
            Some(cursor) => format!("{base}/api/v1/incidents?status=all&since={cursor}"),
            None => format!("{base}/api/v1/incidents?status=open"),
        };
        let mut req = self.http.get(&url).header(AUTHORIZATION, self.bearer());
        if let Some(tag) = etag {
            req = req.header(IF_NONE_MATCH, tag);
        }
        let resp = req.send().await.map_err(|e| self.transport(base, e))?;
        if resp.status() == StatusCode::NOT_MODIFIED {
            return Ok(ListOutcome::Unchanged);
        }
        let header = |name| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let etag = header(ETAG.as_str());
        let hub = header(crate::hub::HUB_ID_HEADER);
        let mut list: IncidentList = self.decode(base, resp).await?;
        list.incidents.iter_mut().for_each(sanitize::incident);
        Ok(ListOutcome::Changed { list, etag, hub })
    }

    /// `GET /api/v1/incidents/{id}`, with its timeline.
    pub async fn get(&self, id: u64) -> Result<Incident, FeedError> {
        let mut inc: Incident = self.get_json(&format!("/api/v1/incidents/{id}")).await?;
        sanitize::incident(&mut inc);
        Ok(inc)
    }

    /// GETs `path` (from the base URL) and decodes the JSON answer.
    pub(crate) async fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, FeedError> {
        self.each_hub(|base| async move {
            let resp = self
                .http
                .get(format!("{base}{path}"))
                .header(AUTHORIZATION, self.bearer())
                .send()
                .await
                .map_err(|e| self.transport(base, e))?;
            self.decode(base, resp).await
        })
        .await
    }

    /// `POST /api/v1/incidents`.
    pub async fn open(&self, new: &NewIncident) -> Result<Opened, FeedError> {
        let mut opened: Opened = self.post("/api/v1/incidents", new).await?;
        sanitize::incident(&mut opened.incident);
        Ok(opened)
    }

    /// Opens `new` as `sending` says: sent again under the same key (a retry
    /// after no answer), it opens one incident, never two, and its timeline
    /// says when it was first sent.
    pub async fn open_keyed(
        &self,
        new: &NewIncident,
        sending: Sending<'_>,
    ) -> Result<Opened, FeedError> {
        let mut opened: Opened = self
            .post_keyed("/api/v1/incidents", new, Some(sending))
            .await?;
        sanitize::incident(&mut opened.incident);
        Ok(opened)
    }

    /// Sends one action; the answer is the incident as it is now.
    pub async fn act(&self, id: u64, action: &Action) -> Result<Incident, FeedError> {
        self.act_keyed(id, action, None).await
    }

    /// Sends one action of the outbox with its `Idempotency-Key` (sent again
    /// with the same key, the hub answers as the first time and changes
    /// nothing) and the time it was taken.
    pub async fn act_keyed(
        &self,
        id: u64,
        action: &Action,
        sending: Option<Sending<'_>>,
    ) -> Result<Incident, FeedError> {
        let mut inc: Incident = match action {
            Action::Acknowledge { version } => {
                let body = AckRequest {
                    version: *version,
                    note: None,
                };
                self.post_keyed(
                    &format!("/api/v1/incidents/{id}/acknowledge"),
                    &body,
                    sending,
                )
                .await?
            }
            Action::Escalate { note } => {
                let body = EscalateRequest { note: note.clone() };
                self.post_keyed(&format!("/api/v1/incidents/{id}/escalate"), &body, sending)
                    .await?
            }
            Action::Resolve { note } => {
                let body = ResolveRequest { note: note.clone() };
                self.post_keyed(&format!("/api/v1/incidents/{id}/resolve"), &body, sending)
                    .await?
            }
            Action::Note { text } => {
                let body = NoteRequest { text: text.clone() };
                self.post_keyed(&format!("/api/v1/incidents/{id}/notes"), &body, sending)
                    .await?
            }
            Action::Step {
                runbook,
                step,
                done,
                text,
            } => {
                let body = StepRequest {
                    runbook: runbook.clone(),
                    step: *step,
                    done: *done,
                    text: text.clone(),
                };
                self.post_keyed(&format!("/api/v1/incidents/{id}/steps"), &body, sending)
                    .await?
            }
            Action::Squash {
                matchers,
                until,
                reason,
            } => {
                let body = crate::incident::NewSquash {
                    matchers: matchers.clone(),
                    starts: None,
                    until: *until,
                    reason: reason.clone(),
                };
                self.squash(id, &body, sending).await?
            }
            Action::Assign { .. }
            | Action::Unacknowledge
            | Action::Snooze { .. }
            | Action::AskHelp { .. }
            | Action::SetManager { .. }
            | Action::StatusUpdate { .. } => self.ownership(id, action, sending).await?,
            Action::AddFollowup { text, owner, due } => {
                let body = crate::incident::NewFollowup {
                    text: text.clone(),
                    owner: owner.clone(),
                    due: *due,
                };
                self.add_followup(id, &body, sending).await?;
                self.get(id).await?
            }
            Action::CloseFollowup {
                followup,
                status,
                note,
            } => {
                let body = crate::incident::CloseFollowup {
                    status: *status,
                    note: note.clone(),
                };
                self.close_followup(*followup, &body, sending).await?;
                self.get(id).await?
            }
        };
        sanitize::incident(&mut inc);
        Ok(inc)
    }

    /// An ownership or role change of incident `id` (`POST
    /// /api/v1/incidents/{id}/ROUTE`).
    async fn ownership(
        &self,
        id: u64,
        action: &Action,
        sending: Option<Sending<'_>>,
    ) -> Result<Incident, FeedError> {
        let path = |route: &str| format!("/api/v1/incidents/{id}/{route}");
        match action {
            Action::Assign { to } => {
                let body = AssignRequest {
                    to: to.clone(),
                    note: None,
                };
                self.post_keyed(&path("assign"), &body, sending).await
            }
            Action::Snooze { length } => {
                let body = SnoozeRequest {
                    length: SnoozeLength::Written(length.clone()),
                };
                self.post_keyed(&path("snooze"), &body, sending).await
            }
            Action::AskHelp { who, note } => {
                let body = HelpRequest {
                    who: who.clone(),
                    note: note.clone(),
                };
                self.post_keyed(&path("helpers"), &body, sending).await
            }
            Action::SetManager { who, force } => {
                let body = RoleRequest {
                    role: INCIDENT_MANAGER.to_string(),
                    who: who.clone(),
                    force: *force,
                };
                self.post_keyed(&path("roles"), &body, sending).await
            }
            Action::StatusUpdate { text } => {
                let body = StatusUpdateRequest { text: text.clone() };
                self.post_keyed(&path("updates"), &body, sending).await
            }
            Action::Unacknowledge => {
                let body = UnacknowledgeRequest::default();
                self.post_keyed(&path("unacknowledge"), &body, sending)
                    .await
            }
            other => Err(FeedError::Unsupported(format!(
                "{} does not change who holds an incident",
                other.verb()
            ))),
        }
    }

    async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, FeedError> {
        self.post_keyed(path, body, None).await
    }

    pub(crate) async fn post_keyed<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        sending: Option<Sending<'_>>,
    ) -> Result<T, FeedError> {
        self.write_keyed(reqwest::Method::POST, path, Some(body), sending)
            .await
    }

    /// A `DELETE` of `path`, keyed as [`HubClient::post_keyed`].
    pub(crate) async fn delete_keyed<T: DeserializeOwned>(
        &self,
        path: &str,
        sending: Option<Sending<'_>>,
    ) -> Result<T, FeedError> {
        self.write_keyed::<(), T>(reqwest::Method::DELETE, path, None, sending)
            .await
    }

    async fn write_keyed<B: Serialize, T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&B>,
        sending: Option<Sending<'_>>,
    ) -> Result<T, FeedError> {
        // Every write has a key, one for all its tries: sent again to
        // another hub when the first did not answer, it is applied once.
        let fresh;
        let key = match sending {
            Some(s) => s.key,
            None => {
                fresh = super::outbox::new_key();
                fresh.as_str()
            }
        };
        self.each_hub(|base| {
            let method = method.clone();
            async move {
                let mut req = self
                    .http
                    .request(method, format!("{base}{path}"))
                    .header(AUTHORIZATION, self.bearer())
                    .header("Idempotency-Key", key);
                if let Some(body) = body {
                    req = req.json(body);
                }
                if let Some(sending) = sending {
                    req = req.header(TAKEN_AT_HEADER, sending.taken_at.to_rfc3339());
                }
                let resp = req.send().await.map_err(|e| self.transport(base, e))?;
                self.decode(base, resp).await
            }
        })
        .await
    }

    fn bearer(&self) -> String {
        format!("Bearer {}", self.token)
    }

    fn transport(&self, base: &str, e: reqwest::Error) -> FeedError {
        if e.is_timeout() {
            FeedError::Timeout(self.timeout.as_secs().max(1))
        } else {
            FeedError::Unreachable(base.to_string())
        }
    }

    async fn decode<T: DeserializeOwned>(
        &self,
        base: &str,
        resp: reqwest::Response,
    ) -> Result<T, FeedError> {
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(|e| self.transport(base, e))?;
        if status.is_success() {
            return parse_json(&bytes);
        }
        let body: Option<ErrorBody> = serde_json::from_slice(&bytes).ok();
        let message = body
            .as_ref()
            .map(|b| sanitize::line(&b.error))
            .unwrap_or_else(|| {
                sanitize::line(&String::from_utf8_lossy(&bytes[..bytes.len().min(200)]))
            });
        if status == StatusCode::UNAUTHORIZED {
            return Err(FeedError::Unauthorized(self.token_env.clone()));
        }
        if status.is_server_error() {
            return Err(FeedError::Server {
                status: status.as_u16(),
                message,
            });
        }
        let (code, incident) = match body {
            Some(b) => {
                let incident = b.incident.map(|mut inc| {
                    sanitize::incident(&mut inc);
                    inc
                });
                (sanitize::line(&b.code), incident)
            }
            None => (String::new(), None),
        };
        Err(FeedError::Rejected {
            status: status.as_u16(),
            code,
            message,
            incident,
        })
    }
}

/// A JSON answer: its UTF-8 checked once for the whole body, rather than
/// string by string as it is parsed (a full feed is megabytes of strings).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, FeedError> {
    let text = std::str::from_utf8(bytes).map_err(|e| FeedError::Garbage(e.to_string()))?;
    serde_json::from_str(text).map_err(|e| FeedError::Garbage(e.to_string()))
}
