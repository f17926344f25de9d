//! The popup of this responder's open follow-ups (`F`): overdue ones first
//! and marked, each with when it is due and the incident it came from, the
//! one under the cursor reversed, one being closed dimmed as pending, and
//! the note asked before closing one on its last line.
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph};

use super::bottom::draw_input;
use super::squash::clock;
use super::theme;
use crate::console::layout;
use crate::console::model::{FollowupsPopup, Model};
use crate::incident::Followup;

pub fn draw_list(model: &Model, frame: &mut Frame, area: Rect, popup: &FollowupsPopup) {
    let rect = layout::popup(area);
    frame.render_widget(Clear, rect);
    let block = Block::bordered()
        .title(" My open follow-ups ")
        .border_style(theme::KEY);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let shown = model.followups.shown();
    let [text, question] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(inner);
    if shown.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled(
                "No open follow-ups: nothing left to do.",
                theme::DIM,
            )),
            text,
        );
        return;
    }
    let per = 2usize;
    let room = (usize::from(text.height) / per).max(1);
    let start = popup.cursor.saturating_sub(room - 1);
    let mut lines = Vec::new();
    for (i, f) in shown.iter().enumerate().skip(start).take(room) {
        let mut style = if f.overdue {
            theme::ERROR
        } else {
            Style::new()
        };
        if i == popup.cursor {
            style = style.add_modifier(Modifier::REVERSED);
        }
        if model.pending_for(f.incident_id).is_some() {
            style = style.patch(theme::PENDING);
        }
        lines.push(Line::styled(format!("{} {}", due(model, f), f.text), style));
        lines.push(Line::styled(
            format!("   from #{} {}", f.incident_id, f.incident_title),
            theme::DIM,
        ));
    }
    frame.render_widget(Paragraph::new(lines), text);
    if let Some(closing) = &popup.closing {
        let label = format!("{} #{}, note: ", closing.status, closing.followup);
        draw_input(frame, question, &label, &closing.input);
    }
}

/// "! overdue since 09:00", "due Thu 03 Dec 09:00", or "#4" when it has no
/// date: how the line starts.
fn due(model: &Model, f: &Followup) -> String {
    match f.due {
        Some(t) if f.overdue => format!("#{} ! overdue since {}:", f.id, clock(model, t)),
        Some(t) => format!("#{} due {}:", f.id, clock(model, t)),
        None => format!("#{}:", f.id),
    }
}
