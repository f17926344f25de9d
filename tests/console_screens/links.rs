//! Links on screen: the incident pane shows its runbook URL and its alert's
//! source as the clean URLs `O` opens; with hyperlinks on, they and the
//! runbook's links are OSC 8 hyperlinks to those clean URLs, and a link
//! that is not a clean web link is never one; with them off, no cell
//! holds an escape.
use oncall::alertmanager::SOURCE_URL_LABEL;

use super::*;

const RUNBOOK: &str = "+++
id = \"edge\"
title = \"Edge load balancer\"
alerts = [\"EdgeLoss\"]
+++
Read [the dashboard](<https://grafana.example/d/edge?var=lb 1>) first, or
https://status.example/edge. Not [this](javascript:alert(1)) nor
[that](file:///etc/passwd).
";

const SOURCE: &str = "http://prom.example:9090/graph?g0.expr=up";

/// A console 120x40 whose only runbook is `RUNBOOK`, with an incident
/// carrying `runbook_url` and the alert source selected.
fn linked(runbook_url: &str, hyperlinks: bool) -> Model {
    let spec = Spec {
        id: 31,
        severity: Severity::Critical,
        status: Status::Triggered,
        service: "edge-lb",
        title: "Packet loss on edge-lb-1",
        alert: "EdgeLoss",
        minutes: 3,
        owner: None,
        occurrences: 1,
    };
    let mut m = one_runbook_model(120, 40, RUNBOOK, &spec);
    let mut inc = incident(&spec);
    inc.runbook_url = Some(runbook_url.into());
    inc.labels.insert(SOURCE_URL_LABEL, SOURCE);
    update(
        &mut m,
        Msg::Feed(FeedEvent::Polled {
            incidents: vec![inc],
            full: true,
            resume: None,
        }),
    );
    m.setup.hyperlinks = hyperlinks;
    m
}

/// The URLs of the OSC 8 hyperlinks on screen, sorted.
fn hyperlinks(t: &Terminal<TestBackend>) -> Vec<String> {
    let mut urls: Vec<String> = t
        .backend()
        .buffer()
        .content()
        .iter()
        .filter_map(|cell| cell.symbol().strip_prefix("\u{1b}]8;;"))
        .map(|rest| rest[..rest.find('\u{1b}').unwrap()].to_string())
        .collect();
    urls.sort();
    urls
}

#[test]
fn the_incident_pane_shows_its_links_as_the_clean_urls_o_opens() {
    let m = linked("https://Wiki.example/edge lb.md", false);
    let screen = text(&draw(&m, 120, 40));
    assert!(
        screen.contains("runbook https://wiki.example/edge%20lb.md"),
        "{screen}"
    );
    assert!(screen.contains(&format!("source {SOURCE}")), "{screen}");
    assert!(
        !screen.contains(SOURCE_URL_LABEL),
        "the source is a link, not a label:\n{screen}"
    );
}

#[test]
fn with_hyperlinks_on_the_clean_urls_are_osc_8_hyperlinks() {
    let m = linked("https://Wiki.example/edge lb.md", true);
    let t = draw(&m, 120, 40);
    assert_eq!(
        hyperlinks(&t),
        [
            SOURCE,
            "https://grafana.example/d/edge?var=lb%201",
            "https://status.example/edge",
            "https://wiki.example/edge%20lb.md",
        ],
        "{}",
        text(&t)
    );
    // The hyperlink cell holds the text it covers: the screen reads the same.
    let cell = t
        .backend()
        .buffer()
        .content()
        .iter()
        .find(|c| c.symbol().contains(SOURCE))
        .unwrap();
    assert_eq!(
        cell.symbol(),
        format!("\u{1b}]8;;{SOURCE}\u{1b}\\{SOURCE}\u{1b}]8;;\u{1b}\\")
    );
}

#[test]
fn with_hyperlinks_off_no_cell_holds_an_escape() {
    let m = linked("https://wiki.example/edge.md", false);
    let t = draw(&m, 120, 40);
    assert!(hyperlinks(&t).is_empty());
    assert!(
        t.backend()
            .buffer()
            .content()
            .iter()
            .all(|c| !c.symbol().contains('\u{1b}'))
    );
}

#[test]
fn a_link_that_is_not_a_clean_web_link_is_never_a_hyperlink() {
    for runbook_url in [
        "javascript:alert(document.cookie)",
        "http://wiki.example/\u{1b}]8;;http://evil.example/\u{1b}\\x",
        "wiki.example/edge.md",
    ] {
        let m = linked(runbook_url, true);
        let t = draw(&m, 120, 40);
        let links = hyperlinks(&t);
        assert!(
            !links
                .iter()
                .any(|l| l.contains("wiki") || l.contains("evil")),
            "{runbook_url:?}: {links:?}"
        );
        assert_eq!(links.len(), 3, "{runbook_url:?}: {links:?}");
        assert!(links.contains(&SOURCE.to_string()), "{runbook_url:?}");
    }
}
