//! The incident list: one row per incident, only the rows on screen built.
use std::borrow::Cow;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

use super::theme;
use crate::console::keys::{self, KeyAction};
use crate::console::model::{Focus, Group, Grouping, Model, Row, Widest, age};
use crate::incident::{Incident, Status};

pub fn draw(model: &Model, frame: &mut Frame, area: Rect) {
    let title = if !model.feed.known() {
        "Incidents".to_string()
    } else if model.list.filter.is_empty() && !model.list.quick.any() {
        format!("Incidents ({})", model.list.visible.len())
    } else if model.list.filter.is_empty() {
        format!(
            "Incidents ({} of {})",
            model.list.visible.len(),
            model.list.incidents.len()
        )
    } else {
        format!(
            "Incidents ({} of {}) · filter: {}",
            model.list.visible.len(),
            model.list.incidents.len(),
            model.list.filter
        )
    };
    let title = match model.list.grouping {
        Grouping::Off => title,
        g => format!("{title} · {}", g.label()),
    };
    let focused = model.focus == Focus::List;
    let block = Block::bordered()
        .title(theme::pane_title(&title, focused))
        .border_style(theme::border(focused));
    let block = theme::zoomed(block, model.zoomed);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if model.list.visible.is_empty() {
        let text = if model.list.incidents.is_empty() {
            match (&model.feed.unavailable, &model.feed.last_error) {
                (Some(_), _) => format!(
                    "No feed: see the top bar. Runbooks still work ({} to read).",
                    keys::name(KeyAction::SwitchFocus)
                ),
                (None, Some(_)) if !model.feed.known() => {
                    "Nothing known: the feed has not answered yet, and there is no saved copy."
                        .to_string()
                }
                (None, None) if !model.feed.known() => "Waiting for the feed…".to_string(),
                _ => "Nothing open. Quiet shift so far.".to_string(),
            }
        } else {
            format!(
                "No incident matches the filters ({} clears them).",
                keys::name(KeyAction::ClearFilter)
            )
        };
        frame.render_widget(Paragraph::new(Line::styled(text, theme::DIM)), inner);
        return;
    }
    let columns = Columns::for_width(inner.width, model.list.widest);
    let buf = frame.buffer_mut();
    columns.header(buf, inner);
    // Only the rows on screen, written straight into the buffer: this runs
    // on every redraw, whatever the length of the list.
    let rows = usize::from(inner.height.saturating_sub(1));
    let end = (model.list.offset + rows).min(model.list.rows.len());
    let start = model.list.offset.min(end);
    for (n, row) in model.list.rows[start..end].iter().enumerate() {
        let y = inner.y + 1 + n as u16;
        let selected = start + n == model.list.cursor;
        let area = Rect::new(inner.x, y, inner.width, 1);
        match *row {
            Row::Incident { index, member } => {
                let inc = &model.list.incidents[index];
                let shown = Shown {
                    selected,
                    member,
                    marked: model.list.marked.contains(&inc.id),
                };
                columns.row(buf, area, model, inc, shown);
            }
            Row::Group(g) => {
                if let Some(group) = model.list.groups.get(g) {
                    columns.group_row(buf, area, model, group, selected);
                }
            }
        }
    }
    let hidden = (start, model.list.rows.len() - end);
    if hidden != (0, 0) {
        let line = Line::styled(
            format!(" {} above · {} below ", hidden.0, hidden.1),
            theme::DIM,
        );
        let bottom = Rect::new(
            area.x + 1,
            area.bottom().saturating_sub(1),
            area.width.saturating_sub(2),
            1,
        );
        frame.render_widget(Paragraph::new(line).right_aligned(), bottom);
    }
}

/// What a column of the list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Marked (`v`), or a group's open or closed sign.
    Mark,
    Severity,
    Status,
    Age,
    Id,
    Service,
    Title,
    Owner,
    Count,
}

/// A column of the list: its header, and how wide it may be. A column
/// whose `min` and `max` differ is as wide as what it holds, within them.
struct Column {
    kind: Kind,
    header: &'static str,
    min: u16,
    max: u16,
}

