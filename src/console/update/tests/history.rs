//! `R`: the history of resolved incidents is asked of the hub by commands
//! (a page, the next page, one incident), each answer lands in the popup
//! alone (never in the list or the detail pane), an incident is read
//! read-only and left with `Esc`, and a feed without a history says so.
use super::*;
use crate::console::keys::Context;
use crate::console::model::HistorySearch;
use crate::incident::{EventKind, ResolvedPage, TimelineEntry};

fn resolved(id: u64, title: &str) -> Incident {
    inc(id, Severity::High, Status::Resolved, title, "")
}

fn asks(q: &str, before: Option<u64>) -> Vec<Command> {
    vec![Command::Feed(Request::History {
        q: q.to_string(),
        before,
        limit: 50,
    })]
}

/// The hub's answer to the page of `q` below `before`.
fn page_came(m: &mut Model, q: &str, before: Option<u64>, ids: &[u64], next: Option<u64>) {
    let incidents = ids
        .iter()
        .map(|&id| resolved(id, &format!("Disk /var full on host-{id}")))
        .collect();
    let result = Ok(ResolvedPage { incidents, next });
    worker(
        m,
        WorkerEvent::HistoryPage {
            q: q.to_string(),
            before,
            result,
        },
    );
}

fn search(m: &Model) -> &HistorySearch {
    match &m.mode {
        Mode::History(search) => search,
        other => panic!("the history is not open: {other:?}"),
    }
}

fn found(m: &Model) -> Vec<u64> {
    search(m).results.iter().map(|i| i.id).collect()
}

/// `R`, then the words `q` searched and answered with `ids`.
fn searched(q: &str, ids: &[u64], next: Option<u64>) -> Model {
    let mut m = polled();
    ch(&mut m, 'R');
    page_came(&mut m, "", None, &[], None);
    typed(&mut m, q);
    assert_eq!(key(&mut m, KeyCode::Enter), asks(q, None));
    page_came(&mut m, q, None, ids, next);
    m
}

#[test]
fn r_asks_for_the_newest_and_enter_searches_the_words_typed() {
    let mut m = polled();
    assert_eq!(ch(&mut m, 'R'), asks("", None));
    assert_eq!(m.key_context(), Context::History);
    // Letters type, even those the list binds.
    typed(&mut m, "disk  var");
    assert_eq!(search(&m).input.text(), "disk  var");
    assert_eq!(key(&mut m, KeyCode::Enter), asks("disk var", None));
    // The answer to the first question is old now: dropped.
    page_came(&mut m, "", None, &[40, 39], None);
    assert!(found(&m).is_empty());
    page_came(&mut m, "disk var", None, &[31, 12], None);
    assert_eq!(found(&m), [31, 12]);
    assert_eq!(search(&m).shown.as_deref(), Some("disk var"));
    assert_eq!(ids(&m), [2, 1, 3], "the list is untouched");
    // Pasted words land in the search, on one line.
    update(&mut m, Msg::Paste(" host-1\nhost-2".into()));
    assert_eq!(search(&m).input.text(), "disk  var host-1 host-2");
    key(&mut m, KeyCode::Esc);
    assert_eq!(m.mode, Mode::Normal);
}

#[test]
fn reaching_the_end_asks_for_the_next_page_once() {
    let mut m = searched("disk", &[31, 30, 12], Some(12));
    assert!(key(&mut m, KeyCode::Down).is_empty(), "not at the end yet");
    assert_eq!(key(&mut m, KeyCode::Down), asks("disk", Some(12)));
    assert!(key(&mut m, KeyCode::Down).is_empty(), "asked once");
    assert!(key(&mut m, KeyCode::PageDown).is_empty(), "asked once");
    page_came(&mut m, "disk", Some(12), &[9, 4], None);
    assert_eq!(found(&m), [31, 30, 12, 9, 4]);
    assert_eq!(search(&m).cursor, 2, "the cursor stays where it was");
    assert!(key(&mut m, KeyCode::PageDown).is_empty(), "the last page");
    assert_eq!(search(&m).cursor, 4);
    key(&mut m, KeyCode::PageUp);
    update(
        &mut m,
        Msg::Key(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL)),
    );
    assert_eq!(search(&m).cursor, 1);
}

#[test]
fn page_down_fetches_the_next_page_when_the_results_fit() {
    let mut m = searched("disk", &[31, 30], Some(30));
    assert_eq!(key(&mut m, KeyCode::PageDown), asks("disk", Some(30)));
}

