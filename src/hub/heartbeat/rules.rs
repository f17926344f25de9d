//! What a heartbeat does, as a pure function of its stored row, its config,
//! what happened (a ping, or only time passing) and the clock's now: the
//! row it becomes, and whether that opens an incident or resolves one.
//! Only a change of state opens or resolves anything: a missed ping (past
//! due and grace), a `fail`, or a `start` with no end within the grace
//! takes it down and opens one incident; the next `success` brings it back
//! and resolves it. A heartbeat never pinged is new, and nothing is expected
//! of it until its first ping, which is no change either.
use chrono::{DateTime, Utc};

use crate::config::HeartbeatConfig;
use crate::incident::{HeartbeatState, PingRequest, PingStatus};

/// A heartbeat as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Beat {
    pub name: String,
    pub state: HeartbeatState,
    /// When it came to its state.
    pub since: DateTime<Utc>,
    pub last_ping: Option<DateTime<Utc>>,
    pub last_status: Option<PingStatus>,
    pub exit_code: Option<i32>,
    pub run_id: Option<String>,
    /// The last lines of output its last ping carried.
    pub log: Option<String>,
    /// When the run in progress started.
    pub run_started: Option<DateTime<Utc>>,
    /// When the next ping is due (the grace comes on top).
    pub due: Option<DateTime<Utc>>,
}

impl Beat {
    /// A heartbeat never pinged, first seen at `now`.
    pub fn new(name: &str, now: DateTime<Utc>) -> Beat {
        Beat {
            name: name.to_string(),
            state: HeartbeatState::New,
            since: now,
            last_ping: None,
            last_status: None,
            exit_code: None,
            run_id: None,
            log: None,
            run_started: None,
            due: None,
        }
    }
}

/// What happened to a heartbeat.
#[derive(Debug, Clone, Copy)]
pub enum Input<'a> {
    Ping(&'a PingRequest),
    /// Only time passed: the timers' pass looks.
    Clock,
}

/// What a step asks of the heartbeat's incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Open one (or fold into the one open for this heartbeat).
    Open { title: String, description: String },
    /// Resolve the one open, if any.
    Resolve,
}

/// The row a heartbeat becomes, and what that does to its incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stepped {
    pub beat: Beat,
    pub action: Option<Action>,
}

/// What `input` at `now` does to `beat`, configured as `config`.
pub fn step(
    beat: &Beat,
    config: &HeartbeatConfig,
    input: Input<'_>,
    now: DateTime<Utc>,
) -> Stepped {
    let (mut next, action) = match input {
        Input::Ping(ping) => pinged(beat, config, ping, now),
        Input::Clock => ticked(beat, config, now),
    };
    if next.state != beat.state {
        next.since = now;
    }
    Stepped { beat: next, action }
}

fn grace(config: &HeartbeatConfig) -> chrono::Duration {
    chrono::Duration::from_std(config.grace.0).unwrap_or(chrono::Duration::MAX)
}

fn pinged(
    beat: &Beat,
    config: &HeartbeatConfig,
    ping: &PingRequest,
    now: DateTime<Utc>,
) -> (Beat, Option<Action>) {
    let mut next = Beat {
        last_ping: Some(now),
        last_status: Some(ping.status),
        exit_code: ping.exit_code,
        run_id: ping.run_id.clone(),
        log: ping.log.clone(),
        ..beat.clone()
    };
    let was_down = beat.state == HeartbeatState::Down;
    let action = match ping.status {
        PingStatus::Success => {
            next.state = HeartbeatState::Up;
            next.run_started = None;
            next.due = config.schedule().next_after(now);
            was_down.then_some(Action::Resolve)
        }
        PingStatus::Start => {
            // A run starting does not end an outage: its success does.
            if !was_down {
                next.state = HeartbeatState::Running;
            }
            next.run_started = Some(now);
            None
        }
        PingStatus::Fail => {
            next.state = HeartbeatState::Down;
            next.run_started = None;
            next.due = config.schedule().next_after(now);
            let exit = ping
                .exit_code
                .map_or(String::new(), |c| format!(" (exit code {c})"));
            (!was_down).then(|| Action::Open {
                title: format!("heartbeat {} failed{exit}", beat.name),
                description: describe(
                    &next,
                    config,
                    &format!("The job reported a failed run{exit} at {}.", at(now)),
                ),
            })
        }
    };
    (next, action)
}

fn ticked(beat: &Beat, config: &HeartbeatConfig, now: DateTime<Utc>) -> (Beat, Option<Action>) {
    let mut next = beat.clone();
    let grace = grace(config);
    match beat.state {
        HeartbeatState::New | HeartbeatState::Down => (next, None),
        HeartbeatState::Running => {
            let Some(started) = beat.run_started else {
                return (next, None);
            };
            let deadline = started.checked_add_signed(grace);
            if deadline.is_some_and(|d| now <= d) {
                return (next, None);
            }
            next.state = HeartbeatState::Down;
            next.run_started = None;
            let expected = format!(
                "A run started at {} and did not end within its grace of {}.",
                at(started),
                config.grace
            );
            let action = Action::Open {
                title: format!("heartbeat {} started and did not end", beat.name),
                description: describe(&next, config, &expected),
            };
            (next, Some(action))
        }
        HeartbeatState::Up | HeartbeatState::Late => {
            let Some(due) = beat.due else {
                return (next, None);
            };
            let deadline = due.checked_add_signed(grace);
            if deadline.is_some_and(|d| now <= d) {
                if now > due {
                    next.state = HeartbeatState::Late;
                }
                return (next, None);
            }
            next.state = HeartbeatState::Down;
            let expected = format!(
                "A ping was expected by {} ({}, grace {}); none came.",
                at(due),
                config.schedule(),
                config.grace
            );
            let action = Action::Open {
                title: format!("heartbeat {} missed", beat.name),
                description: describe(&next, config, &expected),
            };
            (next, Some(action))
        }
    }
}

/// The incident's description: what was expected when, then the last ping
/// and its log, made inert (a job's output is anyone's text).
fn describe(beat: &Beat, config: &HeartbeatConfig, expected: &str) -> String {
    let mut text = format!(
        "{expected}\nHeartbeat '{}' ({}, grace {}).\n",
        beat.name,
        config.schedule(),
        config.grace
    );
    match (beat.last_ping, beat.last_status) {
        (Some(ping), Some(status)) => {
            text.push_str(&format!("Last ping: {status} at {}", at(ping)));
            if let Some(code) = beat.exit_code {
                text.push_str(&format!(", exit code {code}"));
            }
            if let Some(run) = &beat.run_id {
                text.push_str(&format!(", run {}", crate::sanitize::line(run)));
            }
            text.push('\n');
        }
        _ => text.push_str("Last ping: none yet\n"),
    }
    if let Some(log) = beat.log.as_deref().filter(|l| !l.trim().is_empty()) {
        text.push_str("Last log:\n");
        text.push_str(&crate::sanitize::clean(log, true));
    }
    text
}

fn at(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}
