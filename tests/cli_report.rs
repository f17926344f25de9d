//! `oncall report`, run as a user would against a real hub: the plain
//! table by default, `--json` and `--markdown`, the hub and token from the
//! config as `oncall page` takes them, every name printed inert, and a bad
//! `--since` refused with the hub's words.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;

use oncall::incident::{NewIncident, Severity};
use support::cli::{oncall, stderr, stdout};
use support::{ALICE, TestHub, incident};

/// What a terminal would obey, in an alert's name.
const HOSTILE: &str = "Evil\u{1b}]52;c;aGk=\u{7}\u{1b}[2JName\u{202e}";

/// A hub with one alert that paged twice (opened, escalated by hand) and a
/// hostile one, its clock an hour on; and a config naming it.
async fn hub_with_noise(dir: &std::path::Path) -> (TestHub, String) {
    // Everything goes to alice: her console is told of each opening.
    let config = support::hub_config(
        "[[hub.policies]]\nservices = [\"*\"]\n[[hub.policies.levels]]\nwho = [\"alice\"]\n",
    );
    let hub = TestHub::with_config(config).await;
    let inc = hub
        .open(&NewIncident {
            severity: Severity::Critical,
            service: "db".into(),
            labels: [("alertname".to_string(), "DiskFull".to_string())].into(),
            ..incident("disk full on db-1")
        })
        .await;
    hub.clock.advance(chrono::TimeDelta::minutes(4));
    hub.acted(ALICE, inc.id, "acknowledge", &serde_json::json!({}))
        .await;
    hub.open(&NewIncident {
        service: "web".into(),
        labels: [("alertname".to_string(), HOSTILE.to_string())].into(),
        ..incident("hostile")
    })
    .await;
    hub.clock.advance(chrono::TimeDelta::hours(1));
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[[feeds]]\nurl = \"{}\"\ntoken_env = \"MY_TOKEN\"\n",
            hub.base
        ),
    )
    .unwrap();
    (hub, config.to_str().unwrap().to_string())
}

async fn report(config: &str, more: &[&str]) -> std::process::Output {
    let mut args = vec![
        "--config".to_string(),
        config.to_string(),
        "report".to_string(),
    ];
    args.extend(more.iter().map(|s| s.to_string()));
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        oncall(&args, &[("MY_TOKEN", ALICE)])
    })
    .await
    .unwrap()
}

fn inert(text: &str) {
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\u{202e}'),
        "{text:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_report_prints_as_a_table_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let (_hub, config) = hub_with_noise(dir.path()).await;
    let out = report(&config, &["--since", "2h"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    inert(&text);
    insta::with_settings!({ snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots") }, {
        insta::assert_snapshot!("cli_report_table", text);
    });
}

#[tokio::test(flavor = "multi_thread")]
async fn the_report_prints_as_markdown() {
    let dir = tempfile::tempdir().unwrap();
    let (_hub, config) = hub_with_noise(dir.path()).await;
    let out = report(&config, &["--markdown"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    inert(&text);
    insta::with_settings!({ snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots") }, {
        insta::assert_snapshot!("cli_report_markdown", text);
    });
}

#[tokio::test(flavor = "multi_thread")]
async fn the_report_prints_the_hubs_json() {
    let dir = tempfile::tempdir().unwrap();
    let (_hub, config) = hub_with_noise(dir.path()).await;
    let out = report(&config, &["--json", "--since", "1d"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    inert(&text);
    let report: oncall::report::NoiseReport = serde_json::from_str(&text).unwrap();
    assert_eq!(report.until - report.since, chrono::TimeDelta::days(1));
    let alerts: Vec<(&str, &str, u64)> = report
        .alerts
        .iter()
        .map(|a| (a.alert.as_str(), a.service.as_str(), a.figures.pages))
        .collect();
    // Without contacts, each opening that named alice paged her; the
    // escape sequences in the name are gone.
    assert_eq!(alerts, [("DiskFull", "db", 1), ("EvilName", "web", 1)]);
    assert_eq!(report.responders[0].responder, "alice");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_since_is_refused_with_the_hubs_words() {
    let dir = tempfile::tempdir().unwrap();
    let (_hub, config) = hub_with_noise(dir.path()).await;
    let out = report(&config, &["--since", "a week"]).await;
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("since: 'a week' is not a duration"), "{err}");
}
