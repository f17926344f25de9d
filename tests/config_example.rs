//! The example config is the reference users copy: it must parse, and it
//! must show every key the config accepts.
use std::path::Path;

use oncall::config::{Config, FeedKind};

#[test]
fn config_example_parses() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml");
    let config = Config::load(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(config.responder.as_deref(), Some("alice"));
    assert_eq!(config.feeds.len(), 1);
    assert_eq!(config.feeds[0].kind, FeedKind::Hub);
    assert_eq!(config.feeds[0].poll_interval.to_string(), "2s");
    assert_eq!(config.hub.responders.len(), 2);
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
    ] {
        assert!(
            text.contains(key),
            "config.example.toml does not show `{key}`"
        );
    }
}
