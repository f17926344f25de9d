//! Escape sequences, control characters and bidi overrides, sent through
//! every route of the hub that takes text and put in a team runbook, never
//! reach a terminal: not through `oncall handoff --print`, not through
//! `oncall runbooks show|list|match|check`, not on the console's screen. The
//! routes that take a name or an id refuse them with a 400 naming the field.
//! Rows an older hub stored raw (a ticked step's runbook id, names) are
//! cleaned on the way out too.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use support::cli;
mod support;
use support::hostile;

use std::collections::BTreeMap;
use std::process::Output;
use std::sync::Arc;
use std::time::Duration;

use cli::oncall;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use hostile::{SEQUENCES, assert_inert};
use oncall::console::model::{FeedStatus, Mode, Model};
use oncall::console::msg::Msg;
use oncall::console::{update, view};
use oncall::feed::{FeedEvent, HubClient, ListOutcome, WorkerEvent};
use oncall::incident::NewIncident;
use oncall::runbook::Library;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use reqwest::StatusCode;
use serde_json::json;
use support::{ALERTMANAGER, ALICE, Backend, TestHub, both_backends, expect_error, two_responders};

async fn oncall_async(args: Vec<String>, env: Vec<(&'static str, &'static str)>) -> Output {
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        oncall(&args, &env)
    })
    .await
    .unwrap()
}

/// Every route that takes a name or an id answers 400 naming the field,
/// without echoing what it refused.
async fn names_and_ids_with_escapes_are_refused_by_field(backend: Backend) {
    let hub = TestHub::start_on(backend, two_responders()).await;
    let id = hub.open(&support::incident("disk full")).await.id;
    for (name, seq) in SEQUENCES {
        let evil = format!("id{seq}x");
        let base = || support::incident("refused");
        let steps = format!("/api/v1/incidents/{id}/steps");
        let cases: Vec<(&str, &str, serde_json::Value)> = vec![
            (
                "service",
                "/api/v1/incidents",
                json!(NewIncident {
                    service: evil.clone(),
                    ..base()
                }),
            ),
            (
                "dedup_key",
                "/api/v1/incidents",
                json!(NewIncident {
                    dedup_key: Some(evil.clone()),
                    ..base()
                }),
            ),
            (
                "a label name",
                "/api/v1/incidents",
                json!(NewIncident {
                    labels: BTreeMap::from([(evil.clone(), "v".into())]),
                    ..base()
                }),
            ),
            (
                "runbook",
                "/api/v1/incidents",
                json!(NewIncident {
                    runbook: Some(evil.clone()),
                    ..base()
                }),
            ),
            (
                "runbook_url",
                "/api/v1/incidents",
                json!(NewIncident {
                    runbook_url: Some(evil.clone()),
                    ..base()
                }),
            ),
            (
                "source",
                "/api/v1/incidents",
                json!(NewIncident {
                    source: Some(evil.clone()),
                    ..base()
                }),
            ),
            (
                "runbook",
                &steps,
                json!({"runbook": evil, "step": 1, "done": true}),
            ),
            (
                "to",
                "/api/v1/handoff",
                json!({"to": evil, "note": "shift over"}),
            ),
            (
                "alerts[0].fingerprint",
                "/api/v1/alertmanager",
                json!({"version": "4", "status": "firing", "alerts": [{
                    "status": "firing", "labels": {"alertname": "X"},
                    "startsAt": "2026-11-23T07:59:00Z", "fingerprint": evil,
                }]}),
            ),
        ];
        for (field, path, body) in cases {
            let token = if path.ends_with("alertmanager") {
                ALERTMANAGER
            } else {
                ALICE
            };
            let resp = hub.post(token, path, &body).await;
            let err = expect_error(resp, StatusCode::BAD_REQUEST, "bad_request").await;
            assert!(
                err.error.starts_with(&format!("{field} holds ")),
                "{name} in {field} at {path}: {}",
                err.error
            );
            assert_inert("the error", &err.error);
        }
        let to: String = form_urlencoded::byte_serialize(evil.as_bytes()).collect();
        let resp = hub
            .get(ALICE, &format!("/api/v1/handoffs/latest?to={to}"))
            .await;
        let err = expect_error(resp, StatusCode::BAD_REQUEST, "bad_request").await;
        assert!(err.error.starts_with("to holds "), "{name}: {}", err.error);
    }
}

both_backends!(
    names_and_ids_with_escapes_are_refused_by_field,
    flavor = "multi_thread"
);

