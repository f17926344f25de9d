//! The hand-off popups: the note composed from the shift (with the line for
//! the responder's own words), and the note handed to this responder.
use std::collections::BTreeSet;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::theme;
use crate::console::input::LineInput;
use crate::console::model::Model;
use crate::handoff::{Shift, compose};
use crate::incident::Handoff;
use crate::runbook::markdown;

fn popup(area: Rect) -> Rect {
    let width = area.width.saturating_sub(4).min(100);
    let height = area.height.saturating_sub(2);
    Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    )
}

/// The note as it will be sent, with the words typed so far.
pub fn draw_compose(
    model: &Model,
    frame: &mut Frame,
    area: Rect,
    shift: &Shift,
    to: Option<&LineInput>,
    words: &LineInput,
) {
    let popup = popup(area);
    frame.render_widget(Clear, popup);
    let who = shift.to.as_deref().unwrap_or("?");
    let block = Block::bordered()
        .title(format!(" Hand off to {who} "))
        .border_style(theme::KEY);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [text, input] = Layout::vertical([Constraint::Fill(1), Constraint::Length(2)]).areas(inner);
    let note = compose(shift, &model.library, words.text());
    let doc = markdown::render(&note, text.width, &BTreeSet::new());
    let lines: Vec<Line> = doc
        .lines
        .into_iter()
        .take(usize::from(text.height))
        .collect();
    frame.render_widget(Paragraph::new(lines), text);
    let (label, field) = match to {
        Some(input) => ("hand over to (name): ", input),
        None => ("your words (optional): ", words),
    };
    let line = Line::from(vec![
        Span::styled(label, theme::KEY),
        Span::raw(field.text().to_string()),
    ]);
    let [rule, field_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(input);
    frame.render_widget(
        Paragraph::new(Line::styled(
            "─".repeat(usize::from(rule.width)),
            theme::DIM,
        )),
        rule,
    );
    frame.render_widget(Paragraph::new(line), field_area);
    let before: String = field.text().chars().take(field.cursor()).collect();
    let x = field_area.x
        + (label.width() + before.width()).min(usize::from(field_area.width.saturating_sub(1)))
            as u16;
    frame.set_cursor_position(Position::new(x, field_area.y));
}

/// The note another responder handed to this one.
pub fn draw_read(frame: &mut Frame, area: Rect, handoff: &Handoff, scroll: u16) {
    let popup = popup(area);
    frame.render_widget(Clear, popup);
    let block = Block::bordered()
        .title(format!(" Hand-off from {} ", handoff.from))
        .title_bottom(Line::styled(" Enter/Esc dismiss · j/k scroll ", theme::DIM).right_aligned())
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
