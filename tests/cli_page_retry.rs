//! `oncall page` through a hub restart, as a monitoring script pages: the
//! real binary against a real hub on 127.0.0.1 that is down when the page
//! is sent, or whose answer is lost on the way back. It tries again with the
//! same Idempotency-Key until the hub answers, and one incident opens; a
//! refusal is final at once.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};

use serde_json::Value;
use support::cli::{oncall, stderr};
use support::proxy::lossy_proxy;
use support::{ALICE, TestHub};

/// `oncall page` to `hub` for up to `retry_for`, running.
fn page(hub: &str, retry_for: &str, token: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_oncall"))
        .args([
            "page",
            "--hub",
            hub,
            "--service",
            "web",
            "--retry-for",
            retry_for,
            "web-1 down",
        ])
        .env_remove("ONCALL_TOKEN")
        .env("ONCALL_TOKEN", token)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Reads `child`'s stderr until a line holds `words`; the lines so far.
async fn said(
    child: &mut Child,
    words: &'static str,
) -> (Vec<String>, BufReader<std::process::ChildStderr>) {
    let err = child.stderr.take().unwrap();
    tokio::task::spawn_blocking(move || {
        let mut reader = BufReader::new(err);
        let mut lines = Vec::new();
        loop {
            let mut line = String::new();
            assert!(
                reader.read_line(&mut line).unwrap() > 0,
                "ended before {words:?}: {lines:?}"
            );
            lines.push(line.clone());
            if line.contains(words) {
                return (lines, reader);
            }
        }
    })
    .await
    .unwrap()
}

/// Waits for `child` to end: whether it succeeded, its stdout, and the rest
/// of its stderr from `reader`.
async fn finished(
    child: Child,
    mut reader: BufReader<std::process::ChildStderr>,
) -> (bool, String, String) {
    tokio::task::spawn_blocking(move || {
        let mut rest = String::new();
        reader.read_to_string(&mut rest).unwrap();
        let out = child.wait_with_output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            rest,
        )
    })
    .await
    .unwrap()
}

/// How many incidents the hub holds, open or not.
async fn incidents(hub: &TestHub) -> usize {
    let list: Value = hub
        .get(ALICE, "/api/v1/incidents?status=all")
        .await
        .json()
        .await
        .unwrap();
    list["incidents"].as_array().unwrap().len()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_page_sent_while_the_hub_restarts_arrives_once_it_is_back() {
    let mut hub = TestHub::start().await;
    hub.pause().await;
    let mut child = page(&hub.base, "60s", ALICE);
    let (lines, reader) = said(&mut child, "trying again").await;
    assert!(
        lines
            .iter()
            .any(|l| l.contains(&format!("cannot reach {}", hub.base))),
        "{lines:?}"
    );
    hub.resume().await;
    let (ok, out, rest) = finished(child, reader).await;
    assert!(ok, "{lines:?} {rest}");
    let id: u64 = out.trim().parse().unwrap();
    assert_eq!(hub.incident(id).await.title, "web-1 down");
    assert_eq!(incidents(&hub).await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_page_whose_answer_was_lost_opens_one_incident() {
    let hub = TestHub::start().await;
    let proxy = lossy_proxy(hub.base.trim_start_matches("http://").to_string()).await;
    let mut child = page(&proxy, "60s", ALICE);
    let (lines, reader) = said(&mut child, "trying again").await;
    let (ok, out, rest) = finished(child, reader).await;
    assert!(ok, "{lines:?} {rest}");
    let id: u64 = out.trim().parse().unwrap();
    // The first try opened it; the second, under the same key, got the
    // first one's answer.
    assert_eq!(incidents(&hub).await, 1);
    assert_eq!(hub.incident(id).await.occurrences, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_page_is_not_tried_again() {
    let hub = TestHub::start().await;
    let child = page(&hub.base, "60s", "not-a-token");
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("401"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("trying again"), "{}", stderr(&out));
    assert_eq!(incidents(&hub).await, 0);
}

#[test]
fn a_hub_that_stays_down_is_given_up_on_with_the_reason() {
    let out = oncall(
        &[
            "page",
            "--hub",
            "http://127.0.0.1:9",
            "--service",
            "web",
            "--retry-for",
            "1s",
            "x",
        ],
        &[("ONCALL_TOKEN", "t")],
    );
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("trying again in 250ms (for up to 1s in all)"),
        "{err}"
    );
    assert!(err.contains("gave up after"), "{err}");
    assert!(err.contains("cannot reach http://127.0.0.1:9"), "{err}");
    for bad in ["soon", "2h"] {
        let out = oncall(&["page", "--service", "web", "--retry-for", bad, "x"], &[]);
        assert!(!out.status.success());
        assert!(stderr(&out).contains("--retry-for"), "{}", stderr(&out));
    }
}
