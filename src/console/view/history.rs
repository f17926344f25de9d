//! The history popup (`R`): the search line, what the hub found (newest
//! first: number, severity, service, title, when it was resolved and who
//! held it), or one of them read with its whole timeline, oldest first, as
//! `oncall incident show` prints it. Everything in it came through the
//! feed's cleaning (`feed::history`, `HubClient::get`).
use chrono::{DateTime, FixedOffset, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Clear, Paragraph, Row, Table, TableState};
use unicode_width::UnicodeWidthStr;

use super::bottom::draw_input;
use super::{detail, theme, wrap};
use crate::console::keys::{self, Context, KeyAction};
use crate::console::layout;
use crate::console::model::{HistorySearch, Model, Reading};
use crate::incident::Incident;

/// The widest a service or an owner column grows.
const NAME_COLUMN: usize = 14;

pub fn draw(model: &Model, frame: &mut Frame, area: Rect, search: &HistorySearch) {
    let rect = layout::popup(area);
    frame.render_widget(Clear, rect);
    match &search.reading {
        Some(reading) => draw_reading(model, frame, rect, reading),
        None => draw_results(model, frame, rect, search),
    }
}

fn draw_results(model: &Model, frame: &mut Frame, rect: Rect, search: &HistorySearch) {
    let block = Block::bordered()
        .title(" History: resolved incidents, newest first ")
        .border_style(theme::KEY);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let [query, state, list] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
    ])
    .areas(inner);
    draw_input(frame, query, "search: ", &search.input);
    frame.render_widget(Paragraph::new(state_line(search)), state);
    if search.results.is_empty() {
        let none = match search.shown.as_deref() {
            Some("") => "No resolved incident yet.".to_string(),
            Some(q) => format!("No resolved incident holds every word of “{q}”."),
            None => return,
        };
        frame.render_widget(Paragraph::new(Line::styled(none, theme::DIM)), list);
        return;
    }
    let widest = |name: fn(&Incident) -> &str| {
        let most = search.results.iter().map(|i| name(i).width()).max();
        most.unwrap_or(0).clamp(5, NAME_COLUMN) as u16
    };
    let id_width = search.results.iter().map(|i| format!("#{}", i.id).len());
    let widths = [
        Constraint::Length(id_width.max().unwrap_or(2) as u16),
        Constraint::Length(4),
        Constraint::Length(widest(|i| i.service.as_str())),
        Constraint::Fill(1),
        Constraint::Length(12),
        Constraint::Length(widest(|i| i.owner.as_deref().unwrap_or("nobody"))),
    ];
    let header = Row::new(["#", "sev", "service", "title", "resolved", "owner"])
        .style(Style::new().add_modifier(Modifier::BOLD));
    let rows = search.results.iter().map(|inc| {
        Row::new([
            Cell::from(format!("#{}", inc.id)),
            Cell::from(theme::severity_tag(inc.severity)).style(theme::severity(inc.severity)),
            Cell::from(inc.service.as_str()),
            Cell::from(inc.title.as_str()),
            Cell::from(when(model, inc.updated_at)).style(theme::DIM),
            Cell::from(inc.owner.as_deref().unwrap_or("nobody")),
        ])
    });
    let table = Table::new(rows, widths)
        .header(header)
        .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD));
    let mut state = TableState::default().with_selected(Some(search.cursor));
    frame.render_stateful_widget(table, list, &mut state);
}

/// The line under the search: what is on its way, what went wrong, or what
/// was found and whether more is behind it.
fn state_line(search: &HistorySearch) -> Line<'static> {
    let found = search.results.len();
    if let Some(problem) = &search.problem {
        return Line::styled(problem.clone(), theme::ERROR);
    }
    match &search.asking {
        Some((_, None)) => return Line::styled("Searching the hub…", theme::PENDING),
        Some((_, Some(_))) => {
            return Line::styled(format!("{found} found; asking for more…"), theme::PENDING);
        }
        None => {}
    }
    let Some(q) = &search.shown else {
        return Line::default();
    };
    let mut text = match q.as_str() {
        "" => format!("{found} found"),
        q => format!("{found} found for “{q}”"),
    };
    if search.next.is_some() {
        text.push_str(", more below");
    }
    if search.typed() != *q {
        let enter = keys::keys_for(Context::History, &[KeyAction::Submit]);
        text.push_str(&format!(" · {enter}: search for the words typed"));
    }
    Line::styled(text, theme::DIM)
}

