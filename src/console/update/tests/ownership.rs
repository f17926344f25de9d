//! The keys of ownership and roles (take over, assign, give back, snooze,
//! ask for help, name a manager), pending until the hub answers, refused
//! on a feed that cannot, and what a poll tells the one whose incident was
//! taken or who is asked to help.
use super::*;

/// The polled model with #2 acknowledged by `owner` (version 2).
fn held_by(owner: &str) -> Model {
    let mut m = polled();
    let mut two = m.incident(2).unwrap().clone();
    two.status = Status::Acknowledged;
    two.owner = Some(owner.into());
    two.version = 2;
    delta(&mut m, vec![two]);
    m
}

/// #2 as the hub would answer after `change`, one version on.
fn answered(m: &Model, change: impl FnOnce(&mut Incident)) -> Incident {
    let mut two = m.incident(2).unwrap().clone();
    two.version += 1;
    change(&mut two);
    two
}

#[test]
fn taking_over_sends_an_assign_to_oneself_and_shows_pending() {
    let mut m = held_by("sam");
    let cmds = ch(&mut m, 'T');
    assert_eq!(cmds, sends(1, 2, Action::Assign { to: "alex".into() }));
    assert_eq!(m.pending_for(2).map(|p| p.action.verb()), Some("assign"));
    let taken = answered(&m, |i| {
        i.owner = Some("alex".into());
        i.previous_owner = Some("sam".into());
        i.assigned_by = Some("alex".into());
    });
    acted(&mut m, 1, 2, Ok(taken));
    assert!(m.pending_for(2).is_none());
    assert_eq!(said(&m).text, "Took #2 over: it is yours.");
    assert!(ch(&mut m, 'T').is_empty(), "already mine");
    assert_eq!(said(&m).text, "#2 is already yours.");
}

#[test]
fn assigning_asks_whom_then_sends() {
    let mut m = polled();
    assert!(ch(&mut m, 'A').is_empty());
    assert_eq!(m.key_context(), crate::console::keys::Context::Ask);
    typed(&mut m, "sam");
    let cmds = key(&mut m, KeyCode::Enter);
    assert_eq!(cmds, sends(1, 2, Action::Assign { to: "sam".into() }));
    let given = answered(&m, |i| i.owner = Some("sam".into()));
    acted(&mut m, 1, 2, Ok(given));
    assert_eq!(said(&m).text, "Assigned #2 to sam; they are paged.");
    // Nobody named: nothing sent.
    ch(&mut m, 'A');
    assert!(key(&mut m, KeyCode::Enter).is_empty());
    assert!(said(&m).error);
}

#[test]
fn giving_back_and_snoozing_need_an_acknowledged_incident() {
    let mut m = polled();
    assert!(ch(&mut m, 'U').is_empty());
    assert!(said(&m).text.contains("not acknowledged"), "{:?}", said(&m));
    assert!(ch(&mut m, 'Z').is_empty());
    assert_eq!(m.mode, Mode::Normal, "no prompt");
    let mut m = held_by("alex");
    assert_eq!(ch(&mut m, 'U'), sends(1, 2, Action::Unacknowledge));
    let back = answered(&m, |i| i.status = Status::Triggered);
    acted(&mut m, 1, 2, Ok(back));
    assert_eq!(said(&m).text, "Gave #2 back: alex is paged.");
}

#[test]
fn snoozing_asks_how_long_and_checks_it_first() {
    let mut m = held_by("alex");
    ch(&mut m, 'Z');
    typed(&mut m, "soon");
    assert!(key(&mut m, KeyCode::Enter).is_empty());
    assert!(
        said(&m).text.starts_with("Not snoozed: for: 'soon'"),
        "{:?}",
        said(&m)
    );
    ch(&mut m, 'Z');
    typed(&mut m, "90s");
    let cmds = key(&mut m, KeyCode::Enter);
    assert_eq!(
        cmds,
        sends(
            1,
            2,
            Action::Snooze {
                length: "90s".into()
            }
        )
    );
    let until = t0() + chrono::Duration::seconds(90);
    let snoozed = answered(&m, |i| i.snoozed_until = Some(until));
    acted(&mut m, 1, 2, Ok(snoozed));
    assert_eq!(
        said(&m).text,
        "Snoozed #2 until 03:01: it comes back by itself."
    );
}

#[test]
fn asking_for_help_takes_a_name_then_why() {
    let mut m = held_by("alex");
    ch(&mut m, 'p');
    typed(&mut m, "sam the replica lags");
    let cmds = key(&mut m, KeyCode::Enter);
    let ask = Action::AskHelp {
        who: "sam".into(),
        note: Some("the replica lags".into()),
    };
    assert_eq!(cmds, sends(1, 2, ask));
    let helped = answered(&m, |i| i.helpers = vec!["sam".into()]);
    acted(&mut m, 1, 2, Ok(helped));
    assert_eq!(said(&m).text, "Asked sam to help with #2.");
}

