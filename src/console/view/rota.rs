//! The rota view (`w`): who is on call now and until when, who is next,
//! whom each escalation level reaches now, and the overrides in force and
//! upcoming (the chosen one reversed, those on their way dimmed as
//! pending), with the cover prompt or the question before a removal on its
//! last line. Names come cleaned from the feed.
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::squash::clock;
use super::theme;
use crate::console::layout;
use crate::console::model::{Model, RotaStep};
use crate::incident::{OnCall, Targets};

pub fn draw(model: &Model, frame: &mut Frame, area: Rect, cursor: usize, step: &RotaStep) {
    let popup = layout::popup(area);
    frame.render_widget(Clear, popup);
    let block = Block::bordered()
        .title(" Rota: who is on call ")
        .border_style(theme::KEY);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [text, field] = Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(inner);
    let mut lines = match &model.oncall {
        Some(oncall) => shifts(model, oncall),
        None => vec![Line::styled("Asking the hub who is on call…", theme::DIM)],
    };
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Overrides in force and upcoming:",
        Style::new().add_modifier(Modifier::BOLD),
    ));
    // The overrides get what room the rota leaves, the chosen one in it.
    let room = usize::from(text.height).saturating_sub(lines.len()).max(1);
    lines.extend(overrides(model, cursor, room));
    frame.render_widget(Paragraph::new(lines), text);
    let (label, input) = match step {
        RotaStep::Choose => return,
        RotaStep::Confirm(id) => {
            let question = format!(
                "Remove override #{id}? The rota holds again. y/Enter: remove · n/Esc: keep"
            );
            frame.render_widget(Paragraph::new(Line::styled(question, theme::ERROR)), field);
            return;
        }
        RotaStep::Start(input) => ("cover from (empty: now): ", input),
        RotaStep::End { input, .. } => ("until, or how long (8h): ", input),
        RotaStep::For { input, .. } => ("for whom (empty: me): ", input),
    };
    super::bottom::draw_input(frame, field, label, input);
}

/// Now, next and the levels.
fn shifts<'a>(model: &Model, oncall: &'a OnCall) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    match (&oncall.now, &oncall.shift) {
        (Some(now), _) => lines.push(Line::from(vec![
            Span::styled("On call now: ", theme::KEY),
            Span::styled(now.who.as_str(), Style::new().add_modifier(Modifier::BOLD)),
            Span::raw(format!(
                " until {} (since {})",
                clock(model, now.until),
                clock(model, now.since)
            )),
        ])),
        (None, None) => lines.push(Line::styled(
            "This hub has no rota: nobody is on call by turns.",
            theme::DIM,
        )),
        (None, Some(_)) => lines.push(Line::styled("Nobody is on call now.", theme::DIM)),
    }
    if let Some(next) = &oncall.next {
        lines.push(Line::from(vec![
            Span::styled("Next:        ", theme::KEY),
            Span::raw(format!("{} from {}", next.who, clock(model, next.from))),
        ]));
    }
    for policy in &oncall.policies {
        let levels: Vec<String> = policy
            .levels
            .iter()
            .map(|l| {
                let who = match (&l.who, &l.targets) {
                    (Some(who), _) => who.clone(),
                    (None, Targets::OnCall) => "nobody on call".to_string(),
                    (None, Targets::Named(names)) => names.join(", "),
                };
                format!("{} {who}", l.level)
            })
            .collect();
        lines.push(Line::from(vec![
            Span::styled(format!("{}: ", policy.services.join(", ")), theme::DIM),
            Span::raw(levels.join(" → ")),
        ]));
    }
    lines
}

/// The listed overrides from the one that keeps `cursor` in `room` lines,
/// then the covers on their way.
fn overrides(model: &Model, cursor: usize, room: usize) -> Vec<Line<'static>> {
    let rows = &model.overrides;
    let Some(listed) = &rows.listed else {
        return vec![Line::styled("  Asking the hub…", theme::DIM)];
    };
    let mut lines = Vec::new();
    if listed.is_empty() && rows.covering.is_empty() {
        lines.push(Line::styled(
            "  None: the rota holds. c covers a shift.",
            theme::DIM,
        ));
    }
    let start = cursor.saturating_sub(room.saturating_sub(1));
    for (i, o) in listed.iter().enumerate().skip(start).take(room) {
        let mut style = Style::new();
        if i == cursor {
            style = style.add_modifier(Modifier::REVERSED);
        }
        if rows.is_removing(o.id) {
            style = style.patch(theme::PENDING);
        }
        let state = if o.in_force(model.now) {
            "in force"
        } else {
            "upcoming"
        };
        lines.push(Line::styled(
            format!(
                "  #{} {} {} → {} ({state}, by {})",
                o.id,
                o.responder,
                clock(model, o.start),
                clock(model, o.end),
                o.created_by
            ),
            style,
        ));
    }
    for asked in rows.covering.values() {
        lines.push(Line::styled(
            format!(
                "  … {} {} → {} (waiting for the hub)",
                asked.responder,
                clock(model, asked.start),
                clock(model, asked.end)
            ),
            theme::PENDING,
        ));
    }
    lines
}
