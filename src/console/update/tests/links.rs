//! `O`: the selected incident's runbook URL or alert source goes to the
//! browser as a command, cleaned first; with both the message line asks
//! which; a link that is not a clean http(s) URL is refused in words and
//! nothing is opened; over SSH the link is copied too.
use super::*;
use crate::alertmanager::SOURCE_URL_LABEL;

const SOURCE: &str = "http://prometheus:9090/graph?g0.expr=up";

/// A model whose selected incident (#2, critical) carries these links.
fn with_links(runbook: Option<&str>, source: Option<&str>) -> Model {
    let mut m = model();
    let mut b = Incident::builder(2, "Packet loss on edge-lb-1", t0()).severity(Severity::Critical);
    if let Some(url) = runbook {
        b = b.runbook_url(url);
    }
    if let Some(url) = source {
        b = b.label(SOURCE_URL_LABEL, url);
    }
    poll(&mut m, vec![b.build()]);
    m
}

#[test]
fn o_opens_the_runbook_url_cleaned() {
    let mut m = with_links(Some("https://Wiki.example/edge lb.md"), None);
    let cmds = ch(&mut m, 'O');
    assert_eq!(
        cmds,
        [Command::OpenUrl("https://wiki.example/edge%20lb.md".into())]
    );
    let said = said(&m);
    assert!(!said.error, "{said:?}");
    assert!(said.text.contains("#2's runbook URL"), "{said:?}");
}

#[test]
fn o_opens_the_alerts_source_when_there_is_no_runbook_url() {
    let mut m = with_links(None, Some(SOURCE));
    assert_eq!(ch(&mut m, 'O'), [Command::OpenUrl(SOURCE.into())]);
    assert!(said(&m).text.contains("alert's source"), "{:?}", said(&m));
}

#[test]
fn with_both_links_one_key_says_which() {
    let mut m = with_links(Some("https://wiki.example/edge.md"), Some(SOURCE));
    assert!(
        ch(&mut m, 'O').is_empty(),
        "nothing opened before the answer"
    );
    assert!(
        matches!(m.mode, Mode::ChooseLink { id: 2, .. }),
        "{:?}",
        m.mode
    );
    assert_eq!(ch(&mut m, 's'), [Command::OpenUrl(SOURCE.into())]);
    assert_eq!(m.mode, Mode::Normal);

    ch(&mut m, 'O');
    assert_eq!(
        ch(&mut m, 'r'),
        [Command::OpenUrl("https://wiki.example/edge.md".into())]
    );

    ch(&mut m, 'O');
    assert!(key(&mut m, KeyCode::Esc).is_empty(), "Esc opens neither");
    assert_eq!(m.mode, Mode::Normal);
    assert!(said(&m).text.contains("no link opened"), "{:?}", said(&m));
}

#[test]
fn a_link_that_is_not_a_clean_web_link_is_refused_in_words_and_never_opened() {
    for (runbook, why) in [
        ("javascript:alert(1)", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
        ("disk.md", "not a URL"),
        ("http://r/\u{1b}]8;;http://evil\u{7}x", "control characters"),
        ("https://r/a\u{7f}b", "control characters"),
    ] {
        let mut m = with_links(Some(runbook), None);
        assert!(ch(&mut m, 'O').is_empty(), "{runbook:?} was opened");
        let said = said(&m);
        assert!(said.error, "{said:?}");
        assert!(
            said.text.contains("Not opened: #2's runbook URL"),
            "{said:?}"
        );
        assert!(said.text.contains(why), "{runbook:?}: {said:?}");
    }
    // The source still opens when the runbook URL is refused, and the
    // message says why the other was not.
    let mut m = with_links(Some("javascript:alert(1)"), Some(SOURCE));
    assert_eq!(ch(&mut m, 'O'), [Command::OpenUrl(SOURCE.into())]);
    assert!(
        said(&m).text.contains("runbook URL is not opened"),
        "{:?}",
        said(&m)
    );
}

#[test]
fn an_incident_without_links_says_so() {
    let mut m = with_links(None, None);
    assert!(ch(&mut m, 'O').is_empty());
    assert!(said(&m).text.contains("no runbook URL and no alert source"));
}

#[test]
fn over_ssh_the_link_is_copied_as_well_as_opened() {
    let mut m = with_links(None, Some(SOURCE));
    m.setup.remote = true;
    assert_eq!(
        ch(&mut m, 'O'),
        [
            Command::Copy(SOURCE.into()),
            Command::OpenUrl(SOURCE.into())
        ]
    );
}

#[test]
fn how_opening_went_comes_back_on_the_message_line() {
    let mut m = with_links(None, Some(SOURCE));
    ch(&mut m, 'O');
    update(
        &mut m,
        Msg::External(Err("No browser: set $BROWSER".into())),
    );
    let said = said(&m);
    assert!(
        said.error && said.text.starts_with("No browser"),
        "{said:?}"
    );
}

#[test]
fn the_source_link_is_no_matcher_of_a_squash() {
    let m = with_links(None, Some(SOURCE));
    let inc = m.selected_incident().unwrap();
    let names: Vec<String> = crate::feed::squashes::matchers_of(inc)
        .into_iter()
        .map(|(name, _, _)| name)
        .collect();
    assert_eq!(names, ["service"]);
}
