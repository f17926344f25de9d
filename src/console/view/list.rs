//! The incident list: one row per incident, only the rows on screen built.
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

use super::theme;
use crate::console::model::{Focus, Model, age};
use crate::incident::Incident;

pub fn draw(model: &Model, frame: &mut Frame, area: Rect) {
    let title = if model.filter.is_empty() {
        format!(" Incidents ({}) ", model.visible.len())
    } else {
        format!(
            " Incidents ({} of {}) · filter: {} ",
            model.visible.len(),
            model.incidents.len(),
            model.filter
        )
    };
    let block = Block::bordered()
        .title(title)
        .border_style(theme::border(model.focus == Focus::List));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if model.visible.is_empty() {
        let text = if model.incidents.is_empty() {
            match &model.feed.unavailable {
                Some(_) => "No feed: see the top bar. Runbooks still work (Tab to read).",
                None if model.feed.last_ok.is_none() => "Waiting for the feed…",
                None => "Nothing open. Quiet shift so far.",
            }
        } else {
            "No incident matches the filter (Esc clears it)."
        };
        frame.render_widget(Paragraph::new(Line::styled(text, theme::DIM)), inner);
        return;
    }
    let columns = Columns::for_width(inner.width);
    let buf = frame.buffer_mut();
    columns.header(buf, inner);
    // Only the rows on screen, written straight into the buffer: this runs
    // on every redraw, whatever the length of the list.
    let rows = usize::from(inner.height.saturating_sub(1));
    let end = (model.list_offset + rows).min(model.visible.len());
    let start = model.list_offset.min(end);
    for (n, &i) in model.visible[start..end].iter().enumerate() {
        let y = inner.y + 1 + n as u16;
        let selected = start + n == model.cursor;
        columns.row(
            buf,
            Rect::new(inner.x, y, inner.width, 1),
            model,
            &model.incidents[i],
            selected,
        );
    }
}

/// The list's columns for a width: fixed ones, and the title taking the rest.
struct Columns {
    id: bool,
    owner: bool,
    service: u16,
    title: u16,
}

const SPACING: u16 = 1;

impl Columns {
    fn for_width(width: u16) -> Columns {
        let id = width >= 90;
        let owner = width >= 60;
        let service = if id { 11 } else { 8 };
        // SEV, S, AGE, [ID], SERVICE, [OWNER], ×, and a space after each.
        let fixed = 4 + 1 + 3 + if id { 5 } else { 0 } + service + if owner { 7 } else { 0 } + 4;
        let gaps = SPACING * (if id { 7 } else { 6 } + u16::from(owner) - 1);
        Columns {
            id,
            owner,
            service,
            title: width.saturating_sub(fixed + gaps),
        }
    }

    fn header(&self, buf: &mut Buffer, area: Rect) {
        let style = theme::DIM.add_modifier(Modifier::BOLD);
        let mut cells: Vec<(&str, u16)> = vec![("SEV", 4), ("S", 1), ("AGE", 3)];
        if self.id {
            cells.push(("ID", 5));
        }
        cells.extend([("SERVICE", self.service), ("TITLE", self.title)]);
        if self.owner {
            cells.push(("OWNER", 7));
        }
        cells.push(("   ×", 4));
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
        if self.id {
            x = put(buf, x, area, &format!("#{}", inc.id), 5, theme::DIM);
        }
        x = put(buf, x, area, &inc.service, self.service, Style::new());
        x = put(buf, x, area, &inc.title, self.title, Style::new());
        if self.owner {
            let mine = inc.owner.as_deref() == Some(model.responder.as_str());
            let style = if mine {
                theme::MINE.add_modifier(Modifier::BOLD)
            } else {
                Style::new()
            };
            x = put(buf, x, area, inc.owner.as_deref().unwrap_or("—"), 7, style);
        }
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
