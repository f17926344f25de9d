//! The top bar: who you are, how the feed is, what is open.
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme;
use crate::console::model::{Health, Model};
use crate::incident::Severity;

pub fn draw(model: &Model, frame: &mut Frame, area: Rect) {
    let mut spans = vec![
        Span::styled(
            " oncall ",
            Style::new()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
        ),
        Span::raw(" "),
        Span::styled(
            model.responder.clone(),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        Span::styled(" │ ", theme::DIM),
    ];
    spans.extend(health(model));
    spans.push(Span::styled(" │ ", theme::DIM));
    let counts = model.open_counts();
    let total: usize = counts.iter().sum();
    if total == 0 {
        spans.push(Span::styled("nothing open", Style::new().fg(Color::Green)));
    } else {
        for (sev, n) in Severity::ALL.iter().zip(counts) {
            if n > 0 {
                spans.push(Span::styled(
                    format!("{n} {} ", sev.as_str()),
                    theme::severity(*sev),
                ));
            }
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn health(model: &Model) -> Vec<Span<'static>> {
    let name = model.feed.name.clone();
    match model.feed.health(model.now) {
        Health::Connecting => vec![Span::styled(
            format!("◌ {name}: connecting…"),
            Style::new().fg(Color::Yellow),
        )],
        Health::Live => vec![Span::styled(
            format!("● {name} live"),
            Style::new().fg(Color::Green),
        )],
        Health::Stale { secs, reason } => vec![
            Span::styled(
                format!("◐ {name} stale {}", short_secs(secs)),
                Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            ),
            Span::styled(format!(" ({reason})"), Style::new().fg(Color::Yellow)),
        ],
        Health::Offline { reason } => vec![
            Span::styled(format!("○ {name} offline"), theme::ERROR),
            Span::styled(format!(" ({reason})"), Style::new().fg(Color::Red)),
        ],
    }
}

fn short_secs(secs: i64) -> String {
    match secs {
        s if s < 120 => format!("{s}s"),
        s if s < 7200 => format!("{}m", s / 60),
        s => format!("{}h", s / 3600),
    }
}
