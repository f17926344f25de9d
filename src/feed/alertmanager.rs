//! The console's client for a Prometheus Alertmanager polled directly (API
//! v2), for teams without a hub. It offers what the console uses of the hub
//! client: the list of incidents, one incident, and acknowledge, which here
//! creates a silence on the alert (as karma does). Escalation, resolve,
//! notes and steps need the hub; they are refused with a reason.
//!
//! Alertmanager keeps no history and never lists a resolved alert, so this
//! client remembers the last list: an alert that is gone from the next one is
//! reported once more, resolved, and versions only ever go up.
mod api;
mod mapping;
mod seen;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{TimeDelta, Utc};
use reqwest::StatusCode;
use reqwest::header::AUTHORIZATION;
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use api::{Alert, Silence, SilenceMatcher};
pub use mapping::{incident as alert_incident, silence_text};

use self::seen::{Seen, lock};
use super::client::{Action, FeedError, ListOutcome};
use crate::alertmanager::incident_id;
use crate::config::AlertmanagerConfig;
use crate::incident::{Incident, Status};
use crate::sanitize;

/// The comment of every silence an acknowledge creates.
pub const ACK_COMMENT: &str = "acknowledged via oncall";

/// Where the Alertmanager is and how to act on it.
#[derive(Debug, Clone)]
pub struct AlertmanagerSettings {
    /// `http://host:9093`
    pub base: String,
    /// Only alerts matching all of these (the API's `filter`).
    pub matchers: Vec<String>,
    /// How long an acknowledge silences the alert.
    pub silence: Duration,
    /// The silence's `createdBy`: who acknowledged.
    pub responder: String,
    /// Sent as a bearer token when set (for an Alertmanager behind a proxy).
    pub token: Option<String>,
    /// Where the token came from, for error messages.
    pub token_env: Option<String>,
    pub timeout: Duration,
}

#[derive(Debug, Clone)]
pub struct AlertmanagerClient {
    http: reqwest::Client,
    settings: AlertmanagerSettings,
    /// How labels read as incident fields: the same defaults as the hub's.
    mapping: AlertmanagerConfig,
    /// Shared by the clones the poller and the worker hold.
    seen: Arc<Mutex<Seen>>,
}

