//! Follow-ups from the console, key by key: `f` asks what, who (the
//! responder when empty) and by when (a length such as 3d, none when
//! empty), then sends it pending on its incident; a bad length is said and
//! asked again; `F` lists this responder's open follow-ups as the poller
//! read them, `d` and `x` ask for a note and close the one under the
//! cursor; the top bar's count follows the poller; a feed without
//! follow-ups refuses both keys in words.
use super::*;
use crate::console::model::{FollowupStep, FollowupsPopup};
use crate::incident::{Followup, FollowupStatus};

fn followup(id: u64, incident_id: u64, overdue: bool) -> Followup {
    Followup {
        id,
        incident_id,
        incident_title: "Disk /var filling".into(),
        text: format!("task {id}"),
        owner: "alex".into(),
        due: Some(t0() + chrono::Duration::hours(if overdue { -1 } else { 5 })),
        status: FollowupStatus::Open,
        note: None,
        created_by: "sam".into(),
        created_at: t0(),
        closed_by: None,
        closed_at: None,
        overdue,
    }
}

fn listed(m: &mut Model, open: Vec<Followup>) -> Vec<Command> {
    update(m, Msg::Feed(FeedEvent::Followups(open)))
}

fn form_step(m: &Model) -> FollowupStep {
    match &m.mode {
        Mode::FollowupForm(form) => form.step.clone(),
        other => panic!("not the follow-up form: {other:?}"),
    }
}

#[test]
fn f_asks_what_who_and_when_then_sends_it_pending_on_the_incident() {
    let mut m = polled();
    assert!(ch(&mut m, 'f').is_empty());
    assert_eq!(form_step(&m), FollowupStep::Text);
    assert!(
        key(&mut m, KeyCode::Enter).is_empty(),
        "no text, nothing sent"
    );
    assert!(said(&m).text.contains("Say what is to be done"));
    typed(&mut m, "add a loss alert");
    key(&mut m, KeyCode::Enter);
    assert!(matches!(form_step(&m), FollowupStep::Owner { .. }));
    // Empty: the responder owns it.
    key(&mut m, KeyCode::Enter);
    let FollowupStep::Due { owner, .. } = form_step(&m) else {
        panic!()
    };
    assert_eq!(owner, "alex");
    typed(&mut m, "soon");
    assert!(key(&mut m, KeyCode::Enter).is_empty(), "not a length");
    assert!(
        said(&m).text.contains("Not a length from now"),
        "{:?}",
        m.message
    );
    assert!(matches!(form_step(&m), FollowupStep::Due { .. }));
    for _ in 0..4 {
        key(&mut m, KeyCode::Backspace);
    }
    typed(&mut m, "3d");
    let cmds = key(&mut m, KeyCode::Enter);
    let action = Action::AddFollowup {
        text: "add a loss alert".into(),
        owner: "alex".into(),
        due: Some(t0() + chrono::Duration::days(3)),
    };
    assert_eq!(cmds, sends(1, 2, action));
    assert_eq!(m.mode, Mode::Normal);
    assert!(m.pending_for(2).is_some(), "pending until the hub answers");
    let inc = m.incident(2).cloned().unwrap();
    acted(&mut m, 1, 2, Ok(inc));
    assert!(m.pending_for(2).is_none());
    assert_eq!(said(&m).text, "Follow-up added to #2 for alex.");
}

#[test]
fn a_named_owner_and_no_date() {
    let mut m = polled();
    ch(&mut m, 'f');
    typed(&mut m, "write the review");
    key(&mut m, KeyCode::Enter);
    typed(&mut m, "sam");
    key(&mut m, KeyCode::Enter);
    let cmds = key(&mut m, KeyCode::Enter);
    let action = Action::AddFollowup {
        text: "write the review".into(),
        owner: "sam".into(),
        due: None,
    };
    assert_eq!(cmds, sends(1, 2, action));
    // Esc leaves the form, sending nothing.
    ch(&mut m, 'f');
    typed(&mut m, "x");
    assert!(key(&mut m, KeyCode::Esc).is_empty());
    assert_eq!(m.mode, Mode::Normal);
}

#[test]
fn the_popup_lists_mine_and_closes_one_with_a_note() {
    let mut m = polled();
    listed(&mut m, vec![followup(7, 1, true), followup(8, 3, false)]);
    assert_eq!(m.followups.counts(), (2, 1));
    assert!(ch(&mut m, 'F').is_empty());
    assert_eq!(
        m.mode,
        Mode::Followups(Box::new(FollowupsPopup {
            cursor: 0,
            closing: None
        }))
    );
    ch(&mut m, 'j');
    ch(&mut m, 'd');
    typed(&mut m, "alert added");
    let cmds = key(&mut m, KeyCode::Enter);
    let action = Action::CloseFollowup {
        followup: 8,
        status: FollowupStatus::Done,
        note: Some("alert added".into()),
    };
    assert_eq!(cmds, sends(1, 3, action));
    // Counted no more, and the cursor stays on what is left.
    assert_eq!(m.followups.counts(), (1, 1));
    let Mode::Followups(popup) = &m.mode else {
        panic!("{:?}", m.mode)
    };
    assert_eq!(popup.cursor, 0);
    // x drops, Esc in the note keeps it open.
    ch(&mut m, 'x');
    assert!(key(&mut m, KeyCode::Esc).is_empty());
    assert!(said(&m).text.contains("#7 kept open"));
    assert!(key(&mut m, KeyCode::Esc).is_empty());
    assert_eq!(m.mode, Mode::Normal);
}

#[test]
fn a_refused_close_shows_the_followup_again() {
    let mut m = polled();
    listed(&mut m, vec![followup(7, 1, false)]);
    ch(&mut m, 'F');
    ch(&mut m, 'x');
    key(&mut m, KeyCode::Enter);
    assert_eq!(m.followups.counts(), (0, 0));
    let refused = FeedError::Rejected {
        status: 403,
        code: "forbidden".into(),
        message: "only sam may close follow-up #7".into(),
        incident: None,
    };
    acted(&mut m, 1, 1, Err(refused));
    assert_eq!(m.followups.counts(), (1, 0));
}

#[test]
fn the_count_follows_the_poller_and_redraws_only_when_it_changes() {
    let mut m = polled();
    m.dirty = false;
    listed(&mut m, vec![followup(7, 1, false)]);
    assert!(m.take_dirty());
    listed(&mut m, vec![followup(7, 1, false)]);
    assert!(!m.take_dirty(), "the same list draws nothing new");
    listed(&mut m, Vec::new());
    assert!(m.take_dirty());
    assert_eq!(m.followups.counts(), (0, 0));
}

#[test]
fn an_alertmanager_feed_keeps_no_followups_and_says_so() {
    let mut m = polled();
    m.feed.capabilities = crate::feed::Capabilities::ALERTMANAGER;
    for c in ['f', 'F'] {
        assert!(ch(&mut m, c).is_empty());
        assert_eq!(m.mode, Mode::Normal);
        let message = said(&m);
        assert!(message.error);
        assert!(
            message.text.contains("Follow-ups need the oncall hub"),
            "{}",
            message.text
        );
    }
}
