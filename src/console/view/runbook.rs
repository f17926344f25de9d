//! The runbook pane: why it matched (and the section it opened at), then
//! the rendered runbook from the scroll position, only the rows that fit.
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::{hyperlink, theme};
use crate::console::keys::{self, KeyAction};
use crate::console::model::{Focus, Model};

pub fn draw(model: &Model, frame: &mut Frame, area: Rect) {
    let focused = model.focus == Focus::Runbook;
    let Some(view) = &model.runbook.view else {
        let block = Block::bordered()
            .title(theme::pane_title("Runbook", focused))
            .border_style(theme::border(focused));
        frame.render_widget(
            Paragraph::new(Line::styled("No runbooks loaded.", theme::DIM)).block(block),
            area,
        );
        return;
    };
    let count = model.runbook.matches.len();
    let position = if model.runbook.pick.is_some() {
        String::new()
    } else if count > 1 {
        format!(" {}/{count}", model.runbook.choice + 1)
    } else {
        String::new()
    };
    let total = view.doc.lines.len();
    let block = Block::bordered()
        .title(theme::pane_title(
            &format!("Runbook{position}: {}", view.id),
            focused,
        ))
        .title_bottom(
            Line::styled(
                scroll_hint(model.runbook.scroll, total, area.height),
                theme::DIM,
            )
            .right_aligned(),
        )
        .border_style(theme::border(focused));
    let block = theme::zoomed(block, model.zoomed);
    let block = match section_hint(model) {
        Some(hint) => block.title_bottom(Line::styled(hint, theme::DIM).left_aligned()),
        None => block,
    };
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [why, text] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(inner);
    frame.render_widget(Paragraph::new(reason(model)), why);
    let start = model.runbook.scroll.min(total);
    let end = (start + usize::from(text.height)).min(total);
    // Straight into the buffer: the rendered lines are the model's, and a
    // long runbook must not be copied every frame.
    let buf = frame.buffer_mut();
    for (row, line) in view.doc.lines[start..end].iter().enumerate() {
        let y = text.y + row as u16;
        buf.set_line(text.x, y, line, text.width);
        if focused && start + row == model.runbook.cursor {
            buf.set_style(
                Rect::new(text.x, y, text.width, 1),
                Style::new().add_modifier(Modifier::REVERSED),
            );
        }
    }
    if model.setup.hyperlinks {
        // Anchors are in drawing order: those of the rows on screen.
        let links = &view.doc.links;
        let first = links.partition_point(|l| l.line < start);
        for l in links[first..].iter().take_while(|l| l.line < end) {
            let y = text.y + (l.line - start) as u16;
            hyperlink::link(buf, text, (text.x + l.column, y), l.width, &l.url);
        }
    }
}

fn reason(model: &Model) -> Line<'static> {
    let mut line = why(model);
    if let Some(view) = &model.runbook.view {
        let total = view.doc.steps.len();
        if total > 0 {
            let done = view.doc.steps.iter().filter(|s| s.done).count();
            let style = if done == total {
                Style::new().fg(ratatui::style::Color::Green)
            } else {
                theme::DIM
            };
            line.spans
                .insert(0, Span::styled(format!("steps {done}/{total} · "), style));
        }
    }
    line
}

fn why(model: &Model) -> Line<'static> {
    if model.runbook.pick.is_some() {
        let back = keys::name(KeyAction::PickRunbook(1));
        return Line::styled(
            format!("picked from the runbook search; {back} shows the matched runbooks again"),
            theme::DIM.add_modifier(Modifier::ITALIC),
        );
    }
    let Some(m) = model.runbook.matches.get(model.runbook.choice) else {
        return Line::styled(
            "no runbook matches; start from first response",
            theme::DIM.add_modifier(Modifier::ITALIC),
        );
    };
    let reason = m.reasons.first().cloned().unwrap_or_default();
    let mut spans = match model.runbook.section() {
        // Opened at the part that answers: the line says which.
        Some(section) => vec![
            Span::styled(
                format!("§ {}", crate::sanitize::line(&section.heading)),
                Style::new().add_modifier(Modifier::BOLD),
            ),
            Span::styled(
                format!(" ({reason})"),
                Style::new().add_modifier(Modifier::ITALIC),
            ),
        ],
        None => vec![
            Span::styled("why: ", theme::DIM),
            Span::styled(reason, Style::new().add_modifier(Modifier::ITALIC)),
        ],
    };
    let others: Vec<String> = model
        .runbook
        .matches
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != model.runbook.choice)
        .take(8)
        .map(|(i, m)| format!("{} {}", i + 1, m.id))
        .collect();
    if !others.is_empty() {
        spans.push(Span::styled(
            format!(" · also: {}", others.join(", ")),
            theme::DIM,
        ));
    }
    Line::from(spans)
}

/// On the bottom border when the runbook opened at a section: where `t`
/// goes from here (the top, or back to the section).
fn section_hint(model: &Model) -> Option<String> {
    model.runbook.section_line().filter(|l| *l > 0)?;
    let key = keys::name(KeyAction::TopOrSection);
    let to = if model.runbook.scroll == 0 {
        "§"
    } else {
        "top"
    };
    Some(format!(" {key}: {to} "))
}

fn scroll_hint(scroll: usize, total: usize, height: u16) -> String {
    let shown = usize::from(height.saturating_sub(3));
    if total <= shown {
        return String::new();
    }
    let pct = ((scroll + shown).min(total) * 100) / total.max(1);
    format!(" {pct}% ")
}
