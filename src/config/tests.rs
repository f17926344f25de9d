use super::*;
use crate::incident::Severity;

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse(text, Path::new("/etc/oncall/config.toml"))
}

#[test]
fn empty_file_is_defaults() {
    assert_eq!(parse("").unwrap(), Config::default());
}

#[test]
fn unknown_key_names_line_and_allowed_keys() {
    let err = parse(
        "responder = \"alice\"\n\n[[feeds]]\nurl = \"http://h:1\"\npoll_intervall = \"2s\"\n",
    )
    .unwrap_err();
    assert_eq!(err.line, Some(5), "{err}");
    assert!(err.problem.contains("poll_intervall"), "{err}");
    assert!(err.fix.contains("poll_interval"), "{err}");
    assert!(
        err.to_string().starts_with("/etc/oncall/config.toml:5: "),
        "{err}"
    );
}

#[test]
fn bad_duration_names_line_and_fix() {
    let err =
        parse("[[feeds]]\nurl = \"http://h:1\"\npoll_interval = \"2 seconds\"\n").unwrap_err();
    assert_eq!(err.line, Some(3), "{err}");
    assert!(err.fix.contains("unit"), "{err}");
}

#[test]
fn durations_parse() {
    assert_eq!(HumanDuration::parse("1h30m").unwrap().0.as_secs(), 5400);
    assert_eq!(HumanDuration::parse("500ms").unwrap().0.as_millis(), 500);
    assert_eq!(HumanDuration::parse("1d").unwrap().to_string(), "1d");
    assert!(HumanDuration::parse("0s").is_err());
    assert!(HumanDuration::parse("5").is_err());
    assert!(HumanDuration::parse("5y").is_err());
    assert!(HumanDuration::parse("").is_err());
}

#[test]
fn bad_url_is_reported() {
    let err = parse("[[feeds]]\nurl = \"hub.example:8080\"\n").unwrap_err();
    assert_eq!(err.line, Some(2), "{err}");
    let err = parse("[[feeds]]\nurl = \"ftp://hub\"\n").unwrap_err();
    assert!(err.problem.contains("http://"), "{err}");
}

#[test]
fn missing_url_says_to_add_it() {
    let err = parse("[[feeds]]\nname = \"x\"\n").unwrap_err();
    assert!(err.fix.contains("url"), "{err}");
}

#[test]
fn bad_token_hash_is_reported() {
    let err = parse("[[hub.responders]]\nname = \"a\"\ntoken_sha256 = \"abc\"\n").unwrap_err();
    assert_eq!(err.line, Some(3), "{err}");
    assert!(err.fix.contains("oncall token new"), "{err}");
}

#[test]
fn duplicate_responder_points_at_second() {
    let h = Sha256Hex::of("t").to_hex();
    let text = format!(
        "[[hub.responders]]\nname = \"a\"\ntoken_sha256 = \"{h}\"\n[[hub.responders]]\nname = \"a\"\ntoken_sha256 = \"{h}\"\n"
    );
    let err = parse(&text).unwrap_err();
    assert_eq!(err.line, Some(5), "{err}");
}

#[test]
fn syntax_error_has_line() {
    let err = parse("responder = \"alice\"\nfeeds = [\n").unwrap_err();
    assert!(err.line.is_some(), "{err}");
}

#[test]
fn missing_named_file_is_an_error_with_fix() {
    let err = Config::load_or_default(Path::new("/nonexistent/oncall.toml"), true).unwrap_err();
    assert!(err.fix.contains("--config"), "{err}");
    assert!(Config::load_or_default(Path::new("/nonexistent/oncall.toml"), false).is_ok());
}

#[test]
fn alertmanager_feed_takes_matchers_and_silence() {
    let c = parse(
        "[[feeds]]\nkind = \"alertmanager\"\nurl = \"http://am:9093\"\nmatchers = [\"team=\\\"db\\\"\"]\nsilence = \"30m\"\n",
    )
    .unwrap();
    let f = &c.feeds[0];
    assert_eq!(f.kind, FeedKind::Alertmanager);
    assert_eq!(f.matchers, [Matcher("team=\"db\"".into())]);
    assert_eq!(f.silence_duration().0.as_secs(), 1800);
    assert_eq!(f.token_env, None);
    let plain = parse("[[feeds]]\nkind = \"alertmanager\"\nurl = \"http://am:9093\"\n").unwrap();
    assert_eq!(plain.feeds[0].silence_duration(), DEFAULT_SILENCE);
}

