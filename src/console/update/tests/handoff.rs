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
    update(
        &mut m,
        Msg::Worker(WorkerEvent::HandoffReady(Ok(long_shift()))),
    );
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
