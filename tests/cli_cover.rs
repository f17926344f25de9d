//! `oncall cover`, run as a user would against a real hub: covering a
//! window yourself prints the override and who was displaced; someone else
//! is put on call with `--for`, or refused in the hub's words; `oncall who`
//! lists the overrides in force and upcoming, in text and in `--json`; and
//! `--remove` takes one away. Bad times are refused before anything is sent.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;

use support::cli::{oncall, stderr, stdout};
use support::{ALICE, DAVE, TestHub};

const ROTA: &str = "[hub.rota]\nresponders = [\"alice\", \"bob\"]\nshift = \"12h\"\n\
    start = \"2026-11-23T08:00:00Z\"\n";

async fn run(config: String, token: &str, more: &[&str]) -> std::process::Output {
    let mut args = vec!["--config".to_string(), config];
    args.extend(more.iter().map(|s| s.to_string()));
    let token = token.to_string();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        oncall(&args, &[("MY_TOKEN", token.as_str())])
    })
    .await
    .unwrap()
}

fn console_config(dir: &std::path::Path, url: &str, name: &str) -> String {
    let config = dir.join(format!("{name}.toml"));
    std::fs::write(
        &config,
        format!("responder = \"{name}\"\n[[feeds]]\nurl = \"{url}\"\ntoken_env = \"MY_TOKEN\"\n"),
    )
    .unwrap();
    config.to_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn cover_makes_an_override_that_who_lists_and_remove_takes_away() {
    let hub = TestHub::with_config(support::hub_config(ROTA)).await;
    let dir = tempfile::tempdir().unwrap();
    let daves = console_config(dir.path(), &hub.base, "dave");
    let alices = console_config(dir.path(), &hub.base, "alice");

    let out = run(
        daves.clone(),
        DAVE,
        &["cover", "--start", "2026-11-23T09:00:00Z", "--end", "+2h"],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "override #1: dave on call 2026-11-23 09:00 UTC to 2026-11-23 11:00 UTC (made by dave)\n\
         displaced: alice\n"
    );

    // dave is not on call 21:00-22:00 (bob is): he may not give it to carol.
    let out = run(
        daves.clone(),
        DAVE,
        &[
            "cover",
            "--start",
            "2026-11-23T21:00:00Z",
            "--end",
            "1h",
            "--for",
            "carol",
        ],
    )
    .await;
    assert!(!out.status.success());
    assert!(stderr(&out).contains("held by bob"), "{}", stderr(&out));

    let out = run(alices.clone(), ALICE, &["who"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(
            "overrides:\n  override #1: dave on call 2026-11-23 09:00 UTC to 2026-11-23 11:00 UTC (made by dave)\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("next:        dave from 2026-11-23 09:00 UTC"),
        "{text}"
    );
    let out = run(alices.clone(), ALICE, &["who", "--json"]).await;
    let answer: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(answer["overrides"][0]["responder"], "dave");
    assert_eq!(answer["next"]["who"], "dave");

    // alice neither made it nor is named by it.
    let out = run(alices.clone(), ALICE, &["cover", "--remove", "1"]).await;
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("only they or a lead"),
        "{}",
        stderr(&out)
    );
    let out = run(daves, DAVE, &["cover", "--remove", "1"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("removed override #1: dave on call"),
        "{}",
        stdout(&out)
    );
    let out = run(alices, ALICE, &["who"]).await;
    assert!(!stdout(&out).contains("overrides:"), "{}", stdout(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn cover_refuses_bad_times_before_asking_the_hub() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing listens here: a bad time is refused before any request.
    let config = console_config(dir.path(), "http://127.0.0.1:9", "dave");
    let out = run(
        config.clone(),
        DAVE,
        &["cover", "--start", "tomorrow", "--end", "8h"],
    )
    .await;
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("--start: 'tomorrow' is not a time"),
        "{}",
        stderr(&out)
    );
    let out = run(config.clone(), DAVE, &["cover", "--end", "soon"]).await;
    assert!(
        stderr(&out).contains("neither a time nor a length"),
        "{}",
        stderr(&out)
    );
    let out = run(config, DAVE, &["cover"]).await;
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--end"), "{}", stderr(&out));
}
