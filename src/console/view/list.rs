//! The incident list: one row per incident, only the rows on screen built.
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

use super::theme;
use crate::console::keys::{self, KeyAction};
use crate::console::model::{Focus, Model, Widest, age};
use crate::incident::Incident;

pub fn draw(model: &Model, frame: &mut Frame, area: Rect) {
    let title = if !model.feed.known() {
        "Incidents".to_string()
    } else if model.list.filter.is_empty() {
        format!("Incidents ({})", model.list.visible.len())
    } else {
        format!(
            "Incidents ({} of {}) · filter: {}",
            model.list.visible.len(),
            model.list.incidents.len(),
            model.list.filter
        )
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
                "No incident matches the filter ({} clears it).",
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
    let end = (model.list.offset + rows).min(model.list.visible.len());
    let start = model.list.offset.min(end);
    for (n, &i) in model.list.visible[start..end].iter().enumerate() {
        let y = inner.y + 1 + n as u16;
        let selected = start + n == model.list.cursor;
        columns.row(
            buf,
            Rect::new(inner.x, y, inner.width, 1),
            model,
            &model.list.incidents[i],
            selected,
        );
    }
    let hidden = (start, model.list.visible.len() - end);
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

/// The list's columns for a width: the id and owner always, the service
/// and owner as wide as their longest (within limits) once the title has a
/// fair share, and the title all that is left.
struct Columns {
    id: u16,
    service: u16,
    owner: u16,
    title: u16,
}

const SPACING: u16 = 1;
/// What the title gets before the service and owner widen past their headers.
const FAIR_TITLE: u16 = 24;

impl Columns {
    fn for_width(width: u16, widest: Widest) -> Columns {
        let fit = |n: usize, min: u16, max: u16| u16::try_from(n).unwrap_or(max).clamp(min, max);
        let id = fit(widest.id, 2, 8);
        // SEV, S, AGE, ID, SERVICE, TITLE, OWNER, × and the gaps between.
        let narrowest = 4 + 1 + 3 + id + 7 + 5 + 4 + SPACING * 7;
        let mut spare = width.saturating_sub(narrowest + FAIR_TITLE);
        let mut widen = |want: u16| {
            let by = want.min(spare);
            spare -= by;
            by
        };
        let service = 7 + widen(fit(widest.service, 7, 12) - 7);
        let owner = 5 + widen(fit(widest.owner, 5, 10) - 5);
        Columns {
            id,
            service,
            owner,
            title: width.saturating_sub(narrowest + service - 7 + owner - 5),
        }
    }

    fn header(&self, buf: &mut Buffer, area: Rect) {
        let style = theme::DIM.add_modifier(Modifier::BOLD);
        let cells: [(&str, u16); 8] = [
            ("SEV", 4),
            ("S", 1),
            ("AGE", 3),
            ("ID", self.id),
            ("SERVICE", self.service),
            ("TITLE", self.title),
            ("OWNER", self.owner),
            ("   ×", 4),
        ];
        let mut x = area.x;
        for (text, width) in cells {
            x = put(buf, x, area, text, width, style);
        }
    }

    fn row(&self, buf: &mut Buffer, area: Rect, model: &Model, inc: &Incident, selected: bool) {
        let (mark, mark_style) = match model.pending_for(inc.id) {
            Some(p) => (if p.queued { "⧗" } else { "…" }, theme::PENDING),
            None => (theme::status_mark(inc.status), theme::status(inc.status)),
        };
        let mut x = area.x;
        x = put(
            buf,
            x,
            area,
            theme::severity_tag(inc.severity),
            4,
            theme::severity(inc.severity),
        );
        x = put(buf, x, area, mark, 1, mark_style);
        x = put(
            buf,
            x,
            area,
            &age(model.now, inc.created_at),
            3,
            Style::new(),
        );
        x = put(buf, x, area, &format!("#{}", inc.id), self.id, theme::DIM);
        x = put(buf, x, area, &inc.service, self.service, Style::new());
        x = put(buf, x, area, &inc.title, self.title, Style::new());
        let mine = inc.owner.as_deref() == Some(model.responder.as_str());
        let style = if mine {
            theme::MINE.add_modifier(Modifier::BOLD)
        } else {
            Style::new()
        };
        x = put(
            buf,
            x,
            area,
            inc.owner.as_deref().unwrap_or("—"),
            self.owner,
            style,
        );
        if inc.occurrences > 1 {
            let count = format!("{:>4}", format!("×{}", compact(inc.occurrences)));
            put(
                buf,
                x,
                area,
                &count,
                4,
                Style::new().add_modifier(Modifier::BOLD),
            );
        }
        let mut row_style = Style::new();
        if inc.status == crate::incident::Status::Resolved {
            row_style = row_style.add_modifier(Modifier::DIM);
        }
        if selected {
            row_style = row_style.add_modifier(Modifier::REVERSED);
        }
        if row_style != Style::new() {
            buf.set_style(area, row_style);
        }
    }
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

fn compact(n: u64) -> String {
    match n {
        n if n < 1000 => n.to_string(),
        n if n < 10_000 => format!("{}k", n / 1000),
        _ => "9k+".to_string(),
    }
}
