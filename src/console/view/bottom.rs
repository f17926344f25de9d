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
use crate::console::keys::{self, Context, KeyAction};
use crate::console::model::{BatchAsk, BatchKind, Health, Mode, Model, block_summary};

pub fn draw_message(model: &Model, frame: &mut Frame, area: Rect) {
    let health = model.feed.health(model.now);
    let line = match &model.mode {
        Mode::Filter(input) => return draw_input(frame, area, "filter: ", input),
        Mode::Jump(input) => return draw_input(frame, area, "go to #", input),
        Mode::Prompt { kind, id, input } => {
            return draw_input(frame, area, &kind.label(*id), input);
        }
        Mode::FollowupForm(form) => {
            return draw_input(frame, area, &form.label(&model.responder), &form.input);
        }
        Mode::Batch(ask) => match &ask.input {
            Some(input) => return draw_input(frame, area, &batch_label(ask), input),
            None => {
                let yes = keys::keys_for(Context::ConfirmBatch, &[KeyAction::Confirm]);
                let no = keys::keys_for(Context::ConfirmBatch, &[KeyAction::Cancel]);
                Line::from(vec![
                    Span::styled(batch_label(ask), Style::new().add_modifier(Modifier::BOLD)),
                    Span::styled(format!(" {yes} sends each, {no} cancels"), theme::DIM),
                ])
            }
        },
        Mode::ConfirmForce { who, why, .. } => {
            let yes = keys::keys_for(Context::ConfirmForce, &[KeyAction::Confirm]);
            let no = keys::keys_for(Context::ConfirmForce, &[KeyAction::Cancel]);
            // The question first: on a narrow terminal the why gives way.
            Line::from(vec![
                Span::styled(
                    format!("{why}; make {who} incident manager anyway? "),
                    Style::new().add_modifier(Modifier::BOLD),
                ),
                Span::styled(
                    format!(
                        "{yes} names them, {no} cancels (the one fixing should not also run it)"
                    ),
                    theme::DIM,
                ),
            ])
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
        Mode::ConfirmCopy { text } => {
            let yes = keys::keys_for(Context::ConfirmCopy, &[KeyAction::Confirm]);
            let no = keys::keys_for(Context::ConfirmCopy, &[KeyAction::Cancel]);
            let ask = "Copy IRREVERSIBLE ";
            let answers = format!("? {yes} copies, {no} cancels");
            // The command gives way, not the keys that answer.
            let room = usize::from(area.width).saturating_sub(ask.width() + answers.width());
            Line::from(vec![
                Span::styled(ask, theme::ERROR),
                Span::styled(
                    cut(&block_summary(text), room),
                    Style::new().add_modifier(Modifier::BOLD),
                ),
                Span::styled(answers, theme::DIM),
            ])
        }
        Mode::ChooseLink { id, .. } => {
            let runbook = keys::keys_for(Context::ChooseLink, &[KeyAction::OpenRunbookLink]);
            let source = keys::keys_for(Context::ChooseLink, &[KeyAction::OpenSourceLink]);
            let cancel = keys::keys_for(Context::ChooseLink, &[KeyAction::Cancel]);
            Line::from(vec![
                Span::styled(
                    format!(
                        "Open #{id}'s runbook URL ({runbook}) or its alert's source ({source})? "
                    ),
                    Style::new().add_modifier(Modifier::BOLD),
                ),
                Span::styled(format!("{cancel} cancels"), theme::DIM),
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
                format!(
                    "filter: {} ({} to change, {} to clear)",
                    model.list.filter,
                    keys::keys_for(Context::Normal, &[KeyAction::Filter]),
                    keys::keys_for(Context::Normal, &[KeyAction::ClearFilter]),
                ),
                theme::DIM,
            ),
            None => Line::default(),
        },
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// `text` if it fits in `room` columns, else as much as fits and `…`.
fn cut(text: &str, room: usize) -> String {
    if text.width() <= room {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 1;
    for c in text.chars() {
        used += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used > room {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
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

/// The keys that work here, from the key table: help and quit always
/// show, the rest in the table's order while there is room.
/// The question before an action on many: how many, which, and how many
/// of those chosen it leaves out.
fn batch_label(ask: &BatchAsk) -> String {
    let n = ask.ids.len();
    let left = match ask.left_out {
        0 => String::new(),
        k => format!(" ({k} left out)"),
    };
    let them = if n == 1 { "incident" } else { "incidents" };
    match ask.kind {
        BatchKind::Acknowledge => format!("Acknowledge {n} {them} {}{left}?", ask.what),
        BatchKind::Escalate => format!(
            "Escalate {n} {them} {}{left}, each to its next line?",
            ask.what
        ),
        BatchKind::Resolve => format!("resolve {n} {them} {}{left}, optional note: ", ask.what),
        BatchKind::Note => format!("note for {n} {them} {}{left}: ", ask.what),
    }
}

pub fn draw_footer(model: &Model, frame: &mut Frame, area: Rect) {
    let hints: Vec<Hint> = keys::effective(model.key_context())
        .into_iter()
        .filter_map(|b| {
            let pinned = matches!(b.action(), Some(KeyAction::Help | KeyAction::Quit));
            b.footer.map(|what| Hint {
                key: b.label(),
                what,
                pinned,
            })
        })
        .collect();
    let pinned: usize = hints.iter().filter(|h| h.pinned).map(Hint::width).sum();
    // How many are marked, first: what the next action goes to.
    let marked = match model.list.marked.len() {
        0 => None,
        n => Some(format!(" {n} marked ")),
    };
    let marked_width = marked.as_deref().map_or(0, UnicodeWidthStr::width);
    let mut room = usize::from(area.width).saturating_sub(pinned + marked_width);
    let first = hints.iter().filter(|h| !h.pinned).take_while(|h| {
        let fits = h.width() <= room;
        room = room.saturating_sub(h.width());
        fits
    });
    let mut spans = Vec::new();
    let mut used = marked_width;
    if let Some(marked) = marked {
        spans.push(Span::styled(
            marked,
            theme::KEY.add_modifier(Modifier::REVERSED),
        ));
    }
    for hint in first.chain(hints.iter().filter(|h| h.pinned)) {
        used += hint.width();
        if used > usize::from(area.width) {
            break;
        }
        spans.push(Span::styled(format!(" {}", hint.key), theme::KEY));
        spans.push(Span::styled(format!(" {} ", hint.what), theme::DIM));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// One key of the footer and what it does.
struct Hint {
    key: String,
    what: &'static str,
    pinned: bool,
}

impl Hint {
    fn width(&self) -> usize {
        self.key.width() + self.what.width() + 3
    }
}
