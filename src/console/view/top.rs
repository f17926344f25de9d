//! The top bar: who you are, which quick filters narrow the list, who is
//! on call, how the feed is, which heartbeats are late or down, your open
//! follow-ups, what is open.
//! Each part has a long and a short form; the short ones are used, most
//! expendable first, until the bar fits the terminal.
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme;
use crate::console::model::{ALARM_SECONDS, Health, Model, stale_for};
use crate::incident::{Heartbeat, HeartbeatState, Severity};

type Spans = Vec<Span<'static>>;

pub fn draw(model: &Model, frame: &mut Frame, area: Rect) {
    let parts = [
        rota(model),
        health(model),
        heartbeats(model),
        followups(model),
        counts(model),
    ];
    // Try all long, then shorten the counts, then the follow-ups, then the
    // heartbeats, then the rota, then the feed (its reason matters most
    // when it is failing).
    let mut short = [false; 5];
    let mut spans = assemble(model, &parts, short);
    for i in [4, 3, 2, 0, 1] {
        if width(&spans) <= usize::from(area.width) {
            break;
        }
        short[i] = true;
        spans = assemble(model, &parts, short);
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn assemble(model: &Model, parts: &[(Spans, Spans); 5], short: [bool; 5]) -> Spans {
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
    ];
    // The quick filters first and never shortened: a list narrowed without
    // saying so would hide what pages.
    if model.list.quick.any() {
        spans.push(Span::styled(" │ ", theme::DIM));
        spans.push(Span::styled(
            format!("only {}", model.list.quick.label()),
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
        ));
    }
    for (i, (long, brief)) in parts.iter().enumerate() {
        let part = if short[i] { brief } else { long };
        if !part.is_empty() {
            spans.push(Span::styled(" │ ", theme::DIM));
            spans.extend(part.iter().cloned());
        }
    }
    spans
}

fn width(spans: &Spans) -> usize {
    spans.iter().map(|s| s.width()).sum()
}

/// Who carries the pager and until when; the end counts down in its last hour.
fn rota(model: &Model) -> (Spans, Spans) {
    let Some(oncall) = &model.oncall else {
        return (Vec::new(), Vec::new());
    };
    let Some(shift) = &oncall.now else {
        let s = Span::styled("nobody on call", Style::new().fg(Color::Yellow));
        return (vec![s.clone()], vec![s]);
    };
    let mine = shift.who == model.responder;
    let who_style = if mine {
        theme::MINE.add_modifier(Modifier::BOLD)
    } else {
        Style::new().add_modifier(Modifier::BOLD)
    };
    let until = shift
        .until
        .with_timezone(&model.setup.tz)
        .format("%H:%M")
        .to_string();
    let countdown = model.shift_countdown(model.now);
    let ending = countdown.is_some();
    let mins = countdown.unwrap_or_default();
    let when_style = if ending {
        Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)
    } else {
        theme::DIM
    };
    let next = oncall.next.as_ref().map(|n| n.who.clone());

    let mut long = vec![
        Span::styled("on call ", theme::DIM),
        Span::styled(
            if mine {
                format!("{} (you)", shift.who)
            } else {
                shift.who.clone()
            },
            who_style,
        ),
        Span::styled(
            if ending {
                format!(" until {until}, {mins}m left")
            } else {
                format!(" until {until}")
            },
            when_style,
        ),
    ];
    let mut brief = vec![
        Span::styled(
            if mine {
                "you".to_string()
            } else {
                shift.who.clone()
            },
            who_style,
        ),
        Span::styled(
            if ending {
                format!(" →{until} ({mins}m)")
            } else {
                format!(" →{until}")
            },
            when_style,
        ),
    ];
    if let Some(next) = next {
        long.push(Span::styled(format!(" · next {next}"), theme::DIM));
        brief.push(Span::styled(format!(", then {next}"), theme::DIM));
    }
    (long, brief)
}

fn health(model: &Model) -> (Spans, Spans) {
    let (mut long, mut brief) = feed_health(model);
    if model.actions.waiting > 0 {
        let waiting = Span::styled(
            format!(" ⧗ {} queued", model.actions.waiting),
            theme::PENDING.add_modifier(Modifier::BOLD),
        );
        long.push(waiting.clone());
        brief.push(waiting);
    }
    (long, brief)
}