#[test]
fn naming_the_one_fixing_as_manager_asks_before_forcing() {
    let mut m = held_by("alex");
    ch(&mut m, 'M');
    typed(&mut m, "dave");
    let cmds = key(&mut m, KeyCode::Enter);
    let dave = Action::SetManager {
        who: "dave".into(),
        force: false,
    };
    assert_eq!(cmds, sends(1, 2, dave));
    // The owner: a question first, and only y forces.
    ch(&mut m, 'M');
    typed(&mut m, "alex");
    assert!(key(&mut m, KeyCode::Enter).is_empty());
    assert_eq!(m.key_context(), crate::console::keys::Context::ConfirmForce);
    assert!(ch(&mut m, 'x').is_empty(), "any other key does not force");
    assert_eq!(m.mode, Mode::Normal);
    ch(&mut m, 'M');
    typed(&mut m, "alex");
    key(&mut m, KeyCode::Enter);
    let forced = Action::SetManager {
        who: "alex".into(),
        force: true,
    };
    assert_eq!(ch(&mut m, 'y'), sends(2, 2, forced));
    // The hub refuses a race the console could not see: its reason shows.
    let err = FeedError::Rejected {
        status: 409,
        code: "role_conflict".into(),
        message:
            "dave is helping fix incident #2: the person fixing an incident must not also run it"
                .into(),
        incident: None,
    };
    acted(&mut m, 1, 2, Err(err));
    let msg = said(&m);
    assert!(
        msg.error && msg.text.contains("dave is helping fix"),
        "{msg:?}"
    );
}

#[test]
fn a_status_update_asks_what_then_sends_and_shows_pending() {
    let mut m = polled();
    assert!(ch(&mut m, 'i').is_empty());
    assert_eq!(m.key_context(), crate::console::keys::Context::Ask);
    typed(&mut m, "rolling back; next update 10:30");
    let cmds = key(&mut m, KeyCode::Enter);
    let update = Action::StatusUpdate {
        text: "rolling back; next update 10:30".into(),
    };
    assert_eq!(cmds, sends(1, 2, update));
    assert_eq!(
        m.pending_for(2).map(|p| p.action.verb()),
        Some("post a status update")
    );
    let posted = answered(&m, |_| {});
    acted(&mut m, 1, 2, Ok(posted));
    assert!(m.pending_for(2).is_none());
    assert_eq!(
        said(&m).text,
        "Status update posted on #2; the team's status channels hear of it."
    );
    // Nothing written: nothing sent.
    ch(&mut m, 'i');
    assert!(key(&mut m, KeyCode::Enter).is_empty());
    let msg = said(&m);
    assert!(msg.error && msg.text.contains("empty"), "{msg:?}");
    // A resolved incident still takes one: the all-clear.
    let mut m = held_by("alex");
    let resolved = answered(&m, |i| i.status = Status::Resolved);
    delta(&mut m, vec![resolved]);
    ch(&mut m, 'i');
    typed(&mut m, "all clear");
    assert_eq!(m.key_context(), crate::console::keys::Context::Ask);
    assert_eq!(
        key(&mut m, KeyCode::Enter),
        sends(
            1,
            2,
            Action::StatusUpdate {
                text: "all clear".into()
            }
        )
    );
}

#[test]
fn an_alertmanager_feed_refuses_every_ownership_key_in_words() {
    let mut m = held_by("alex");
    m.feed.capabilities = crate::feed::Capabilities::ALERTMANAGER;
    for (c, words) in [
        ('T', "reassigning or taking over needs the oncall hub"),
        ('A', "reassigning or taking over needs the oncall hub"),
        ('U', "giving an incident back needs the oncall hub"),
        ('Z', "snoozing needs the oncall hub"),
        ('p', "asking for help through oncall needs the oncall hub"),
        (
            'M',
            "major incidents and their managers need the oncall hub",
        ),
        ('i', "status updates need the oncall hub"),
    ] {
        assert!(ch(&mut m, c).is_empty(), "{c}");
        assert_eq!(m.mode, Mode::Normal, "{c}: no prompt");
        let msg = said(&m);
        assert!(msg.error && msg.text.contains(words), "{c}: {msg:?}");
        assert!(msg.text.contains("this feed is Alertmanager"), "{msg:?}");
    }
    assert!(m.actions.pending.is_empty());
}

#[test]
fn the_previous_owner_is_told_who_took_their_incident() {
    let mut m = held_by("alex");
    let taken = answered(&m, |i| {
        i.owner = Some("sam".into());
        i.previous_owner = Some("alex".into());
        i.assigned_by = Some("sam".into());
    });
    delta(&mut m, vec![taken]);
    let msg = said(&m);
    assert!(msg.error, "it stays a while: {msg:?}");
    assert_eq!(msg.text, "#2 was taken over by sam.");
    // Reassigned by someone else: both names.
    let mut m = held_by("alex");
    let given = answered(&m, |i| {
        i.owner = Some("dave".into());
        i.previous_owner = Some("alex".into());
        i.assigned_by = Some("sam".into());
    });
    delta(&mut m, vec![given]);
    assert_eq!(said(&m).text, "#2 was reassigned to dave by sam.");
    // Escalated away, not assigned: no such message.
    let mut m = held_by("alex");
    let up = answered(&m, |i| i.owner = Some("dave".into()));
    delta(&mut m, vec![up]);
    assert!(m.message.is_none(), "{:?}", m.message);
}

#[test]
fn being_asked_to_help_rings_and_says_so() {
    let mut m = held_by("sam");
    let asked = answered(&m, |i| i.helpers = vec!["alex".into()]);
    let cmds = delta(&mut m, vec![asked.clone()]);
    assert!(cmds.contains(&Command::Bell), "{cmds:?}");
    assert_eq!(
        said(&m).text,
        "You are asked to help with #2: Packet loss on edge-lb-1."
    );
    // Still helping at the next poll: said once.
    m.message = None;
    let again = Incident {
        version: asked.version + 1,
        ..asked
    };
    assert!(!delta(&mut m, vec![again]).contains(&Command::Bell));
    assert!(m.message.is_none());
}