/// The list's columns, once: the header, the widths and every row follow
/// this. The title takes what the others leave.
const COLUMNS: [Column; 9] = [
    Column::fixed(Kind::Mark, "", 1),
    Column::fixed(Kind::Severity, "SEV", 4),
    Column::fixed(Kind::Status, "S", 1),
    Column::fixed(Kind::Age, "AGE", 3),
    Column::new(Kind::Id, "ID", 2, 8),
    Column::new(Kind::Service, "SERVICE", 7, 12),
    Column::new(Kind::Title, "TITLE", 0, u16::MAX),
    Column::new(Kind::Owner, "OWNER", 5, 10),
    Column::fixed(Kind::Count, "   ×", 4),
];

const SPACING: u16 = 1;
/// What the title gets before the service and owner widen past their headers.
const FAIR_TITLE: u16 = 24;

impl Column {
    const fn new(kind: Kind, header: &'static str, min: u16, max: u16) -> Column {
        Column {
            kind,
            header,
            min,
            max,
        }
    }

    const fn fixed(kind: Kind, header: &'static str, width: u16) -> Column {
        Column::new(kind, header, width, width)
    }

    /// How wide the column would be for what it holds.
    fn wanted(&self, widest: Widest) -> u16 {
        let held = match self.kind {
            Kind::Id => widest.id,
            Kind::Service => widest.service,
            Kind::Owner => widest.owner,
            _ => 0,
        };
        u16::try_from(held)
            .unwrap_or(self.max)
            .clamp(self.min, self.max)
    }

    /// What the column shows for `inc`, if anything.
    fn cell<'a>(&self, model: &'a Model, inc: &'a Incident) -> Option<(Cow<'a, str>, Style)> {
        let plain = Style::new();
        Some(match self.kind {
            Kind::Mark => return None,
            Kind::Severity => (
                theme::severity_tag(inc.severity).into(),
                theme::severity(inc.severity),
            ),
            Kind::Status => match model.pending_for(inc.id) {
                Some(p) => ((if p.queued { "⧗" } else { "…" }).into(), theme::PENDING),
                // Squashed: it pages nobody (the detail pane says by which).
                None if inc.squashed_by.is_some() && inc.status.is_open() => {
                    (theme::SQUASHED_MARK.into(), theme::DIM)
                }
                // Snoozed: acknowledged, back by itself (the detail says when).
                None if inc.snoozed_until.is_some() && inc.status == Status::Acknowledged => (
                    theme::SNOOZED_MARK.into(),
                    theme::status(Status::Acknowledged),
                ),
                None => (
                    theme::status_mark(inc.status).into(),
                    theme::status(inc.status),
                ),
            },
            Kind::Age => (age(model.now, inc.created_at).into(), plain),
            Kind::Id => (format!("#{}", inc.id).into(), theme::DIM),
            Kind::Service => (inc.service.as_str().into(), plain),
            // A major incident says so before its title, with its manager.
            Kind::Title if inc.major => (
                format!("{} {}", major_mark(inc), inc.title).into(),
                Style::new().add_modifier(Modifier::BOLD),
            ),
            Kind::Title => (inc.title.as_str().into(), plain),
            Kind::Owner => {
                let mine = inc.owner.as_deref() == Some(model.responder.as_str());
                let style = if mine {
                    theme::MINE.add_modifier(Modifier::BOLD)
                } else {
                    plain
                };
                (owner_cell(inc), style)
            }
            Kind::Count if inc.occurrences > 1 => (
                format!("{:>4}", format!("×{}", compact(inc.occurrences))).into(),
                Style::new().add_modifier(Modifier::BOLD),
            ),
            Kind::Count => return None,
        })
    }
}

/// The columns' widths for a width: the id always as wide as it needs,
/// the service and owner as wide as their longest (within limits) once
/// the title has a fair share, and the title all that is left.
struct Columns {
    widths: [u16; COLUMNS.len()],
}

