//! The rota view from the console, key by key: `w` asks the hub for the
//! overrides; `c` asks when, until when and for whom (bad answers said and
//! kept to fix), then sends the cover through the worker, shown waiting
//! until the hub answers; a refusal is said in the hub's words; `x` removes
//! the chosen override after a yes; a feed without a rota refuses `w`.
use super::*;
use crate::console::model::RotaStep;
use crate::incident::{NewOverride, Override};

fn made(id: u64, responder: &str) -> Override {
    Override {
        id,
        responder: responder.into(),
        start: t0(),
        end: t0() + chrono::Duration::hours(8),
        created_by: "alex".into(),
        created_at: t0(),
        removed_by: None,
        removed_at: None,
        displaced: Vec::new(),
    }
}

fn step(m: &Model) -> RotaStep {
    match &m.mode {
        Mode::Rota { step, .. } => step.clone(),
        other => panic!("not the rota view: {other:?}"),
    }
}

#[test]
fn w_opens_the_rota_view_and_asks_for_the_overrides() {
    let mut m = polled();
    assert_eq!(ch(&mut m, 'w'), vec![Command::Feed(Request::ListOverrides)]);
    assert_eq!(step(&m), RotaStep::Choose);
    assert!(m.overrides.listed.is_none(), "asking");
    worker(&mut m, WorkerEvent::Overrides(Ok(vec![made(3, "sam")])));
    assert_eq!(m.overrides.rows(), [made(3, "sam")]);
    key(&mut m, KeyCode::Esc);
    assert_eq!(m.mode, Mode::Normal);
}

#[test]
fn c_asks_when_until_when_and_for_whom_then_sends_the_cover_pending() {
    let mut m = polled();
    ch(&mut m, 'w');
    worker(&mut m, WorkerEvent::Overrides(Ok(Vec::new())));
    assert!(ch(&mut m, 'c').is_empty());
    assert!(matches!(step(&m), RotaStep::Start(_)));
    assert!(key(&mut m, KeyCode::Enter).is_empty(), "empty: now");
    assert!(matches!(step(&m), RotaStep::End { start, .. } if start == t0()));
    typed(&mut m, "soon");
    assert!(key(&mut m, KeyCode::Enter).is_empty());
    assert!(said(&m).error && said(&m).text.contains("neither a time nor a length"));
    assert!(matches!(step(&m), RotaStep::End { .. }), "kept to fix");
    for _ in 0..4 {
        key(&mut m, KeyCode::Backspace);
    }
    typed(&mut m, "8h");
    assert!(key(&mut m, KeyCode::Enter).is_empty());
    assert!(matches!(step(&m), RotaStep::For { .. }));
    let cmds = key(&mut m, KeyCode::Enter);
    let asked = NewOverride {
        responder: "alex".into(),
        start: t0(),
        end: t0() + chrono::Duration::hours(8),
    };
    let [Command::Feed(Request::Cover { ticket, request })] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert_eq!(request, &asked, "empty: me");
    assert_eq!(step(&m), RotaStep::Choose);
    assert_eq!(m.overrides.covering.get(ticket), Some(&asked), "pending");
    let mut answer = made(4, "alex");
    answer.displaced = vec!["sam".into()];
    let cmds = worker(
        &mut m,
        WorkerEvent::Covered {
            ticket: Some(*ticket),
            result: Ok(answer),
        },
    );
    assert_eq!(
        cmds,
        vec![Command::Feed(Request::ListOverrides)],
        "asked again"
    );
    assert!(m.overrides.covering.is_empty());
    let told = said(&m).text;
    assert!(
        told.contains("Override #4: alex on call") && told.contains("sam told"),
        "{told}"
    );
}

#[test]
fn a_cover_for_someone_else_refused_by_the_hub_is_said_in_its_words() {
    let mut m = polled();
    ch(&mut m, 'w');
    ch(&mut m, 'c');
    typed(&mut m, "2026-11-23T05:00:00Z");
    key(&mut m, KeyCode::Enter);
    typed(&mut m, "+2h");
    key(&mut m, KeyCode::Enter);
    typed(&mut m, "dave");
    let cmds = key(&mut m, KeyCode::Enter);
    let [Command::Feed(Request::Cover { ticket, request })] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert_eq!(request.responder, "dave");
    assert_eq!(request.end, t0() + chrono::Duration::hours(4));
    worker(
        &mut m,
        WorkerEvent::Covered {
            ticket: Some(*ticket),
            result: Err(FeedError::Rejected {
                status: 403,
                code: "forbidden".into(),
                message: "alex is not on call between 05:00 and 07:00".into(),
                incident: None,
            }),
        },
    );
    let told = said(&m);
    assert!(
        told.error && told.text.contains("Could not cover the shift for dave"),
        "{told:?}"
    );
    assert!(told.text.contains("alex is not on call"), "{told:?}");
}

#[test]
fn esc_in_the_cover_prompt_sends_nothing() {
    let mut m = polled();
    ch(&mut m, 'w');
    ch(&mut m, 'c');
    assert!(key(&mut m, KeyCode::Esc).is_empty());
    assert_eq!(step(&m), RotaStep::Choose);
    assert!(said(&m).text.contains("nothing sent"));
}

#[test]
fn x_removes_the_chosen_override_after_a_yes() {
    let mut m = polled();
    ch(&mut m, 'w');
    worker(
        &mut m,
        WorkerEvent::Overrides(Ok(vec![made(3, "sam"), made(5, "dave")])),
    );
    key(&mut m, KeyCode::Down);
    assert!(ch(&mut m, 'x').is_empty());
    assert_eq!(step(&m), RotaStep::Confirm(5));
    assert!(ch(&mut m, 'n').is_empty(), "kept");
    assert_eq!(step(&m), RotaStep::Choose);
    ch(&mut m, 'x');
    let cmds = ch(&mut m, 'y');
    let [Command::Feed(Request::Uncover { ticket, id: 5 })] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert!(m.overrides.is_removing(5));
    let cmds = worker(
        &mut m,
        WorkerEvent::Uncovered {
            ticket: Some(*ticket),
            id: 5,
            result: Ok(made(5, "dave")),
        },
    );
    assert_eq!(cmds, vec![Command::Feed(Request::ListOverrides)]);
    assert!(!m.overrides.is_removing(5));
    assert!(said(&m).text.contains("Override #5 removed"));
}

#[test]
fn a_feed_without_a_rota_refuses_w_in_words() {
    let mut m = polled();
    m.feed.capabilities = crate::feed::Capabilities::ALERTMANAGER;
    assert!(ch(&mut m, 'w').is_empty());
    assert_eq!(m.mode, Mode::Normal);
    let told = said(&m);
    assert!(
        told.error && told.text.contains("need the oncall hub"),
        "{told:?}"
    );
}
