//! What running a code block does, as the runbook says in its fence info
//! (```` ```sh irreversible ````): read from the info words, and drawn on
//! the line above the block so the responder sees it before copying.
use pulldown_cmark::Alignment;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use super::layout::fit;
use crate::sanitize;

/// The tag a runbook puts on a code block, mildest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BlockTag {
    /// Only looks: safe to run at any time.
    ReadOnly,
    /// Looks, but loads the machine (a full scan, a dump): check first.
    Heavy,
    /// Changes something that cannot be undone.
    Irreversible,
}

impl BlockTag {
    /// How the runbook writes it, and how the pane shows it.
    pub fn word(self) -> &'static str {
        match self {
            BlockTag::ReadOnly => "read-only",
            BlockTag::Heavy => "heavy",
            BlockTag::Irreversible => "irreversible",
        }
    }

    fn from_word(word: &str) -> Option<BlockTag> {
        [BlockTag::ReadOnly, BlockTag::Heavy, BlockTag::Irreversible]
            .into_iter()
            .find(|t| word.eq_ignore_ascii_case(t.word()))
    }

    /// The tag among a fence's info words; other words (the language) are
    /// not tags. A block given two tags is taken at the graver one.
    pub fn parse(info: &str) -> Option<BlockTag> {
        info.split_whitespace()
            .filter_map(BlockTag::from_word)
            .max()
    }

    fn style(self) -> Style {
        match self {
            BlockTag::ReadOnly => Style::new().fg(Color::DarkGray),
            BlockTag::Heavy => Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            BlockTag::Irreversible => Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        }
    }
}

/// The line above a fenced block: its tag first, then its other info words
/// (the language) dim, cut to `width` columns; `None` for an empty info.
pub(super) fn info_line(info: &str, width: usize) -> Option<Line<'static>> {
    let tag = BlockTag::parse(info);
    let rest: Vec<&str> = info
        .split_whitespace()
        .filter(|w| BlockTag::from_word(w).is_none())
        .collect();
    let rest = sanitize::line(&rest.join(" "));
    let dim = Style::new().fg(Color::DarkGray);
    let indent = "  ";
    let room = width.saturating_sub(indent.width());
    let mut spans = vec![Span::raw(indent)];
    match tag {
        Some(tag) => {
            let word = cut(tag.word(), room);
            let left = room.saturating_sub(word.width());
            spans.push(Span::styled(word, tag.style()));
            if !rest.is_empty() && left > 3 {
                spans.push(Span::styled(format!(" · {}", cut(&rest, left - 3)), dim));
            }
        }
        None if rest.is_empty() => return None,
        None => spans.push(Span::styled(cut(&rest, room), dim)),
    }
    Some(Line::from(spans))
}

/// `text` as it is if it fits in `room` columns, else cut with an ellipsis.
fn cut(text: &str, room: usize) -> String {
    if text.width() <= room {
        text.to_string()
    } else {
        fit(text, room, Alignment::Left).trim_end().to_string()
    }
}
