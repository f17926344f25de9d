//! The selected incident: what it is, where it stands, what happened to it.
use chrono::FixedOffset;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use unicode_width::UnicodeWidthStr;

use super::hyperlink;
use super::theme;
use super::wrap::wrap;
use crate::alertmanager::SOURCE_URL_LABEL;
use crate::console::keys::{self, KeyAction};
use crate::console::model::{IncidentLinks, Model, age, is_shown_label};
use crate::incident::{Incident, Status, TimelineEntry, level_name};

pub fn draw(model: &Model, frame: &mut Frame, area: Rect) {
    let Some(inc) = model.selected_incident() else {
        let block = Block::bordered()
            .title(" Incident ")
            .border_style(theme::DIM);
        frame.render_widget(
            Paragraph::new(Line::styled("Select an incident.", theme::DIM)).block(block),
            area,
        );
        return;
    };
    let title = Line::from(vec![
        Span::raw(format!(" #{} ", inc.id)),
        Span::styled(inc.severity.as_str(), theme::severity(inc.severity)),
        Span::raw(" · "),
        Span::styled(inc.status.as_str(), theme::status(inc.status)),
        Span::raw(match inc.squashed_by {
            Some(s) => format!(" · squashed by #{s} "),
            None => " ".to_string(),
        }),
    ]);
    let entries = model.selected_detail().map_or(0, |d| d.timeline.len());
    let inner = Block::bordered().inner(area);
    let height = usize::from(inner.height);
    let rows = wrap(&lines(model, inc, inner.width), inner.width, height);
    let mut block = Block::bordered().title(title).border_style(theme::DIM);
    if rows.len() > height && model.detail.timeline_scroll < entries {
        let older = format!(" ↓ {}: older ", keys::name(KeyAction::TimelineDown));
        block = block.title_bottom(Line::styled(older, theme::DIM).right_aligned());
    }
    let shown: Vec<Line> = rows.into_iter().take(height).collect();
    frame.render_widget(Paragraph::new(shown).block(block), area);
    if model.setup.hyperlinks && model.detail.timeline_scroll == 0 {
        link_rows(frame, inner, inc);
    }
}

/// Each clean link's row (the first row that reads as its line does)
/// becomes a terminal hyperlink to it, over the URL's text.
fn link_rows(frame: &mut Frame, inner: Rect, inc: &Incident) {
    let buf = frame.buffer_mut();
    for (label, url) in clean_links(inc) {
        let Some(shown) = fitted(&url, inner.width, label) else {
            continue;
        };
        let reads = format!("{label}{shown}");
        let found = (inner.top()..inner.bottom()).find(|&y| {
            let mut text = String::new();
            for x in inner.left()..inner.right() {
                text.push_str(buf[(x, y)].symbol());
                if text.len() >= reads.len() {
                    break;
                }
            }
            text == reads
        });
        if let Some(y) = found {
            let at = (inner.x + label.width() as u16, y);
            hyperlink::link(buf, inner, at, shown.width() as u16, &url);
        }
    }
}

/// The incident's clean links, with the label their line starts with.
fn clean_links(inc: &Incident) -> Vec<(&'static str, String)> {
    let links = IncidentLinks::of(inc);
    [(RUNBOOK_LABEL, links.runbook), (SOURCE_LABEL, links.source)]
        .into_iter()
        .filter_map(|(label, link)| Some((label, link?.ok()?)))
        .collect()
}

/// The pane's lines: the incident, then its timeline, newest first. Scrolled
/// into the timeline (`J`), only the title stays above it.
fn lines<'a>(model: &'a Model, inc: &'a Incident, width: u16) -> Vec<Line<'a>> {
    let mut out = vec![Line::styled(
        inc.title.as_str(),
        Style::new().add_modifier(Modifier::BOLD),
    )];
    let skip = model.detail.timeline_scroll.saturating_sub(1);
    if model.detail.timeline_scroll == 0 {
        out.extend(about(model, inc, width));
        out.push(Line::styled(
            "Timeline",
            Style::new().add_modifier(Modifier::BOLD),
        ));
    } else {
        let newer = keys::name(KeyAction::TimelineUp);
        let above = match skip {
            0 => format!(" · {newer}: back to the top"),
            n => format!(" · {n} newer above ({newer})"),
        };
        out.push(Line::from(vec![
            Span::styled("Timeline", Style::new().add_modifier(Modifier::BOLD)),
            Span::styled(above, theme::DIM),
        ]));
    }
    out.extend(timeline(model, inc, skip));
    out
}

