use std::path::Path;

use super::super::{Config, ConfigError, Role};
use super::*;

const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

/// Lines 1-9: responders alice, bob, dave; what follows starts at line 10.
fn with_responders(rest: &str) -> String {
    let mut text = String::new();
    for name in ["alice", "bob", "dave"] {
        text.push_str(&format!(
            "[[hub.responders]]\nname = \"{name}\"\ntoken_sha256 = \"{HASH}\"\n"
        ));
    }
    text + rest
}

const ROTA: &str = "[hub.rota]\nresponders = [\"alice\", \"bob\"]\nshift = \"12h\"\nstart = \"2026-11-23T08:00:00Z\"\n";

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse(text, Path::new("/etc/oncall/config.toml"))
}

fn error(rest: &str) -> ConfigError {
    match parse(&with_responders(rest)) {
        Ok(c) => panic!("expected an error, got {c:?}"),
        Err(e) => e,
    }
}

fn time(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

#[test]
fn a_rota_and_policies_parse_with_their_defaults() {
    let text = with_responders(&format!(
        "{ROTA}[[hub.rota.overrides]]\nstart = 2026-11-24T08:00:00Z\nend = \"2026-11-24T20:00:00+01:00\"\nresponder = \"dave\"\n\
         [[hub.policies]]\nservices = [\"*\"]\n[[hub.policies.levels]]\nwho = \"on-call\"\nafter = \"15m\"\n\
         [[hub.policies.levels]]\nname = \"DBAs\"\nwho = [\"dave\", \"bob\"]\n"
    ));
    let hub = parse(&text).unwrap_or_else(|e| panic!("{e}")).hub;
    let rota = hub.rota.unwrap();
    assert_eq!(rota.responders, ["alice", "bob"]);
    assert_eq!(rota.shift.to_string(), "12h");
    assert_eq!(rota.start.0, time("2026-11-23T08:00:00Z"));
    // A bare TOML date-time and a quoted one with an offset both work.
    assert_eq!(rota.overrides[0].start.0, time("2026-11-24T08:00:00Z"));
    assert_eq!(rota.overrides[0].end.0, time("2026-11-24T19:00:00Z"));
    let policy = &hub.policies[0];
    assert!(policy.is_default());
    assert_eq!(policy.levels[0].name, None);
    assert_eq!(policy.levels[0].who, Targets::OnCall);
    assert_eq!(
        policy.levels[0].after.map(|a| a.to_string()),
        Some("15m".into())
    );
    assert_eq!(policy.levels[1].name.as_deref(), Some("DBAs"));
    assert_eq!(
        policy.levels[1].who,
        Targets::Named(vec!["dave".into(), "bob".into()])
    );
    assert_eq!(policy.levels[1].after, None);
}

#[test]
fn a_start_without_offset_names_line_and_format() {
    let err = error(
        "[hub.rota]\nresponders = [\"alice\"]\nshift = \"12h\"\nstart = \"2026-11-23 08:00\"\n",
    );
    assert_eq!(err.line, Some(13), "{err}");
    assert!(err.fix.contains("2026-11-23T08:00:00Z"), "{err}");
    let err = error(
        "[hub.rota]\nresponders = [\"alice\"]\nshift = \"12h\"\nstart = 2026-11-23T08:00:00\n",
    );
    assert_eq!(err.line, Some(13), "{err}");
    assert!(err.fix.contains("Z for UTC"), "{err}");
}

#[test]
fn a_bad_shift_or_after_names_line_and_unit() {
    let err = error(
        "[hub.rota]\nresponders = [\"alice\"]\nshift = \"12\"\nstart = \"2026-11-23T08:00:00Z\"\n",
    );
    assert_eq!(err.line, Some(12), "{err}");
    assert!(err.fix.contains("\"12m\""), "{err}");
    let err = error(&format!(
        "{ROTA}[[hub.policies]]\nservices = [\"*\"]\n[[hub.policies.levels]]\nwho = \"on-call\"\nafter = \"soon\"\n"
    ));
    assert_eq!(err.line, Some(18), "{err}");
    assert!(err.fix.contains("15m"), "{err}");
}

#[test]
fn who_must_be_on_call_or_a_list() {
    let err = error(&format!(
        "{ROTA}[[hub.policies]]\nservices = [\"db\"]\n[[hub.policies.levels]]\nwho = \"dave\"\n"
    ));
    assert_eq!(err.line, Some(17), "{err}");
    assert!(err.problem.contains("\"dave\""), "{err}");
    assert!(err.fix.contains("who = \"on-call\""), "{err}");
    assert!(err.fix.contains("who = [\"dave\"]"), "{err}");
}

#[test]
fn an_unknown_name_in_the_rota_says_who_is_known() {
    let err = error(
        "[hub.rota]\nresponders = [\"alice\", \"zed\"]\nshift = \"12h\"\nstart = \"2026-11-23T08:00:00Z\"\n",
    );
    assert_eq!(err.line, Some(11), "{err}");
    assert!(err.problem.contains("'zed' is in the rota"), "{err}");
    assert!(err.fix.contains("alice, bob, dave"), "{err}");
    assert!(err.fix.contains("oncall token new zed"), "{err}");
}

#[test]
fn an_unknown_name_in_an_override_or_a_level_is_reported() {
    let err = error(&format!(
        "{ROTA}[[hub.rota.overrides]]\nstart = \"2026-11-24T08:00:00Z\"\nend = \"2026-11-24T20:00:00Z\"\nresponder = \"zed\"\n"
    ));
    assert_eq!(err.line, Some(17), "{err}");
    let err = error(&format!(
        "{ROTA}[[hub.policies]]\nservices = [\"db\"]\n[[hub.policies.levels]]\nwho = \"on-call\"\n[[hub.policies.levels]]\nwho = [\"dave\", \"zed\"]\n"
    ));
    assert_eq!(err.line, Some(19), "{err}");
    assert!(
        err.problem.contains("2nd line of the policy for db"),
        "{err}"
    );
}

/// An integration's entry, put after the rest so that the name's last
/// quoted place is here, not where it is misused.
fn integration_am() -> String {
    format!(
        "[[hub.responders]]\nname = \"am\"\ntoken_sha256 = \"{HASH}\"\nrole = \"integration\"\n"
    )
}

#[test]
fn an_integration_in_the_rota_an_override_or_a_level_is_refused_where_it_is_named() {
    let am = integration_am();
    let err = error(&format!(
        "[hub.rota]\nresponders = [\"alice\", \"am\"]\nshift = \"12h\"\nstart = \"2026-11-23T08:00:00Z\"\n{am}"
    ));
    assert_eq!(err.line, Some(11), "{err}");
    assert!(
        err.problem
            .contains("'am' is in the rota, but it is an integration"),
        "{err}"
    );
    assert!(
        err.fix.contains("name a person here instead of 'am'"),
        "{err}"
    );
    let err = error(&format!(
        "{ROTA}[[hub.rota.overrides]]\nstart = \"2026-11-24T08:00:00Z\"\nend = \"2026-11-24T20:00:00Z\"\nresponder = \"am\"\n{am}"
    ));
    assert_eq!(err.line, Some(17), "{err}");
    assert!(err.problem.contains("in an override"), "{err}");
    let err = error(&format!(
        "{ROTA}[[hub.policies]]\nservices = [\"db\"]\n[[hub.policies.levels]]\nwho = [\"dave\", \"am\"]\n{am}"
    ));
    assert_eq!(err.line, Some(17), "{err}");
    assert!(
        err.problem.contains("1st line of the policy for db"),
        "{err}"
    );
    // Leads and responders are people: both may be on call.
    let lead =
        format!("[[hub.responders]]\nname = \"lee\"\ntoken_sha256 = \"{HASH}\"\nrole = \"lead\"\n");
    let text = with_responders(&format!(
        "{lead}{am}[hub.rota]\nresponders = [\"alice\", \"lee\"]\nshift = \"12h\"\nstart = \"2026-11-23T08:00:00Z\"\n"
    ));
    let hub = parse(&text).unwrap_or_else(|e| panic!("{e}")).hub;
    let roles: Vec<Role> = hub.responders.iter().map(|r| r.role).collect();
    assert_eq!(
        roles,
        [
            Role::Responder,
            Role::Responder,
            Role::Responder,
            Role::Lead,
            Role::Integration
        ]
    );
}

#[test]
fn a_rota_needs_responders() {
    let err =
        error("[hub.rota]\nresponders = []\nshift = \"12h\"\nstart = \"2026-11-23T08:00:00Z\"\n");
    assert_eq!(err.line, Some(11), "{err}");
    assert!(
        err.fix.contains("responders = [\"alice\", \"bob\"]"),
        "{err}"
    );
}

#[test]
fn an_override_must_end_after_it_starts_and_not_overlap_another() {
    let err = error(&format!(
        "{ROTA}[[hub.rota.overrides]]\nstart = \"2026-11-24T08:00:00Z\"\nend = \"2026-11-24T08:00:00Z\"\nresponder = \"dave\"\n"
    ));
    assert_eq!(err.line, Some(16), "{err}");
    assert!(err.fix.contains("later than start"), "{err}");
    let err = error(&format!(
        "{ROTA}[[hub.rota.overrides]]\nstart = \"2026-11-24T08:00:00Z\"\nend = \"2026-11-24T20:00:00Z\"\nresponder = \"dave\"\n\
         [[hub.rota.overrides]]\nstart = \"2026-11-24T19:00:00Z\"\nend = \"2026-11-25T08:00:00Z\"\nresponder = \"bob\"\n"
    ));
    assert_eq!(err.line, Some(19), "{err}");
    assert!(err.problem.contains("overlaps override 1"), "{err}");
}

#[test]
fn a_policy_needs_levels() {
    let err = error(&format!("{ROTA}[[hub.policies]]\nservices = [\"db\"]\n"));
    assert_eq!(err.line, Some(15), "{err}");
    assert!(
        err.problem.contains("the policy for db has no levels"),
        "{err}"
    );
    assert!(err.fix.contains("[[hub.policies.levels]]"), "{err}");
}

#[test]
fn a_service_in_two_policies_points_at_the_second() {
    let level = "[[hub.policies.levels]]\nwho = \"on-call\"\n";
    let err = error(&format!(
        "{ROTA}[[hub.policies]]\nservices = [\"db\", \"postgres\"]\n{level}[[hub.policies]]\nservices = [\"web\", \"Postgres\"]\n{level}"
    ));
    assert_eq!(err.line, Some(19), "{err}");
    assert!(
        err.problem
            .contains("'Postgres' is in two policies (1 and 2)"),
        "{err}"
    );
    assert!(err.fix.contains("remove it from the other"), "{err}");
}

#[test]
fn two_default_policies_are_refused() {
    let level = "[[hub.policies.levels]]\nwho = \"on-call\"\n";
    let err = error(&format!(
        "{ROTA}[[hub.policies]]\nservices = [\"*\"]\n{level}[[hub.policies]]\nservices = [\"*\"]\n{level}"
    ));
    assert_eq!(err.line, Some(19), "{err}");
    assert!(err.problem.contains("both the default policy"), "{err}");
    let err = error(&format!(
        "{ROTA}[[hub.policies]]\nservices = [\"*\", \"db\"]\n{level}"
    ));
    assert_eq!(err.line, Some(15), "{err}");
}

#[test]
fn on_call_needs_a_rota() {
    let err = error(
        "[[hub.policies]]\nservices = [\"db\"]\n[[hub.policies.levels]]\nwho = [\"dave\"]\n[[hub.policies.levels]]\nwho = \"on-call\"\n",
    );
    assert_eq!(err.line, Some(15), "{err}");
    assert!(err.problem.contains("no [hub.rota]"), "{err}");
    assert!(err.fix.contains("who = [\"dave\"]"), "{err}");
}

#[test]
fn unknown_keys_are_refused_in_every_new_table() {
    let err = error(&format!(
        "{ROTA}[[hub.policies]]\nservices = [\"db\"]\n[[hub.policies.levels]]\nwho = \"on-call\"\nwait = \"15m\"\n"
    ));
    assert_eq!(err.line, Some(18), "{err}");
    assert!(err.fix.contains("after"), "{err}");
    let err = error(
        "[hub.rota]\nresponders = [\"alice\"]\nshift = \"12h\"\nstarts = \"2026-11-23T08:00:00Z\"\n",
    );
    assert!(err.problem.contains("starts"), "{err}");
    assert!(err.fix.contains("start"), "{err}");
}
