use std::path::Path;

use super::super::{Config, ConfigError};
use super::*;

const PATH: &str = "/etc/oncall/config.toml";

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse(text, Path::new(PATH))
}

/// The error `text` is refused with, checked to name the file and the line
/// holding `at`, and to say something of `problem` and `fix`.
fn refused(text: &str, at: &str, problem: &str, fix: &str) {
    let e = match parse(text) {
        Ok(_) => panic!("expected an error from:\n{text}"),
        Err(e) => e,
    };
    let line = text.lines().position(|l| l.contains(at)).unwrap() + 1;
    assert_eq!(
        (e.path.as_path(), e.line),
        (Path::new(PATH), Some(line)),
        "{e}"
    );
    assert!(e.problem.contains(problem), "{e}");
    assert!(e.fix.contains(fix), "{e}");
}

fn one(body: &str) -> String {
    format!(
        "[hub]\n\n[[hub.heartbeats]]\nname = \"nightly-backup\"\nservice = \"backups\"\n{body}\n"
    )
}

#[test]
fn every_and_cron_heartbeats_read_with_their_defaults() {
    let text = one("every = \"2s\"")
        + "[[hub.heartbeats]]\nname = \"report\"\nservice = \"bi\"\nseverity = \"warning\"\n\
           cron = \"0 2 * * *\"\ntimezone = \"Europe/Berlin\"\ngrace = \"1h\"\nrunbook = \"bi\"\n";
    let hub = parse(&text).unwrap().hub;
    let [every, cron] = &hub.heartbeats[..] else {
        panic!("two heartbeats: {:?}", hub.heartbeats)
    };
    assert_eq!(
        every.schedule(),
        Schedule::Every(HumanDuration::from_secs(2))
    );
    assert_eq!(
        (every.severity, every.grace),
        (Severity::High, HumanDuration::from_secs(300))
    );
    assert_eq!(
        cron.schedule().to_string(),
        "cron 0 2 * * * (Europe/Berlin)"
    );
    assert_eq!(
        (cron.grace, cron.runbook.as_deref()),
        (HumanDuration::from_secs(3600), Some("bi"))
    );
    let at = DateTime::parse_from_rfc3339("2026-07-01T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    let due = DateTime::parse_from_rfc3339("2026-07-02T00:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    assert_eq!(
        cron.schedule().next_after(at),
        Some(due),
        "02:00 in Berlin's summer"
    );
}

#[test]
fn a_bad_cron_expression_is_refused_at_its_line() {
    refused(
        &one("cron = \"0 25 * * *\""),
        "cron =",
        "is not a cron expression",
        "0 2 * * *",
    );
    refused(
        &one("cron = \"every night\""),
        "cron =",
        "is not a cron expression",
        "minute hour",
    );
}

#[test]
fn an_unknown_time_zone_is_refused_at_its_line() {
    refused(
        &one("cron = \"0 2 * * *\"\ntimezone = \"Europe/Atlantis\""),
        "timezone",
        "is not a time zone",
        "Europe/Berlin",
    );
    refused(
        &one("every = \"1h\"\ntimezone = \"UTC\""),
        "timezone",
        "has a `timezone` but no `cron`",
        "remove timezone",
    );
}

#[test]
fn both_schedules_or_neither_is_refused() {
    refused(
        &one("every = \"1h\"\ncron = \"0 2 * * *\""),
        "cron =",
        "both `every` and `cron`",
        "keep one",
    );
    refused(
        &one("grace = \"1h\""),
        "name =",
        "has no schedule",
        "every = \"24h\"",
    );
}

#[test]
fn names_are_unique_and_fit_a_url() {
    let twice = one("every = \"1h\"") + &one("every = \"2h\"").replace("[hub]\n\n", "");
    let e = parse(&twice).unwrap_err();
    assert_eq!(e.line, Some(8), "the second one's name: {e}");
    assert!(
        e.problem
            .contains("two heartbeats are named 'nightly-backup'"),
        "{e}"
    );
    refused(
        &one("every = \"1h\"").replace("nightly-backup", "nightly backup/2"),
        "name =",
        "holds characters a URL path cannot carry",
        "nightly-backup",
    );
    refused(
        &one("every = \"1h\"").replace("\"backups\"", "\" \""),
        "service",
        "empty service",
        "service =",
    );
}

#[test]
fn unknown_keys_and_bad_durations_are_refused() {
    refused(
        &one("every = \"1h\"\ngrace = \"soon\""),
        "grace",
        "is not a duration",
        "\"2s\"",
    );
    refused(
        &one("every = \"1h\"\nretries = 3"),
        "retries",
        "unknown field",
        "",
    );
}