impl AlertmanagerClient {
    pub fn new(mut settings: AlertmanagerSettings) -> Result<AlertmanagerClient, FeedError> {
        let http = super::http::client_builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout)
            .user_agent(concat!("oncall/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| FeedError::NotConfigured(format!("cannot build an HTTP client: {e}")))?;
        settings.base = settings.base.trim_end_matches('/').to_string();
        Ok(AlertmanagerClient {
            http,
            settings,
            mapping: AlertmanagerConfig::default(),
            seen: Arc::default(),
        })
    }

    pub fn base(&self) -> &str {
        &self.settings.base
    }

    /// Every alert Alertmanager has (always a full list), and once more,
    /// resolved, each alert of the previous list that is gone.
    pub async fn list(&self) -> Result<ListOutcome, FeedError> {
        let (alerts, silences) = self.snapshot().await?;
        let list = lock(&self.seen).absorb(&self.mapping, &alerts, &silences, Utc::now());
        Ok(ListOutcome::Changed {
            list,
            etag: None,
            hub: None,
        })
    }

    /// The incident as the last list saw it, with a timeline made from the
    /// alert and its silence; asks Alertmanager if no list has seen it.
    pub async fn get(&self, id: u64) -> Result<Incident, FeedError> {
        {
            let seen = lock(&self.seen);
            if let Some(inc) = seen.current.get(&id).or_else(|| seen.ended.get(&id)) {
                return Ok(inc.clone());
            }
        }
        let (alerts, silences) = self.snapshot().await?;
        let alert = find(&alerts, id)?;
        Ok(self.remember(mapping::incident(&self.mapping, alert, &silences)))
    }

    /// Whether this feed can do `action` at all.
    pub fn supports(action: &Action) -> bool {
        super::Capabilities::ALERTMANAGER.takes(action)
    }

    /// Acknowledge creates a silence; everything else is refused with why.
    pub async fn act(&self, id: u64, action: &Action) -> Result<Incident, FeedError> {
        match action {
            Action::Acknowledge { .. } => self.acknowledge(id).await,
            other => Err(FeedError::Unsupported(unsupported(other))),
        }
    }

    /// Silences the alert on all its labels for the configured time, made by
    /// the responder, and answers the alert as acknowledged by them.
    async fn acknowledge(&self, id: u64) -> Result<Incident, FeedError> {
        let (alerts, mut silences) = self.snapshot().await?;
        let alert = find(&alerts, id)?;
        let current = mapping::incident(&self.mapping, alert, &silences);
        if current.status == Status::Acknowledged {
            let me = sanitize::line(&self.settings.responder);
            match current.owner.clone() {
                Some(owner) if owner == me => return Ok(self.remember(current)),
                Some(owner) => {
                    let current = self.remember(current);
                    return Err(FeedError::Rejected {
                        status: 409,
                        code: "conflict".to_string(),
                        message: format!("#{id} is already acknowledged by {owner}"),
                        incident: Some(Box::new(current)),
                    });
                }
                // Held by a silence we cannot read: add ours, so it is
                // known who has it.
                None => {}
            }
        }
        let now = Utc::now();
        let ends_at = TimeDelta::from_std(self.settings.silence)
            .ok()
            .and_then(|length| now.checked_add_signed(length))
            .ok_or_else(|| {
                FeedError::NotConfigured(format!(
                    "a silence of {:?} is longer than Alertmanager can keep: set a shorter `silence` for this feed",
                    self.settings.silence
                ))
            })?;
        let new = api::NewSilence {
            matchers: alert
                .labels
                .iter()
                .map(|(name, value)| SilenceMatcher {
                    name: name.clone(),
                    value: value.clone(),
                    is_regex: false,
                    is_equal: true,
                })
                .collect(),
            starts_at: now,
            ends_at,
            created_by: self.settings.responder.clone(),
            comment: ACK_COMMENT.to_string(),
        };
        let created: api::SilenceCreated = self.post("/api/v2/silences", &new).await?;
        // Alertmanager holds the alert under the new silence from now on;
        // show it so at once rather than after the next poll.
        let silence = Silence {
            id: created.silence_id,
            status: api::SilenceStatus {
                state: "active".to_string(),
            },
            comment: new.comment,
            created_by: new.created_by,
            starts_at: new.starts_at,
            ends_at: new.ends_at,
            updated_at: Some(now),
            matchers: new.matchers,
        };
        let mut held = alert.clone();
        held.status.state = "suppressed".to_string();
        held.status.silenced_by = vec![silence.id.clone()];
        silences.insert(silence.id.clone(), silence);
        Ok(self.remember(mapping::incident(&self.mapping, &held, &silences)))
    }

    /// Numbers `inc` and keeps it as the latest word on its alert.
    fn remember(&self, inc: Incident) -> Incident {
        let mut seen = lock(&self.seen);
        let inc = seen.number(inc);
        if let Some(slot) = seen.current.get_mut(&inc.id) {
            *slot = inc.clone();
        }
        inc
    }

    /// The alerts (all states, the feed's matchers applied) and, when any is
    /// silenced, the silences, so it can be said who silenced it.
    async fn snapshot(&self) -> Result<(Vec<Alert>, HashMap<String, Silence>), FeedError> {
        let mut url = self.url("/api/v2/alerts")?;
        {
            let mut query = url.query_pairs_mut();
            for state in ["active", "silenced", "inhibited", "unprocessed"] {
                query.append_pair(state, "true");
            }
            for matcher in &self.settings.matchers {
                query.append_pair("filter", matcher);
            }
        }
        let alerts: Vec<Alert> = self.fetch(url).await?;
        if alerts.iter().all(|a| a.status.silenced_by.is_empty()) {
            return Ok((alerts, HashMap::new()));
        }
        let silences: Vec<Silence> = self.fetch(self.url("/api/v2/silences")?).await?;
        let by_id = silences.into_iter().map(|s| (s.id.clone(), s)).collect();
        Ok((alerts, by_id))
    }

    fn url(&self, path: &str) -> Result<reqwest::Url, FeedError> {
        let raw = format!("{}{path}", self.settings.base);
        reqwest::Url::parse(&raw)
            .map_err(|e| FeedError::NotConfigured(format!("'{raw}' is not a URL: {e}")))
    }

    fn request(&self, builder: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.settings.token {
            Some(token) => builder.header(AUTHORIZATION, format!("Bearer {token}")),
            None => builder,
        }
    }

    async fn fetch<T: DeserializeOwned>(&self, url: reqwest::Url) -> Result<T, FeedError> {
        let resp = self
            .request(self.http.get(url))
            .send()
            .await
            .map_err(|e| self.transport(e))?;
        self.decode(resp).await
    }

    async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, FeedError> {
        let resp = self
            .request(self.http.post(self.url(path)?))
            .json(body)
            .send()
            .await
            .map_err(|e| self.transport(e))?;
        self.decode(resp).await
    }

    fn transport(&self, e: reqwest::Error) -> FeedError {
        if e.is_timeout() {
            FeedError::Timeout(self.settings.timeout.as_secs().max(1))
        } else {
            FeedError::Unreachable(self.settings.base.clone())
        }
    }

    async fn decode<T: DeserializeOwned>(&self, resp: reqwest::Response) -> Result<T, FeedError> {
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(|e| self.transport(e))?;
        if status.is_success() {
            return serde_json::from_slice(&bytes)
                .map_err(|e| FeedError::Garbage(format!("Alertmanager's answer: {e}")));
        }
        let message = error_text(&bytes);
        if matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN)
            && let Some(env) = &self.settings.token_env
        {
            return Err(FeedError::Unauthorized(env.clone()));
        }
        if status.is_server_error() {
            return Err(FeedError::Server {
                status: status.as_u16(),
                message: format!("Alertmanager: {message}"),
            });
        }
        let hint = match status {
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                ": if it needs a token, name its variable with token_env in this feed"
            }
            _ => "",
        };
        Err(FeedError::Rejected {
            status: status.as_u16(),
            code: String::new(),
            message: format!(
                "Alertmanager refused the request ({}): {message}{hint}",
                status.as_u16()
            ),
            incident: None,
        })
    }
}

