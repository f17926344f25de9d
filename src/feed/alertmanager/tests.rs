//! What Alertmanager 0.25 answered (recorded) reads as the incidents the
//! console should show: owner and status from silences, inert text, and
//! alerts that leave the list reported resolved once.
use super::*;
use crate::incident::{EventKind, Severity};

fn fixture<T: DeserializeOwned>(name: &str) -> T {
    let path = format!(
        "{}/tests/fixtures/alertmanager-0.25/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn alerts() -> Vec<Alert> {
    fixture("get_alerts.json")
}

fn silences() -> HashMap<String, Silence> {
    let list: Vec<Silence> = fixture("get_silences.json");
    list.into_iter().map(|s| (s.id.clone(), s)).collect()
}

fn by_name<'a>(incidents: &'a [Incident], alertname: &str) -> &'a Incident {
    incidents
        .iter()
        .find(|i| i.labels.get("alertname") == Some(alertname))
        .unwrap_or_else(|| panic!("no {alertname} in {incidents:?}"))
}

fn mapped(alerts: &[Alert], silences: &HashMap<String, Silence>) -> Vec<Incident> {
    alerts
        .iter()
        .map(|a| mapping::incident(&AlertmanagerConfig::default(), a, silences))
        .collect()
}

#[test]
fn recorded_alerts_are_triggered_incidents_with_inert_text() {
    let incidents = mapped(&alerts(), &HashMap::new());
    assert_eq!(incidents.len(), 3);
    let checkout = by_name(&incidents, "HighErrorRate");
    assert_eq!(checkout.id, 0x69c2_e62f_0b0a_ec37);
    assert_eq!(checkout.dedup_key, "am:69c2e62f0b0aec37");
    assert_eq!(checkout.title, "5xx rate above 5% on checkout");
    assert_eq!(checkout.severity, Severity::Critical);
    assert_eq!(checkout.status, Status::Triggered);
    assert_eq!(checkout.owner, None);
    assert_eq!(checkout.service, "checkout");
    assert_eq!(checkout.source, "alertmanager");
    assert_eq!(
        checkout.runbook_url.as_deref(),
        Some("https://runbooks.example/checkout-5xx.md")
    );
    assert_eq!(
        checkout.created_at.to_rfc3339(),
        "2026-11-22T01:33:29+00:00"
    );
    assert_eq!(checkout.timeline[0].kind, EventKind::Opened);

    // Alertmanager returns the escape sequences byte for byte; the client
    // hands the console only their visible words.
    let raw = &alerts()[1].annotations["summary"];
    assert!(raw.contains('\u{1b}'), "{raw:?}");
    let injected = by_name(&incidents, "Injected");
    assert_eq!(injected.title, "evil  title RED");
}

#[test]
fn a_silenced_alert_is_acknowledged_by_whoever_made_the_silence() {
    // The recording listed the alerts before the silence was made; this is
    // the same alert as Alertmanager lists it once the silence holds it.
    let mut alerts = alerts();
    let disk = alerts
        .iter_mut()
        .find(|a| a.labels["alertname"] == "DiskFilling")
        .unwrap();
    disk.status.state = "suppressed".into();
    disk.status.silenced_by = vec!["c556231e-6f2f-43ac-a3aa-74bbdfb22131".into()];
    let incidents = mapped(&alerts, &silences());
    let inc = by_name(&incidents, "DiskFilling");
    assert_eq!(inc.status, Status::Acknowledged);
    assert_eq!(inc.owner.as_deref(), Some("oncall-tui/alice"));
    assert_eq!(
        inc.description,
        "Silenced by oncall-tui/alice until 2026-11-22 02:33 UTC: Acknowledged from oncall TUI; investigating disk growth"
    );
    let ack = &inc.timeline[1];
    assert_eq!(ack.kind, EventKind::Acknowledged);
    assert_eq!(ack.who, "oncall-tui/alice");
    assert_eq!(ack.at.to_rfc3339(), "2026-11-22T01:33:44.133+00:00");
    assert!(ack.text.starts_with("silenced until 2026-11-22 02:33 UTC"));
    // The others are untouched.
    assert_eq!(
        by_name(&incidents, "HighErrorRate").status,
        Status::Triggered
    );
}

#[test]
fn an_inhibited_alert_is_still_nobodys() {
    let mut alerts = alerts();
    alerts[0].status.state = "suppressed".into();
    alerts[0].status.inhibited_by = vec!["69c2e62f0b0aec37".into()];
    let inc = &mapped(&alerts[..1], &HashMap::new())[0];
    assert_eq!(inc.status, Status::Triggered);
    assert!(
        inc.description.contains("Inhibited by 1"),
        "{}",
        inc.description
    );
}

