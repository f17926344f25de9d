use std::path::Path;
use std::time::Duration;

use super::super::{Config, ConfigError};
use super::*;

const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const PATH: &str = "/etc/oncall/config.toml";

const NOTIFY: &str = "[hub.notify]\npublic_url = \"https://oncall.example.com/\"\nsecret_env = \"ONCALL_NOTIFY_SECRET\"\n";
const SMTP: &str =
    "[hub.notify.smtp]\nhost = \"smtp.example.com\"\nfrom = \"Oncall <oncall@example.com>\"\n";

/// alice with `contacts` (each a TOML table body), then `rest`.
fn alice(contacts: &[&str], rest: &str) -> String {
    let mut text = format!("[[hub.responders]]\nname = \"alice\"\ntoken_sha256 = \"{HASH}\"\n");
    for c in contacts {
        text.push_str(&format!("[[hub.responders.contacts]]\n{c}\n"));
    }
    text + rest
}

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse(text, Path::new(PATH))
}

fn error(text: &str) -> ConfigError {
    match parse(text) {
        Ok(_) => panic!("expected an error from:\n{text}"),
        Err(e) => e,
    }
}

/// The 1-based line of the first line of `text` holding `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn contacts_notify_smtp_and_channels_parse_with_their_defaults() {
    let text = alice(
        &[
            "via = \"email\"\nto = \"alice@example.com\"\nafter = \"5m\"",
            "via = \"ntfy\"\nto = \"https://ntfy.example.com/alice-pager\"",
        ],
        &format!(
            "{NOTIFY}repeat = \"10m\"\nack_timeout = \"4h\"\n{SMTP}\
             [[hub.notify.channels]]\nname = \"team-chat\"\nvia = \"slack\"\nto = \"https://hooks.slack.com/services/T/B/X\"\nevents = [\"opened\", \"status\"]\n"
        ),
    );
    let config = parse(&text).unwrap_or_else(|e| panic!("{e}"));
    let hub = &config.hub;
    let contacts = &hub.responders[0].contacts;
    assert_eq!(contacts[0].via, Via::Email);
    assert_eq!(contacts[0].after, Duration::from_secs(300));
    assert_eq!(
        contacts[1].after,
        Duration::ZERO,
        "after defaults to at once"
    );
    let n = &hub.notify;
    assert_eq!(n.public_url.as_deref(), Some("https://oncall.example.com"));
    assert_eq!(n.min_severity, Severity::High);
    assert_eq!(n.repeat.map(|d| d.to_string()), Some("10m".into()));
    assert_eq!(n.ack_timeout.map(|d| d.to_string()), Some("4h".into()));
    let smtp = n.smtp.as_ref().unwrap();
    assert_eq!((smtp.tls, smtp.port()), (SmtpTls::Starttls, 587));
    assert_eq!(
        n.channels[0].events,
        [ChannelEvent::Opened, ChannelEvent::Status]
    );
    assert!(config.console.notify, "desktop notifications default on");
}

#[test]
fn without_notify_nothing_is_needed() {
    let config = parse(&alice(&[], "")).unwrap();
    assert_eq!(config.hub.notify, NotifyConfig::default());
    let settings = config
        .hub
        .notify_settings(Path::new(PATH), |_| None)
        .unwrap();
    assert!(settings.contacts_of("alice").is_empty());
    assert!(settings.secret.is_none());
}

#[test]
fn an_unknown_via_names_its_line_and_the_kinds() {
    let text = alice(&["via = \"sms\"\nto = \"+15551234\""], NOTIFY);
    let err = error(&text);
    assert_eq!(err.line, Some(line_of(&text, "sms")), "{err}");
    assert!(err.fix.contains("ntfy, email, webhook, slack"), "{err}");
}

