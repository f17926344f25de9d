//! `oncall incident show` against a real hub on 127.0.0.1, run as a user
//! would for a post-incident review: the incident with its whole timeline,
//! as text and as Markdown, with whatever hostile text the incident carries
//! made inert.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;

use serde_json::json;
use support::cli::{oncall, stderr, stdout};
use support::{ALICE, TestHub, incident};

async fn show(hub: &TestHub, args: &[&str]) -> std::process::Output {
    let mut all = vec!["incident", "show", "--hub", &hub.base];
    all.extend_from_slice(args);
    let all: Vec<String> = all.into_iter().map(str::to_string).collect();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = all.iter().map(String::as_str).collect();
        oncall(&args, &[("ONCALL_TOKEN", ALICE)])
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_incident_prints_with_its_whole_timeline_for_a_review() {
    let hub = TestHub::start().await;
    let id = hub
        .open(&incident("Disk full \u{1b}[2J\u{202e}on db-1"))
        .await
        .id;
    hub.acted(ALICE, id, "acknowledge", &json!({})).await;
    let note = json!({"text": "freed 20 GB | \u{1b}]0;owned\u{7}"});
    let noted = hub
        .post(ALICE, &format!("/api/v1/incidents/{id}/notes"), &note)
        .await;
    assert!(noted.status().is_success());
    hub.acted(ALICE, id, "resolve", &json!({"note": "logrotate fixed"}))
        .await;

    let out = show(&hub, &[&format!("#{id}")]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with(&format!("#{id} [warning] Disk full")),
        "{text}"
    );
    for words in [
        "acknowledged",
        "freed 20 GB",
        "resolved",
        "logrotate fixed",
        "owner          alice",
    ] {
        assert!(text.contains(words), "{words:?} in:\n{text}");
    }
    assert!(
        text.find("opened") < text.find("freed 20 GB")
            && text.find("freed 20 GB") < text.find("logrotate fixed"),
        "oldest first:\n{text}"
    );
    let md = stdout(&show(&hub, &[&id.to_string(), "--markdown"]).await);
    assert!(
        md.starts_with(&format!("# Incident #{id}: Disk full")),
        "{md}"
    );
    assert!(md.contains("## Timeline (UTC)"), "{md}");
    assert!(md.contains("freed 20 GB \\|"), "{md}");
    for shown in [&text, &md] {
        assert!(
            !shown.contains('\u{1b}') && !shown.contains('\u{7}'),
            "{shown:?}"
        );
        assert!(!shown.contains('\u{202e}'), "{shown:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_incident_says_so() {
    let hub = TestHub::start().await;
    let out = show(&hub, &["4242"]).await;
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("reading incident #4242"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("there is no incident #4242"),
        "{}",
        stderr(&out)
    );
    let out = show(&hub, &["forty-two"]).await;
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("not an incident number"),
        "{}",
        stderr(&out)
    );
}