async fn no_escape_reaches_a_terminal_through_any_route(backend: Backend) {
    let mut hub = TestHub::start_on(backend, two_responders()).await;
    let ids = hostile::store_free_text(&hub).await;
    hostile::store_as_an_older_hub(&mut hub, ids[0]).await;
    let dir = tempfile::tempdir().unwrap();
    let team = hostile::team_runbooks(dir.path());
    let config = hostile::config(dir.path(), &hub.base, &team);

    // `oncall handoff --print` to a name full of sequences: the hub refuses
    // it, and its reason reaches the terminal clean.
    let all: String = SEQUENCES.iter().map(|(_, s)| *s).collect();
    let out = oncall_async(
        vec![
            "--config".into(),
            config.clone(),
            "handoff".into(),
            "--print".into(),
            "--to".into(),
            format!("bob{all}"),
        ],
        vec![("ONCALL_TOKEN", ALICE)],
    )
    .await;
    let refused = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "{refused}");
    assert!(refused.contains("to holds an escape"), "{refused}");
    assert_inert("handoff --print refused", &refused);
    assert!(out.stdout.is_empty(), "no note for a refused hand-off");

    // And to bob, with a runbook whose steps are ticked.
    let out = oncall_async(
        vec![
            "--config".into(),
            config.clone(),
            "handoff".into(),
            "--print".into(),
            "--to".into(),
            "bob".into(),
        ],
        vec![("ONCALL_TOKEN", ALICE)],
    )
    .await;
    let note = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_inert("handoff --print", &note);
    assert!(note.starts_with("# Hand-off from alice to bob\n"), "{note}");
    assert!(note.contains("  - runbook disk-full: 2 of "), "{note}");
    for id in &ids[..1] {
        assert!(
            note.contains(&format!("- #{id} [")),
            "#{id} missing: {note}"
        );
    }

    // `oncall runbooks show|list|match` print the team runbook clean; `check`
    // names each line that holds a sequence.
    for args in [
        vec!["runbooks", "show", "evil"],
        vec!["runbooks", "list"],
        vec!["runbooks", "match", "--title", "evil"],
        vec!["runbooks", "match", "--title", "evil", "--json"],
    ] {
        let mut full = vec!["--config".to_string(), config.clone()];
        full.extend(args.iter().map(|a| a.to_string()));
        let out = oncall_async(full, Vec::new()).await;
        let printed = String::from_utf8(out.stdout).unwrap();
        assert!(out.status.success(), "{args:?}");
        assert_inert(&format!("{args:?}"), &printed);
        assert_inert(
            &format!("{args:?} stderr"),
            &String::from_utf8_lossy(&out.stderr),
        );
        assert!(
            printed.contains("evil") || printed.contains("Evil"),
            "{printed}"
        );
    }
    let out = oncall_async(
        vec![
            "runbooks".into(),
            "check".into(),
            team.display().to_string(),
        ],
        Vec::new(),
    )
    .await;
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "check accepts escapes: {err}");
    assert_inert("runbooks check", &err);
    let file = team.join("evil.md").display().to_string();
    // The title (line 3), each step (8 to 17) and the code block (20).
    for line in [3].into_iter().chain(8..=17).chain([20]) {
        assert!(
            err.contains(&format!("{file}:{line}: ")),
            "line {line}: {err}"
        );
    }

    // The console, fed by the real client, on every screen the text reaches.
    let client = HubClient::new(
        &hub.base,
        ALICE.into(),
        "ONCALL_TOKEN",
        Duration::from_secs(10),
    )
    .unwrap();
    for place in screens(
        &hub,
        client.clone(),
        Library::load(std::slice::from_ref(&team)),
        false,
    )
    .await
    {
        assert_inert(&place.0, &place.1);
        assert!(
            !place.1.contains("\u{1b}]8;;"),
            "{}: a hyperlink while off",
            place.0
        );
    }
    // With hyperlinks on, the console's own OSC 8 sequences are on screen,
    // each around a clean URL; all else is as inert as without them.
    let mut links = 0;
    for (place, text) in screens(&hub, client, Library::load(&[team]), true).await {
        let (rest, urls) = own_hyperlinks(&place, &text);
        assert_inert(&place, &rest);
        for url in &urls {
            assert_inert(&format!("{place}: a link"), url);
        }
        links += urls.len();
    }
    assert!(links > 0, "no hyperlink was drawn: the test checks nothing");
}