/// Owner, level, service, age, labels, links and description.
fn about<'a>(model: &'a Model, inc: &'a Incident, width: u16) -> Vec<Line<'a>> {
    let mut out = Vec::new();
    let owner = match inc.owner.as_deref() {
        Some(o) if o == model.responder => Span::styled(
            format!("{o} (you)"),
            theme::MINE.add_modifier(Modifier::BOLD),
        ),
        Some(o) => Span::raw(o.to_string()),
        None => Span::styled("nobody", theme::status(crate::incident::Status::Triggered)),
    };
    let mut facts = vec![
        Span::styled("owner ", theme::DIM),
        owner,
        Span::styled(" · ", theme::DIM),
        Span::raw(level_name(inc.escalation_level)),
        Span::styled(" · service ", theme::DIM),
        Span::raw(inc.service.as_str()),
        Span::styled(" · opened ", theme::DIM),
        Span::raw(format!("{} ago", age(model.now, inc.created_at))),
    ];
    if inc.occurrences > 1 {
        facts.push(Span::styled(" · ", theme::DIM));
        facts.push(Span::styled(
            format!("repeated ×{}", inc.occurrences),
            Style::new().add_modifier(Modifier::BOLD),
        ));
    }
    if let Some(p) = model.pending_for(inc.id) {
        facts.push(Span::styled(
            if p.queued {
                format!(" · {} queued until the hub answers", p.action.verb())
            } else {
                format!(" · {} pending…", p.action.verb())
            },
            theme::PENDING,
        ));
    }
    out.push(Line::from(facts));
    if let Some(why) = model.actions.refused.get(&inc.id) {
        out.push(Line::styled(
            format!("{} {why}", theme::REFUSED_MARK),
            theme::ERROR,
        ));
    }
    if let Some(line) = roles(model, inc) {
        out.push(line);
    }
    if let Some(update) = &inc.status_update {
        // What stakeholders were last told, on one line however it was
        // written: the pane wraps it.
        let said: Vec<&str> = update.text.split_whitespace().collect();
        out.push(Line::from(vec![
            Span::styled("status update ", theme::DIM),
            Span::raw(said.join(" ")),
            Span::styled(
                format!(" ({}, {} ago)", update.by, age(model.now, update.at)),
                theme::DIM,
            ),
        ]));
    }
    let mut labels = inc
        .labels
        .iter()
        .filter(|(k, _)| is_shown_label(k))
        .peekable();
    if labels.peek().is_some() {
        let mut spans = vec![Span::styled("labels ", theme::DIM)];
        for (k, v) in labels {
            spans.push(Span::styled(format!("{k}="), theme::DIM));
            spans.push(Span::raw(format!("{v} ")));
        }
        out.push(Line::from(spans));
    }
    out.extend(link_lines(inc, width));
    if !inc.description.is_empty() {
        out.push(Line::default());
        out.extend(inc.description.lines().map(Line::raw));
    }
    out.push(Line::default());
    out
}

const RUNBOOK_LABEL: &str = "runbook ";
const SOURCE_LABEL: &str = "source ";

/// A line for the runbook URL and one for the alert's source. A clean one
/// is shown as the URL it opens (`O`), cut to one row so its hyperlink has
/// one place; one that is not a web link is shown as it came, dim.
fn link_lines(inc: &Incident, width: u16) -> Vec<Line<'static>> {
    let links = IncidentLinks::of(inc);
    let mut out = Vec::new();
    for (label, link) in [
        (RUNBOOK_LABEL, &links.runbook),
        (SOURCE_LABEL, &links.source),
    ] {
        let raw = match label {
            RUNBOOK_LABEL => inc.runbook_url.as_deref(),
            _ => inc.labels.get(SOURCE_URL_LABEL),
        };
        let shown = match (link, raw) {
            (Some(Ok(url)), _) => match fitted(url, width, label) {
                Some(shown) => Span::styled(shown, Style::new().add_modifier(Modifier::UNDERLINED)),
                None => continue,
            },
            (Some(Err(_)), Some(raw)) => Span::styled(raw.to_string(), theme::DIM),
            _ => continue,
        };
        out.push(Line::from(vec![Span::styled(label, theme::DIM), shown]));
    }
    out
}

