//! The heartbeats box (`h`): every heartbeat the hub watches, those down
//! and late first, each with its state, its last ping and when the next is
//! due, in the console's time zone. Any key closes it. The texts came from
//! the hub and were made inert when received (`feed::heartbeats`).
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::theme;
use crate::console::model::Model;
use crate::incident::{Heartbeat, HeartbeatState};

pub fn draw(model: &Model, frame: &mut Frame, area: Rect) {
    let width = area.width.saturating_sub(4).min(100);
    // state, last ping and next due are as wide as their texts; the name
    // and the service share the rest, the name the larger part.
    let rest = usize::from(width.saturating_sub(2)).saturating_sub(9 + 18 + 10);
    let service_w = (rest * 2 / 5).min(20);
    let name_w = rest.saturating_sub(service_w + 1);
    let mut rows: Vec<&Heartbeat> = model.heartbeats.iter().collect();
    rows.sort_by_key(|h| rank(h.state));
    let mut lines = vec![Line::styled(
        format!(
            "{:<8} {:<name_w$} {:<service_w$} {:<17} {}",
            "state", "name", "service", "last ping", "next due"
        ),
        Style::new().add_modifier(Modifier::BOLD),
    )];
    if rows.is_empty() {
        lines.push(Line::styled(
            "No heartbeats: the hub watches none (they are set in its [[hub.heartbeats]]).",
            theme::DIM,
        ));
    }
    let when = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map_or("-".to_string(), |t| {
            t.with_timezone(&model.setup.tz)
                .format("%a %H:%M")
                .to_string()
        })
    };
    for h in rows {
        let last = match h.last_status {
            Some(status) => format!("{} {status}", when(h.last_ping)),
            None => when(h.last_ping),
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{:<8} ", h.state.as_str()), style(h.state)),
            Span::raw(format!(
                "{:<name_w$} {:<service_w$} {:<17} {}",
                clip(&h.name, name_w),
                clip(&h.service, service_w),
                last,
                when(h.next_due)
            )),
        ]));
    }
    lines.push(Line::default());
    lines.push(Line::styled("Press any key to close.", theme::DIM));
    let height = u16::try_from(lines.len() + 2)
        .unwrap_or(u16::MAX)
        .min(area.height);
    let boxed = Rect {
        x: area.x + (area.width.saturating_sub(width)) / 2,
        y: area.y + (area.height.saturating_sub(height)) / 2,
        width,
        height,
    };
    frame.render_widget(Clear, boxed);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .title(" Heartbeats ")
                .border_style(theme::KEY),
        ),
        boxed,
    );
}

/// Down first, then late, running, up and new.
fn rank(state: HeartbeatState) -> u8 {
    match state {
        HeartbeatState::Down => 0,
        HeartbeatState::Late => 1,
        HeartbeatState::Running => 2,
        HeartbeatState::Up => 3,
        HeartbeatState::New => 4,
    }
}

pub fn style(state: HeartbeatState) -> Style {
    match state {
        HeartbeatState::Down => theme::ERROR,
        HeartbeatState::Late => Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
        HeartbeatState::Running => Style::new().fg(Color::Cyan),
        HeartbeatState::Up => Style::new().fg(Color::Green),
        HeartbeatState::New => theme::DIM,
    }
}

/// `text` in at most `width` characters, an ellipsis marking a cut.
fn clip(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let kept: String = text.chars().take(width.saturating_sub(1)).collect();
    format!("{kept}…")
}
