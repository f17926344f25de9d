//! The noise report popup (`N`): the alerts and services noisiest first,
//! the pages per responder, and what would silence the noisiest, fitted to
//! the popup's width (names shortened, advice wrapped). The report's names
//! were cleaned as it was read (`feed::report`).
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::theme;
use crate::console::keys::{self, Context};
use crate::console::layout;
use crate::report::format::span;
use crate::report::{Figures, NoiseReport};

/// The figures' columns: header and width, after the name. `self` is
/// self-resolved, `flap` flapping, `squash` kept quiet by a squash.
const COLUMNS: [(&str, usize); 7] = [
    ("pages", 5),
    ("night", 5),
    ("self", 4),
    ("flap", 4),
    ("squash", 6),
    ("ack p50", 7),
    ("fix p50", 7),
];

pub fn draw(frame: &mut Frame, area: Rect, report: &NoiseReport, scroll: u16) {
    let popup = layout::popup(area);
    frame.render_widget(Clear, popup);
    let block = Block::bordered()
        .title(" Noise report, noisiest first ")
        .title_bottom(Line::styled(reader_keys(), theme::DIM).right_aligned())
        .border_style(theme::KEY);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let all = lines(report, usize::from(inner.width));
    let start = usize::from(scroll).min(all.len().saturating_sub(usize::from(inner.height)));
    let shown: Vec<Line> = all
        .into_iter()
        .skip(start)
        .take(usize::from(inner.height))
        .collect();
    frame.render_widget(Paragraph::new(shown), inner);
}

/// The report's keys on its border, as the footer says them.
fn reader_keys() -> String {
    let keys: Vec<String> = keys::rows(Context::Report)
        .filter_map(|b| b.footer.map(|f| format!("{} {f}", b.label())))
        .collect();
    format!(" {} ", keys.join(" · "))
}

/// Every line of the report at `width` columns.
pub fn lines(report: &NoiseReport, width: usize) -> Vec<Line<'static>> {
    let mut out = vec![
        Line::styled(
            fit(
                &format!(
                    "{} to {} · night is 22:00-07:00 {}",
                    report.since.format("%Y-%m-%d %H:%M UTC"),
                    report.until.format("%Y-%m-%d %H:%M UTC"),
                    report.timezone
                ),
                width,
            ),
            theme::DIM,
        ),
        Line::default(),
    ];
    let name_width = width.saturating_sub(COLUMNS.iter().map(|(_, w)| w + 1).sum::<usize>());
    let bold = ratatui::style::Style::new().add_modifier(Modifier::BOLD);
    out.push(Line::styled(
        row("alert (service)", &headers(), name_width),
        bold,
    ));
    if report.alerts.is_empty() {
        out.push(Line::from("  no incidents in these days"));
    }
    for a in &report.alerts {
        let name = format!("{} ({})", a.alert, a.service);
        out.push(Line::from(row(&name, &cells(&a.figures), name_width)));
    }
    out.push(Line::default());
    out.push(Line::styled(row("service", &headers(), name_width), bold));
    for s in &report.services {
        out.push(Line::from(row(&s.service, &cells(&s.figures), name_width)));
    }
    out.push(Line::default());
    out.push(Line::styled("Pages per responder", bold));
    if report.responders.is_empty() {
        out.push(Line::from("  nobody was paged"));
    }
    for r in &report.responders {
        out.push(Line::from(fit(
            &format!(
                "  {}: {} pages, {} at night",
                r.responder, r.pages, r.night_pages
            ),
            width,
        )));
    }
    out.push(Line::default());
    out.push(Line::styled("What would silence the noisiest", bold));
    for (i, a) in report.noisiest.iter().enumerate() {
        let text = format!("{}. {} ({}): {}", i + 1, a.alert, a.service, a.action);
        out.extend(wrap(&text, width, 4).into_iter().map(Line::from));
    }
    out
}

fn headers() -> Vec<String> {
    COLUMNS.iter().map(|(h, _)| h.to_string()).collect()
}

fn cells(f: &Figures) -> Vec<String> {
    vec![
        f.pages.to_string(),
        f.night_pages.to_string(),
        f.self_resolved.to_string(),
        f.flapping.to_string(),
        f.squashed.to_string(),
        span(f.ack_median_secs),
        span(f.resolve_median_secs),
    ]
}

/// The name in its width, then each figure right-aligned in its column.
fn row(name: &str, figures: &[String], name_width: usize) -> String {
    let name = fit(name, name_width);
    let mut out = format!(
        "{name}{}",
        " ".repeat(name_width.saturating_sub(name.width()))
    );
    for (cell, (_, w)) in figures.iter().zip(COLUMNS) {
        out.push_str(&format!(" {cell:>w$}"));
    }
    out
}

/// `text` cut to `width` columns, with `…` when it was cut.
fn fit(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// `text` in lines of at most `width` columns, broken between words; the
/// lines after the first indented by `indent`.
fn wrap(text: &str, width: usize, indent: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let room = if lines.is_empty() {
            width
        } else {
            width.saturating_sub(indent)
        };
        if !line.is_empty() && line.width() + 1 + word.width() > room {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            let l = if i == 0 {
                l
            } else {
                format!("{}{l}", " ".repeat(indent))
            };
            fit(&l, width)
        })
        .collect()
}
