//! The example config is the reference users copy: it must parse, and it
//! must show every key the config accepts.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::path::Path;

use oncall::config::{Config, FeedKind, Role};
use oncall::incident::Targets;

#[test]
fn config_example_parses() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml");
    let config = Config::load(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(config.responder.as_deref(), Some("alice"));
    assert_eq!(config.feeds.len(), 1);
    assert_eq!(config.feeds[0].kind, FeedKind::Hub);
    assert_eq!(config.feeds[0].poll_interval.to_string(), "2s");
    let roles: Vec<(&str, Role)> = config
        .hub
        .responders
        .iter()
        .map(|r| (r.name.as_str(), r.role))
        .collect();
    assert_eq!(
        roles,
        [
            ("alice", Role::Responder),
            ("bob", Role::Responder),
            ("carol", Role::Responder),
            ("dave", Role::Responder),
            ("erin", Role::Lead),
            ("alertmanager", Role::Integration),
        ]
    );
    let rota = config.hub.rota.as_ref().expect("the example has a rota");
    assert_eq!(rota.responders, ["alice", "bob", "carol"]);
    assert_eq!(rota.shift.to_string(), "12h");
    assert_eq!(rota.overrides.len(), 1);
    let policies = &config.hub.policies;
    assert_eq!(policies.len(), 2);
    assert!(policies[0].is_default());
    assert_eq!(policies[1].services, ["db", "postgres"]);
    assert_eq!(policies[1].levels.len(), 3);
    assert_eq!(policies[1].levels[0].who, Targets::OnCall);
    assert_eq!(
        policies[1].levels[1].who,
        Targets::Named(vec!["dave".to_string()])
    );
    assert_eq!(policies[1].levels[2].after, None);
    assert_eq!(config.hub.alertmanager.service_label, "service");
    assert_eq!(
        config.hub.alertmanager.severity.severity_of(Some("page")),
        oncall::incident::Severity::Critical
    );
}

/// The commented Alertmanager feed parses once uncommented.
#[test]
fn config_example_alertmanager_feed_parses() {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml"))
            .unwrap();
    let start = text
        .find("# [[feeds]]")
        .expect("the commented Alertmanager feed");
    let feed: String = text[start..]
        .lines()
        .take_while(|l| l.starts_with('#'))
        .map(|l| l.strip_prefix("# ").unwrap_or(""))
        .filter(|l| !l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    let config = Config::parse(&feed, Path::new("config.example.toml"))
        .unwrap_or_else(|e| panic!("{e}\n{feed}"));
    let am = &config.feeds[0];
    assert_eq!(am.kind, FeedKind::Alertmanager);
    assert_eq!(am.matchers.len(), 2);
    assert_eq!(am.silence_duration().to_string(), "2h");
    assert_eq!(am.token_env, None);
}

#[test]
fn config_example_documents_every_key() {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml"))
            .unwrap();
    for key in [
        "responder",
        "[[feeds]]",
        "name",
        "kind",
        "url",
        "token_env",
        "poll_interval",
        "[runbooks]",
        "dirs",
        "[console]",
        "bell",
        "[[hub.responders]]",
        "token_sha256",
        "role",
        "\"lead\"",
        "\"integration\"",
        "[hub.rota]",
        "responders",
        "shift",
        "start",
        "[[hub.rota.overrides]]",
        "end",
        "responder",
        "[[hub.policies]]",
        "services",
        "[[hub.policies.levels]]",
        "who",
        "after",
        "matchers",
        "silence",
        "\"alertmanager\"",
        "[hub.alertmanager]",
        "service_label",
        "[hub.alertmanager.severity]",
    ] {
        assert!(
            text.contains(key),
            "config.example.toml does not show `{key}`"
        );
    }
}