impl Columns {
    fn for_width(width: u16, widest: Widest) -> Columns {
        let mut widths = COLUMNS.map(|c| match c.kind {
            Kind::Id => c.wanted(widest),
            _ => c.min,
        });
        let gaps = SPACING * (COLUMNS.len() as u16 - 1);
        let narrowest = widths.iter().sum::<u16>() + gaps;
        let mut spare = width.saturating_sub(narrowest + FAIR_TITLE);
        for (c, w) in COLUMNS.iter().zip(&mut widths) {
            if matches!(c.kind, Kind::Service | Kind::Owner) {
                let by = (c.wanted(widest) - *w).min(spare);
                spare -= by;
                *w += by;
            }
        }
        let taken = widths.iter().sum::<u16>() + gaps;
        for (c, w) in COLUMNS.iter().zip(&mut widths) {
            if c.kind == Kind::Title {
                *w = width.saturating_sub(taken);
            }
        }
        Columns { widths }
    }

    fn header(&self, buf: &mut Buffer, area: Rect) {
        let style = theme::DIM.add_modifier(Modifier::BOLD);
        let mut x = area.x;
        for (c, width) in COLUMNS.iter().zip(self.widths) {
            x = put(buf, x, area, c.header, width, style);
        }
    }

    fn row(&self, buf: &mut Buffer, area: Rect, model: &Model, inc: &Incident, shown: Shown) {
        let mut x = area.x;
        for (c, width) in COLUMNS.iter().zip(self.widths) {
            let cell = match c.kind {
                Kind::Mark if shown.marked => Some((theme::MARKED.into(), theme::KEY)),
                Kind::Status
                    if model.actions.refused.contains_key(&inc.id)
                        && model.pending_for(inc.id).is_none() =>
                {
                    Some((theme::REFUSED_MARK.into(), theme::ERROR))
                }
                // A member of an open group, under it.
                Kind::Title if shown.member => c
                    .cell(model, inc)
                    .map(|(text, style)| (format!("  {text}").into(), style)),
                _ => c.cell(model, inc),
            };
            x = match cell {
                Some((text, style)) => put(buf, x, area, &text, width, style),
                None => x.saturating_add(width + SPACING),
            };
        }
        let mut row_style = Style::new();
        if inc.status == crate::incident::Status::Resolved {
            row_style = row_style.add_modifier(Modifier::DIM);
        }
        if shown.selected {
            row_style = row_style.add_modifier(Modifier::REVERSED);
        }
        if row_style != Style::new() {
            buf.set_style(area, row_style);
        }
    }
}

impl Columns {
    /// A group's row: how bad at worst, in what state, since when, whose,
    /// and how many, with how many of them pending, refused and marked.
    fn group_row(
        &self,
        buf: &mut Buffer,
        area: Rect,
        model: &Model,
        group: &Group,
        selected: bool,
    ) {
        let open = model.list.open.contains(&group.key);
        let first = group.members.first().map(|&i| &model.list.incidents[i]);
        let pending = model
            .actions
            .pending
            .values()
            .filter(|p| group.has(p.id))
            .map(|p| p.id)
            .collect::<std::collections::BTreeSet<u64>>()
            .len();
        // Each counted from the smaller side: a group of fifty among ten
        // thousand marks costs fifty lookups, not ten thousand.
        let refused = count_in(group, model.actions.refused.keys(), |id| {
            model.actions.refused.contains_key(id)
        });
        let marked = count_in(group, model.list.marked.iter(), |id| {
            model.list.marked.contains(id)
        });
        let mut x = area.x;
        for (c, width) in COLUMNS.iter().zip(self.widths) {
            let cell: Option<(Cow<str>, Style)> = match c.kind {
                Kind::Mark => Some((if open { "▾" } else { "▸" }.into(), theme::KEY)),
                Kind::Severity => Some((
                    theme::severity_tag(group.worst).into(),
                    theme::severity(group.worst),
                )),
                Kind::Status if pending > 0 => Some(("…".into(), theme::PENDING)),
                Kind::Status if refused > 0 => Some((theme::REFUSED_MARK.into(), theme::ERROR)),
                Kind::Status => {
                    let status = if group.triggered > 0 {
                        Status::Triggered
                    } else {
                        Status::Acknowledged
                    };
                    Some((theme::status_mark(status).into(), theme::status(status)))
                }
                Kind::Age => Some((age(model.now, group.since).into(), Style::new())),
                Kind::Service => match (group.services, first) {
                    (1, Some(inc)) => Some((inc.service.as_str().into(), Style::new())),
                    (n, _) => Some((format!("{n} services").into(), theme::DIM)),
                },
                Kind::Title => Some((
                    group_title(group, pending, refused, marked).into(),
                    Style::new().add_modifier(Modifier::BOLD),
                )),
                Kind::Owner => Some(match group.owners.as_slice() {
                    [] => ("—".into(), Style::new()),
                    [one] => (one.as_str().into(), Style::new()),
                    [one, rest @ ..] => (format!("{one} +{}", rest.len()).into(), Style::new()),
                }),
                Kind::Id | Kind::Count => None,
            };
            x = match cell {
                Some((text, style)) => put(buf, x, area, &text, width, style),
                None => x.saturating_add(width + SPACING),
            };
        }
        if selected {
            buf.set_style(area, Style::new().add_modifier(Modifier::REVERSED));
        }
    }
}

