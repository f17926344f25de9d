//! The runbook search (`b`): what you typed, and the runbooks that match,
//! with the line that matched.
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph};

use super::theme;
use crate::console::input::LineInput;
use crate::runbook::search::Hit;

pub fn draw(frame: &mut Frame, area: Rect, input: &LineInput, hits: &[Hit], cursor: usize) {
    let width = area.width.saturating_sub(4).min(90);
    let height = area.height.saturating_sub(4).min(24);
    let popup = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    frame.render_widget(Clear, popup);
    let block = Block::bordered()
        .title(format!(" Runbooks ({}) ", hits.len()))
        .border_style(theme::KEY);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [query, list] = Layout::vertical([Constraint::Length(2), Constraint::Fill(1)]).areas(inner);
    super::bottom::draw_input(frame, query, "search: ", input);

    // Two rows a hit: the title, then the line that matched (or the id).
    let per_page = usize::from(list.height / 2).max(1);
    let first = cursor.saturating_sub(per_page - 1);
    let mut lines = Vec::new();
    for (i, hit) in hits.iter().enumerate().skip(first).take(per_page) {
        let style = if i == cursor {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else {
            Style::new()
        };
        lines.push(Line::styled(format!("{}  ({})", hit.title, hit.id), style));
        let detail = hit.line.clone().unwrap_or_default();
        lines.push(Line::styled(format!("    {detail}"), theme::DIM));
    }
    if hits.is_empty() {
        lines.push(Line::styled("No runbook matches; Esc closes.", theme::DIM));
    }
    frame.render_widget(Paragraph::new(lines), list);
}
