//! The cleaner on the sequences terminals obey, and on every text of what
//! the console receives.
use super::*;

#[test]
fn plain_text_is_untouched() {
    assert_eq!(
        clean("disk /var 95% full — db-3", false),
        "disk /var 95% full — db-3"
    );
}

#[test]
fn csi_and_osc_are_removed() {
    assert_eq!(clean("\u{1b}[31mred\u{1b}[0m", false), "red");
    assert_eq!(clean("a\u{1b}]0;pwned\u{7}b", false), "ab");
    assert_eq!(
        clean("a\u{1b}]8;;http://x\u{1b}\\link\u{1b}]8;;\u{1b}\\b", false),
        "alinkb"
    );
    assert_eq!(clean("a\u{1b}P+q\u{1b}\\b", false), "ab");
    assert_eq!(clean("a\u{9b}2Jb", false), "ab");
    assert_eq!(clean("a\u{1b}(Bb", false), "ab");
    assert_eq!(clean("a\u{1b}cb", false), "ab");
}

#[test]
fn controls_and_bidi_are_removed() {
    assert_eq!(clean("a\u{7}\u{8}\u{0}b\u{202e}c\u{2066}d", false), "abcd");
    assert_eq!(clean("a\tb", false), "a b");
    assert_eq!(clean("a\r\nb", true), "a\nb");
    assert_eq!(line("a\nb"), "a b");
}

#[test]
fn unterminated_sequences_do_not_swallow_the_world_forever() {
    assert_eq!(clean("a\u{1b}[", false), "a");
    assert_eq!(clean("a\u{1b}]title without end", false), "a");
    assert_eq!(clean("a\u{1b}", false), "a");
}

#[test]
fn documents_keep_their_tabs_and_lose_the_rest() {
    assert_eq!(document("a\tb\r\nc\u{1b}[2Jd\u{202e}"), "a\tb\ncd");
    assert_eq!(document("plain\n\tcode\n"), "plain\n\tcode\n");
}

#[test]
fn identifiers_name_the_first_character_to_refuse() {
    assert_eq!(first_unsafe("db-1"), None);
    assert_eq!(first_unsafe("db\t1"), Some('\t'));
    assert_eq!(describe('\u{1b}'), "an escape (U+001B)");
    assert_eq!(describe('\u{9b}'), "a C1 control character (U+009B)");
    assert_eq!(describe('\u{202e}'), "a bidirectional override (U+202E)");
    assert_eq!(describe('\u{7}'), "a control character (U+0007)");
}

/// What an older hub (or another one) may hold: raw text in every string,
/// keys of the labels and of the ticked steps included.
fn raw_incident() -> Incident {
    let evil = "a\u{1b}]52;c;eA==\u{7}b\u{202e}";
    let json = serde_json::json!({
        "id": 1, "dedup_key": evil, "title": evil, "service": evil, "severity": "info",
        "status": "triggered", "labels": {evil: evil}, "description": evil, "source": evil,
        "runbook": evil, "runbook_url": evil,
        "created_at": "2026-11-23T03:00:00Z", "updated_at": "2026-11-23T03:00:00Z",
        "owner": evil, "escalation_level": 1, "occurrences": 1, "version": 1,
        "helpers": [evil, "carol"], "major": true, "incident_manager": evil,
        "previous_owner": evil, "assigned_by": evil,
        "timeline": [{"at": "2026-11-23T03:00:00Z", "who": evil, "kind": "note", "text": evil}],
        "steps": {evil: [0, 2], "ab": [1]},
    });
    serde_json::from_value(json).unwrap()
}

#[test]
fn every_string_of_an_incident_is_cleaned_keys_included() {
    let mut inc = raw_incident();
    incident(&mut inc);
    let json = serde_json::to_string(&inc).unwrap();
    assert!(
        !json.contains("\\u001b") && !json.contains('\u{202e}'),
        "{json}"
    );
    // Two runbook ids that clean to the same id are one, with both ticks.
    assert_eq!(
        inc.steps,
        BTreeMap::from([("ab".to_string(), BTreeSet::from([0, 1, 2]))])
    );
}

#[test]
fn the_rota_and_hand_offs_are_cleaned_names_included() {
    let evil = "x\u{9d}0;title\u{9c}y\u{1b}[?1049l";
    let json = serde_json::json!({
        "now": {"who": evil, "since": "2026-11-23T03:00:00Z", "until": "2026-11-23T15:00:00Z"},
        "next": {"who": evil, "from": "2026-11-23T15:00:00Z"},
        "shift": null,
        "policies": [{"services": [evil], "levels": [
            {"level": 1, "name": evil, "who": evil, "targets": [evil], "after": null}
        ]}],
    });
    let mut rota: OnCall = serde_json::from_value(json).unwrap();
    oncall(&mut rota);
    let text = serde_json::to_string(&rota).unwrap();
    assert!(
        !text.contains("\\u001b") && !text.contains('\u{9d}'),
        "{text}"
    );
    assert_eq!(
        rota.policies[0].levels[0].targets,
        Targets::Named(vec!["xy".into()])
    );

    let json = serde_json::json!({
        "id": 1, "from": evil, "to": evil, "at": "2026-11-23T03:00:00Z",
        "note": format!("line one\n{evil}"), "moved": [], "until": null,
    });
    let mut h: Handoff = serde_json::from_value(json).unwrap();
    handoff(&mut h);
    assert_eq!((h.from.as_str(), h.to.as_str()), ("xy", "xy"));
    assert_eq!(h.note, "line one\nxy");
}

proptest::proptest! {
    /// A feed's list, however broken, is read or refused; what is read
    /// is inert once cleaned.
    #[test]
    fn any_feed_list_is_read_or_refused_and_cleaned(
        bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
        title in "[\\x00-\\x7f\\u{9b}\\u{202e}]{0,60}",
    ) {
        let _ = serde_json::from_slice::<crate::incident::IncidentList>(&bytes);
        let json = serde_json::json!({"cursor": 1, "incidents": [{
            "id": 1, "dedup_key": title, "title": title, "service": title, "severity": "info",
            "status": "triggered", "labels": {"k": title}, "description": title, "source": title,
            "created_at": "2026-11-23T03:00:00Z", "updated_at": "2026-11-23T03:00:00Z",
            "owner": title, "escalation_level": 1, "occurrences": 1, "version": 1,
            "timeline": [{"at": "2026-11-23T03:00:00Z", "who": title, "kind": "note", "text": title}]
        }]});
        let mut list: crate::incident::IncidentList = serde_json::from_value(json).unwrap();
        let inc = &mut list.incidents[0];
        incident(inc);
        let ok = |s: &str| s.chars().all(|c| !c.is_control() && !is_bidi(c));
        proptest::prop_assert!(ok(&inc.title) && ok(&inc.service) && ok(inc.owner.as_deref().unwrap_or("")));
        proptest::prop_assert!(inc.labels.values().all(&ok) && ok(&inc.timeline[0].who));
        proptest::prop_assert!(inc.timeline[0].text.chars().all(|c| c == '\n' || !c.is_control()));
    }

    #[test]
    fn output_never_holds_escape_or_control(s in "\\PC*|[\\x00-\\x7f\\u{80}-\\u{9f}\\u{202a}-\\u{202e}]*") {
        let out = clean(&s, true);
        proptest::prop_assert!(out.chars().all(|c| c == '\n' || (!c.is_control() && !is_bidi(c))));
    }
}
