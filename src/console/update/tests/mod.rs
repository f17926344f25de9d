//! The console's behaviour, key by key, without a terminal: the helpers
//! every test file here shares; the tests sit beside them, one file for
//! each part of `update`.
mod actions;
mod clock;
mod feed;
mod feed_health;
mod followup;
mod handoff;
mod history;
mod links;
mod many;
mod ownership;
mod panes;
mod quick;
mod report;
mod rota;
mod runbook;
mod sections;
mod selection;
mod squash;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::update;
use crate::console::model::{FeedStatus, Focus, Health, Mode, Model};
use crate::console::msg::{Command, Msg};
use crate::feed::{Action, FeedError, FeedEvent, Request, WorkerEvent};
use crate::incident::{Incident, Severity, Status};
use crate::runbook::Library;
fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 3, 0, 0).unwrap()
}

fn inc(id: u64, severity: Severity, status: Status, title: &str, alert: &str) -> Incident {
    let inc = Incident::builder(id, title, t0())
        .severity(severity)
        .status(status)
        .created_at(t0() - chrono::Duration::minutes(id as i64));
    if alert.is_empty() {
        inc.build()
    } else {
        inc.label("alertname", alert).build()
    }
}

fn model() -> Model {
    let feed = FeedStatus::new("hub", Duration::from_secs(2));
    let utc = chrono::FixedOffset::east_opt(0).unwrap();
    let library = Arc::new(Library::shipped());
    Model::new("alex".into(), feed, library, t0(), "/data".into(), utc)
}

/// A model that has polled: #1 warning, #2 critical (selected first), #3 resolved.
fn polled() -> Model {
    let mut m = model();
    let cmds = poll(
        &mut m,
        vec![
            inc(
                1,
                Severity::Warning,
                Status::Triggered,
                "Disk /var filling",
                "NodeFilesystemSpaceFillingUp",
            ),
            inc(
                2,
                Severity::Critical,
                Status::Triggered,
                "Packet loss on edge-lb-1",
                "HostNetworkReceiveErrors",
            ),
            inc(
                3,
                Severity::Info,
                Status::Acknowledged,
                "Clock skew on worker-7",
                "NodeClockSkewDetected",
            ),
        ],
    );
    assert_eq!(cmds, vec![Command::Feed(Request::Fetch { id: 2 })]);
    m
}

fn key(m: &mut Model, code: KeyCode) -> Vec<Command> {
    update(m, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn ch(m: &mut Model, c: char) -> Vec<Command> {
    key(m, KeyCode::Char(c))
}

fn typed(m: &mut Model, text: &str) {
    for c in text.chars() {
        ch(m, c);
    }
}

/// A poll that brings every open incident.
fn poll(m: &mut Model, incidents: Vec<Incident>) -> Vec<Command> {
    update(
        m,
        Msg::Feed(FeedEvent::Polled {
            incidents,
            full: true,
            resume: None,
        }),
    )
}

/// A poll that brings only what changed.
fn delta(m: &mut Model, changed: Vec<Incident>) -> Vec<Command> {
    update(
        m,
        Msg::Feed(FeedEvent::Polled {
            incidents: changed,
            full: false,
            resume: None,
        }),
    )
}

/// The hub's answer to the action sent with `ticket`.
fn acted(m: &mut Model, ticket: u64, id: u64, result: Result<Incident, FeedError>) -> Vec<Command> {
    update(m, Msg::Worker(WorkerEvent::Acted { ticket, id, result }))
}

/// What `update` asks for when it sends `action` on `id` as its `ticket`th.
fn sends(ticket: u64, id: u64, action: Action) -> Vec<Command> {
    vec![Command::Feed(Request::Act { ticket, id, action })]
}

/// The step and its tick, when `cmds` send one step change and nothing else.
fn step_sent(cmds: &[Command]) -> Option<(u32, bool)> {
    match cmds {
        [
            Command::Feed(Request::Act {
                action: Action::Step { step, done, .. },
                ..
            }),
        ] => Some((*step, *done)),
        _ => None,
    }
}

fn worker(m: &mut Model, event: WorkerEvent) -> Vec<Command> {
    update(m, Msg::Worker(event))
}

/// What the message line says now.
fn said(m: &Model) -> crate::console::model::Message {
    m.message.clone().expect("a message")
}

fn ids(m: &Model) -> Vec<u64> {
    m.list
        .visible
        .iter()
        .map(|&i| m.list.incidents[i].id)
        .collect()
}

fn oncall_alex_then_sam() -> crate::incident::OnCall {
    use crate::incident::{LevelView, NextShift, OnCall, PolicyView, Shift, Targets};
    let level = |n: u32, name: &str, who: Option<&str>, targets: Targets| LevelView {
        level: n,
        name: name.into(),
        who: who.map(str::to_string),
        targets,
        after: None,
    };
    OnCall {
        now: Some(Shift {
            who: "alex".into(),
            since: t0() - chrono::Duration::hours(6),
            until: t0() + chrono::Duration::minutes(30),
        }),
        next: Some(NextShift {
            who: "sam".into(),
            from: t0() + chrono::Duration::minutes(30),
        }),
        shift: None,
        policies: vec![
            PolicyView {
                services: vec!["api".into()],
                levels: vec![
                    level(1, "1st line", Some("alex"), Targets::OnCall),
                    level(
                        2,
                        "app team",
                        Some("dave"),
                        Targets::Named(vec!["dave".into()]),
                    ),
                ],
            },
            PolicyView {
                services: vec!["*".into()],
                levels: vec![level(1, "1st line", Some("alex"), Targets::OnCall)],
            },
        ],
    }
}

fn with_rota(m: &mut Model) {
    rota(m, None);
}

/// The rota of `oncall_alex_then_sam`, with the hand-off the hub reports.
fn rota(m: &mut Model, handoff: Option<crate::incident::Handoff>) {
    update(
        m,
        Msg::Feed(FeedEvent::Rota {
            oncall: oncall_alex_then_sam(),
            handoff,
        }),
    );
}

fn shift_for_alex(to: Option<&str>) -> crate::handoff::Shift {
    crate::handoff::Shift {
        from: "alex".into(),
        to: to.map(str::to_string),
        since: t0() - chrono::Duration::hours(8),
        now: t0(),
        incidents: Vec::new(),
        squashes: Vec::new(),
        followups: Vec::new(),
    }
}

/// The clock at `secs` past t0 with the feed answering as usual (an
/// unchanged poll two seconds before); whether the screen needs drawing again.
fn live_at(m: &mut Model, secs: i64) -> bool {
    update(m, Msg::Tick(t0() + chrono::Duration::seconds(secs - 2)));
    update(m, Msg::Feed(FeedEvent::Unchanged));
    m.take_dirty();
    update(m, Msg::Tick(t0() + chrono::Duration::seconds(secs)));
    update(m, Msg::Feed(FeedEvent::Unchanged));
    m.take_dirty()
}