#[test]
fn the_silence_posted_and_its_answer_have_alertmanagers_shape() {
    // The recorded answer to POST /api/v2/silences, headers then body.
    let response = std::fs::read_to_string(format!(
        "{}/tests/fixtures/alertmanager-0.25/post_silence.response.txt",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let (_, body) = response.split_once("\r\n\r\n").unwrap();
    let created: api::SilenceCreated = serde_json::from_str(body.trim()).unwrap();
    assert_eq!(created.silence_id, "c556231e-6f2f-43ac-a3aa-74bbdfb22131");
    // The recorded silence's matchers read back; one left out isEqual,
    // which Alertmanager takes as "equal".
    let posted: serde_json::Value = fixture("post_silence.json");
    let matchers: Vec<SilenceMatcher> = serde_json::from_value(posted["matchers"].clone()).unwrap();
    assert!(matchers[1].is_regex && matchers[1].is_equal);
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-22T01:33:44Z")
        .unwrap()
        .with_timezone(&Utc);
    let body = api::NewSilence {
        matchers: vec![SilenceMatcher {
            name: "alertname".into(),
            value: "DiskFilling".into(),
            is_regex: false,
            is_equal: true,
        }],
        starts_at: now,
        ends_at: now + TimeDelta::hours(1),
        created_by: "alice".into(),
        comment: ACK_COMMENT.into(),
    };
    let json = serde_json::to_value(&body).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "matchers": [{"name": "alertname", "value": "DiskFilling", "isRegex": false, "isEqual": true}],
            "startsAt": "2026-11-22T01:33:44Z",
            "endsAt": "2026-11-22T02:33:44Z",
            "createdBy": "alice",
            "comment": "acknowledged via oncall"
        })
    );
}

#[test]
fn an_alert_that_leaves_the_list_is_reported_resolved_once() {
    let mapping = AlertmanagerConfig::default();
    let now = Utc::now();
    let mut seen = Seen::default();
    let first = seen.absorb(&mapping, &alerts(), &HashMap::new(), now);
    assert_eq!(first.incidents.len(), 3);
    assert!(first.incidents.iter().all(|i| i.timeline.is_empty()));
    assert!(first.incidents.iter().all(|i| i.version == 1));

    // The same answer again changes nothing, versions included.
    let again = seen.absorb(&mapping, &alerts(), &HashMap::new(), now);
    assert!(again.incidents.iter().all(|i| i.version == 1));
    assert!(again.cursor > first.cursor);

    let fewer: Vec<Alert> = alerts()
        .into_iter()
        .filter(|a| a.labels["alertname"] != "DiskFilling")
        .collect();
    let after = seen.absorb(&mapping, &fewer, &HashMap::new(), now);
    assert_eq!(after.incidents.len(), 3);
    let gone = by_name(&after.incidents, "DiskFilling");
    assert_eq!(gone.status, Status::Resolved);
    assert_eq!(gone.version, 2);
    let detail = seen.ended.get(&gone.id).unwrap();
    assert_eq!(detail.timeline.last().unwrap().kind, EventKind::Resolved);

    let later = seen.absorb(&mapping, &fewer, &HashMap::new(), now);
    assert_eq!(later.incidents.len(), 2, "reported once, not again");

    // Back again: open, with a version above the resolved one.
    let back = seen.absorb(&mapping, &alerts(), &HashMap::new(), now);
    let disk = by_name(&back.incidents, "DiskFilling");
    assert_eq!(disk.status, Status::Triggered);
    assert_eq!(disk.version, 3);
    assert!(seen.ended.is_empty());
}

#[test]
fn only_acknowledge_is_available_and_the_rest_say_why() {
    assert!(AlertmanagerClient::supports(&Action::Acknowledge {
        version: None
    }));
    let escalate = Action::Escalate { note: None };
    assert!(!AlertmanagerClient::supports(&escalate));
    assert_eq!(
        unsupported(&escalate),
        "escalation needs the oncall hub; this feed is Alertmanager"
    );
    for action in [
        Action::Resolve { note: None },
        Action::Note { text: "x".into() },
        Action::Step {
            runbook: "disk".into(),
            step: 0,
            done: true,
            text: None,
        },
    ] {
        assert!(!AlertmanagerClient::supports(&action));
        assert!(unsupported(&action).ends_with("this feed is Alertmanager"));
    }
}

#[test]
fn error_bodies_become_one_clean_line() {
    assert_eq!(
        error_text(br#""bad matcher format: team""#),
        "bad matcher format: team"
    );
    assert_eq!(
        error_text(br#"{"code":400,"message":"silence \u001b[2Jinvalid"}"#),
        "silence invalid"
    );
    assert_eq!(error_text(b"plain\ntext"), "plain text");
}

proptest::proptest! {
    /// Whatever an Alertmanager (or something pretending) answers, the feed
    /// reads it or refuses it; what it reads is inert on screen.
    #[test]
    fn any_alert_list_is_read_or_refused_and_read_text_is_inert(
        fingerprint in "\\PC{0,20}",
        name in "\\PC{0,40}|[\\x00-\\x1f\\u{1b}\\u{9b}\\u{202e}a-z\\[\\]]{0,40}",
        summary in "\\PC{0,60}|[\\x00-\\x1f\\u{1b}\\u{9b}a-z;\\]]{0,60}",
        state in "active|suppressed|unprocessed|\\PC{0,8}",
        bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200),
    ) {
        let _ = serde_json::from_slice::<Vec<Alert>>(&bytes);
        let json = serde_json::json!([{
            "fingerprint": fingerprint,
            "labels": {"alertname": name, "instance": name},
            "annotations": {"summary": summary, "description": summary},
            "startsAt": "2026-11-23T03:00:00Z",
            "status": {"state": state, "silencedBy": [], "inhibitedBy": []},
        }]);
        if let Ok(alerts) = serde_json::from_value::<Vec<Alert>>(json) {
            let inc = mapping::incident(&crate::config::AlertmanagerConfig::default(), &alerts[0], &HashMap::new());
            let clean = |s: &str| !s.chars().any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c));
            proptest::prop_assert!(clean(&inc.title) && inc.labels.values().all(clean), "{inc:?}");
            proptest::prop_assert!(inc.description.chars().all(|c| c == '\n' || !c.is_control()));
        }
    }
}
