//! The panes on screen: which one has focus (said in its title), the
//! timeline scrolled, a pane zoomed to the whole screen, the cursor kept in
//! place after a resolve.
use super::*;

fn line_with<'a>(screen: &'a str, needle: &str) -> Option<&'a str> {
    screen.lines().find(|l| l.contains(needle))
}

#[test]
fn the_focused_pane_says_so_in_its_title() {
    for (w, h) in SIZES {
        let mut m = screen_model(w, h);
        let screen = text(&draw(&m, w, h));
        assert!(screen.contains("┌ ▶ Incidents (7) "), "{w}x{h}:\n{screen}");
        assert!(screen.contains("┌ Runbook: network "), "{w}x{h}:\n{screen}");
        press(&mut m, KeyCode::Tab);
        let screen = text(&draw(&m, w, h));
        assert!(screen.contains("┌ Incidents (7) "), "{w}x{h}:\n{screen}");
        assert!(
            screen.contains("┌ ▶ Runbook: network "),
            "{w}x{h}:\n{screen}"
        );
    }
}

#[test]
fn the_timeline_scrolls_into_view_with_j() {
    for (w, h) in SIZES {
        let mut m = screen_model(w, h);
        let note = "sam note: Switch port";
        let before = text(&draw(&m, w, h));
        if (w, h) == (80, 24) {
            assert!(!before.contains(note), "below the fold at 80x24");
            assert!(before.contains("↓ J: older"), "{before}");
        }
        press(&mut m, KeyCode::Char('J'));
        let after = text(&draw(&m, w, h));
        assert!(
            after.contains("Timeline · K: back to the top"),
            "{w}x{h}:\n{after}"
        );
        assert!(after.contains(note), "{w}x{h}:\n{after}");
        assert!(
            !after.contains("rx_errors climbing"),
            "{w}x{h}: the description makes room"
        );
        press(&mut m, KeyCode::Char('J'));
        let older = text(&draw(&m, w, h));
        assert!(older.contains("1 newer above (K)"), "{w}x{h}:\n{older}");
        assert!(!older.contains(note), "{w}x{h}:\n{older}");
        assert!(older.contains("alertmanager repeated"), "{w}x{h}:\n{older}");
        if (w, h) == (80, 24) {
            snapshot!("timeline_scrolled_80x24", draw(&m, w, h).backend());
        }
    }
}

#[test]
fn a_zoomed_runbook_shows_its_code_blocks_whole() {
    let wide_row = "  2.|-- 10.0.3.21            0.0%    50    0.4   0.4   0.3   0.9";
    for (w, h) in SIZES {
        let mut m = screen_model(w, h);
        press(&mut m, KeyCode::Tab);
        press(&mut m, KeyCode::Char('z'));
        // From the top: the runbook opened at its section, below the row.
        press(&mut m, KeyCode::Char('g'));
        let mut screen = text(&draw(&m, w, h));
        for _ in 0..200 {
            if screen.contains("10.0.3.21            0.0%") {
                break;
            }
            press(&mut m, KeyCode::Char('j'));
            screen = text(&draw(&m, w, h));
        }
        let row = line_with(&screen, "10.0.3.21            0.0%")
            .unwrap_or_else(|| panic!("{w}x{h}:\n{screen}"));
        assert!(row.contains(wide_row), "{w}x{h}: {row}");
        assert!(screen.contains("┌ ▶ Runbook: network "), "{w}x{h}");
        assert!(screen.contains("z: back"), "{w}x{h}:\n{screen}");
        assert!(!screen.contains("Incidents"), "{w}x{h}: the list is hidden");
        if (w, h) == (80, 24) {
            snapshot!("runbook_zoomed_80x24", draw(&m, w, h).backend());
        }
        press(&mut m, KeyCode::Char('z'));
        let back = text(&draw(&m, w, h));
        assert!(back.contains("Incidents (7)"), "{w}x{h}:\n{back}");
    }
}

#[test]
fn a_zoomed_list_takes_the_whole_screen() {
    for (w, h) in SIZES {
        let mut m = screen_model(w, h);
        let title_width = |screen: &str| {
            let header = line_with(screen, "SEV").unwrap();
            header.find("OWNER").unwrap() - header.find("TITLE").unwrap()
        };
        let before = title_width(&text(&draw(&m, w, h)));
        press(&mut m, KeyCode::Char('z'));
        let screen = text(&draw(&m, w, h));
        assert!(
            line_with(&screen, " #3 ").is_some(),
            "{w}x{h}: every row:\n{screen}"
        );
        assert!(
            !screen.contains("Runbook") && !screen.contains("Timeline"),
            "{w}x{h}"
        );
        assert!(screen.contains("z: back"), "{w}x{h}");
        assert!(title_width(&screen) >= before, "{w}x{h}");
        if w >= oncall::console::layout::SIDE_BY_SIDE {
            assert!(
                screen.contains("PostgreSQL primary db-1 refusing connections: too many clients"),
                "{w}x{h}:\n{screen}"
            );
        }
    }
}

#[test]
fn after_resolving_the_cursor_stays_on_its_row() {
    for (w, h) in SIZES {
        let mut m = screen_model(w, h);
        press(&mut m, KeyCode::Char('r'));
        press(&mut m, KeyCode::Enter);
        let mut done = m.incident(14).unwrap().clone();
        done.status = Status::Resolved;
        done.version += 1;
        update(
            &mut m,
            Msg::Worker(WorkerEvent::Acted {
                ticket: 1,
                id: 14,
                result: Ok(done),
            }),
        );
        let screen = text(&draw(&m, w, h));
        assert_eq!(m.list.selected, Some(15), "{w}x{h}");
        assert!(
            screen.contains("┌ #15 critical · acknowledged"),
            "{w}x{h}:\n{screen}"
        );
        assert!(screen.contains("Resolved #14."), "{w}x{h}");
    }
}

#[test]
fn the_hub_s_pages_read_as_plain_lines_in_the_timeline() {
    let (w, h) = (120, 40);
    let mut m = screen_model(w, h);
    let mut detail = incident(&specs()[0]);
    detail.version = 4;
    let entry = |minutes: i64, kind, text: &str| TimelineEntry {
        at: t0() - chrono::Duration::minutes(minutes),
        who: "the hub".into(),
        kind,
        text: text.into(),
        taken_at: None,
    };
    detail.timeline = vec![
        entry(
            3,
            EventKind::Paged,
            "paged alex by ntfy: delivered (200 OK)",
        ),
        entry(
            2,
            EventKind::Paged,
            "paged alex by email: failed: connection refused, trying again",
        ),
        entry(
            1,
            EventKind::Retriggered,
            "retriggered: still not resolved 4h after it was acknowledged",
        ),
    ];
    update(
        &mut m,
        Msg::Worker(WorkerEvent::Fetched {
            id: 14,
            result: Ok(detail),
        }),
    );
    let screen = text(&draw(&m, w, h));
    // The pane is narrow: each line's start says whose and what.
    for line in [
        "the hub paged alex by ntfy: delivered",
        "the hub paged alex by email: failed:",
        "the hub retriggered: still not",
    ] {
        assert!(screen.contains(line), "{line}\n{screen}");
    }
    assert!(!screen.contains("paged: paged"), "{screen}");
}