#[test]
fn alertmanager_keys_on_a_hub_feed_are_refused_at_their_line() {
    let err = parse("[[feeds]]\nurl = \"http://h:1\"\n\nsilence = \"1h\"\n").unwrap_err();
    assert_eq!(err.line, Some(4), "{err}");
    assert!(err.fix.contains("alertmanager"), "{err}");
    let err = parse("[[feeds]]\nurl = \"http://h:1\"\nmatchers = [\"a=\\\"b\\\"\"]\n").unwrap_err();
    assert_eq!(err.line, Some(3), "{err}");
}

#[test]
fn bad_matcher_names_its_line() {
    let err = parse(
        "[[feeds]]\nkind = \"alertmanager\"\nurl = \"http://am:9093\"\nmatchers = [\"team\"]\n",
    )
    .unwrap_err();
    assert_eq!(err.line, Some(4), "{err}");
    assert!(err.fix.contains("team="), "{err}");
}

#[test]
fn hub_alertmanager_section_maps_severities_and_rejects_unknown_keys() {
    let c = parse(
        "[hub.alertmanager]\nservice_label = \"app\"\n[hub.alertmanager.severity]\nP1 = \"critical\"\nwarning = \"info\"\n",
    )
    .unwrap();
    let am = &c.hub.alertmanager;
    assert_eq!(am.service_label.as_deref(), Some("app"));
    assert_eq!(am.service_labels().next(), Some("app"));
    assert_eq!(am.severity.severity_of(Some("p1")), Severity::Critical);
    assert_eq!(am.severity.severity_of(Some("warning")), Severity::Info);
    assert_eq!(am.severity.severity_of(Some("page")), Severity::Critical);
    let defaults = parse("").unwrap().hub.alertmanager;
    assert_eq!(defaults.service_label, None);
    assert_eq!(defaults.service_labels().next(), Some("service"));

    let err = parse("[hub.alertmanager]\nservice_lable = \"app\"\n").unwrap_err();
    assert_eq!(err.line, Some(2), "{err}");
    assert!(err.fix.contains("service_label"), "{err}");
    let err = parse("[hub.alertmanager.severity]\nurgent = \"panic\"\n").unwrap_err();
    assert_eq!(err.line, Some(2), "{err}");
    assert!(err.fix.contains("critical"), "{err}");
    let err = parse("[hub.alertmanager]\nservice_label = \"my service\"\n").unwrap_err();
    assert_eq!(err.line, Some(2), "{err}");
}

#[test]
fn service_labels_and_reporters_are_checked_at_their_line() {
    let c = parse(
        "[hub.alertmanager]\nservice_labels = [\"app\", \"job\"]\nreporters = [\"Scraper\", \"exporter-*\"]\n",
    )
    .unwrap();
    let am = &c.hub.alertmanager;
    assert_eq!(am.service_labels().collect::<Vec<_>>(), ["app", "job"]);
    assert!(am.is_reporter("scraper") && am.is_reporter("exporter-pg"));
    assert!(
        !am.is_reporter("kube-state-metrics"),
        "the list replaces the defaults"
    );

    let err =
        parse("[hub.alertmanager]\n\nservice_labels = [\"app\", \"app.name\"]\n").unwrap_err();
    assert_eq!(err.line, Some(3), "{err}");
    assert!(
        err.problem.contains("'app.name' is not a label name"),
        "{err}"
    );
    assert!(err.fix.contains("service_labels = ["), "{err}");
    for bad in ["\"*\"", "\"\"", "\"kube-*-metrics\""] {
        let text = format!("[hub.alertmanager]\nreporters = [\"node\",\n  {bad}]\n");
        let err = parse(&text).unwrap_err();
        assert_eq!(err.line, Some(2), "the key's line: {bad}: {err}");
        assert!(err.fix.contains("at most one * at the end"), "{bad}: {err}");
    }
}

#[test]
fn an_unknown_role_names_line_and_the_roles() {
    let err = parse(
        "[[hub.responders]]\nname = \"alice\"\ntoken_sha256 = \"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"\nrole = \"admin\"\n",
    )
    .unwrap_err();
    assert_eq!(err.line, Some(4), "{err}");
    assert!(err.fix.contains("responder, lead, integration"), "{err}");
    assert_eq!("lead".parse::<Role>(), Ok(Role::Lead));
    assert!(
        "admin"
            .parse::<Role>()
            .unwrap_err()
            .contains("responder, lead, integration")
    );
}

#[test]
fn a_responder_name_with_an_escape_names_its_line() {
    let hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    let err = parse(&format!(
        "[[hub.responders]]\nname = \"alice\"\ntoken_sha256 = \"{hash}\"\n\n[[hub.responders]]\nname = \"bob\\u001b]0;x\\u0007\"\ntoken_sha256 = \"{hash}\"\n"
    ))
    .unwrap_err();
    assert_eq!(err.line, Some(6), "{err}");
    assert!(err.problem.contains("an escape (U+001B)"), "{err}");
}

