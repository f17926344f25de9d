//! Heartbeats on the wire (docs/api.md): what a job sends when it pings
//! `POST /api/v1/heartbeats/{name}`, and how `GET /api/v1/heartbeats` shows
//! each heartbeat. The hub, `oncall heartbeat` and the console share these,
//! so a renamed field is a breaking change for every client.
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Severity;

/// The most of a job's output a ping carries: its last lines, not its log.
pub const MAX_PING_LOG_BYTES: usize = 16 * 1024;
/// A run id as a scheduler names its runs.
pub const MAX_RUN_ID_CHARS: usize = 200;

/// What a ping says of the job.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PingStatus {
    /// A run began; its end is due within the heartbeat's grace.
    Start,
    /// The job ran (or is alive): a plain ping is this.
    #[default]
    Success,
    /// A run failed.
    Fail,
}

impl PingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PingStatus::Start => "start",
            PingStatus::Success => "success",
            PingStatus::Fail => "fail",
        }
    }
}

impl fmt::Display for PingStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for PingStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "start" => Ok(PingStatus::Start),
            "success" => Ok(PingStatus::Success),
            "fail" => Ok(PingStatus::Fail),
            other => Err(format!(
                "'{other}' is not a ping status: use start, success or fail"
            )),
        }
    }
}

/// The body of a ping; every field may be left out (an empty body is a
/// plain `success`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PingRequest {
    #[serde(default)]
    pub status: PingStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    /// The last lines of the job's output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log: Option<String>,
}

/// Where a heartbeat stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HeartbeatState {
    /// Never pinged: nothing is expected of it yet.
    New,
    /// Pinged in time, its last run a success.
    Up,
    /// Due and not pinged, still within its grace.
    Late,
    /// Missed past its grace, failed, or a run that never ended: an
    /// incident is open for it.
    Down,
    /// A run started and has not ended yet.
    Running,
}

impl HeartbeatState {
    pub fn as_str(self) -> &'static str {
        match self {
            HeartbeatState::New => "new",
            HeartbeatState::Up => "up",
            HeartbeatState::Late => "late",
            HeartbeatState::Down => "down",
            HeartbeatState::Running => "running",
        }
    }

    /// Late or down: what the console's top bar counts.
    pub fn is_trouble(self) -> bool {
        matches!(self, HeartbeatState::Late | HeartbeatState::Down)
    }
}

impl fmt::Display for HeartbeatState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for HeartbeatState {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "new" => Ok(HeartbeatState::New),
            "up" => Ok(HeartbeatState::Up),
            "late" => Ok(HeartbeatState::Late),
            "down" => Ok(HeartbeatState::Down),
            "running" => Ok(HeartbeatState::Running),
            other => Err(format!("unknown heartbeat state '{other}'")),
        }
    }
}

/// One heartbeat as `GET /api/v1/heartbeats` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Heartbeat {
    pub name: String,
    pub service: String,
    pub severity: Severity,
    /// `every 24h`, or `cron 0 2 * * * (Europe/Berlin)`.
    pub schedule: String,
    /// How late a ping may be, like `1h`.
    pub grace: String,
    pub state: HeartbeatState,
    /// When it was last pinged, and what that ping said.
    #[serde(default)]
    pub last_ping: Option<DateTime<Utc>>,
    #[serde(default)]
    pub last_status: Option<PingStatus>,
    #[serde(default)]
    pub exit_code: Option<i32>,
    /// When the next ping is due (without the grace); none before the first.
    #[serde(default)]
    pub next_due: Option<DateTime<Utc>>,
    #[serde(default)]
    pub runbook: Option<String>,
}

/// The answer of `GET /api/v1/heartbeats`: every configured heartbeat, in
/// the config's order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeartbeatList {
    pub heartbeats: Vec<Heartbeat>,
}
