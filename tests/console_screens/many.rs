//! The list in a storm, on screen: thirty pages of one alert grouped into a
//! row that says how many, how bad, in what state and whose; a group opened
//! to its members; rows marked, and the footer counting them.
use super::*;

/// The usual screen with a storm on top: thirty "Disk /var on host-N"
/// pages of one alert, three of them acknowledged by sam.
fn storm_model(width: u16, height: u16) -> Model {
    let mut m = screen_model(width, height);
    let storm: Vec<Incident> = (0..30)
        .map(|n| {
            Incident::builder(100 + n, &format!("Disk /var on host-{n} at 97%"), t0())
                .service("storage")
                .severity(if n == 4 {
                    Severity::Critical
                } else {
                    Severity::High
                })
                .status(if n < 3 {
                    Status::Acknowledged
                } else {
                    Status::Triggered
                })
                .owner((n < 3).then_some("sam"))
                .label("alertname", "NodeFilesystemAlmostOutOfSpace")
                .created_at(t0() - chrono::Duration::minutes(2 + n as i64))
                .version(1)
                .build()
        })
        .collect();
    update(
        &mut m,
        Msg::Feed(FeedEvent::Polled {
            incidents: storm,
            full: false,
            resume: None,
        }),
    );
    m
}

#[test]
fn a_storm_grouped_by_alert_is_one_row() {
    for (w, h) in [(120, 40), (80, 24)] {
        let mut m = storm_model(w, h);
        press(&mut m, KeyCode::Char('='));
        let t = draw(&m, w, h);
        let shown = text(&t);
        assert!(shown.contains("grouped by alert"), "{shown}");
        assert!(
            shown.contains("30: 27 triggered, 3 ack · NodeFilesystem"),
            "{shown}"
        );
        assert!(!shown.contains("host-12"), "members stay folded: {shown}");
        snapshot!(format!("grouped_by_alert_{w}x{h}"), t.backend());
    }
}

#[test]
fn an_open_group_lists_its_members_under_it() {
    let (w, h) = (120, 40);
    let mut m = storm_model(w, h);
    press(&mut m, KeyCode::Char('='));
    // The group is third: #14 and #15 (critical, newer) come before it.
    press(&mut m, KeyCode::Char('j'));
    press(&mut m, KeyCode::Char('j'));
    press(&mut m, KeyCode::Enter);
    let t = draw(&m, w, h);
    let shown = text(&t);
    assert!(shown.contains("▾"), "{shown}");
    assert!(shown.contains("  Disk /var on host-4 at 97%"), "{shown}");
    snapshot!("grouped_open_120x40", t.backend());
}

#[test]
fn marked_rows_are_marked_and_the_footer_counts_them() {
    for (w, h) in [(120, 40), (80, 24)] {
        let mut m = storm_model(w, h);
        press(&mut m, KeyCode::Char('v'));
        press(&mut m, KeyCode::Char('v'));
        press(&mut m, KeyCode::Char('j'));
        press(&mut m, KeyCode::Char('V'));
        let t = draw(&m, w, h);
        let shown = text(&t);
        let footer = shown.lines().last().unwrap_or("");
        assert!(footer.contains("4 marked"), "{footer}");
        assert_eq!(shown.matches('•').count(), 4, "{shown}");
        snapshot!(format!("marked_rows_{w}x{h}"), t.backend());
    }
}

#[test]
fn acknowledging_a_group_asks_how_many_on_the_message_line() {
    let (w, h) = (80, 24);
    let mut m = storm_model(w, h);
    press(&mut m, KeyCode::Char('='));
    press(&mut m, KeyCode::Char('j'));
    press(&mut m, KeyCode::Char('j'));
    press(&mut m, KeyCode::Char('a'));
    let shown = text(&draw(&m, w, h));
    assert!(
        shown.contains("Acknowledge 27 incidents in the group (3 left out)?"),
        "{shown}"
    );
    assert!(shown.contains("y/Enter sends each"), "{shown}");
}
