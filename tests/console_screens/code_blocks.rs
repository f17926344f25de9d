//! A runbook's code blocks as the pane draws them: each with the tag its
//! fence gives it (read-only, heavy, irreversible) beside it, told apart by
//! colour and weight; and the question `y` asks before copying an
//! irreversible one.
use oncall::console::keys::Context;
use ratatui::style::{Color, Modifier};

use super::*;

/// A team runbook with a block of each tag (the PTY tests read it too).
const CACHE_RUNBOOK: &str = include_str!("../fixtures/tagged-runbooks/cache-volume.md");

/// A console whose only runbook is `CACHE_RUNBOOK`, with one incident it
/// answers selected.
fn cache_model(width: u16, height: u16) -> Model {
    let spec = Spec {
        id: 21,
        severity: Severity::Warning,
        status: Status::Triggered,
        service: "cache",
        title: "Cache volume on cache-2 at 91%",
        alert: "CacheVolumeFilling",
        minutes: 8,
        owner: None,
        occurrences: 1,
    };
    one_runbook_model(width, height, CACHE_RUNBOOK, &spec)
}

/// Where `word` is first drawn, as (column, row).
fn find(t: &Terminal<TestBackend>, word: &str) -> (u16, u16) {
    let screen = text(t);
    let row = screen
        .lines()
        .position(|l| l.contains(word))
        .unwrap_or_else(|| panic!("{word} is not on screen:\n{screen}"));
    let line = screen.lines().nth(row).unwrap();
    let col = line[..line.find(word).unwrap()].chars().count();
    (col as u16, row as u16)
}

#[test]
fn each_code_block_shows_its_tag_beside_it() {
    for (w, h) in [(80, 24), (120, 40)] {
        let m = cache_model(w, h);
        let t = draw(&m, w, h);
        let screen = text(&t);
        for label in ["read-only · sh", "heavy · sh", "irreversible · sh"] {
            assert!(screen.contains(label), "{w}x{h}: {label}\n{screen}");
        }
        let buf = t.backend().buffer();
        let cell = |word| buf[find(&t, word)].clone();
        let irreversible = cell("irreversible");
        assert_eq!(irreversible.fg, Color::Red, "{w}x{h}");
        assert!(irreversible.modifier.contains(Modifier::BOLD), "{w}x{h}");
        assert_eq!(cell("heavy").fg, Color::Yellow, "{w}x{h}");
        assert_eq!(cell("read-only").fg, Color::DarkGray, "{w}x{h}");
        snapshot!(format!("code_block_tags_{w}x{h}"), t.backend());
    }
}

#[test]
fn y_on_an_irreversible_block_asks_on_the_message_line() {
    let (w, h) = (80, 24);
    let mut m = cache_model(w, h);
    press(&mut m, KeyCode::Tab);
    // The last line is the irreversible block's command.
    press(&mut m, KeyCode::Char('G'));
    press(&mut m, KeyCode::Char('y'));
    assert_eq!(m.key_context(), Context::ConfirmCopy);
    let t = draw(&m, w, h);
    let screen = text(&t);
    let lines: Vec<&str> = screen.lines().collect();
    let message = lines[lines.len() - 2];
    assert!(
        message.starts_with("Copy IRREVERSIBLE `rm -rf /srv/cache/tmp`?"),
        "{message}"
    );
    assert!(
        message.contains("y/Enter copies, n/Esc cancels"),
        "{message}"
    );
    let footer = lines[lines.len() - 1];
    assert!(
        footer.starts_with(" y/Enter copy  n/Esc cancel"),
        "{footer}"
    );
    snapshot!("copy_irreversible_question_80x24", t.backend());
}
