//! The hand-off note while it is written: it scrolls with the keys that do
//! not type, and everything typed goes to the words.
use super::*;

/// A shift with a dozen open incidents: its note is longer than 80x24 shows.
fn long_shift() -> crate::handoff::Shift {
    let mut shift = shift_for_alex(Some("sam"));
    shift.incidents = (1..=12)
        .map(|id| inc(id, Severity::High, Status::Triggered, "Disk filling", ""))
        .collect();
    shift
}

fn scroll_of(m: &Model) -> u16 {
    match &m.mode {
        Mode::Handoff { scroll, .. } => *scroll,
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_hand_off_note_scrolls_while_letters_type_the_words() {
    let mut m = polled();
    update(&mut m, Msg::Resize(80, 24));
    ch(&mut m, 'H');
    worker(&mut m, WorkerEvent::HandoffReady(Ok(long_shift())));
    assert_eq!(scroll_of(&m), 0);
    key(&mut m, KeyCode::Down);
    assert_eq!(scroll_of(&m), 1, "↓ scrolls a line");
    key(&mut m, KeyCode::PageDown);
    let paged = scroll_of(&m);
    assert!(paged > 10, "PgDn scrolls a page: {paged}");
    // Letters, j and k included, type the words and leave the note where it is.
    typed(&mut m, "jk fine");
    assert_eq!(scroll_of(&m), paged);
    match &m.mode {
        Mode::Handoff { words, .. } => assert_eq!(words.text(), "jk fine"),
        other => panic!("{other:?}"),
    }
    // The end of the note is as far as it goes, and back up to the top.
    for _ in 0..20 {
        key(&mut m, KeyCode::PageDown);
    }
    let end = scroll_of(&m);
    key(&mut m, KeyCode::PageDown);
    assert_eq!(scroll_of(&m), end, "stops at the end of the note");
    for _ in 0..20 {
        key(&mut m, KeyCode::PageUp);
    }
    assert_eq!(scroll_of(&m), 0);
    key(&mut m, KeyCode::Up);
    assert_eq!(scroll_of(&m), 0);
    // Enter still sends it, with the words.
    let cmds = key(&mut m, KeyCode::Enter);
    assert!(
        matches!(&cmds[..], [Command::Feed(Request::SendHandoff { note, .. })] if note.ends_with("jk fine\n")),
        "{cmds:?}"
    );
}

#[test]
fn h_gathers_the_shift_then_enter_saves_and_sends_the_note() {
    let mut m = polled();
    assert_eq!(
        ch(&mut m, 'H'),
        vec![Command::Feed(Request::PrepareHandoff {
            me: "alex".into(),
            now: t0()
        })]
    );
    assert!(ch(&mut m, 'H').is_empty(), "one at a time");
    worker(
        &mut m,
        WorkerEvent::HandoffReady(Ok(shift_for_alex(Some("sam")))),
    );
    assert!(
        matches!(m.mode, Mode::Handoff { to: None, .. }),
        "{:?}",
        m.mode
    );
    typed(&mut m, "db-1 is fragile");
    let cmds = key(&mut m, KeyCode::Enter);
    match &cmds[..] {
        [
            Command::Feed(Request::SendHandoff {
                from,
                to,
                note,
                dir,
                ..
            }),
        ] => {
            assert_eq!((from.as_str(), to.as_deref()), ("alex", Some("sam")));
            assert!(
                note.starts_with("# Hand-off from alex to sam")
                    && note.ends_with("db-1 is fragile\n"),
                "{note}"
            );
            assert!(dir.ends_with("handoffs"));
        }
        other => panic!("{other:?}"),
    }
    let done = crate::incident::Handoff {
        id: 3,
        from: "alex".into(),
        to: "sam".into(),
        at: t0(),
        note: String::new(),
        moved: vec![2, 1],
        until: None,
    };
    worker(
        &mut m,
        WorkerEvent::HandedOff {
            saved: Some(Ok("/data/handoffs/n.md".into())),
            result: Ok(done),
        },
    );
    assert_eq!(
        said(&m).text,
        "Handed over to sam: 2 incidents moved; the note is in /data/handoffs/n.md."
    );
}

#[test]
fn a_hand_off_the_hub_did_not_take_says_where_the_note_is() {
    let mut m = polled();
    ch(&mut m, 'H');
    worker(&mut m, WorkerEvent::HandoffReady(Ok(shift_for_alex(None))));
    assert!(
        matches!(m.mode, Mode::Handoff { to: Some(_), .. }),
        "no rota: asks who first"
    );
    key(&mut m, KeyCode::Enter);
    assert!(said(&m).error, "a name is needed");
    typed(&mut m, "priya");
    key(&mut m, KeyCode::Enter);
    let cmds = key(&mut m, KeyCode::Enter);
    assert!(
        matches!(&cmds[..], [Command::Feed(Request::SendHandoff { to: Some(t), .. })] if t == "priya"),
        "{cmds:?}"
    );
    // The hub is down: the note is on disk, the hand-off waits in the outbox.
    worker(
        &mut m,
        WorkerEvent::Queued {
            ticket: None,
            what: "hand-off to priya".into(),
        },
    );
    let msg = said(&m);
    assert!(
        msg.text
            .starts_with("Queued hand-off to priya: the hub cannot be reached"),
        "{msg:?}"
    );
    // The hub refuses it when it is back: said, with where the note is.
    worker(
        &mut m,
        WorkerEvent::HandedOff {
            saved: Some(Ok("/d/n.md".into())),
            result: Err(FeedError::Rejected {
                status: 400,
                code: "bad_request".into(),
                message: "'priya' is not a responder of this hub".into(),
                incident: None,
            }),
        },
    );
    let msg = said(&m);
    assert!(msg.error && msg.text.contains("The hub refused the hand-off: 'priya' is not a responder of this hub; the note is in /d/n.md"), "{msg:?}");
    // Esc cancels without sending.
    ch(&mut m, 'H');
    worker(
        &mut m,
        WorkerEvent::HandoffReady(Ok(shift_for_alex(Some("sam")))),
    );
    assert!(key(&mut m, KeyCode::Esc).is_empty());
    assert_eq!(m.mode, Mode::Normal);
}

#[test]
fn a_hand_off_to_me_opens_until_dismissed_and_stays_dismissed() {
    let mut m = polled();
    let note = crate::incident::Handoff {
        id: 4,
        from: "sam".into(),
        to: "alex".into(),
        at: t0(),
        note: "# Hand-off\n\nall quiet".into(),
        moved: vec![],
        until: Some(t0() + chrono::Duration::hours(8)),
    };
    rota(&mut m, Some(note.clone()));
    assert_eq!(m.mode, Mode::ReadHandoff { scroll: 0 });
    ch(&mut m, 'j');
    assert_eq!(m.mode, Mode::ReadHandoff { scroll: 1 });
    assert_eq!(
        key(&mut m, KeyCode::Enter),
        vec![Command::RememberDismissed(4)]
    );
    assert_eq!(m.mode, Mode::Normal);
    rota(&mut m, Some(note.clone()));
    assert_eq!(m.mode, Mode::Normal, "dismissed stays dismissed");
    // One for someone else, or from a shift long over, does not open.
    let mut old = note.clone();
    old.id = 5;
    old.until = Some(t0() - chrono::Duration::hours(1));
    rota(&mut m, Some(old));
    assert_eq!(m.mode, Mode::Normal);
    // Arriving while typing a note waits for the prompt to close.
    let mut fresh = note;
    fresh.id = 6;
    ch(&mut m, 'n');
    rota(&mut m, Some(fresh));
    assert!(matches!(m.mode, Mode::Prompt { .. }));
    key(&mut m, KeyCode::Esc);
    assert_eq!(m.mode, Mode::ReadHandoff { scroll: 0 });
}