/// `url` cut to what fits on one row after `label`, with `…` where it was
/// cut; `None` when not even a few characters would.
fn fitted(url: &str, width: u16, label: &str) -> Option<String> {
    let room = usize::from(width).checked_sub(label.width())?;
    if room < 4 {
        return None;
    }
    if url.len() <= room {
        return Some(url.to_string());
    }
    Some(format!("{}…", &url[..room - 1]))
}

/// Who else is on it and how it came to its owner, on one line: a major
/// incident and its manager, the helpers, a snooze, a take-over.
fn roles<'a>(model: &Model, inc: &'a Incident) -> Option<Line<'a>> {
    let mut spans = Vec::new();
    let part = |spans: &mut Vec<Span<'a>>, label: &'static str, what: Span<'a>| {
        if !spans.is_empty() {
            spans.push(Span::styled(" · ", theme::DIM));
        }
        spans.push(Span::styled(label, theme::DIM));
        spans.push(what);
    };
    if inc.major {
        let manager = inc.incident_manager.as_deref().unwrap_or("nobody yet");
        spans.push(Span::styled("MAJOR INCIDENT", theme::ERROR));
        part(&mut spans, "incident manager ", Span::raw(manager));
    }
    if !inc.helpers.is_empty() {
        part(&mut spans, "helping ", Span::raw(inc.helpers.join(", ")));
    }
    if let Some(until) = inc.snoozed_until {
        let local = until.with_timezone(&model.setup.tz).format("%H:%M");
        part(
            &mut spans,
            "snoozed until ",
            Span::styled(local.to_string(), theme::status(Status::Acknowledged)),
        );
    }
    if let (Some(by), Some(owner)) = (inc.assigned_by.as_deref(), inc.owner.as_deref()) {
        let how = match (inc.previous_owner.as_deref(), by == owner) {
            (Some(from), true) => format!("taken over from {from}"),
            (None, true) => "taken over".to_string(),
            (Some(from), false) => format!("given by {by}, from {from}"),
            (None, false) => format!("given by {by}"),
        };
        part(&mut spans, "", Span::raw(how));
    }
    (!spans.is_empty()).then(|| Line::from(spans))
}

/// The timeline, newest first, less the `skip` newest entries.
fn timeline<'a>(model: &'a Model, inc: &'a Incident, skip: usize) -> Vec<Line<'a>> {
    let mut out = Vec::new();
    match model.selected_detail() {
        Some(detail) => {
            // Newest first: what happened last is what the responder needs.
            for e in detail.timeline.iter().rev().skip(skip) {
                out.push(entry(e, model.setup.tz, "%H:%M"));
            }
            if detail.version < inc.version {
                out.push(Line::styled("updating…", theme::PENDING));
            }
        }
        None => out.push(Line::styled("loading…", theme::DIM)),
    }
    out
}

/// One entry of a timeline on one line, its times in `tz` written as
/// `clock` says ("%H:%M"): when, who, what happened and what was said.
pub(super) fn entry(e: &TimelineEntry, tz: FixedOffset, clock: &str) -> Line<'static> {
    // When it was done; when that is not when the hub got it (it waited in
    // an outbox), that is said at the end.
    let taken = e.taken_at.unwrap_or(e.at);
    let local = taken.with_timezone(&tz).format(clock);
    let mut spans = vec![
        Span::styled(format!("{local} "), theme::DIM),
        Span::styled(
            format!("{} ", e.who),
            Style::new().add_modifier(Modifier::BOLD),
        ),
    ];
    let text = e.text.replace('\n', " ");
    // The hub's own summaries already say what happened ("escalated from ...").
    if text.starts_with(e.kind.as_str()) {
        spans.push(Span::raw(text));
    } else {
        spans.push(Span::raw(e.kind.as_str()));
        if !text.is_empty() {
            spans.push(Span::styled(": ", theme::DIM));
            spans.push(Span::raw(text));
        }
    }
    if e.taken_at.is_some() {
        let arrived = e.at.with_timezone(&tz).format(clock);
        spans.push(Span::styled(
            format!(" (kept offline, reached the hub {arrived})"),
            theme::DIM,
        ));
    }
    Line::from(spans)
}
