//! The runbook search (`b`): what you typed, and the runbooks that match,
//! with the line that matched; below them, the team runbook files that
//! could not be read or need fixing, so a missing runbook is never a mystery.
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph};
use unicode_width::UnicodeWidthChar;

use super::theme;
use crate::console::input::LineInput;
use crate::console::keys::{self, Context, KeyAction};
use crate::runbook::FileProblem;
use crate::runbook::search::Hit;

/// Problems listed under the hits, each on at most so many rows; the rest
/// are counted.
const PROBLEMS_SHOWN: usize = 3;
const ROWS_A_PROBLEM: usize = 3;

pub fn draw(
    frame: &mut Frame,
    area: Rect,
    input: &LineInput,
    hits: &[Hit],
    cursor: usize,
    problems: &[FileProblem],
) {
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
    let problems: Vec<&FileProblem> = problems.iter().filter(|p| p.kind.is_error()).collect();
    let trouble_lines = problem_lines(&problems, inner.width);
    let [query, list, trouble] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Fill(1),
        Constraint::Length(trouble_lines.len() as u16),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(trouble_lines), trouble);
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
        let close = keys::keys_for(Context::Browse, &[KeyAction::Cancel]);
        let text = format!("No runbook matches; {close} closes.");
        lines.push(Line::styled(text, theme::DIM));
    }
    frame.render_widget(Paragraph::new(lines), list);
}

/// A rule, then each problem wrapped to the width (the reason is what a
/// responder needs to read), then how many more there are and where to see
/// them all.
fn problem_lines(problems: &[&FileProblem], width: u16) -> Vec<Line<'static>> {
    if problems.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![Line::styled("─".repeat(usize::from(width)), theme::DIM)];
    for p in problems.iter().take(PROBLEMS_SHOWN) {
        let rows = wrap(&p.headline(), usize::from(width));
        lines.extend(
            rows.into_iter()
                .take(ROWS_A_PROBLEM)
                .map(|row| Line::styled(row, theme::ERROR)),
        );
    }
    if problems.len() > PROBLEMS_SHOWN {
        lines.push(Line::styled(
            format!(
                "and {} more: oncall runbooks check lists them all",
                problems.len() - PROBLEMS_SHOWN
            ),
            theme::DIM,
        ));
    }
    lines
}

/// `text` cut into rows of at most `width` columns.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut rows = vec![String::new()];
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width && used > 0 {
            rows.push(String::new());
            used = 0;
        }
        if let Some(row) = rows.last_mut() {
            row.push(c);
        }
        used += w;
    }
    rows
}