#[test]
fn no_responder_may_take_the_hubs_own_name() {
    let hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    let err = parse(&format!(
        "[[hub.responders]]\nname = \"alice\"\ntoken_sha256 = \"{hash}\"\n\n[[hub.responders]]\nname = \"The Hub\"\ntoken_sha256 = \"{hash}\"\n"
    ))
    .unwrap_err();
    assert_eq!(err.line, Some(6), "{err}");
    assert!(err.problem.contains("the hub's own changes"), "{err}");
}

#[test]
fn a_feed_takes_one_url_or_a_list_of_hubs() {
    let one = parse("[[feeds]]\nurl = \"http://hub-a:8080/\"\n").unwrap();
    assert_eq!(one.feeds[0].urls(), [FeedUrl("http://hub-a:8080".into())]);
    assert_eq!(one.feeds[0].first_url(), "http://hub-a:8080");
    let two =
        parse("[[feeds]]\nurls = [\"https://hub-a.example\", \"https://hub-b.example:8443/\"]\n")
            .unwrap();
    assert_eq!(
        two.feeds[0].urls(),
        [
            FeedUrl("https://hub-a.example".into()),
            FeedUrl("https://hub-b.example:8443".into())
        ]
    );
    assert_eq!(two.feeds[0].first_url(), "https://hub-a.example");
    let listed_once = parse("[[feeds]]\nurls = [\"http://hub-a:8080\"]\n").unwrap();
    assert_eq!(listed_once.feeds[0].urls(), one.feeds[0].urls());
}

#[test]
fn url_and_urls_together_an_empty_list_or_neither_are_refused_at_their_line() {
    let both = parse(
        "[[feeds]]\nname = \"team\"\nurl = \"http://hub-a:8080\"\nurls = [\"http://hub-b:8080\"]\n",
    )
    .unwrap_err();
    assert_eq!(both.line, Some(4), "{both}");
    assert!(both.problem.contains("both `url` and `urls`"), "{both}");
    assert!(both.fix.contains("keep one"), "{both}");

    let empty = parse("responder = \"a\"\n[[feeds]]\nname = \"team\"\nurls = []\n").unwrap_err();
    assert_eq!(empty.line, Some(4), "{empty}");
    assert!(empty.problem.contains("empty `urls`"), "{empty}");
    assert!(empty.fix.contains("at least one"), "{empty}");
    assert!(
        empty.to_string().starts_with("/etc/oncall/config.toml:4: "),
        "{empty}"
    );

    // The second feed is the one without: its header is named.
    let neither =
        parse("[[feeds]]\nname = \"a\"\nurl = \"http://h:1\"\n\n[[feeds]]\nname = \"b\"\n")
            .unwrap_err();
    assert_eq!(neither.line, Some(5), "{neither}");
    assert!(neither.problem.contains("'b' has no `url`"), "{neither}");
    assert!(neither.fix.contains("urls = [...]"), "{neither}");
}

#[test]
fn a_bad_url_in_the_list_is_named_with_its_line() {
    let err =
        parse("[[feeds]]\nurls = [\n  \"http://hub-a:8080\",\n  \"hub-b.example:8080\",\n]\n")
            .unwrap_err();
    assert_eq!(err.line, Some(4), "{err}");
    assert!(err.problem.starts_with("'hub-b.example:8080'"), "{err}");
    assert!(err.fix.contains("https://hub.example"), "{err}");
    let err = parse("[[feeds]]\nurls = [\"http://hub-a:8080\", \"ftp://hub-b\"]\n").unwrap_err();
    assert_eq!(err.line, Some(2), "{err}");
    assert!(err.problem.contains("http://"), "{err}");
    let err = parse("[[feeds]]\nurls = [\"http://hub a\"]\n").unwrap_err();
    assert!(err.problem.contains("is not a URL"), "{err}");
    assert!(err.fix.contains("write it like"), "{err}");
}

#[test]
fn an_alertmanager_feed_lists_one_alertmanager() {
    let err = parse(
        "[[feeds]]\nkind = \"alertmanager\"\nurls = [\"http://am-1:9093\", \"http://am-2:9093\"]\n",
    )
    .unwrap_err();
    assert_eq!(err.line, Some(3), "{err}");
    assert!(err.problem.contains("2 URLs"), "{err}");
    parse("[[feeds]]\nkind = \"alertmanager\"\nurls = [\"http://am-1:9093\"]\n").unwrap();
}
