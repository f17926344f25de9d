//! A team runbook that cannot be read does not vanish: the console says so
//! at start, and the runbook search (`b`) lists each such file and why,
//! drawn with ratatui's TestBackend.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use oncall::console::model::{FeedStatus, Model};
use oncall::console::msg::Msg;
use oncall::console::{update, view};
use oncall::runbook::Library;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// Relative, so the paths on screen are the same on every machine.
const TEAM: &str = "tests/fixtures/team-runbooks-broken";

fn model(library: Library) -> Model {
    let feed = FeedStatus::new("team hub", Duration::from_secs(2));
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 3, 0, 0).unwrap();
    let mut m = Model::new(
        "alex".into(),
        feed,
        Arc::new(library),
        now,
        std::env::temp_dir(),
        chrono::FixedOffset::east_opt(0).unwrap(),
    );
    update::announce_problems(&mut m);
    update(&mut m, Msg::Resize(120, 40));
    m
}

/// The part of the screen in `rows` and `columns`, as text.
fn part(m: &Model, rows: Range<u16>, columns: Range<u16>) -> String {
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    terminal.draw(|f| view(m, f)).unwrap();
    let buffer = terminal.backend().buffer();
    rows.map(|y| {
        let line: String = columns.clone().map(|x| buffer[(x, y)].symbol()).collect();
        line.trim_end().to_string() + "\n"
    })
    .collect()
}

/// The message line at 120x40.
fn message(m: &Model) -> String {
    part(m, 38..39, 0..120)
}

/// The runbook search's popup at 120x40, without the screen around it.
fn search(m: &Model) -> String {
    part(m, 8..32, 15..105)
}

#[test]
fn unreadable_team_runbooks_are_said_at_start_and_listed_in_the_search() {
    let library = Library::load(&[PathBuf::from(TEAM)]);
    assert!(library.get("payments").is_some(), "good files still load");
    assert_eq!(library.get("network").unwrap().title, "Our network");
    let mut m = model(library);
    let start = message(&m);
    assert!(
        start.starts_with(&format!(
            "Runbooks: 2 problems (b lists them): {TEAM}/notes.md could not be read: line 1: "
        )),
        "{start}"
    );
    update(
        &mut m,
        Msg::Key(KeyEvent::new(KeyCode::Char('b'), KeyModifiers::NONE)),
    );
    insta::assert_snapshot!(search(&m));
}

#[test]
fn a_clean_library_adds_nothing_to_the_search() {
    let mut m = model(Library::shipped());
    assert_eq!(m.message, None);
    update(
        &mut m,
        Msg::Key(KeyEvent::new(KeyCode::Char('b'), KeyModifiers::NONE)),
    );
    let popup = search(&m);
    assert!(!popup.contains("could not be read"), "{popup}");
    assert!(popup.contains("(backups)"), "{popup}");
}
