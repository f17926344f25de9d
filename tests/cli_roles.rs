//! Who may do what, from the command line: `oncall token new --role` prints
//! the entry for the hub's config, and `oncall handoff --print` asks the hub
//! first, so it never prints a note for a hand-off the hub would refuse.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use support::cli;
mod support;

use std::path::Path;

use cli::{oncall, stderr, stdout};
use oncall::config::{Config, Role};
use support::{ALERTMANAGER, ALICE, BOB, ROTA_CONFIG, TestHub, hub_config, integration};

#[test]
fn token_new_with_a_role_prints_the_entry_with_that_role() {
    let out = oncall(
        &["token", "new", "alertmanager", "--role", "integration"],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let snippet: String = text
        .lines()
        .skip_while(|l| !l.starts_with("[[hub.responders]]"))
        .take_while(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let config =
        Config::parse(&snippet, Path::new("hub.toml")).unwrap_or_else(|e| panic!("{e}\n{snippet}"));
    assert_eq!(
        config.hub.responders[0].role,
        Role::Integration,
        "{snippet}"
    );
    assert!(text.contains("may only send events"), "{text}");
    let out = oncall(&["token", "new", "x", "--role", "admin"], &[]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("use responder, lead, integration"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn handoff_print_fails_with_the_hubs_reason_when_the_hub_would_refuse() {
    let mut config = hub_config(ROTA_CONFIG);
    config
        .responders
        .push(integration("alertmanager", ALERTMANAGER));
    // alice is on call.
    let hub = TestHub::with_config(config).await;
    let cases = [
        (
            ALICE,
            "alice",
            "zed",
            "'zed' is not a responder of this hub",
        ),
        (
            ALICE,
            "alice",
            "alice",
            "alice cannot hand off to themselves",
        ),
        (
            ALICE,
            "alice",
            "alertmanager",
            "'alertmanager' is an integration, which is never on call",
        ),
        (
            BOB,
            "bob",
            "carol",
            "alice is on call now: only alice or a lead may hand off the shift",
        ),
    ];
    for (token, user, to, reason) in cases {
        let base = hub.base.clone();
        let out = tokio::task::spawn_blocking(move || {
            oncall(
                &["handoff", "--print", "--hub", &base, "--to", to],
                &[("ONCALL_TOKEN", token), ("USER", user)],
            )
        })
        .await
        .unwrap();
        assert!(!out.status.success(), "--to {to}: {}", stdout(&out));
        assert!(stderr(&out).contains(reason), "--to {to}: {}", stderr(&out));
        assert_eq!(stdout(&out), "", "no note for a refused hand-off");
    }
    // Only checked: nothing was handed off.
    assert_eq!(hub.oncall().await.now.unwrap().who, "alice");
}
