//! `oncall followups`, run as a user would against a real hub: the open
//! follow-ups, overdue first and marked; `--owner` for one person's,
//! `--all` for the closed ones too, `--json` the hub's own answer; text a
//! hub holds reaches the terminal inert; a hub that does not answer is
//! said plainly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;

use chrono::TimeDelta;
use oncall::incident::{Followup, FollowupList};
use reqwest::StatusCode;
use serde_json::json;
use support::cli::{as_alice, feed_config, stderr, stdout};
use support::{ALICE, BOB, TestHub, expect};

async fn followups(config: String, more: &[&str]) -> std::process::Output {
    as_alice(&config, "followups", more).await
}

async fn add(hub: &TestHub, id: u64, text: &str, owner: &str, due: Option<&str>) -> Followup {
    let mut body = json!({"text": text, "owner": owner});
    if let Some(due) = due {
        body["due"] = json!(due);
    }
    let path = format!("/api/v1/incidents/{id}/followups");
    expect(hub.post(ALICE, &path, &body).await, StatusCode::CREATED).await
}

#[tokio::test(flavor = "multi_thread")]
async fn followups_prints_open_ones_overdue_first() {
    let hub = TestHub::start().await;
    let inc = hub.open(&support::incident("disk full on db-1")).await;
    add(&hub, inc.id, "write the review", "alice", None).await;
    add(
        &hub,
        inc.id,
        "add a disk alert",
        "bob",
        Some("2026-11-23T09:00:00Z"),
    )
    .await;
    let done = add(&hub, inc.id, "rotate \u{1b}[31mlogs", "bob", None).await;
    let path = format!("/api/v1/followups/{}", done.id);
    let _: Followup = expect(
        hub.post(BOB, &path, &json!({"status": "done", "note": "cron added"}))
            .await,
        StatusCode::OK,
    )
    .await;
    hub.clock.advance(TimeDelta::hours(2));
    let dir = tempfile::tempdir().unwrap();
    let config = feed_config(dir.path(), &hub.base);

    let out = followups(config.clone(), &[]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(
        text,
        format!(
            "! #2 bob, OVERDUE since 2026-11-23 09:00 UTC: add a disk alert\n    from #{id} disk full on db-1\n\
             \x20 #1 alice, open: write the review\n    from #{id} disk full on db-1\n",
            id = inc.id
        )
    );

    let out = followups(config.clone(), &["--owner", "alice"]).await;
    assert!(stdout(&out).contains("#1 alice, open: write the review"));
    assert!(!stdout(&out).contains("bob"));

    let out = followups(config.clone(), &["--all"]).await;
    let text = stdout(&out);
    assert!(
        text.contains("#3 bob, done by bob 2026-11-23 08:00 UTC: rotate"),
        "{text}"
    );
    assert!(text.contains("· cron added"), "{text}");
    assert!(!text.contains('\u{1b}'), "{text:?}");

    let out = followups(config, &["--json", "--all"]).await;
    let answer: FollowupList = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(answer.followups.len(), 3);
    assert!(answer.followups[0].overdue);
}

#[tokio::test(flavor = "multi_thread")]
async fn followups_says_so_when_the_hub_does_not_answer() {
    let hub = TestHub::start().await;
    let base = hub.base.clone();
    hub.stop().await;
    let dir = tempfile::tempdir().unwrap();
    let out = followups(feed_config(dir.path(), &base), &[]).await;
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("asking") && err.contains("for follow-ups"),
        "{err}"
    );
}