#[test]
fn a_to_that_does_not_suit_its_via_names_its_line() {
    for (contact, says) in [
        (
            "via = \"ntfy\"\nto = \"https://ntfy.example.com/\"",
            "topic",
        ),
        (
            "via = \"ntfy\"\nto = \"ntfy.example.com/alice\"",
            "not a URL",
        ),
        (
            "via = \"webhook\"\nto = \"ftp://hooks.example.com/x\"",
            "http://",
        ),
        ("via = \"slack\"\nto = \"hooks.slack.com\"", "not a URL"),
        (
            "via = \"email\"\nto = \"alice at example.com\"",
            "not an email address",
        ),
    ] {
        let text = alice(&[contact], &format!("{NOTIFY}{SMTP}"));
        let err = error(&text);
        assert_eq!(err.line, Some(line_of(&text, "to = ")), "{contact}: {err}");
        assert!(err.problem.contains(says), "{contact}: {err}");
        assert!(err.fix.starts_with("write it like to = "), "{err}");
    }
}

#[test]
fn an_email_contact_without_smtp_says_to_add_it() {
    let text = alice(&["via = \"email\"\nto = \"alice@example.com\""], NOTIFY);
    let err = error(&text);
    assert_eq!(err.line, Some(line_of(&text, "via = \"email\"")), "{err}");
    assert!(err.fix.contains("[hub.notify.smtp]"), "{err}");
}

#[test]
fn contacts_need_a_secret_and_a_public_url() {
    let ntfy = "via = \"ntfy\"\nto = \"https://ntfy.sh/alice-pager\"";
    let text = alice(&[ntfy], "");
    let err = error(&text);
    assert_eq!(
        err.line,
        Some(line_of(&text, "[[hub.responders.contacts]]")),
        "{err}"
    );
    assert!(
        err.fix.contains("secret_env = \"ONCALL_NOTIFY_SECRET\""),
        "{err}"
    );
    let text = alice(
        &[ntfy],
        "[hub.notify]\npublic_url = \"https://oncall.example.com\"\n",
    );
    let err = error(&text);
    assert_eq!(err.line, Some(line_of(&text, "[hub.notify]")), "{err}");
    assert!(err.problem.contains("secret_env"), "{err}");
    let text = alice(&[ntfy], "[hub.notify]\nsecret_env = \"S\"\n");
    let err = error(&text);
    assert!(err.fix.contains("public_url"), "{err}");
}

#[test]
fn an_integration_with_contacts_is_refused() {
    let text = format!(
        "[[hub.responders]]\nname = \"am\"\ntoken_sha256 = \"{HASH}\"\nrole = \"integration\"\n\
         [[hub.responders.contacts]]\nvia = \"ntfy\"\nto = \"https://ntfy.sh/am\"\n{NOTIFY}"
    );
    let err = error(&text);
    assert_eq!(err.line, Some(line_of(&text, "via = ")), "{err}");
    assert!(err.problem.contains("never paged"), "{err}");
}

#[test]
fn channel_mistakes_name_their_line() {
    let channel = |body: &str| format!("{NOTIFY}[[hub.notify.channels]]\n{body}\n");
    let slack = "via = \"slack\"\nto = \"https://hooks.slack.com/x\"";
    let text = channel(&format!(
        "name = \"chat\"\n{slack}\nevents = [\"opened\", \"paged\"]"
    ));
    let err = error(&text);
    assert_eq!(err.line, Some(line_of(&text, "events")), "{err}");
    assert!(
        err.fix
            .contains("opened, escalated, resolved, handoff, status"),
        "{err}"
    );
    let text = channel(&format!("name = \"chat\"\n{slack}\nevents = []"));
    let err = error(&text);
    assert_eq!(err.line, Some(line_of(&text, "events")), "{err}");
    let twice = format!("name = \"chat\"\n{slack}\nevents = [\"opened\"]");
    let text = format!("{}[[hub.notify.channels]]\n{twice}\n", channel(&twice));
    let err = error(&text);
    let second = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("chat"))
        .last();
    assert_eq!(err.line, second.map(|(i, _)| i + 1), "{err}");
    let text = "[[hub.notify.channels]]\nname = \"audit\"\nvia = \"webhook\"\nto = \"https://audit.example.com/in\"\nevents = [\"resolved\"]\n";
    let err = error(text);
    assert!(err.problem.contains("secret_env"), "{err}");
    let text = channel(
        "name = \"mail\"\nvia = \"email\"\nto = \"team@example.com\"\nevents = [\"opened\"]",
    );
    assert!(error(&text).fix.contains("[hub.notify.smtp]"));
}

