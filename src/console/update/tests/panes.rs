//! The panes: messages that fade, the timeline that scrolls, the pane that
//! zooms to the whole screen.
use super::*;
use crate::console::layout;
use crate::incident::{EventKind, TimelineEntry};

fn at(secs: i64) -> DateTime<Utc> {
    t0() + chrono::Duration::seconds(secs)
}

#[test]
fn a_message_fades_after_a_while_or_at_the_next_key() {
    let mut m = polled();
    ch(&mut m, 'a');
    assert!(m.message.is_some());
    ch(&mut m, 'x');
    assert!(m.message.is_some(), "a key that does nothing leaves it");
    ch(&mut m, 'j');
    assert_eq!(m.message, None, "the next action clears it");
    // A warning fades too, later than the rest.
    ch(&mut m, '9');
    assert!(m.message.as_ref().is_some_and(|msg| msg.error));
    update(&mut m, Msg::Tick(at(29)));
    assert!(m.message.is_some());
    m.take_dirty();
    update(&mut m, Msg::Tick(at(30)));
    assert_eq!(m.message, None);
    assert!(m.take_dirty(), "its going is drawn");
    // An informational one after ten seconds.
    ch(&mut m, 'a');
    update(&mut m, Msg::Tick(at(39)));
    assert!(m.message.is_some());
    update(&mut m, Msg::Tick(at(40)));
    assert_eq!(m.message, None);
}

/// #2's timeline: `n` entries, a minute apart.
fn with_timeline(m: &mut Model, n: i64) {
    let mut detail = m.incident(2).unwrap().clone();
    detail.timeline = (0..n)
        .map(|i| TimelineEntry {
            at: t0() - chrono::Duration::minutes(n - i),
            who: "sam".into(),
            kind: EventKind::Note,
            text: format!("note {i}"),
            taken_at: None,
        })
        .collect();
    update(
        m,
        Msg::Worker(WorkerEvent::Fetched {
            id: 2,
            result: Ok(detail),
        }),
    );
}

#[test]
fn j_and_k_scroll_the_timeline_and_a_new_selection_starts_at_the_top() {
    let mut m = polled();
    with_timeline(&mut m, 3);
    assert_eq!(m.detail.timeline_scroll, 0);
    for expected in [1, 2, 3, 3] {
        ch(&mut m, 'J');
        assert_eq!(
            m.detail.timeline_scroll, expected,
            "as far as the oldest entry"
        );
    }
    assert_eq!(m.list.selected, Some(2), "J does not move the list");
    for expected in [2, 1, 0, 0] {
        ch(&mut m, 'K');
        assert_eq!(m.detail.timeline_scroll, expected);
    }
    ch(&mut m, 'J');
    ch(&mut m, 'j');
    assert_eq!(
        m.detail.timeline_scroll, 0,
        "another incident, from its top"
    );
    // Nothing fetched yet: nothing to scroll into.
    ch(&mut m, 'J');
    assert_eq!(m.detail.timeline_scroll, 0);
}

#[test]
fn z_zooms_the_focused_pane_and_the_runbook_rewraps_to_it() {
    let mut m = polled();
    update(&mut m, Msg::Resize(80, 24));
    let narrow = m.runbook.view.as_ref().unwrap().width;
    ch(&mut m, 'z');
    assert_eq!(m.zoom(), Some(Focus::List));
    // A page is the zoomed list's.
    let page = layout::list_rows(m.size, Some(Focus::List));
    assert!(page > layout::list_rows(m.size, None));
    key(&mut m, KeyCode::Tab);
    assert_eq!(
        m.zoom(),
        Some(Focus::Runbook),
        "Tab: the other pane, zoomed"
    );
    let wide = m.runbook.view.as_ref().unwrap().width;
    assert_eq!(wide, 78, "the runbook is wrapped to the whole screen");
    assert!(wide > narrow);
    ch(&mut m, 'z');
    assert_eq!(m.zoom(), None);
    assert_eq!(m.runbook.view.as_ref().unwrap().width, narrow);
}

#[test]
fn the_clock_leaves_a_zoomed_runbook_alone_when_only_list_ages_turn() {
    let mut m = polled();
    key(&mut m, KeyCode::Tab);
    ch(&mut m, 'z');
    live_at(&mut m, 15);
    assert!(
        !live_at(&mut m, 61),
        "the ages turned, but no list or detail is on screen"
    );
}
