//! The squash popups: the form for the selected incident's alert (its
//! matchers on and off, how long, why) and the squashes in force and
//! scheduled, with the one under the cursor and the question before
//! removing it. The footer names the keys, from the key table.
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::theme;
use crate::console::layout;
use crate::console::model::{Model, SquashForm, SquashStep};
use crate::incident::{Squash, SquashState, matchers_text};

pub fn draw_form(model: &Model, frame: &mut Frame, area: Rect, form: &SquashForm) {
    let popup = layout::popup(area);
    frame.render_widget(Clear, popup);
    let block = Block::bordered()
        .title(format!(" Squash the alert of #{} ", form.id))
        .border_style(theme::KEY);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let mut lines = vec![
        Line::styled(
            form.title.as_str(),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        Line::raw(""),
        Line::styled(
            "Quiet every incident that matches these (fewer match more):",
            theme::DIM,
        ),
    ];
    let picking = form.step == SquashStep::Duration;
    for (i, (name, value, on)) in form.matchers.iter().enumerate() {
        let mark = if *on { "[x]" } else { "[ ]" };
        let mut style = if *on { Style::new() } else { theme::DIM };
        if picking && i == form.cursor {
            style = style.add_modifier(Modifier::REVERSED);
        }
        lines.push(Line::styled(format!(" {mark} {name}={value}"), style));
    }
    lines.push(Line::raw(""));
    let chosen = form.chosen();
    let matching = model
        .list
        .incidents
        .iter()
        .filter(|i| i.status.is_open())
        .filter(|i| {
            !chosen.is_empty()
                && chosen.iter().all(|(k, v)| match k.as_str() {
                    "service" => i.service == *v,
                    other => i.labels.get(other) == Some(v.as_str()),
                })
        })
        .count();
    lines.push(Line::styled(
        format!("{matching} open incident(s) here match now."),
        theme::DIM,
    ));
    lines.push(Line::raw(""));
    match &form.step {
        SquashStep::Duration => lines.push(Line::from(vec![
            Span::styled("How long? ", theme::KEY),
            Span::raw("1 = 1h · 4 = 4h · e = to the end of the shift · t = type it"),
        ])),
        SquashStep::TypedDuration(_) => {}
        SquashStep::Reason { until, said, .. } => lines.push(Line::from(vec![
            Span::styled("Until ", theme::KEY),
            Span::raw(format!("{} ({said})", clock(model, *until))),
        ])),
    }
    let [text, field] = Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(inner);
    frame.render_widget(Paragraph::new(lines), text);
    match &form.step {
        SquashStep::Duration => {}
        SquashStep::TypedDuration(input) => {
            super::bottom::draw_input(frame, field, "how long (90m, 2h): ", input);
        }
        SquashStep::Reason { input, .. } => {
            super::bottom::draw_input(frame, field, "why (required): ", input);
        }
    }
}

pub fn draw_list(
    model: &Model,
    frame: &mut Frame,
    area: Rect,
    cursor: usize,
    confirm: Option<u64>,
) {
    let popup = layout::popup(area);
    frame.render_widget(Clear, popup);
    let block = Block::bordered()
        .title(" Squashes in force and scheduled ")
        .border_style(theme::KEY);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let Some(listed) = &model.squashes.listed else {
        frame.render_widget(
            Paragraph::new(Line::styled("Asking the hub…", theme::DIM)),
            inner,
        );
        return;
    };
    if listed.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled(
                "No squash in force or scheduled: every alert pages.",
                theme::DIM,
            )),
            inner,
        );
        return;
    }
    let [text, question] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(inner);
    let per = 2usize;
    let room = (usize::from(text.height) / per).max(1);
    let start = cursor.saturating_sub(room - 1);
    let mut lines = Vec::new();
    for (i, squash) in listed.iter().enumerate().skip(start).take(room) {
        let mut style = Style::new();
        if i == cursor {
            style = style.add_modifier(Modifier::REVERSED);
        }
        if model.squashes.is_removing(squash.id) {
            style = style.patch(theme::PENDING);
        }
        lines.push(Line::styled(
            format!(
                "#{} {} · {}",
                squash.id,
                when(model, squash),
                matchers_text(&squash.matchers)
            ),
            style,
        ));
        lines.push(Line::styled(
            format!("   {} — {}", squash.created_by, squash.reason),
            theme::DIM,
        ));
    }
    frame.render_widget(Paragraph::new(lines), text);
    if let Some(id) = confirm {
        frame.render_widget(
            Paragraph::new(Line::styled(
                format!(
                    "Remove squash #{id}? Its alerts page again. y/Enter: remove · n/Esc: keep"
                ),
                theme::ERROR,
            )),
            question,
        );
    }
}

/// "until 04:00" for one in force, "04:00-06:00" for a window to come.
fn when(model: &Model, squash: &Squash) -> String {
    match squash.state(model.now) {
        SquashState::Scheduled => format!(
            "from {} until {}",
            clock(model, squash.starts),
            clock(model, squash.until)
        ),
        _ => format!("until {}", clock(model, squash.until)),
    }
}

/// A time in the responder's zone, with the day when it is not today.
pub(super) fn clock(model: &Model, t: DateTime<Utc>) -> String {
    let local = t.with_timezone(&model.setup.tz);
    let today = model.now.with_timezone(&model.setup.tz).date_naive();
    if local.date_naive() == today {
        local.format("%H:%M").to_string()
    } else {
        local.format("%a %d %b %H:%M").to_string()
    }
}
