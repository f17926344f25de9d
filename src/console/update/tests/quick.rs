//! The quick filters (mine, triggered, critical and high) on single keys,
//! combined with each other and with the typed filter, cleared by Esc; and
//! `#` then a number, which finds an incident wherever the filters put it.
use super::*;
use crate::console::model::QuickFilters;

/// The polled list with #3 (info, acknowledged) held by alex and #1 by sam.
fn owned() -> Model {
    let mut m = polled();
    let mut three = m.incident(3).unwrap().clone();
    three.owner = Some("alex".into());
    three.version += 1;
    let mut one = m.incident(1).unwrap().clone();
    one.owner = Some("sam".into());
    one.version += 1;
    delta(&mut m, vec![three, one]);
    m
}

#[test]
fn each_quick_filter_narrows_the_list_and_they_combine() {
    let mut m = owned();
    assert_eq!(ids(&m), [2, 1, 3]);
    ch(&mut m, 'm');
    assert_eq!(ids(&m), [3], "mine: alex holds #3");
    assert_eq!(said(&m).text, "mine only: on");
    ch(&mut m, 'm');
    assert_eq!(ids(&m), [2, 1, 3], "off again");
    ch(&mut m, '!');
    assert_eq!(ids(&m), [2, 1], "triggered only");
    ch(&mut m, 'c');
    assert_eq!(ids(&m), [2], "and critical or high");
    assert_eq!(
        m.list.quick,
        QuickFilters {
            mine: false,
            triggered: true,
            severe: true
        }
    );
    assert_eq!(m.list.quick.label(), "triggered · high+");
    // With the typed filter too: every one must pass.
    ch(&mut m, 'c');
    ch(&mut m, '/');
    typed(&mut m, "disk");
    key(&mut m, KeyCode::Enter);
    assert_eq!(ids(&m), [1]);
    // Esc clears them all.
    key(&mut m, KeyCode::Esc);
    assert_eq!(ids(&m), [2, 1, 3]);
    assert!(!m.list.quick.any() && m.list.filter.is_empty());
}

#[test]
fn helping_counts_as_mine() {
    let mut m = polled();
    let mut two = m.incident(2).unwrap().clone();
    two.owner = Some("sam".into());
    two.helpers = vec!["alex".into()];
    two.version += 1;
    delta(&mut m, vec![two]);
    ch(&mut m, 'm');
    assert_eq!(ids(&m), [2]);
}

#[test]
fn hash_goes_to_an_incident_clearing_the_filters_that_hide_it() {
    let mut m = owned();
    ch(&mut m, '#');
    assert_eq!(m.key_context(), crate::console::keys::Context::Jump);
    typed(&mut m, "3");
    key(&mut m, KeyCode::Enter);
    assert_eq!(m.list.selected, Some(3));
    assert_eq!(m.mode, Mode::Normal);

    // Hidden by a quick filter: they go, and the message says so.
    ch(&mut m, '!');
    assert_eq!(ids(&m), [2, 1]);
    ch(&mut m, '#');
    typed(&mut m, "#3");
    key(&mut m, KeyCode::Enter);
    assert_eq!(m.list.selected, Some(3));
    assert_eq!(ids(&m), [2, 1, 3]);
    assert_eq!(said(&m).text, "#3: the filters hid it, so they are off.");

    // Not in the list, or not a number: said, nothing moves.
    for typed_text in ["99", "abc"] {
        ch(&mut m, '#');
        typed(&mut m, typed_text);
        key(&mut m, KeyCode::Enter);
        assert!(said(&m).error, "{typed_text}");
        assert_eq!(m.list.selected, Some(3));
    }
    assert!(said(&m).text.contains("not an incident number"));
    // Esc leaves it without going anywhere.
    ch(&mut m, '#');
    typed(&mut m, "1");
    key(&mut m, KeyCode::Esc);
    assert_eq!((m.list.selected, &m.mode), (Some(3), &Mode::Normal));
}
