//! Colours and labels shared by the panes.
use ratatui::style::{Color, Modifier, Style};

use crate::console::keys::{Context, KeyAction};
use crate::incident::{Severity, Status};

pub fn severity(s: Severity) -> Style {
    match s {
        Severity::Critical => Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        Severity::High => Style::new().fg(Color::LightRed),
        Severity::Warning => Style::new().fg(Color::Yellow),
        Severity::Info => Style::new().fg(Color::Blue),
    }
}

pub fn severity_tag(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "CRIT",
        Severity::High => "HIGH",
        Severity::Warning => "WARN",
        Severity::Info => "INFO",
    }
}

pub fn status(s: Status) -> Style {
    match s {
        Status::Triggered => Style::new()
            .fg(Color::LightRed)
            .add_modifier(Modifier::BOLD),
        Status::Acknowledged => Style::new().fg(Color::Green),
        Status::Resolved => Style::new().fg(Color::DarkGray),
    }
}

/// One column in the list: needs someone, someone has it, done. The detail
/// pane and the help say it in words.
pub fn status_mark(s: Status) -> &'static str {
    match s {
        Status::Triggered => "!",
        Status::Acknowledged => "✓",
        Status::Resolved => "·",
    }
}

/// The list's mark for an open incident a squash keeps quiet.
pub const SQUASHED_MARK: &str = "z";

/// The list's mark for an acknowledged incident snoozed for a while.
pub const SNOOZED_MARK: &str = "Z";

/// A row marked to act on with others (`v`).
pub const MARKED: &str = "•";
pub use crate::console::model::REFUSED_MARK;
pub const DIM: Style = Style::new().fg(Color::DarkGray);
pub const PENDING: Style = Style::new()
    .fg(Color::Magenta)
    .add_modifier(Modifier::ITALIC);
pub const KEY: Style = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
pub const ERROR: Style = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
pub const MINE: Style = Style::new().fg(Color::Cyan);

/// A pane's title: the focused one says so in its words (a marker) and in
/// reverse video, not only in the colour of its border, which a
/// monochrome terminal or a colour-blind eye does not show.
pub fn pane_title(text: &str, focused: bool) -> ratatui::text::Line<'static> {
    if focused {
        ratatui::text::Line::styled(format!(" ▶ {text} "), KEY.add_modifier(Modifier::REVERSED))
    } else {
        ratatui::text::Line::raw(format!(" {text} "))
    }
}

/// On a zoomed pane's bottom border: how to go back.
pub fn zoomed(block: ratatui::widgets::Block<'_>, zoomed: bool) -> ratatui::widgets::Block<'_> {
    if zoomed {
        let back = crate::console::keys::keys_for(Context::Zoomed, &[KeyAction::Zoom]);
        block.title_bottom(
            ratatui::text::Line::styled(format!(" {back}: back "), DIM).left_aligned(),
        )
    } else {
        block
    }
}

pub fn border(focused: bool) -> Style {
    if focused {
        Style::new().fg(Color::Cyan)
    } else {
        DIM
    }
}
