//! `oncall heartbeat` as a user runs it, the real binary against a real hub
//! on 127.0.0.1: a plain ping; a job wrapped (its output passed through,
//! its status kept, its failure and last 20 lines reaching the hub, its
//! next success resolving the incident); and a job wrapped while the hub is
//! down, which still runs and keeps its status, with a warning.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::process::Output;

use oncall::incident::{HeartbeatList, HeartbeatState, IncidentList, Status};
use reqwest::StatusCode;
use support::cli::{oncall, stderr, stdout};
use support::{ALICE, Backend, TestHub, expect, hub_config, integration};

const CRON: &str = "oc_cron_test_token";

async fn hub() -> TestHub {
    let mut config = hub_config(
        "[[hub.heartbeats]]\nname = \"backup\"\nservice = \"backups\"\nevery = \"2s\"\ngrace = \"1m\"\n",
    );
    config.responders.push(integration("cron", CRON));
    TestHub::start_on(Backend::Sqlite, config).await
}

/// `oncall heartbeat ARGS` against `base` with the cron token.
async fn heartbeat(base: &str, args: &[&str]) -> Output {
    let mut all = vec![
        "heartbeat".to_string(),
        "--hub".to_string(),
        base.to_string(),
    ];
    all.extend(args.iter().map(|a| a.to_string()));
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = all.iter().map(String::as_str).collect();
        oncall(&args, &[("ONCALL_TOKEN", CRON)])
    })
    .await
    .unwrap()
}

async fn state(hub: &TestHub) -> HeartbeatState {
    let list: HeartbeatList =
        expect(hub.get(ALICE, "/api/v1/heartbeats").await, StatusCode::OK).await;
    list.heartbeats[0].state
}

#[tokio::test]
async fn a_plain_ping_and_an_unknown_name() {
    let hub = hub().await;
    let out = heartbeat(&hub.base, &["backup", "--status", "start"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with("backup: running"),
        "{}",
        stderr(&out)
    );
    assert_eq!(state(&hub).await, HeartbeatState::Running);
    let out = heartbeat(&hub.base, &["nightly"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no heartbeat named 'nightly'"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test]
async fn a_wrapped_job_keeps_its_status_and_sends_its_last_lines() {
    let hub = hub().await;
    let job = "for i in $(seq 1 30); do echo line $i; done; exit 3";
    let out = heartbeat(&hub.base, &["backup", "--", "sh", "-c", job]).await;
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("line 1\nline 2\n") && stdout(&out).ends_with("line 30\n"),
        "passed through: {}",
        stdout(&out)
    );
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    assert_eq!(state(&hub).await, HeartbeatState::Down);
    let list: IncidentList =
        expect(hub.get(ALICE, "/api/v1/incidents").await, StatusCode::OK).await;
    let [inc] = &list.incidents[..] else {
        panic!("one incident: {list:?}")
    };
    assert_eq!(inc.title, "heartbeat backup failed (exit code 3)");
    let log = inc.description.split_once("Last log:\n").unwrap().1;
    let expected: Vec<String> = (11..=30).map(|i| format!("line {i}")).collect();
    assert_eq!(log, expected.join("\n"), "the last 20 lines");

    let out = heartbeat(&hub.base, &["backup", "--", "sh", "-c", "echo fixed >&2"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "fixed\n", "stderr passed through");
    assert_eq!(state(&hub).await, HeartbeatState::Up);
    assert_eq!(hub.incident(inc.id).await.status, Status::Resolved);
}

#[tokio::test]
async fn a_job_runs_and_keeps_its_status_when_the_hub_is_down() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let out = heartbeat(&base, &["backup", "--", "sh", "-c", "echo ran; exit 4"]).await;
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert_eq!(stdout(&out), "ran\n");
    let err = stderr(&out);
    assert!(
        err.contains("oncall heartbeat: warning: the start was not sent"),
        "{err}"
    );
    assert!(
        err.contains("oncall heartbeat: warning: the job's end was not sent"),
        "{err}"
    );
    let missing = heartbeat(&base, &["backup", "--", "no-such-program-here"]).await;
    assert_eq!(missing.status.code(), Some(127), "{}", stderr(&missing));
    assert!(
        stderr(&missing).contains("cannot run 'no-such-program-here'"),
        "{}",
        stderr(&missing)
    );
}
