//! The runbook pane opens at the section its match names (the heading as
//! the first line, the cursor on it), `t` goes to the top and back, and a
//! refresh of the same incident leaves the responder where they are.
use super::*;
use crate::runbook::Section;

/// Names `heading` as the section of match `n` (0 is the best), as the
/// matcher does for an incident whose alert a runbook maps to a heading.
fn name_section(m: &mut Model, n: usize, heading: &str) {
    m.runbook.matches[n].section = Some(Section {
        heading: heading.into(),
        why: format!("sections maps {heading}"),
    });
}

/// The line `heading` is drawn on in the pane as rendered now.
fn heading_line(m: &Model, heading: &str) -> usize {
    let view = m.runbook.view.as_ref().unwrap();
    view.doc
        .headings
        .iter()
        .find(|h| h.text == heading)
        .unwrap_or_else(|| panic!("{} has no heading {heading}", view.id))
        .line
}

#[test]
fn a_match_with_a_section_opens_scrolled_to_its_heading() {
    let mut m = polled();
    name_section(&mut m, 0, "6. Conntrack table");
    ch(&mut m, '1');
    let line = heading_line(&m, "6. Conntrack table");
    assert!(line > 0);
    assert_eq!((m.runbook.scroll, m.runbook.cursor), (line, line));
}

#[test]
fn a_heading_named_in_another_case_is_found_all_the_same() {
    let mut m = polled();
    name_section(&mut m, 0, "6. conntrack TABLE");
    ch(&mut m, '1');
    assert_eq!(m.runbook.scroll, heading_line(&m, "6. Conntrack table"));
}

#[test]
fn a_section_the_runbook_lacks_opens_it_at_the_top() {
    let mut m = polled();
    key(&mut m, KeyCode::Tab);
    ch(&mut m, 'G');
    name_section(&mut m, 0, "No such heading");
    ch(&mut m, '1');
    assert_eq!((m.runbook.scroll, m.runbook.cursor), (0, 0));
}

#[test]
fn another_match_opens_at_its_own_section() {
    let mut m = polled();
    assert!(m.runbook.matches.len() >= 2, "{:?}", m.runbook.matches);
    let second = m.runbook.matches[1].id.clone();
    let heading = {
        let rb = m.library.get(&second).unwrap();
        let doc = crate::runbook::markdown::render(&rb.body, 60, &Default::default());
        doc.headings.last().unwrap().text.clone()
    };
    name_section(&mut m, 1, &heading);
    ch(&mut m, '2');
    assert_eq!(m.runbook.view.as_ref().unwrap().id, second);
    let line = heading_line(&m, &heading);
    assert!(line > 0);
    assert_eq!((m.runbook.scroll, m.runbook.cursor), (line, line));
}

#[test]
fn t_goes_to_the_top_and_back_to_the_section() {
    let mut m = polled();
    name_section(&mut m, 0, "6. Conntrack table");
    ch(&mut m, '1');
    let line = heading_line(&m, "6. Conntrack table");
    ch(&mut m, 't');
    assert_eq!((m.runbook.scroll, m.runbook.cursor), (0, 0));
    assert!(
        said(&m)
            .text
            .contains("t goes back to § 6. Conntrack table")
    );
    ch(&mut m, 't');
    assert_eq!((m.runbook.scroll, m.runbook.cursor), (line, line));
    // Anywhere else, t is the top first.
    key(&mut m, KeyCode::Tab);
    ch(&mut m, 'G');
    ch(&mut m, 't');
    assert_eq!((m.runbook.scroll, m.runbook.cursor), (0, 0));
}

#[test]
fn t_without_a_section_is_the_top() {
    let mut m = polled();
    m.runbook.matches[0].section = None;
    key(&mut m, KeyCode::Tab);
    ch(&mut m, 'G');
    ch(&mut m, 't');
    assert_eq!((m.runbook.scroll, m.runbook.cursor), (0, 0));
    ch(&mut m, 't');
    assert_eq!((m.runbook.scroll, m.runbook.cursor), (0, 0));
    assert!(said(&m).text.contains("no section of it is named"));
}

#[test]
fn a_refresh_of_the_same_incident_keeps_the_position() {
    let mut m = polled();
    name_section(&mut m, 0, "6. Conntrack table");
    ch(&mut m, '1');
    key(&mut m, KeyCode::Tab);
    for _ in 0..5 {
        ch(&mut m, 'j');
    }
    let at = (m.runbook.scroll, m.runbook.cursor);
    let mut again = m.incident(2).unwrap().clone();
    again.version += 1;
    again.occurrences += 1;
    delta(&mut m, vec![again]);
    assert_eq!(m.list.selected, Some(2));
    assert_eq!((m.runbook.scroll, m.runbook.cursor), at);
    // A step ticked elsewhere re-renders the runbook; it stays put too.
    let mut d = m.incident(2).unwrap().clone();
    d.steps.insert("network".into(), [0].into_iter().collect());
    worker(
        &mut m,
        WorkerEvent::Fetched {
            id: 2,
            result: Ok(d),
        },
    );
    assert!(m.runbook.view.as_ref().unwrap().done.contains(&0));
    assert_eq!((m.runbook.scroll, m.runbook.cursor), at);
}

#[test]
fn another_incident_opens_its_runbook_afresh() {
    let mut m = polled();
    key(&mut m, KeyCode::Tab);
    ch(&mut m, 'G');
    assert!(m.runbook.scroll > 0);
    key(&mut m, KeyCode::Tab);
    ch(&mut m, 'j');
    assert_eq!(m.runbook.view.as_ref().unwrap().id, "disk-full");
    // At its own section when its match names one, else at the top; never
    // where the previous incident's runbook was left.
    let opens_at = m.runbook.section_line().unwrap_or(0);
    assert_eq!((m.runbook.scroll, m.runbook.cursor), (opens_at, opens_at));
    ch(&mut m, 'k');
    ch(&mut m, 'j');
    assert_eq!((m.runbook.scroll, m.runbook.cursor), (opens_at, opens_at));
}

#[test]
fn at_the_section_a_rewrap_keeps_the_heading_on_top() {
    let mut m = polled();
    name_section(&mut m, 0, "6. Conntrack table");
    ch(&mut m, '1');
    key(&mut m, KeyCode::Tab);
    ch(&mut m, 'z');
    let line = heading_line(&m, "6. Conntrack table");
    assert_eq!((m.runbook.scroll, m.runbook.cursor), (line, line));
}
