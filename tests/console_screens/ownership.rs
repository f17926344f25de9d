//! Ownership and roles on screen: a major incident with its manager and a
//! helper, a snoozed one and one taken over, in the list and the detail;
//! a short prompt and the question before naming someone who fixes the
//! incident its manager.
use super::*;

/// The main screen with #15 (alex's) major, run by priya, helped by sam,
/// priya's status update the latest;
/// #9 (sam's) snoozed to 03:30 and taken over from priya; #15 selected.
fn roles_model(width: u16, height: u16) -> Model {
    let mut m = screen_model(width, height);
    let mut major = incident(&specs()[1]);
    major.version = 4;
    major.major = true;
    major.incident_manager = Some("priya".into());
    major.helpers = vec!["sam".into()];
    major.status_update = Some(oncall::incident::StatusUpdate {
        text: "Checkout degraded;\nrolling back the deploy.".into(),
        by: "priya".into(),
        at: t0() - chrono::Duration::minutes(1),
    });
    let mut snoozed = incident(&specs()[2]);
    snoozed.version = 4;
    snoozed.snoozed_until = Some(t0() + chrono::Duration::minutes(30));
    snoozed.previous_owner = Some("priya".into());
    snoozed.assigned_by = Some("sam".into());
    update(
        &mut m,
        Msg::Feed(FeedEvent::Polled {
            incidents: vec![major.clone(), snoozed],
            full: false,
            resume: None,
        }),
    );
    major.timeline = vec![
        TimelineEntry {
            at: t0() - chrono::Duration::minutes(2),
            who: "alex".into(),
            kind: EventKind::Help,
            text: "asked sam to help: pgbouncer pool".into(),
            taken_at: None,
        },
        TimelineEntry {
            at: t0() - chrono::Duration::minutes(1),
            who: "sam".into(),
            kind: EventKind::Role,
            text: "declared a major incident; incident manager: priya".into(),
            taken_at: None,
        },
    ];
    update(
        &mut m,
        Msg::Worker(WorkerEvent::Fetched {
            id: 15,
            result: Ok(major),
        }),
    );
    press(&mut m, KeyCode::Down);
    m
}

#[test]
fn roles_in_the_list_and_the_detail() {
    for (w, h) in [(120, 40), (80, 24)] {
        let m = roles_model(w, h);
        let t = draw(&m, w, h);
        let shown = text(&t);
        assert!(shown.contains("[major: priya]"), "{shown}");
        assert!(shown.contains("alex +1"), "{shown}");
        assert!(
            shown.contains("status update Checkout degraded;"),
            "{shown}"
        );
        snapshot!(format!("roles_{w}x{h}"), t.backend());
    }
    // #9, two rows down: snoozed, and taken over.
    let mut m = roles_model(120, 40);
    press(&mut m, KeyCode::Down);
    press(&mut m, KeyCode::Down);
    let shown = text(&draw(&m, 120, 40));
    assert!(
        shown.contains("snoozed until 03:30 · taken over from priya"),
        "{shown}"
    );
}

#[test]
fn the_manager_prompt_and_the_question_before_forcing_80x24() {
    let mut m = roles_model(80, 24);
    press(&mut m, KeyCode::Char('M'));
    typed(&mut m, "sam");
    snapshot!("manager_prompt_80x24", draw(&m, 80, 24).backend());
    press(&mut m, KeyCode::Enter);
    let t = draw(&m, 80, 24);
    assert!(text(&t).contains("sam is helping fix #15"), "{}", text(&t));
    snapshot!("manager_force_question_80x24", t.backend());
}