#[test]
fn enter_on_a_result_reads_it_whole_and_read_only_and_esc_goes_back() {
    let mut m = searched("disk", &[31, 30], None);
    key(&mut m, KeyCode::Down);
    assert_eq!(
        key(&mut m, KeyCode::Enter),
        vec![Command::Feed(Request::HistoryIncident { id: 30 })]
    );
    assert_eq!(m.key_context(), Context::HistoryRead);
    let reading = search(&m).reading.clone().expect("reading");
    assert_eq!(reading.incident.id, 30);
    assert!(!reading.whole, "as the page listed it, until it comes");

    let mut whole = resolved(30, "Disk /var full on host-30");
    whole.timeline = (0..80)
        .map(|n| TimelineEntry {
            at: t0(),
            who: "sam".into(),
            kind: EventKind::Note,
            text: format!("note {n}"),
            taken_at: None,
        })
        .collect();
    let came = WorkerEvent::HistoryIncident {
        id: 30,
        result: Ok(Box::new(whole)),
    };
    worker(&mut m, came);
    let reading = search(&m).reading.clone().expect("reading");
    assert!(reading.whole);
    assert_eq!(reading.incident.timeline.len(), 80);
    assert!(!m.detail.fetched.contains_key(&30), "not the detail pane's");
    assert!(m.incident(30).is_none(), "not in the list");

    // Scrolls, and no further than its end.
    ch(&mut m, 'j');
    ch(&mut m, 'j');
    let scroll = |m: &Model| search(m).reading.as_ref().map(|r| r.scroll);
    assert_eq!(scroll(&m), Some(2));
    ch(&mut m, 'g');
    assert_eq!(scroll(&m), Some(0));
    for _ in 0..50 {
        key(&mut m, KeyCode::PageDown);
    }
    let end = scroll(&m).unwrap();
    assert!((40..100).contains(&end), "{end}");
    ch(&mut m, 'k');
    assert_eq!(scroll(&m), Some(end - 1));

    // The list's actions do nothing to it, and say why.
    for c in ['a', 'r', 'n', 'e'] {
        assert!(ch(&mut m, c).is_empty(), "{c}");
    }
    let told = said(&m);
    assert!(
        told.error && told.text.contains("#30 is resolved"),
        "{told:?}"
    );

    ch(&mut m, 'q');
    assert_eq!(m.key_context(), Context::History, "back to the results");
    assert_eq!(found(&m), [31, 30]);
    assert_eq!(search(&m).cursor, 1);
    key(&mut m, KeyCode::Esc);
    assert_eq!(m.mode, Mode::Normal);
}

#[test]
fn the_hub_unreachable_is_said_in_the_popup_and_what_was_shown_stays() {
    let mut m = searched("disk", &[31, 30], None);
    typed(&mut m, " var");
    assert_eq!(key(&mut m, KeyCode::Enter), asks("disk var", None));
    fn down<T>() -> Result<T, FeedError> {
        Err(FeedError::Unreachable("http://hub:8080".into()))
    }
    worker(
        &mut m,
        WorkerEvent::HistoryPage {
            q: "disk var".into(),
            before: None,
            result: down(),
        },
    );
    let s = search(&m);
    assert_eq!(
        s.problem.as_deref(),
        Some("Could not search the history: cannot reach http://hub:8080.")
    );
    assert_eq!(found(&m), [31, 30], "what was shown stays");
    assert_eq!(s.shown.as_deref(), Some("disk"));
    assert_eq!(
        key(&mut m, KeyCode::Enter),
        asks("disk var", None),
        "Enter asks again"
    );

    // Reading one while the hub is down keeps what its page said.
    let mut m = searched("disk", &[31], None);
    key(&mut m, KeyCode::Enter);
    let came = WorkerEvent::HistoryIncident {
        id: 31,
        result: down(),
    };
    worker(&mut m, came);
    let reading = search(&m).reading.clone().expect("still reading");
    assert_eq!(reading.incident.title, "Disk /var full on host-31");
    assert_eq!(
        reading.problem.as_deref(),
        Some("Could not read #31's timeline: cannot reach http://hub:8080.")
    );
}

#[test]
fn answers_after_the_popup_closed_change_nothing() {
    let mut m = polled();
    ch(&mut m, 'R');
    key(&mut m, KeyCode::Esc);
    page_came(&mut m, "", None, &[40], None);
    assert_eq!(m.mode, Mode::Normal);
    let came = WorkerEvent::HistoryIncident {
        id: 40,
        result: Ok(Box::new(resolved(40, "gone"))),
    };
    worker(&mut m, came);
    assert_eq!(m.mode, Mode::Normal);
    assert!(!m.detail.fetched.contains_key(&40) && m.incident(40).is_none());
}

#[test]
fn an_alertmanager_feed_has_no_history_and_says_so() {
    let mut m = polled();
    m.feed.capabilities = crate::feed::Capabilities::ALERTMANAGER;
    assert!(ch(&mut m, 'R').is_empty());
    assert_eq!(m.mode, Mode::Normal);
    let told = said(&m);
    assert!(told.error, "{told:?}");
    assert!(
        told.text
            .starts_with("The history of resolved incidents needs the oncall hub"),
        "{told:?}"
    );
}
