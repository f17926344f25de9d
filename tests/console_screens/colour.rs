//! `NO_COLOR`: no colour reaches the terminal, and what colour said is
//! still said: severity and status by their tags and marks, the selection
//! and the focused pane by reverse video and the ▶ marker.
use ratatui::style::{Color, Modifier};

use super::*;

#[test]
fn without_colour_status_severity_selection_and_focus_stay_readable() {
    for (w, h) in SIZES {
        let mut m = screen_model(w, h);
        let coloured = draw(&m, w, h);
        let any_colour = coloured
            .backend()
            .buffer()
            .content
            .iter()
            .any(|c| c.fg != Color::Reset || c.bg != Color::Reset);
        assert!(any_colour, "{w}x{h}: the screen has colour to take away");

        m.setup.monochrome = true;
        let plain = draw(&m, w, h);
        let buffer = plain.backend().buffer();
        for (i, cell) in buffer.content.iter().enumerate() {
            assert!(
                cell.fg == Color::Reset && cell.bg == Color::Reset,
                "{w}x{h}: cell {i} ({:?}) keeps a colour",
                cell.symbol()
            );
        }
        let screen = text(&plain);
        for word in ["CRIT", "WARN", " ! ", " ✓ ", "▶ Incidents"] {
            assert!(screen.contains(word), "{w}x{h}: {word} missing\n{screen}");
        }
        // The selected row (the first) is in reverse video, the others not.
        let row_of = |needle: &str| {
            let y = screen
                .lines()
                .position(|l| l.contains(needle))
                .unwrap_or_else(|| panic!("{needle} not on screen"));
            let x = screen
                .lines()
                .nth(y)
                .unwrap()
                .chars()
                .position(|c| c == '#')
                .unwrap();
            buffer[(x as u16, y as u16)].modifier
        };
        assert!(row_of("#14 ").contains(Modifier::REVERSED), "{w}x{h}");
        assert!(!row_of("#15 ").contains(Modifier::REVERSED), "{w}x{h}");
    }
}
