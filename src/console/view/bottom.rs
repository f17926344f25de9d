//! The two bottom lines: what just happened (or what you are typing), and
//! the keys that work here, from the key table.
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::theme;
use crate::console::input::LineInput;
use crate::console::keys::{BINDINGS, Binding, Context, KeyAction};
use crate::console::model::{Health, Mode, Model, PromptKind};

pub fn draw_message(model: &Model, frame: &mut Frame, area: Rect) {
    let health = model.feed.health(model.now);
    let line = match &model.mode {
        Mode::Filter(input) => return draw_input(frame, area, "filter: ", input),
        Mode::Prompt { kind, id, input } => {
            let label = match kind {
                PromptKind::Note => format!("note for #{id}: "),
                PromptKind::Resolve => format!("resolve #{id}, optional note: "),
            };
            return draw_input(frame, area, &label, input);
        }
        Mode::ConfirmEscalate { id, .. } => {
            let Some(inc) = model.incident(*id) else {
                return;
            };
            let question = match model.escalation_target(inc) {
                Ok(t) => {
                    let who = t.who.map(|w| format!(", reaching {w}")).unwrap_or_default();
                    format!("Escalate #{id} from {} to {}{who}? ", t.from, t.to)
                }
                Err(why) => why,
            };
            Line::from(vec![
                Span::styled(question, Style::new().add_modifier(Modifier::BOLD)),
                Span::styled(format!("({}) ", inc.title), theme::DIM),
            ])
        }
        _ => match &model.message {
            Some(m) if m.error => Line::styled(m.text.clone(), theme::ERROR),
            Some(m) => Line::raw(m.text.clone()),
            None if !matches!(health, Health::Live | Health::Connecting) => {
                // The top bar may be too narrow for the reason; it goes here.
                let why = model
                    .feed
                    .last_error
                    .clone()
                    .or_else(|| model.feed.unavailable.clone())
                    .unwrap_or_else(|| "no answer yet".into());
                let colour = if health.alarming() {
                    Color::Red
                } else {
                    Color::Yellow
                };
                Line::styled(
                    format!("{}: {why}", model.feed.name),
                    Style::new().fg(colour),
                )
            }
            None if !model.list.filter.is_empty() => Line::styled(
                format!("filter: {} (/ to change, Esc to clear)", model.list.filter),
                theme::DIM,
            ),
            None => Line::default(),
        },
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// A label and the line being typed after it, scrolled sideways so the
/// cursor stays in view however long the line grows.
pub(super) fn draw_input(frame: &mut Frame, area: Rect, label: &str, input: &LineInput) {
    let label_width = label.width().min(usize::from(area.width));
    let (shown, at) = input.window(usize::from(area.width) - label_width);
    let line = Line::from(vec![
        Span::styled(label.to_string(), theme::KEY),
        Span::raw(shown),
    ]);
    frame.render_widget(Paragraph::new(line), area);
    let x = (label_width + at).min(usize::from(area.width.saturating_sub(1)));
    frame.set_cursor_position(Position::new(area.x + x as u16, area.y));
}

pub fn draw_footer(model: &Model, frame: &mut Frame, area: Rect) {
    let hints: Vec<(&str, &str)> = match &model.mode {
        Mode::Normal => {
            // Help and quit always show; the rest fill what room is left.
            let (last, first): (Vec<_>, Vec<_>) = BINDINGS
                .iter()
                .filter(|b| b.context == Context::Normal && b.footer.is_some())
                .partition(|b| matches!(b.action(), Some(KeyAction::Help | KeyAction::Quit)));
            let room = usize::from(area.width).saturating_sub(width(&last));
            let mut shown = Vec::new();
            let mut used = 0;
            for b in first {
                let w = hint_width(b);
                if used + w > room {
                    break;
                }
                used += w;
                shown.push(b);
            }
            shown.extend(last);
            shown
                .iter()
                .filter_map(|b| b.footer.map(|f| (b.label, f)))
                .collect()
        }
        Mode::Help => vec![("any key", "close help")],
        Mode::Filter(_) => vec![("Enter", "keep filter"), ("Esc", "clear filter")],
        Mode::Prompt {
            kind: PromptKind::Note,
            ..
        } => vec![("Enter", "send note"), ("Esc", "cancel")],
        Mode::Prompt {
            kind: PromptKind::Resolve,
            ..
        } => vec![("Enter", "resolve"), ("Esc", "cancel")],
        Mode::ConfirmEscalate { .. } => vec![("y/Enter", "escalate"), ("n/Esc", "cancel")],
        Mode::Browse { .. } => vec![("↑/↓", "choose"), ("Enter", "read"), ("Esc", "close")],
        Mode::Handoff { to, .. } => {
            let enter = if to.is_some() {
                "next"
            } else {
                "save and send the hand-off"
            };
            let mut hints = vec![("Enter", enter), ("Esc", "cancel")];
            hints.extend(
                BINDINGS
                    .iter()
                    .filter(|b| b.context == Context::Handoff)
                    .filter_map(|b| b.footer.map(|f| (b.label, f))),
            );
            hints
        }
        Mode::ReadHandoff { .. } => vec![("Enter/Esc", "dismiss"), ("j/k", "scroll")],
    };
    let mut spans = Vec::new();
    let mut used = 0;
    for (key, what) in hints {
        let w = key.width() + what.width() + 3;
        if used + w > usize::from(area.width) {
            break;
        }
        used += w;
        spans.push(Span::styled(format!(" {key}"), theme::KEY));
        spans.push(Span::styled(format!(" {what} "), theme::DIM));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn hint_width(b: &Binding) -> usize {
    b.label.width() + b.footer.map_or(0, UnicodeWidthStr::width) + 3
}

fn width(bindings: &[&Binding]) -> usize {
    bindings.iter().map(|b| hint_width(b)).sum()
}
