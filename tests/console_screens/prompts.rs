//! What is typed stays in view: the hand-off note scrolls to its last
//! section, and a line longer than the screen scrolls sideways.
use super::*;

/// A shift of alex's with eighteen open incidents: a note longer than any
/// of the sizes shows at once.
fn long_shift() -> oncall::handoff::Shift {
    let incidents = (0..3)
        .flat_map(|round| {
            specs().into_iter().map(move |s| {
                let mut inc = incident(&s);
                inc.id += 100 * round;
                inc
            })
        })
        .filter(|i| i.status.is_open())
        .collect();
    oncall::handoff::Shift {
        from: "alex".into(),
        to: Some("sam".into()),
        since: t0() - chrono::Duration::hours(11),
        now: t0(),
        incidents,
        squashes: Vec::new(),
        followups: Vec::new(),
    }
}

#[test]
fn the_hand_off_note_scrolls_to_its_last_section_before_it_is_sent() {
    for (w, h) in SIZES {
        let mut m = screen_model(w, h);
        press(&mut m, KeyCode::Char('H'));
        update(
            &mut m,
            Msg::Worker(WorkerEvent::HandoffReady(Ok(long_shift()))),
        );
        let first = text(&draw(&m, w, h));
        assert!(first.contains("Open (18)"), "{w}x{h}:\n{first}");
        assert!(first.contains("· PgDn/↓ more"), "{w}x{h}:\n{first}");
        assert!(!first.contains("Noise to squash"), "{w}x{h}:\n{first}");
        assert!(
            first.contains("PgDn/PgUp ↓/↑ scroll"),
            "the footer says how"
        );
        // j types into the words; PgDn and ↓ scroll the note.
        typed(&mut m, "jk");
        for _ in 0..10 {
            press(&mut m, KeyCode::PageDown);
        }
        press(&mut m, KeyCode::Down);
        let last = text(&draw(&m, w, h));
        assert!(last.contains("Noise to squash"), "{w}x{h}:\n{last}");
        assert!(last.contains("From alex"), "{w}x{h}:\n{last}");
        assert!(
            last.contains("your words (optional): jk"),
            "{w}x{h}:\n{last}"
        );
        assert!(last.contains("PgUp/↑ back"), "{w}x{h}:\n{last}");
        if (w, h) == (80, 24) {
            snapshot!("hand_off_note_end_80x24", draw(&m, w, h).backend());
        }
    }
}

#[test]
fn a_line_longer_than_the_screen_keeps_the_cursor_in_view() {
    let note = "db-1 failed over to db-2 at 03:12; replication re-seeded from the 02:00 \
                base backup, lag back under a second; leave pgbouncer pinned until morning";
    for (w, h) in SIZES {
        let mut m = screen_model(w, h);
        press(&mut m, KeyCode::Char('n'));
        typed(&mut m, note);
        let (row, cursor) = message_line(&m, w, h);
        assert!(row.starts_with("note for #14: …"), "{w}x{h}: {row}");
        assert!(row.contains("until morning"), "{w}x{h}: {row}");
        assert_eq!(cursor.y, h - 2);
        let end = row.trim_end().chars().count() as u16;
        assert_eq!(cursor.x, end, "{w}x{h}: the cursor after the last letter");
        // Home: the start of the line is back, its end cut off.
        press(&mut m, KeyCode::Home);
        let (row, cursor) = message_line(&m, w, h);
        assert!(
            row.starts_with("note for #14: db-1 failed over"),
            "{w}x{h}: {row}"
        );
        assert!(row.trim_end().ends_with('…'), "{w}x{h}: {row}");
        assert_eq!(cursor.x, 14);
    }
    // The filter, the resolve note and the hand-off words are the same field.
    let mut m = screen_model(80, 24);
    press(&mut m, KeyCode::Char('/'));
    typed(&mut m, &"edge-lb ".repeat(12));
    typed(&mut m, "packet");
    let (row, _) = message_line(&m, 80, 24);
    assert!(
        row.starts_with("filter: …") && row.contains("packet"),
        "{row}"
    );
}

/// The line above the footer, where prompts are typed, and the cursor.
fn message_line(m: &Model, w: u16, h: u16) -> (String, ratatui::layout::Position) {
    let mut t = draw(m, w, h);
    let row = text(&t)
        .lines()
        .nth(usize::from(h) - 2)
        .unwrap()
        .to_string();
    (row, t.get_cursor_position().unwrap())
}

#[test]
fn a_hand_off_written_while_the_hub_is_down_says_so_beside_the_note() {
    for (w, h) in SIZES {
        let mut m = screen_model(w, h);
        press(&mut m, KeyCode::Char('H'));
        update(
            &mut m,
            Msg::Worker(WorkerEvent::HandoffReady(Err(
                oncall::feed::FeedError::Unreachable("http://hub:8080".into()),
            ))),
        );
        let screen = text(&draw(&m, w, h));
        assert!(screen.contains("Hand off to sam"), "{w}x{h}:\n{screen}");
        let message = screen.lines().nth(usize::from(h) - 2).unwrap();
        assert!(
            message.contains("cannot reach http://hub:8080"),
            "{w}x{h}:\n{screen}"
        );
    }
}