/// `text` without the console's own hyperlinks, and their URLs: each
/// printable ASCII, http(s), as `weblink::clean` writes it. Anything else
/// that looks like one is left in `text`, for `assert_inert` to find.
fn own_hyperlinks(place: &str, text: &str) -> (String, Vec<String>) {
    const OPEN: &str = "\u{1b}]8;;";
    const ST: &str = "\u{1b}\\";
    let mut rest = String::new();
    let mut urls = Vec::new();
    let mut left = text;
    while let Some(at) = left.find(OPEN) {
        rest.push_str(&left[..at]);
        let after = &left[at + OPEN.len()..];
        let Some(end) = after.find(ST) else {
            rest.push_str(&left[at..]);
            left = "";
            break;
        };
        let url = &after[..end];
        if url.is_empty() {
            // The end of a link.
            left = &after[end + ST.len()..];
            continue;
        }
        assert!(
            url.chars().all(|c| c.is_ascii_graphic())
                && (url.starts_with("http://") || url.starts_with("https://"))
                && oncall::weblink::clean(url).as_deref() == Ok(url),
            "{place}: a hyperlink to {url:?}"
        );
        urls.push(url.to_string());
        left = &after[end + ST.len()..];
    }
    rest.push_str(left);
    (rest, urls)
}

both_backends!(
    no_escape_reaches_a_terminal_through_any_route,
    flavor = "multi_thread"
);

/// The console's screens, as (what, text on screen): each incident selected,
/// the hand-off note received, the hand-off composed, the runbook search
/// and the team runbook itself.
async fn screens(
    hub: &TestHub,
    client: HubClient,
    library: Library,
    hyperlinks: bool,
) -> Vec<(String, String)> {
    let feed = FeedStatus::new("hub", Duration::from_secs(2));
    let mut m = Model::new(
        "alice".into(),
        feed,
        Arc::new(library),
        hub.clock_now(),
        std::env::temp_dir(),
        chrono::FixedOffset::east_opt(0).unwrap(),
    );
    m.setup.hyperlinks = hyperlinks;
    update::announce_problems(&mut m);
    update(&mut m, Msg::Resize(120, 40));
    let ListOutcome::Changed { list, .. } = client.list(None, None).await.unwrap() else {
        panic!("the first list is a change");
    };
    let incidents = client.list_all().await.unwrap().incidents;
    for inc in &incidents {
        let detail = client.get(inc.id).await;
        update(
            &mut m,
            Msg::Worker(WorkerEvent::Fetched {
                id: inc.id,
                result: detail,
            }),
        );
    }
    update(
        &mut m,
        Msg::Feed(FeedEvent::Polled {
            incidents: list.incidents,
            full: true,
            resume: None,
        }),
    );
    let oncall = client.oncall().await.unwrap();
    let handoff = client.latest_handoff("alice").await.unwrap();
    assert!(handoff.is_some());
    update(&mut m, Msg::Feed(FeedEvent::Rota { oncall, handoff }));
    let mut seen = Vec::new();
    assert!(matches!(m.mode, Mode::ReadHandoff { .. }), "the note opens");
    seen.push(("the hand-off note".to_string(), screen(&m, "raw note")));
    let key = |c: KeyCode| Msg::Key(KeyEvent::new(c, KeyModifiers::NONE));
    update(&mut m, key(KeyCode::Esc));
    for i in 0..m.list.visible.len() {
        seen.push((format!("incident {i} of the list"), screen(&m, "before ")));
        update(&mut m, key(KeyCode::Char('j')));
    }
    let shift = oncall::handoff::gather(&client, "alice", hub.clock_now()).await;
    update(&mut m, Msg::Worker(WorkerEvent::HandoffReady(shift)));
    assert!(
        matches!(m.mode, Mode::Handoff { .. }),
        "the note is composed"
    );
    seen.push((
        "the hand-off composed".to_string(),
        screen(&m, "runbook disk-full: 2 of"),
    ));
    update(&mut m, key(KeyCode::Esc));
    update(&mut m, key(KeyCode::Char('b')));
    for c in "evil".chars() {
        update(&mut m, key(KeyCode::Char(c)));
    }
    seen.push(("the runbook search".to_string(), screen(&m, "Evil ")));
    update(&mut m, key(KeyCode::Enter));
    seen.push((
        "the team runbook".to_string(),
        screen(&m, "before OSC 52 clipboard <> after"),
    ));
    seen
}

/// The screen's text, once it shows `expected` (so the text under test is
/// on it).
fn screen(m: &Model, expected: &str) -> String {
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    terminal.draw(|f| view(m, f)).unwrap();
    let text: String = terminal
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|cell| cell.symbol())
        .collect();
    assert!(
        text.contains(expected),
        "'{expected}' is not on {}",
        terminal.backend()
    );
    text
}

#[test]
fn a_runbook_folder_with_escapes_fails_check_but_its_runbooks_still_open() {
    let dir = tempfile::tempdir().unwrap();
    let team = hostile::team_runbooks(dir.path());
    let lib = Library::load(&[team]);
    let rb = lib.get("evil").expect("it loads, cleaned");
    assert!(rb.title.starts_with("Evil ") && rb.title.ends_with(" runbook"));
    assert_inert("the title", &rb.title);
    assert_inert("the body", &rb.body);
    assert!(lib.problems().iter().all(|p| p.kind.is_error()));
}
