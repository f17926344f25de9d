//! The example config is the reference users copy: it must parse, and it
//! must show every key the config accepts.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::path::Path;

use oncall::config::{ChannelEvent, Config, FeedKind, Role, SmtpTls, Via};
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
    let am = &config.hub.alertmanager;
    assert_eq!(am.service_label, None);
    assert_eq!(am.service_labels().next(), Some("service"));
    assert!(am.is_reporter("kube-state-metrics"));
    assert_eq!(
        config.hub.alertmanager.severity.severity_of(Some("page")),
        oncall::incident::Severity::Critical
    );
}

/// The commented Alertmanager feed parses once uncommented.
#[test]
fn config_example_alertmanager_feed_parses() {
    let feed = uncommented("# [[feeds]]");
    let config = Config::parse(&feed, Path::new("config.example.toml"))
        .unwrap_or_else(|e| panic!("{e}\n{feed}"));
    let am = &config.feeds[0];
    assert_eq!(am.kind, FeedKind::Alertmanager);
    assert_eq!(am.matchers.len(), 2);
    assert_eq!(am.silence_duration().to_string(), "2h");
    assert_eq!(am.token_env, None);
}

/// The commented block of the example that starts with `first`, as it is
/// once uncommented (`# # ` lines stay comments).
fn uncommented(first: &str) -> String {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml"))
            .unwrap();
    let start = text.find(first).expect(first);
    text[start..]
        .lines()
        .take_while(|l| l.starts_with('#'))
        .map(|l| l.strip_prefix("# ").unwrap_or(""))
        .filter(|l| !l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The commented watchdog parses once uncommented.
#[test]
fn config_example_watchdog_parses() {
    let watchdog = uncommented("# [hub.watchdog]");
    let config = Config::parse(&watchdog, Path::new("config.example.toml"))
        .unwrap_or_else(|e| panic!("{e}\n{watchdog}"));
    let w = config.hub.watchdog.unwrap();
    assert_eq!(w.url.0.as_str(), "https://hc-ping.com/your-check-uuid");
    assert_eq!(w.every.to_string(), "1m");
    assert!(w.fail);
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
        "# urls",
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
        "service_labels",
        "reporters",
        "# service_label",
        "[hub.alertmanager.severity]",
        "notify",
        "[[hub.responders.contacts]]",
        "via",
        "to",
        "\"ntfy\"",
        "\"email\"",
        "\"webhook\"",
        "\"slack\"",
        "[hub.notify]",
        "public_url",
        "min_severity",
        "repeat",
        "ack_timeout",
        "secret_env",
        "[hub.notify.smtp]",
        "host",
        "port",
        "tls",
        "from",
        "username_env",
        "password_env",
        "[[hub.notify.channels]]",
        "events",
        "\"handoff\"",
        "\"status\"",
        "metrics",
        "\"public\"",
        "[hub.watchdog]",
        "every",
        "fail",
    ] {
        assert!(
            text.contains(key),
            "config.example.toml does not show `{key}`"
        );
    }
}

/// The example pages alice by ntfy at once and by email five minutes on,
/// and tells the team chat; it serves once its secret is set.
#[test]
fn config_example_pages_alice_and_the_team_chat() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml");
    let config = Config::load(&path).unwrap_or_else(|e| panic!("{e}"));
    assert!(config.console.notify);
    let settings = config
        .hub
        .notify_settings(&path, |name| {
            (name == "ONCALL_NOTIFY_SECRET").then(|| "0123456789abcdef0123456789abcdef".to_string())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let alice: Vec<(Via, u64)> = settings
        .contacts_of("alice")
        .iter()
        .map(|c| (c.via, c.after.as_secs()))
        .collect();
    assert_eq!(alice, [(Via::Ntfy, 0), (Via::Email, 300)]);
    assert!(settings.contacts_of("bob").is_empty());
    assert_eq!(
        settings.public_url.as_deref(),
        Some("https://oncall.example.com")
    );
    assert_eq!(settings.repeat.map(|d| d.as_secs()), Some(600));
    assert_eq!(settings.ack_timeout.map(|d| d.as_secs()), Some(4 * 3600));
    let smtp = settings
        .smtp
        .as_ref()
        .expect("the example has an SMTP server");
    assert_eq!((smtp.port, smtp.tls), (587, SmtpTls::Starttls));
    assert_eq!(smtp.login, None);
    assert_eq!(settings.channels_for(ChannelEvent::Status).count(), 1);
    let unset = config.hub.notify_settings(&path, |_| None).unwrap_err();
    assert!(unset.problem.contains("ONCALL_NOTIFY_SECRET"), "{unset}");
}
