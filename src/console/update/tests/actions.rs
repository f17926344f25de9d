//! The keys that change an incident (acknowledge, escalate, resolve, note)
//! and what the hub's answer does to the screen; help and quit.
use super::*;

#[test]
fn acknowledge_sends_with_version_and_shows_pending_until_confirmed() {
    let mut m = polled();
    let cmds = ch(&mut m, 'a');
    assert_eq!(cmds, sends(1, 2, Action::Acknowledge { version: Some(1) }));
    assert_eq!(
        m.pending_for(2).map(|p| p.action.verb()),
        Some("acknowledge")
    );
    let mut acked = inc(
        2,
        Severity::Critical,
        Status::Acknowledged,
        "Packet loss on edge-lb-1",
        "HostNetworkReceiveErrors",
    );
    acked.owner = Some("alex".into());
    acked.version = 2;
    acted(&mut m, 1, 2, Ok(acked));
    assert!(m.pending_for(2).is_none());
    let now = m.incident(2).unwrap();
    assert_eq!(
        (now.status, now.owner.as_deref()),
        (Status::Acknowledged, Some("alex"))
    );
    assert!(m.message.as_ref().unwrap().text.contains("Acknowledged #2"));
    // Already mine: no second request.
    assert!(ch(&mut m, 'a').is_empty());
}

#[test]
fn a_lost_race_shows_who_won_and_their_state() {
    let mut m = polled();
    ch(&mut m, 'a');
    let mut theirs = inc(
        2,
        Severity::Critical,
        Status::Acknowledged,
        "Packet loss on edge-lb-1",
        "",
    );
    theirs.owner = Some("sam".into());
    theirs.version = 2;
    let err = FeedError::Rejected {
        status: 409,
        code: "conflict".into(),
        message: "already acknowledged by sam".into(),
        incident: Some(Box::new(theirs)),
    };
    acted(&mut m, 1, 2, Err(err));
    let msg = said(&m);
    assert!(
        msg.error && msg.text.contains("already acknowledged by sam"),
        "{msg:?}"
    );
    assert_eq!(m.incident(2).unwrap().owner.as_deref(), Some("sam"));
    assert!(m.actions.pending.is_empty());
}

#[test]
fn an_unreachable_hub_is_a_message_not_a_crash() {
    let mut m = polled();
    ch(&mut m, 'a');
    acted(
        &mut m,
        1,
        2,
        Err(FeedError::Unreachable("http://hub".into())),
    );
    let msg = said(&m);
    assert!(
        msg.error && msg.text.contains("cannot reach http://hub"),
        "{msg:?}"
    );
    assert_eq!(m.incident(2).unwrap().status, Status::Triggered);
}

#[test]
fn escalate_asks_first_and_says_where_it_goes() {
    let mut m = polled();
    assert!(ch(&mut m, 'e').is_empty());
    assert_eq!(m.mode, Mode::ConfirmEscalate { id: 2, from: 1 });
    assert!(ch(&mut m, 'n').is_empty());
    assert_eq!(m.mode, Mode::Normal);
    ch(&mut m, 'e');
    let cmds = ch(&mut m, 'y');
    assert_eq!(cmds, sends(1, 2, Action::Escalate { note: None }));
}

#[test]
fn escalate_past_the_last_level_is_refused_locally() {
    let mut m = polled();
    let mut top = m.incident(2).unwrap().clone();
    top.escalation_level = 3;
    top.version = 5;
    delta(&mut m, vec![top]);
    assert!(ch(&mut m, 'e').is_empty());
    assert_eq!(m.mode, Mode::Normal);
    assert!(m.message.unwrap().text.contains("3rd line, the last level"));
}

#[test]
fn escalation_says_which_level_and_person_it_reaches_and_stops_at_the_policys_last() {
    let mut m = polled();
    with_rota(&mut m);
    let inc = m.incident(2).unwrap().clone();
    let t = m.escalation_target(&inc).unwrap();
    assert_eq!(
        (t.from.as_str(), t.to.as_str(), t.who.as_deref()),
        ("1st line", "app team", Some("dave"))
    );
    let mut top = inc;
    top.escalation_level = 2;
    top.version = 9;
    delta(&mut m, vec![top]);
    assert!(ch(&mut m, 'e').is_empty());
    assert_eq!(m.mode, Mode::Normal);
    assert_eq!(
        said(&m).text,
        "#2 is already at app team, the last level of the api policy."
    );
}