/// Alertmanager answers errors as a JSON string, a JSON object with a
/// `message`, or plain text; one clean line of it, at most 200 characters.
fn error_text(bytes: &[u8]) -> String {
    #[derive(serde::Deserialize)]
    struct WithMessage {
        message: String,
    }
    let text = serde_json::from_slice::<String>(bytes)
        .or_else(|_| serde_json::from_slice::<WithMessage>(bytes).map(|m| m.message))
        .unwrap_or_else(|_| String::from_utf8_lossy(bytes).into_owned());
    sanitize::line(text.trim()).chars().take(200).collect()
}

fn find(alerts: &[Alert], id: u64) -> Result<&Alert, FeedError> {
    alerts
        .iter()
        .find(|a| incident_id(&a.fingerprint) == id)
        .ok_or_else(|| FeedError::Rejected {
            status: 404,
            code: "not_found".to_string(),
            message: format!("#{id} is no longer firing in Alertmanager"),
            incident: None,
        })
}

/// Why this feed cannot do `action`, in the words the console shows.
pub fn unsupported(action: &Action) -> String {
    let what = match action {
        Action::Acknowledge { .. } => return "acknowledge is available".to_string(),
        Action::Escalate { .. } => "escalation needs the oncall hub",
        Action::Resolve { .. } => {
            "resolving needs the oncall hub (an Alertmanager alert resolves when its rule stops firing)"
        }
        Action::Note { .. } => "notes need the oncall hub",
        Action::Step { .. } => "shared runbook steps need the oncall hub",
        Action::Squash { .. } => {
            "squashing needs the oncall hub (silence the alert in Alertmanager instead)"
        }
        Action::Assign { .. } => "reassigning or taking over needs the oncall hub",
        Action::Unacknowledge => {
            "giving an incident back needs the oncall hub (expire the alert's silence in Alertmanager instead)"
        }
        Action::Snooze { .. } => "snoozing needs the oncall hub",
        Action::AskHelp { .. } => "asking for help through oncall needs the oncall hub",
        Action::SetManager { .. } => "major incidents and their managers need the oncall hub",
        Action::StatusUpdate { .. } => "status updates need the oncall hub",
        Action::AddFollowup { .. } | Action::CloseFollowup { .. } => {
            "follow-ups need the oncall hub"
        }
    };
    format!("{what}; this feed is Alertmanager")
}

#[cfg(test)]
mod tests;
