//! Squashing from the console, key by key: the form for the selected
//! incident's alert, its matchers on and off, the duration in one key (or
//! typed, or to the end of the shift), the reason it requires, the squash
//! sent pending through the worker; the squashes list and its confirmed
//! removal; a feed that cannot squash; a squashed incident that rings no
//! bell.
use std::collections::BTreeMap;

use super::*;
use crate::console::model::{SquashStep, Squashes};
use crate::incident::Squash;

fn matchers(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn step(m: &Model) -> SquashStep {
    match &m.mode {
        Mode::Squash(form) => form.step.clone(),
        other => panic!("not the squash form: {other:?}"),
    }
}

#[test]
fn two_keys_and_a_reason_squash_the_selected_alert_pending_until_the_hub_answers() {
    let mut m = polled();
    assert!(ch(&mut m, 's').is_empty());
    let Mode::Squash(form) = &m.mode else {
        panic!("{:?}", m.mode)
    };
    assert_eq!(form.id, 2);
    assert_eq!(
        form.chosen(),
        matchers(&[
            ("alertname", "HostNetworkReceiveErrors"),
            ("service", "api")
        ]),
        "its alertname and service"
    );
    assert!(ch(&mut m, '1').is_empty());
    assert!(matches!(step(&m), SquashStep::Reason { .. }));
    assert!(
        key(&mut m, KeyCode::Enter).is_empty(),
        "no reason, nothing sent"
    );
    assert!(said(&m).text.contains("needs a reason"), "{:?}", m.message);
    typed(&mut m, "edge-lb swap, tracked in OPS-12");
    let cmds = key(&mut m, KeyCode::Enter);
    let action = Action::Squash {
        matchers: matchers(&[
            ("alertname", "HostNetworkReceiveErrors"),
            ("service", "api"),
        ]),
        until: t0() + chrono::Duration::hours(1),
        reason: "edge-lb swap, tracked in OPS-12".into(),
    };
    assert_eq!(cmds, sends(1, 2, action));
    assert_eq!(m.mode, Mode::Normal);
    assert_eq!(m.pending_for(2).map(|p| p.action.verb()), Some("squash"));

    let mut squashed = inc(
        2,
        Severity::Critical,
        Status::Triggered,
        "Packet loss on edge-lb-1",
        "HostNetworkReceiveErrors",
    );
    squashed.squashed_by = Some(7);
    squashed.version = 3;
    acted(&mut m, 1, 2, Ok(squashed));
    assert!(m.pending_for(2).is_none());
    assert_eq!(m.incident(2).and_then(|i| i.squashed_by), Some(7));
    assert!(said(&m).text.contains("squash #7"), "{:?}", m.message);
}

#[test]
fn matchers_widen_and_narrow_and_none_at_all_is_refused() {
    let mut m = polled();
    ch(&mut m, 's');
    // alertname, service, then nothing else: #2 has no other label.
    ch(&mut m, ' ');
    let Mode::Squash(form) = &m.mode else {
        panic!()
    };
    assert_eq!(
        form.chosen(),
        matchers(&[("service", "api")]),
        "widened to the service"
    );
    key(&mut m, KeyCode::Down);
    ch(&mut m, ' ');
    ch(&mut m, '4');
    typed(&mut m, "why not");
    let cmds = key(&mut m, KeyCode::Enter);
    assert!(cmds.is_empty(), "nothing matched on: {cmds:?}");
    assert!(said(&m).text.contains("at least one matcher"));
    assert!(
        matches!(step(&m), SquashStep::Duration),
        "back to the matchers"
    );
    ch(&mut m, ' ');
    ch(&mut m, '4');
    typed(&mut m, "noisy");
    let cmds = key(&mut m, KeyCode::Enter);
    let [
        Command::Feed(Request::Act {
            action:
                Action::Squash {
                    matchers: sent,
                    until,
                    ..
                },
            ..
        }),
    ] = cmds.as_slice()
    else {
        panic!("{cmds:?}")
    };
    assert_eq!(*sent, matchers(&[("service", "api")]));
    assert_eq!(*until, t0() + chrono::Duration::hours(4));
}

#[test]
fn how_long_is_typed_or_runs_to_the_end_of_the_shift() {
    let mut m = polled();
    ch(&mut m, 's');
    ch(&mut m, 'e');
    assert!(said(&m).text.contains("No shift end"), "no rota yet");
    assert!(matches!(step(&m), SquashStep::Duration));
    key(&mut m, KeyCode::Esc);
    assert_eq!(m.mode, Mode::Normal);

    with_rota(&mut m);
    ch(&mut m, 's');
    ch(&mut m, 'e');
    let SquashStep::Reason {
        until, said: how, ..
    } = step(&m)
    else {
        panic!()
    };
    assert_eq!(until, t0() + chrono::Duration::minutes(30));
    assert_eq!(how, "to the end of the shift");
    key(&mut m, KeyCode::Esc);

    ch(&mut m, 's');
    ch(&mut m, 't');
    typed(&mut m, "ninety");
    key(&mut m, KeyCode::Enter);
    assert!(
        matches!(step(&m), SquashStep::TypedDuration(_)),
        "a bad duration stays to fix"
    );
    assert!(said(&m).error);
    for _ in 0..6 {
        key(&mut m, KeyCode::Backspace);
    }
    typed(&mut m, "90m");
    key(&mut m, KeyCode::Enter);
    let SquashStep::Reason { until, .. } = step(&m) else {
        panic!()
    };
    assert_eq!(until, t0() + chrono::Duration::minutes(90));
}

#[test]
fn an_alertmanager_feed_cannot_squash_and_says_so() {
    let mut m = polled();
    m.feed.capabilities = crate::feed::Capabilities::ALERTMANAGER;
    assert!(ch(&mut m, 's').is_empty());
    assert_eq!(m.mode, Mode::Normal);
    let message = said(&m);
    assert!(message.error);
    assert!(
        message.text.contains("Squashing needs the oncall hub"),
        "{}",
        message.text
    );
    assert!(ch(&mut m, 'S').is_empty());
    assert_eq!(m.mode, Mode::Normal);
}

fn squash(id: u64) -> Squash {
    Squash {
        id,
        matchers: matchers(&[("service", "db")]),
        starts: t0(),
        until: t0() + chrono::Duration::hours(2),
        reason: "db maintenance".into(),
        created_by: "sam".into(),
        created_at: t0(),
        removed_by: None,
        removed_at: None,
    }
}

#[test]
fn the_squashes_list_removes_one_after_a_yes() {
    let mut m = polled();
    assert_eq!(ch(&mut m, 'S'), vec![Command::Feed(Request::ListSquashes)]);
    worker(
        &mut m,
        WorkerEvent::Squashes(Ok(vec![squash(3), squash(5)])),
    );
    key(&mut m, KeyCode::Down);
    assert!(ch(&mut m, 'x').is_empty());
    assert_eq!(
        m.mode,
        Mode::Squashes {
            cursor: 1,
            confirm: Some(5)
        }
    );
    assert!(ch(&mut m, 'n').is_empty(), "kept");
    assert_eq!(
        m.mode,
        Mode::Squashes {
            cursor: 1,
            confirm: None
        }
    );
    ch(&mut m, 'x');
    let cmds = ch(&mut m, 'y');
    let [Command::Feed(Request::Unsquash { ticket, id: 5 })] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert!(m.squashes.is_removing(5));
    let mut removed = squash(5);
    removed.removed_by = Some("alex".into());
    let cmds = worker(
        &mut m,
        WorkerEvent::Unsquashed {
            ticket: Some(*ticket),
            id: 5,
            result: Ok(removed),
        },
    );
    assert_eq!(
        cmds,
        vec![Command::Feed(Request::ListSquashes)],
        "asked again"
    );
    assert!(!m.squashes.is_removing(5));
    assert!(said(&m).text.contains("Squash #5 removed"));
    key(&mut m, KeyCode::Esc);
    assert_eq!(m.mode, Mode::Normal);
}

#[test]
fn a_squashed_incident_rings_no_bell_and_one_released_does() {
    let mut m = model();
    let mut mine = inc(
        9,
        Severity::Critical,
        Status::Triggered,
        "db down",
        "DbDown",
    );
    mine.owner = Some("alex".into());
    mine.squashed_by = Some(4);
    let cmds = poll(&mut m, vec![mine.clone()]);
    assert!(!cmds.contains(&Command::Bell), "{cmds:?}");
    mine.squashed_by = None;
    mine.version = 2;
    let cmds = delta(&mut m, vec![mine]);
    assert!(cmds.contains(&Command::Bell), "its squash ended: {cmds:?}");
    let _ = Squashes::default();
}
