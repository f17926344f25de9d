//! `N`: the noise report is asked of the hub by a command (never fetched in
//! `update`), opens when it comes, scrolls, closes; a feed without one says
//! so and asks nothing.
use super::*;
use crate::report::NoiseReport;

fn report_came(m: &mut Model) {
    worker(m, WorkerEvent::Report(Ok(Box::new(NoiseReport::default()))));
}

fn scroll_of(m: &Model) -> u16 {
    match &m.mode {
        Mode::Report { scroll, .. } => *scroll,
        other => panic!("{other:?}"),
    }
}

#[test]
fn n_asks_the_hub_once_and_the_report_opens_when_it_comes() {
    let mut m = polled();
    let cmds = ch(&mut m, 'N');
    assert_eq!(
        cmds,
        vec![Command::Feed(Request::Report {
            since: "7d".to_string()
        })]
    );
    assert_eq!(m.mode, Mode::Normal, "nothing to show until it comes");
    assert!(said(&m).text.contains("noise report"), "{:?}", said(&m));
    assert!(
        ch(&mut m, 'N').is_empty(),
        "asked once while it is on its way"
    );
    report_came(&mut m);
    assert_eq!(scroll_of(&m), 0);
    key(&mut m, KeyCode::Down);
    ch(&mut m, 'j');
    assert_eq!(scroll_of(&m), 2);
    key(&mut m, KeyCode::PageDown);
    assert_eq!(scroll_of(&m), 12);
    ch(&mut m, 'k');
    ch(&mut m, 'g');
    assert_eq!(scroll_of(&m), 0);
    assert!(
        ch(&mut m, 'a').is_empty(),
        "the list's keys do nothing here"
    );
    key(&mut m, KeyCode::Esc);
    assert_eq!(m.mode, Mode::Normal);
    // Asked again, it comes again.
    assert_eq!(ch(&mut m, 'N').len(), 1);
}

#[test]
fn a_report_that_cannot_be_read_is_said_and_n_asks_again() {
    let mut m = polled();
    ch(&mut m, 'N');
    worker(
        &mut m,
        WorkerEvent::Report(Err(FeedError::Rejected {
            status: 403,
            code: "forbidden".into(),
            message: "integrations only send events".into(),
            incident: None,
        })),
    );
    assert_eq!(m.mode, Mode::Normal);
    let told = said(&m);
    assert!(
        told.error && told.text.starts_with("Could not read the noise report"),
        "{told:?}"
    );
    assert_eq!(ch(&mut m, 'N').len(), 1);
}

#[test]
fn a_report_arriving_while_a_note_is_written_waits_for_the_next_n() {
    let mut m = polled();
    ch(&mut m, 'N');
    ch(&mut m, 'n');
    report_came(&mut m);
    assert!(matches!(m.mode, Mode::Prompt { .. }), "{:?}", m.mode);
}

#[test]
fn an_alertmanager_feed_has_no_report_and_says_so() {
    let mut m = polled();
    m.feed.capabilities = crate::feed::Capabilities::ALERTMANAGER;
    assert!(ch(&mut m, 'N').is_empty());
    let told = said(&m);
    assert!(told.error, "{told:?}");
    assert_eq!(
        told.text,
        "The noise report needs the oncall hub; this feed is Alertmanager, read directly."
    );
}
