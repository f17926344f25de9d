//! The hand-off popups: the note composed from the shift (with the line for
//! the responder's own words), and the note handed to this responder.
use std::collections::BTreeSet;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph};

use super::theme;
use crate::console::input::LineInput;
use crate::console::keys::{self, Context, KeyAction};
use crate::console::layout;
use crate::console::model::Model;
use crate::handoff::{Shift, compose};
use crate::incident::Handoff;
use crate::runbook::markdown;

/// The note as it will be sent, from its `scroll`th line, with the words
/// typed so far.
pub fn draw_compose(
    model: &Model,
    frame: &mut Frame,
    area: Rect,
    shift: &Shift,
    to: Option<&LineInput>,
    words: &LineInput,
    scroll: u16,
) {
    let popup = layout::popup(area);
    frame.render_widget(Clear, popup);
    let who = shift.to.as_deref().unwrap_or("?");
    let (width, height) = layout::handoff_note((area.width, area.height));
    let note = compose(shift, &model.library, words.text());
    let doc = markdown::render(&note, width, &BTreeSet::new());
    let total = doc.lines.len();
    let start = usize::from(scroll).min(total.saturating_sub(usize::from(height)));
    let block = Block::bordered()
        .title(format!(" Hand off to {who} "))
        .title_bottom(Line::styled(where_in(start, height, total), theme::DIM).right_aligned())
        .border_style(theme::KEY);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [text, input] = Layout::vertical([Constraint::Fill(1), Constraint::Length(2)]).areas(inner);
    let lines: Vec<Line> = doc
        .lines
        .into_iter()
        .skip(start)
        .take(usize::from(text.height))
        .collect();
    frame.render_widget(Paragraph::new(lines), text);
    let (label, field) = match to {
        Some(input) => ("hand over to (name): ", input),
        None => ("your words (optional): ", words),
    };
    let [rule, field_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(input);
    frame.render_widget(
        Paragraph::new(Line::styled(
            "─".repeat(usize::from(rule.width)),
            theme::DIM,
        )),
        rule,
    );
    super::bottom::draw_input(frame, field_area, label, field);
}

/// Which lines of the note are on screen, when not all of it fits.
fn where_in(start: usize, height: u16, total: usize) -> String {
    let shown = usize::from(height);
    if total <= shown {
        return String::new();
    }
    let last = (start + shown).min(total);
    let more = if last < total {
        let keys = keys::keys_for(
            Context::HandoffNote,
            &[KeyAction::PageDown, KeyAction::Down],
        );
        format!("{keys} more")
    } else {
        let keys = keys::keys_for(Context::HandoffNote, &[KeyAction::PageUp, KeyAction::Up]);
        format!("{keys} back")
    };
    format!(" lines {}-{last} of {total} · {more} ", start + 1)
}

/// The reader's keys on its border, as the footer says them.
fn reader_keys() -> String {
    let keys: Vec<String> = keys::rows(Context::HandoffRead)
        .filter_map(|b| b.footer.map(|f| format!("{} {f}", b.label())))
        .collect();
    format!(" {} ", keys.join(" · "))
}

/// The note another responder handed to this one.
pub fn draw_read(frame: &mut Frame, area: Rect, handoff: &Handoff, scroll: u16) {
    let popup = layout::popup(area);
    frame.render_widget(Clear, popup);
    let block = Block::bordered()
        .title(format!(" Hand-off from {} ", handoff.from))
        .title_bottom(Line::styled(reader_keys(), theme::DIM).right_aligned())
        .border_style(theme::KEY);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let doc = markdown::render(&handoff.note, inner.width, &BTreeSet::new());
    let lines: Vec<Line> = doc
        .lines
        .into_iter()
        .skip(usize::from(scroll))
        .take(usize::from(inner.height))
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
