//! Who may do what, from the command line: `oncall token new --role` prints
//! the entry for the hub's config.
#[path = "support/cli.rs"]
mod cli;

use std::path::Path;

use cli::{oncall, stderr, stdout};
use oncall::config::{Config, Role};

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