#[test]
fn resolve_takes_an_optional_note() {
    let mut m = polled();
    ch(&mut m, 'r');
    typed(&mut m, "rolled back");
    let cmds = key(&mut m, KeyCode::Enter);
    assert_eq!(
        cmds,
        sends(
            1,
            2,
            Action::Resolve {
                note: Some("rolled back".into())
            }
        )
    );
    ch(&mut m, 'j');
    ch(&mut m, 'r');
    let cmds = key(&mut m, KeyCode::Enter);
    assert_eq!(cmds, sends(2, 1, Action::Resolve { note: None }));
}

#[test]
fn notes_must_have_text_and_esc_cancels() {
    let mut m = polled();
    ch(&mut m, 'n');
    assert!(key(&mut m, KeyCode::Enter).is_empty());
    assert!(said(&m).error);
    ch(&mut m, 'n');
    typed(&mut m, "q is text here, not quit");
    assert!(!m.quit);
    key(&mut m, KeyCode::Esc);
    assert_eq!(m.mode, Mode::Normal);
    ch(&mut m, 'n');
    typed(&mut m, "vendor called back");
    let cmds = key(&mut m, KeyCode::Enter);
    assert_eq!(
        cmds,
        sends(
            1,
            2,
            Action::Note {
                text: "vendor called back".into()
            }
        )
    );
}

#[test]
fn an_alertmanager_feed_says_what_it_cannot_do() {
    let mut m = polled();
    m.feed.capabilities = crate::feed::Capabilities::ALERTMANAGER;
    for (c, words) in [
        ('e', "Escalation needs the oncall hub"),
        ('r', "resolving needs the oncall hub"),
        ('n', "notes need the oncall hub"),
        ('H', "Hand-off needs the oncall hub"),
        (' ', "shared runbook steps need the oncall hub"),
    ] {
        assert!(ch(&mut m, c).is_empty(), "{c}");
        assert_eq!(m.mode, Mode::Normal, "{c}");
        let msg = said(&m);
        assert!(msg.error && msg.text.contains(words), "{c}: {msg:?}");
    }
    assert_eq!(
        ch(&mut m, 'a').len(),
        1,
        "acknowledge still works: it becomes a silence"
    );
}

#[test]
fn a_change_that_cannot_be_sent_waits_in_the_outbox_and_says_so() {
    let mut m = polled();
    ch(&mut m, 'a');
    worker(&mut m, WorkerEvent::Waiting(1));
    worker(
        &mut m,
        WorkerEvent::Queued {
            ticket: Some(1),
            what: "acknowledge #2".into(),
        },
    );
    assert!(m.pending_for(2).unwrap().queued);
    assert_eq!(m.actions.waiting, 1);
    let msg = said(&m);
    assert!(
        msg.text
            .starts_with("Queued acknowledge #2: the hub cannot be reached"),
        "{msg:?}"
    );
    // The hub is back: the answer clears it.
    let mut acked = m.incident(2).unwrap().clone();
    acked.status = Status::Acknowledged;
    acked.owner = Some("alex".into());
    acked.version = 2;
    acted(&mut m, 1, 2, Ok(acked));
    worker(&mut m, WorkerEvent::Waiting(0));
    assert!(m.actions.pending.is_empty() && m.actions.waiting == 0);
    // One kept from an earlier run, refused now: reported, once.
    worker(
        &mut m,
        WorkerEvent::Replayed {
            what: "note #3".into(),
            result: Err(FeedError::Rejected {
                status: 404,
                code: "not_found".into(),
                message: "there is no incident #3".into(),
                incident: None,
            }),
        },
    );
    assert_eq!(
        said(&m).text,
        "The hub refused note #3, kept from before: there is no incident #3."
    );
}

#[test]
fn help_opens_and_any_key_closes_it() {
    let mut m = polled();
    ch(&mut m, '?');
    assert_eq!(m.mode, Mode::Help { scroll: 0 });
    assert!(
        ch(&mut m, 'q').is_empty(),
        "q closes help, it does not quit"
    );
    assert_eq!(m.mode, Mode::Normal);
    assert_eq!(ch(&mut m, 'q'), vec![Command::Quit]);
}

#[test]
fn terminate_quits() {
    let mut m = polled();
    assert_eq!(update(&mut m, Msg::Terminate), vec![Command::Quit]);
}