/// How many of `group`'s members are in a set, walking the set or the
/// group, whichever is smaller.
fn count_in<'a>(
    group: &Group,
    set: impl ExactSizeIterator<Item = &'a u64>,
    holds: impl Fn(&u64) -> bool,
) -> usize {
    if set.len() <= group.ids.len() {
        set.filter(|id| group.has(**id)).count()
    } else {
        group.ids.iter().filter(|id| holds(id)).count()
    }
}

/// "30: 28 triggered, 2 ack, 3 pending · DiskFull": how many and in what
/// state first, so that a narrow terminal cuts the alert's name, not them.
fn group_title(group: &Group, pending: usize, refused: usize, marked: usize) -> String {
    let mut parts = Vec::new();
    for (n, what) in [
        (group.triggered, "triggered"),
        (group.acknowledged, "ack"),
        (pending, "pending"),
        (refused, "refused"),
        (marked, "marked"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {what}"));
        }
    }
    format!(
        "{}: {} · {}",
        group.members.len(),
        parts.join(", "),
        group.key
    )
}

/// How an incident's row is drawn besides what it holds.
#[derive(Debug, Clone, Copy)]
struct Shown {
    selected: bool,
    /// Under its open group, indented.
    member: bool,
    marked: bool,
}

/// Writes `text` cut to `width` columns at `x`; returns where the next
/// column starts.
fn put(buf: &mut Buffer, x: u16, area: Rect, text: &str, width: u16, style: Style) -> u16 {
    let room = area.right().saturating_sub(x).min(width);
    if room > 0 {
        if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            // Printable ASCII is one column a byte: no grapheme segmentation,
            // which was most of a frame. Anything else (controls included,
            // should one ever get past the feed's cleaning) goes the long way.
            for (i, b) in text.bytes().take(usize::from(room)).enumerate() {
                buf[(x + i as u16, area.y)]
                    .set_char(char::from(b))
                    .set_style(style);
            }
        } else {
            buf.set_stringn(x, area.y, text, usize::from(room), style);
        }
    }
    x.saturating_add(width + SPACING)
}

/// "[major: dave]": a major incident, and who runs it.
fn major_mark(inc: &Incident) -> String {
    match inc.incident_manager.as_deref() {
        Some(manager) => format!("[major: {manager}]"),
        None => "[major]".to_string(),
    }
}

/// The owner, and how many help them: "alice +2".
pub fn owner_cell(inc: &Incident) -> Cow<'_, str> {
    let owner = inc.owner.as_deref().unwrap_or("—");
    match inc.helpers.len() {
        0 => owner.into(),
        n => format!("{owner} +{n}").into(),
    }
}

fn compact(n: u64) -> String {
    match n {
        n if n < 1000 => n.to_string(),
        n if n < 10_000 => format!("{}k", n / 1000),
        _ => "9k+".to_string(),
    }
}
