//! `oncall who`, run as a user would against a real hub: who is on call
//! now and until when, who is next, whom each level reaches, the hub and
//! token taken from the config as `oncall page` takes them; `--json` is the
//! hub's own answer; a hub that does not answer is said plainly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;

use support::TestHub;
use support::cli::{as_alice, feed_config, stderr, stdout};

const ROTA: &str = "[hub.rota]\nresponders = [\"carol\", \"dave\"]\nshift = \"12h\"\n\
    start = \"2026-11-23T08:00:00Z\"\n\
    [[hub.policies]]\nservices = [\"*\"]\n\
    [[hub.policies.levels]]\nwho = \"on-call\"\nafter = \"15m\"\n\
    [[hub.policies.levels]]\nname = \"2nd line\"\nwho = [\"erin\"]\n";

async fn who(config: String, more: &[&str]) -> std::process::Output {
    as_alice(&config, "who", more).await
}

#[tokio::test(flavor = "multi_thread")]
async fn who_prints_the_person_on_call_the_next_and_the_levels() {
    let hub = TestHub::with_config(support::hub_config(ROTA)).await;
    // Two hours into carol's first shift.
    hub.clock.advance(chrono::TimeDelta::hours(2));
    let dir = tempfile::tempdir().unwrap();
    let out = who(feed_config(dir.path(), &hub.base), &[]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("on call now: carol since 2026-11-23 08:00 UTC, until 2026-11-23 20:00 UTC"),
        "{text}"
    );
    assert!(
        text.contains("next:        dave from 2026-11-23 20:00 UTC"),
        "{text}"
    );
    assert!(text.contains("shift:       12h"), "{text}");
    assert!(
        text.contains("carol (on call), up after 15m unacknowledged"),
        "{text}"
    );
    assert!(text.contains("2. 2nd line: erin"), "{text}");

    let out = who(feed_config(dir.path(), &hub.base), &["--json"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let answer: oncall::incident::OnCall = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(answer.now.map(|s| s.who).as_deref(), Some("carol"));
    assert_eq!(answer.next.map(|s| s.who).as_deref(), Some("dave"));
}

#[tokio::test(flavor = "multi_thread")]
async fn who_says_so_when_the_hub_does_not_answer() {
    let hub = TestHub::start().await;
    let base = hub.base.clone();
    hub.stop().await;
    let dir = tempfile::tempdir().unwrap();
    let out = who(feed_config(dir.path(), &base), &[]).await;
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("who is on call"), "{err}");
}