#[test]
fn smtp_mistakes_name_their_line() {
    let text = format!("{SMTP}username_env = \"ONCALL_SMTP_USER\"\n");
    let err = error(&text);
    assert_eq!(err.line, Some(line_of(&text, "username_env")), "{err}");
    assert!(err.fix.contains("password_env"), "{err}");
    let text = "[hub.notify.smtp]\nhost = \"smtp.example.com\"\nfrom = \"oncall\"\n";
    assert_eq!(error(text).line, Some(3));
    let text =
        "[hub.notify.smtp]\nhost = \"smtp.example.com\"\nfrom = \"o@example.com\"\ntls = \"ssl\"\n";
    let err = error(text);
    assert_eq!(err.line, Some(4), "{err}");
    assert!(err.fix.contains("none, starttls, tls"), "{err}");
    let text = "[hub.notify]\nsecret_env = \"the secret itself\"\n";
    assert!(error(text).fix.contains("name the variable"));
}

#[test]
fn secrets_are_read_when_the_hub_starts_and_an_empty_one_names_its_line() {
    let text = alice(
        &[
            "via = \"email\"\nto = \"alice@example.com\"\nafter = \"5m\"",
            "via = \"ntfy\"\nto = \"https://ntfy.sh/alice\"",
        ],
        &format!("{NOTIFY}{SMTP}username_env = \"SMTP_USER\"\npassword_env = \"SMTP_PASSWORD\"\n"),
    );
    let hub = parse(&text).unwrap().hub;
    let path = Path::new(PATH);
    let err = hub.notify_settings(path, |_| Some(" ".into())).unwrap_err();
    assert_eq!(err.line, Some(line_of(&text, "secret_env")), "{err}");
    assert!(err.problem.contains("ONCALL_NOTIFY_SECRET"), "{err}");
    let err = hub
        .notify_settings(path, |n| {
            (n == "ONCALL_NOTIFY_SECRET").then(|| "short".into())
        })
        .unwrap_err();
    assert!(err.fix.contains("openssl rand"), "{err}");
    let env = |n: &str| match n {
        "ONCALL_NOTIFY_SECRET" => Some("0123456789abcdef0123".to_string()),
        "SMTP_USER" => Some("pager".to_string()),
        _ => None,
    };
    let err = hub.notify_settings(path, env).unwrap_err();
    assert_eq!(err.line, Some(line_of(&text, "password_env")), "{err}");
    let settings = hub
        .notify_settings(path, |n| env(n).or_else(|| Some("hunter22".into())))
        .unwrap();
    assert_eq!(
        settings.secret.as_ref().unwrap().bytes(),
        b"0123456789abcdef0123"
    );
    let login = settings.smtp.as_ref().unwrap().login.as_ref().unwrap();
    assert_eq!(
        (login.0.as_str(), login.1.bytes()),
        ("pager", &b"hunter22"[..])
    );
    let order: Vec<Via> = settings
        .contacts_of("alice")
        .iter()
        .map(|c| c.via)
        .collect();
    assert_eq!(
        order,
        [Via::Ntfy, Via::Email],
        "tried in the order of `after`"
    );
    assert_eq!(
        settings.ack_url("tok"),
        Some("https://oncall.example.com/ack/tok".into())
    );
    assert!(settings.pages(Severity::Critical) && settings.pages(Severity::High));
    assert!(!settings.pages(Severity::Warning));
}

#[test]
fn durations_for_after_may_be_zero_but_need_a_unit() {
    let text = alice(
        &["via = \"ntfy\"\nto = \"https://ntfy.sh/a\"\nafter = \"0m\""],
        NOTIFY,
    );
    assert_eq!(
        parse(&text).unwrap().hub.responders[0].contacts[0].after,
        Duration::ZERO
    );
    let text = alice(
        &["via = \"ntfy\"\nto = \"https://ntfy.sh/a\"\nafter = \"5\""],
        NOTIFY,
    );
    let err = error(&text);
    assert_eq!(err.line, Some(line_of(&text, "after")), "{err}");
    assert!(err.fix.contains("\"5m\""), "{err}");
}

#[test]
fn the_console_takes_notify_off() {
    let config = parse("[console]\nnotify = false\n").unwrap();
    assert!(!config.console.notify);
    assert!(config.console.bell);
}
