//! The list as it is rebuilt: its columns measured, and where the cursor
//! stays when the selected incident moves.
use super::*;
use crate::console::model::Widest;

#[test]
fn the_list_measures_its_columns_when_it_is_rebuilt() {
    let mut m = polled();
    assert_eq!(
        m.widest,
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
        m.widest,
        Widest {
            id: 5,
            service: 16,
            owner: 8
        }
    );
    // Filtered out, it no longer widens the columns.
    ch(&mut m, '/');
    typed(&mut m, "disk");
    assert_eq!(m.widest.id, 2);
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
    update(
        m,
        Msg::Worker(WorkerEvent::Acted {
            ticket,
            id,
            result: Ok(inc),
        }),
    );
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
    assert_eq!((m.cursor, m.selected), (1, Some(1)));
    let (ticket, id) = resolve_selected(&mut m);
    let done = resolved(&m, id);
    answered(&mut m, ticket, done);
    assert_eq!(ids(&m), [2, 3, 1], "the resolved one sinks");
    assert_eq!(
        (m.cursor, m.selected),
        (1, Some(3)),
        "the cursor stays, on what came next"
    );
    // The poll that shows it resolved before the answer does the same.
    ch(&mut m, 'g');
    let (ticket, id) = resolve_selected(&mut m);
    assert_eq!(id, 2);
    let done = resolved(&m, id);
    delta(&mut m, vec![done.clone()]);
    assert_eq!((m.cursor, m.selected), (0, Some(3)));
    answered(&mut m, ticket, done);
    assert_eq!((m.cursor, m.selected), (0, Some(3)));
}

#[test]
fn an_incident_resolved_elsewhere_stays_selected() {
    let mut m = polled();
    let done = resolved(&m, 2);
    delta(&mut m, vec![done]);
    assert_eq!(
        m.selected,
        Some(2),
        "what the responder reads does not vanish"
    );
}

/// A poll that brings only what changed.
fn delta(m: &mut Model, changed: Vec<Incident>) {
    update(
        m,
        Msg::Feed(FeedEvent::Polled {
            incidents: changed,
            full: false,
            resume: None,
        }),
    );
}
