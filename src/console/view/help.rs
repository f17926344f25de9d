//! The `?` screen, from the key table: every key of the list, with what it
//! does; then, when the terminal has the room, the keys of every other mode
//! (prompts, the search, the hand-off), a line each.
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::theme;
use crate::console::keys::{self, Binding, Context, KeyAction};

/// The help, scrolled `scroll` lines down when the keys of the list do not
/// fit the terminal (the key table says how far it goes: see
/// `layout::help_overflow`).
pub fn draw(frame: &mut Frame, area: Rect, scroll: u16) {
    let width = (area.width.saturating_sub(2)).min(80);
    let inner = usize::from(width.saturating_sub(2));
    let room = usize::from(area.height.saturating_sub(2));
    let list: Vec<&Binding> = keys::rows(Context::Normal).collect();
    if list.len() > room {
        return draw_scrolled(frame, area, &list, scroll);
    }
    let modes = mode_lines(inner);
    let close = keys::rows(Context::Help)
        .filter(|b| b.action() == Some(KeyAction::Close))
        .map(|b| format!("Press {} to {}.", b.label(), b.help))
        .collect::<Vec<_>>();
    // What must show: every key of the list, and how to close. Then, while
    // there is room, the keys of the other modes (whose own bottom line
    // shows them anyway) or a word that they are there, then the title and
    // the spacing.
    // How to close goes on the bottom border when the list would not fit
    // beside it, or when that makes room for every mode's keys.
    let with_modes = |close_lines: usize| room > list.len() + close_lines + modes.len();
    let close_below =
        room < list.len() + close.len() || (!with_modes(close.len()) && with_modes(0));
    let needed = list.len() + if close_below { 0 } else { close.len() };
    let all_modes = room >= needed + 1 + modes.len();
    let mut spare = room.saturating_sub(needed);
    let mut take = |n: usize| {
        let fits = spare >= n;
        if fits {
            spare -= n;
        }
        fits
    };
    let others = if all_modes {
        take(1 + modes.len());
        modes
    } else if take(1) {
        vec![Line::styled(
            "Prompts, the search and the hand-off show their keys on the bottom line.",
            theme::DIM,
        )]
    } else {
        Vec::new()
    };
    let titled = take(2);
    let parted = all_modes || (!others.is_empty() && take(1));
    let spaced = take(1);
    let mut lines = Vec::new();
    if titled {
        lines.push(Line::styled(
            "Keys",
            Style::new().add_modifier(Modifier::BOLD),
        ));
        lines.push(Line::default());
    }
    lines.extend(key_lines(&list));
    if parted {
        lines.push(Line::default());
    }
    lines.extend(others);
    if spaced {
        lines.push(Line::default());
    }
    let mut block = Block::bordered().title(" Help ").border_style(theme::KEY);
    if close_below {
        block = block.title_bottom(Line::styled(format!(" {} ", close.join(" ")), theme::DIM));
    } else {
        lines.extend(close.into_iter().map(|c| Line::styled(c, theme::DIM)));
    }
    let height = (lines.len() as u16 + 2).min(area.height);
    let popup = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}

/// The keys right-aligned in one column, as wide as the widest label.
fn key_lines(list: &[&Binding]) -> Vec<Line<'static>> {
    let labels: Vec<String> = list.iter().map(|b| b.label()).collect();
    let column = labels.iter().map(|l| l.width()).max().unwrap_or(0);
    list.iter()
        .zip(&labels)
        .map(|(b, label)| {
            let pad = " ".repeat(column - label.width());
            Line::from(vec![
                Span::styled(format!("{pad}{label}  "), theme::KEY),
                Span::raw(with_also(b)),
            ])
        })
        .collect()
}

/// A terminal too small for the keys of the list: the whole height, the
/// keys from `scroll` on, and on the bottom border how to scroll, how to
/// close and how many lines are out of sight.
fn draw_scrolled(frame: &mut Frame, area: Rect, list: &[&Binding], scroll: u16) {
    let width = (area.width.saturating_sub(2)).min(80);
    let mut lines = key_lines(list);
    lines.push(Line::styled(
        "Prompts, the search and the hand-off show their keys on the bottom line.",
        theme::DIM,
    ));
    let room = usize::from(area.height.saturating_sub(2)).max(1);
    let scroll = usize::from(scroll).min(lines.len().saturating_sub(room));
    let below = lines.len().saturating_sub(scroll + room);
    let how = keys::rows(Context::Help)
        .map(|b| format!("{} {}", b.label(), b.help))
        .collect::<Vec<_>>()
        .join(" · ");
    let more = match (scroll, below) {
        (0, n) => format!("{n} more below"),
        (n, 0) => format!("{n} more above"),
        (a, b) => format!("{a} above, {b} below"),
    };
    let block = Block::bordered()
        .title(" Help ")
        .title_bottom(Line::styled(format!(" {how} · {more} "), theme::DIM))
        .border_style(theme::KEY);
    let popup = Rect::new(
        area.x + (area.width - width) / 2,
        area.y,
        width,
        area.height,
    );
    let shown: Vec<Line> = lines.into_iter().skip(scroll).take(room).collect();
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(shown).block(block), popup);
}

/// What a row does, and the other keys that do it too.
fn with_also(b: &Binding) -> String {
    match b.also_label() {
        Some(also) => format!("{} ({also} too)", b.help),
        None => b.help.to_string(),
    }
}

/// Each mode but the list and the help itself, a line of its keys (more
/// when they do not fit in `width`, broken between keys): "note: Enter send
/// the note · Esc cancel".
fn mode_lines(width: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for context in Context::ALL {
        if matches!(context, Context::Normal | Context::Help) {
            continue;
        }
        let mut parts: Vec<String> = keys::rows(context)
            .map(|b| format!("{} {}", b.label(), with_also(b)))
            .collect();
        if let Some(under) = context.under() {
            parts.push(format!("the rest as in {}", under.title()));
        }
        let title = format!("{}: ", context.title());
        let mut used = title.width();
        let mut line = vec![Span::styled(title, theme::KEY)];
        for (n, part) in parts.into_iter().enumerate() {
            let sep = if n == 0 { "" } else { " · " };
            if n > 0 && used + sep.width() + part.width() > width {
                lines.push(Line::from(std::mem::take(&mut line)));
                line.push(Span::raw("  "));
                used = 2;
            } else {
                line.push(Span::styled(sep, theme::DIM));
                used += sep.width();
            }
            used += part.width();
            line.push(Span::raw(part));
        }
        lines.push(Line::from(line));
    }
    lines
}