/// When a resolved incident last changed (its resolve, as far as the
/// incident says): the time today, else the day.
fn when(model: &Model, t: DateTime<Utc>) -> String {
    let local = t.with_timezone(&model.setup.tz);
    let now = model.now.with_timezone(&model.setup.tz);
    if local.date_naive() == now.date_naive() {
        local.format("today %H:%M").to_string()
    } else if local.format("%Y").to_string() == now.format("%Y").to_string() {
        local.format("%d %b %H:%M").to_string()
    } else {
        local.format("%d %b %Y").to_string()
    }
}

fn draw_reading(model: &Model, frame: &mut Frame, rect: Rect, reading: &Reading) {
    let inc = &reading.incident;
    let title = Line::from(vec![
        Span::raw(format!(" #{} ", inc.id)),
        Span::styled(inc.severity.as_str(), theme::severity(inc.severity)),
        Span::raw(" · "),
        Span::styled(inc.status.as_str(), theme::status(inc.status)),
        Span::raw(" · from the history "),
    ]);
    let back = keys::keys_for(Context::HistoryRead, &[KeyAction::Close]);
    let bottom = format!(" read-only · {back}: back to the results ");
    let block = Block::bordered()
        .title(title)
        .title_bottom(Line::styled(bottom, theme::DIM).right_aligned())
        .border_style(theme::KEY);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let rows = wrap::wrap(&lines(reading, model.setup.tz), inner.width, usize::MAX);
    let height = usize::from(inner.height);
    let start = usize::from(reading.scroll).min(rows.len().saturating_sub(height));
    let shown: Vec<Line> = rows.into_iter().skip(start).take(height).collect();
    frame.render_widget(Paragraph::new(shown), inner);
}

/// How many rows the incident read has beyond the popup on a terminal of
/// `size`: how far it scrolls.
pub fn overflow(reading: &Reading, tz: FixedOffset, size: (u16, u16)) -> u16 {
    let (width, height) = layout::popup_text(size);
    let rows = wrap::wrap(&lines(reading, tz), width, usize::MAX).len();
    u16::try_from(rows.saturating_sub(usize::from(height))).unwrap_or(u16::MAX)
}

/// The incident read: its title, the facts a review reads, its
/// description, then the timeline oldest first (or why it is not there).
fn lines(reading: &Reading, tz: FixedOffset) -> Vec<Line<'static>> {
    let inc = &reading.incident;
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut out = vec![Line::styled(inc.title.clone(), bold)];
    let local = |t: DateTime<Utc>| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string();
    for (label, value) in crate::cli::incident::facts(inc, local) {
        out.push(Line::from(vec![
            Span::styled(format!("{label:<15}"), theme::DIM),
            Span::raw(value),
        ]));
    }
    if !inc.description.trim().is_empty() {
        out.push(Line::default());
        out.extend(inc.description.lines().map(|l| Line::raw(l.to_string())));
    }
    out.push(Line::default());
    out.push(Line::styled("Timeline, oldest first", bold));
    match (&reading.problem, reading.whole) {
        (Some(problem), _) => out.push(Line::styled(problem.clone(), theme::ERROR)),
        (None, false) => out.push(Line::styled("loading…", theme::DIM)),
        (None, true) if inc.timeline.is_empty() => {
            out.push(Line::styled("nothing recorded", theme::DIM))
        }
        (None, true) => out.extend(
            inc.timeline
                .iter()
                .map(|e| detail::entry(e, tz, "%Y-%m-%d %H:%M")),
        ),
    }
    out
}
