//! Heartbeats: jobs that must keep running ping the hub, and the hub opens
//! an incident when one misses its schedule, fails, or starts a run that
//! never ends, and resolves it when the job is back.
//!
//! - `rules`: what a ping or the clock does to a heartbeat (pure).
//! - `routes`: `POST /api/v1/heartbeats/{name}` and `GET /api/v1/heartbeats`.
//! - `hub::apply::heartbeats`: a ping, and the timers' look at every
//!   heartbeat, made inside a change's transaction like any other change;
//!   the rows are kept by both stores (`heartbeats` table).
use chrono::{DateTime, Utc};

use crate::config::HeartbeatConfig;
use crate::incident::{Heartbeat, NewIncident};

pub mod routes;
pub mod rules;
#[cfg(test)]
mod tests;

pub use rules::{Action, Beat, Input, step};

/// What the timeline says when a heartbeat's `success` resolves its incident.
pub const HEARTBEAT_BACK: &str = "resolved: heartbeat back";

/// The heartbeats of the hub's config, by name.
#[derive(Debug, Clone, Default)]
pub struct Heartbeats(Vec<HeartbeatConfig>);

impl Heartbeats {
    pub fn new(configs: Vec<HeartbeatConfig>) -> Heartbeats {
        Heartbeats(configs)
    }

    pub fn get(&self, name: &str) -> Option<&HeartbeatConfig> {
        self.0.iter().find(|h| h.name == name)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// In the config's order.
    pub fn iter(&self) -> impl Iterator<Item = &HeartbeatConfig> {
        self.0.iter()
    }
}

/// The dedup key of a heartbeat's incident: its incidents fold by name.
pub fn dedup_key(name: &str) -> String {
    format!("heartbeat:{name}")
}

/// The incident a heartbeat going down opens.
pub fn incident(config: &HeartbeatConfig, title: String, description: String) -> NewIncident {
    NewIncident {
        title,
        service: config.service.clone(),
        severity: config.severity,
        dedup_key: Some(dedup_key(&config.name)),
        labels: [("heartbeat".to_string(), config.name.clone())].into(),
        description,
        runbook: config.runbook.clone(),
        runbook_url: None,
        source: Some("heartbeat".to_string()),
    }
}

/// A heartbeat as `GET /api/v1/heartbeats` shows it at `now`: its stored
/// row (none before its first ping) with the clock applied, so a heartbeat
/// overdue since the timers last looked already reads late or down.
pub fn view(beat: Option<&Beat>, config: &HeartbeatConfig, now: DateTime<Utc>) -> Heartbeat {
    let fresh;
    let beat = match beat {
        Some(beat) => beat,
        None => {
            fresh = Beat::new(&config.name, now);
            &fresh
        }
    };
    let seen = step(beat, config, Input::Clock, now).beat;
    Heartbeat {
        name: config.name.clone(),
        service: config.service.clone(),
        severity: config.severity,
        schedule: config.schedule().to_string(),
        grace: config.grace.to_string(),
        state: seen.state,
        last_ping: seen.last_ping,
        last_status: seen.last_status,
        exit_code: seen.exit_code,
        next_due: seen.due,
        runbook: config.runbook.clone(),
    }
}
