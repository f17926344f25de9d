//! The list: its order, the moving cursor, the filter, polls merged in,
//! the columns measured as it is rebuilt, and where the cursor stays when
//! the selected incident moves.
use super::*;
use crate::console::model::Widest;

#[test]
fn list_is_sorted_most_severe_first_and_selects_the_top() {
    let m = polled();
    assert_eq!(ids(&m), [2, 1, 3]);
    assert_eq!(m.list.selected, Some(2));
    assert_eq!(m.feed.health(m.now), Health::Live);
}

#[test]
fn moving_selects_and_fetches_the_next_incident() {
    let mut m = polled();
    assert_eq!(
        ch(&mut m, 'j'),
        vec![Command::Feed(Request::Fetch { id: 1 })]
    );
    assert_eq!(m.list.selected, Some(1));
    key(&mut m, KeyCode::Down);
    assert_eq!(m.list.selected, Some(3));
    key(&mut m, KeyCode::Down);
    assert_eq!(m.list.selected, Some(3), "stops at the end");
    ch(&mut m, 'g');
    assert_eq!(m.list.selected, Some(2));
    ch(&mut m, 'G');
    assert_eq!(m.list.selected, Some(3));
}

#[test]
fn filter_narrows_as_you_type_and_esc_clears() {
    let mut m = polled();
    ch(&mut m, '/');
    typed(&mut m, "disk");
    assert_eq!(ids(&m), [1]);
    assert_eq!(m.list.selected, Some(1));
    key(&mut m, KeyCode::Enter);
    assert_eq!(ids(&m), [1], "Enter keeps the filter");
    key(&mut m, KeyCode::Esc);
    assert_eq!(ids(&m), [2, 1, 3]);
    ch(&mut m, '/');
    typed(&mut m, "nothing like this");
    assert!(m.list.visible.is_empty());
    assert_eq!(m.list.selected, None);
    assert!(ch(&mut m, 'a').is_empty(), "typing goes to the filter");
}

#[test]
fn delta_polls_merge_and_keep_the_selection() {
    let mut m = polled();
    ch(&mut m, 'j');
    assert_eq!(m.list.selected, Some(1));
    let new = inc(
        9,
        Severity::Critical,
        Status::Triggered,
        "UPS on battery",
        "UpsOnBattery",
    );
    let mut resolved = m.incident(2).unwrap().clone();
    resolved.status = Status::Resolved;
    resolved.version = 2;
    delta(&mut m, vec![new, resolved]);
    assert_eq!(ids(&m), [9, 1, 3, 2]);
    assert_eq!(
        m.list.selected,
        Some(1),
        "the cursor stays on the incident, not the row"
    );
    // An older version arriving late does not overwrite a newer one.
    let stale = inc(
        2,
        Severity::Critical,
        Status::Triggered,
        "Packet loss on edge-lb-1",
        "",
    );
    delta(&mut m, vec![stale]);
    assert_eq!(m.incident(2).unwrap().status, Status::Resolved);
}

#[test]
fn the_list_measures_its_columns_when_it_is_rebuilt() {
    let mut m = polled();
    assert_eq!(
        m.list.widest,
        Widest {
            id: 2,
            service: 3,
            owner: 1
        },
        "#1..#3, api, nobody (—)"
    );
    let mut long = inc(1234, Severity::High, Status::Acknowledged, "Lag", "");
    long.service = "payments-gateway".into();
    long.owner = Some("kristina".into());
    delta(&mut m, vec![long]);
    assert_eq!(
        m.list.widest,
        Widest {
            id: 5,
            service: 16,
            owner: 8
        }
    );
    // Filtered out, it no longer widens the columns.
    ch(&mut m, '/');
    typed(&mut m, "disk");
    assert_eq!(m.list.widest.id, 2);
}

/// `r` and Enter on the selected incident: the resolve it sends.
fn resolve_selected(m: &mut Model) -> (u64, u64) {
    ch(m, 'r');
    match &key(m, KeyCode::Enter)[..] {
        [Command::Feed(Request::Act { ticket, id, .. })] => (*ticket, *id),
        other => panic!("{other:?}"),
    }
}

/// The hub's answer to the action with `ticket`: the incident as it is now.
fn answered(m: &mut Model, ticket: u64, inc: Incident) {
    let id = inc.id;
    acted(m, ticket, id, Ok(inc));
}

fn resolved(m: &Model, id: u64) -> Incident {
    let mut inc = m.incident(id).unwrap().clone();
    inc.status = Status::Resolved;
    inc.version += 1;
    inc
}

#[test]
fn after_r_the_cursor_keeps_its_place_in_the_list() {
    let mut m = polled();
    ch(&mut m, 'j');
    assert_eq!((m.list.cursor, m.list.selected), (1, Some(1)));
    let (ticket, id) = resolve_selected(&mut m);
    let done = resolved(&m, id);
    answered(&mut m, ticket, done);
    assert_eq!(ids(&m), [2, 3, 1], "the resolved one sinks");
    assert_eq!(
        (m.list.cursor, m.list.selected),
        (1, Some(3)),
        "the cursor stays, on what came next"
    );
    // The poll that shows it resolved before the answer does the same.
    ch(&mut m, 'g');
    let (ticket, id) = resolve_selected(&mut m);
    assert_eq!(id, 2);
    let done = resolved(&m, id);
    delta(&mut m, vec![done.clone()]);
    assert_eq!((m.list.cursor, m.list.selected), (0, Some(3)));
    answered(&mut m, ticket, done);
    assert_eq!((m.list.cursor, m.list.selected), (0, Some(3)));
}

#[test]
fn an_incident_resolved_elsewhere_stays_selected() {
    let mut m = polled();
    let done = resolved(&m, 2);
    delta(&mut m, vec![done]);
    assert_eq!(
        m.list.selected,
        Some(2),
        "what the responder reads does not vanish"
    );
}