fn feed_health(model: &Model) -> (Spans, Spans) {
    let name = model.feed.name.clone();
    match model.feed.health(model.now) {
        Health::Connecting => {
            let style = Style::new().fg(Color::Yellow);
            (
                vec![Span::styled(format!("◌ {name}: connecting…"), style)],
                vec![Span::styled("◌ connecting", style)],
            )
        }
        Health::Live => {
            let style = Style::new().fg(Color::Green);
            // A feed of several hubs says which one answers; short, the
            // hub stands for the feed, and the green dot says it is live.
            match &model.feed.answering {
                Some(hub) => (
                    vec![
                        Span::styled(format!("● {name} live"), style),
                        Span::styled(format!(" via {hub}"), theme::DIM),
                    ],
                    vec![Span::styled(format!("● {hub}"), style)],
                ),
                None => (
                    vec![Span::styled(format!("● {name} live"), style)],
                    vec![Span::styled("● live", style)],
                ),
            }
        }
        Health::Stale { secs, reason } => {
            // Red once it has been stale for more than a minute.
            let colour = if secs > ALARM_SECONDS {
                Color::Red
            } else {
                Color::Yellow
            };
            let bold = Style::new().fg(colour).add_modifier(Modifier::BOLD);
            let age = stale_for(secs);
            (
                vec![
                    Span::styled(format!("◐ {name} stale {age}"), bold),
                    Span::styled(format!(" ({reason})"), Style::new().fg(colour)),
                ],
                vec![Span::styled(format!("◐ stale {age}"), bold)],
            )
        }
        Health::Offline { reason } => (
            vec![
                Span::styled(format!("○ {name} offline"), theme::ERROR),
                Span::styled(format!(" ({reason})"), Style::new().fg(Color::Red)),
            ],
            vec![Span::styled("○ offline", theme::ERROR)],
        ),
    }
}

fn counts(model: &Model) -> (Spans, Spans) {
    if !model.feed.known() {
        // No answer and no saved copy: an empty list means nothing here.
        let s = Span::styled("nothing known yet", Style::new().fg(Color::Yellow));
        let brief = Span::styled("nothing known", Style::new().fg(Color::Yellow));
        return (vec![s], vec![brief]);
    }
    let counts = model.list.open_counts;
    if counts.iter().sum::<usize>() == 0 {
        let s = Span::styled("nothing open", Style::new().fg(Color::Green));
        return (vec![s.clone()], vec![s]);
    }
    let mut long = Vec::new();
    let mut brief = Vec::new();
    for (sev, n) in Severity::ALL.iter().zip(counts).filter(|(_, n)| *n > 0) {
        long.push(Span::styled(
            format!("{n} {} ", sev.as_str()),
            theme::severity(*sev),
        ));
        brief.push(Span::styled(
            format!("{n}{} ", &sev.as_str()[..1].to_uppercase()),
            theme::severity(*sev),
        ));
    }
    (long, brief)
}

/// This responder's open follow-ups: `2 follow-ups, 1 overdue`, short
/// `2 f-ups!`; nothing when there are none.
fn followups(model: &Model) -> (Spans, Spans) {
    let (open, overdue) = model.followups.counts();
    if open == 0 {
        return (Vec::new(), Vec::new());
    }
    let plural = if open == 1 { "" } else { "s" };
    let style = if overdue > 0 {
        theme::ERROR
    } else {
        theme::DIM
    };
    let (long, brief) = if overdue > 0 {
        (
            format!("{open} follow-up{plural}, {overdue} overdue"),
            format!("{open} f-up{plural}!"),
        )
    } else {
        (
            format!("{open} follow-up{plural}"),
            format!("{open} f-up{plural}"),
        )
    };
    (
        vec![Span::styled(long, style)],
        vec![Span::styled(brief, style)],
    )
}

/// The heartbeats in trouble: `♥ backup down` (or `♥ 2 down 1 late` when
/// there are several), short `♥3`; nothing while all are well.
fn heartbeats(model: &Model) -> (Spans, Spans) {
    let trouble: Vec<&Heartbeat> = model
        .heartbeats
        .iter()
        .filter(|h| h.state.is_trouble())
        .collect();
    let Some(first) = trouble.first() else {
        return (Vec::new(), Vec::new());
    };
    let worst = if trouble.iter().any(|h| h.state == HeartbeatState::Down) {
        HeartbeatState::Down
    } else {
        HeartbeatState::Late
    };
    let style = super::heartbeats::style(worst);
    let long = match trouble.len() {
        1 => format!("♥ {} {}", first.name, first.state),
        _ => {
            let count = |s| trouble.iter().filter(|h| h.state == s).count();
            let mut parts = Vec::new();
            for state in [HeartbeatState::Down, HeartbeatState::Late] {
                if count(state) > 0 {
                    parts.push(format!("{} {state}", count(state)));
                }
            }
            format!("♥ {}", parts.join(" "))
        }
    };
    (
        vec![Span::styled(long, style)],
        vec![Span::styled(format!("♥{}", trouble.len()), style)],
    )
}
