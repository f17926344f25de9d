//! The incident list: one row per incident, only the rows on screen built.
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};

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
    let show_owner = inner.width >= 60;
    let show_id = inner.width >= 90;
    let rows = usize::from(inner.height.saturating_sub(1));
    let end = (model.list_offset + rows).min(model.visible.len());
    let shown = model.visible[model.list_offset.min(end)..end]
        .iter()
        .enumerate()
        .map(|(n, &i)| {
            let inc = &model.incidents[i];
            let selected = model.list_offset + n == model.cursor;
            row(model, inc, show_id, show_owner, selected)
        });
    let mut widths = vec![
        Constraint::Length(4),
        Constraint::Length(1),
        Constraint::Length(3),
    ];
    let mut header = vec!["SEV", "S", "AGE"];
    if show_id {
        widths.push(Constraint::Length(5));
        header.push("ID");
    }
    widths.extend([
        Constraint::Length(if show_id { 11 } else { 8 }),
        Constraint::Fill(1),
    ]);
    header.extend(["SERVICE", "TITLE"]);
    if show_owner {
        widths.push(Constraint::Length(7));
        header.push("OWNER");
    }
    widths.push(Constraint::Length(4));
    header.push("   ×");
    let table = Table::new(shown, widths)
        .header(Row::new(header).style(theme::DIM.add_modifier(Modifier::BOLD)))
        .column_spacing(1);
    frame.render_widget(table, inner);
}

fn row<'a>(
    model: &Model,
    inc: &'a Incident,
    show_id: bool,
    show_owner: bool,
    selected: bool,
) -> Row<'a> {
    let status = match model.pending_for(inc.id) {
        Some(p) => Cell::from(Span::styled(
            if p.queued { "⧗" } else { "…" },
            theme::PENDING,
        )),
        None => Cell::from(Span::styled(
            theme::status_mark(inc.status),
            theme::status(inc.status),
        )),
    };
    let mine = inc.owner.as_deref() == Some(model.responder.as_str());
    let mut cells = vec![
        Cell::from(Span::styled(
            theme::severity_tag(inc.severity),
            theme::severity(inc.severity),
        )),
        status,
        Cell::from(age(model.now, inc.created_at)),
    ];
    if show_id {
        cells.push(Cell::from(Span::styled(format!("#{}", inc.id), theme::DIM)));
    }
    cells.push(Cell::from(inc.service.as_str()));
    cells.push(Cell::from(inc.title.as_str()));
    if show_owner {
        let owner = inc.owner.as_deref().unwrap_or("—");
        let style = if mine {
            theme::MINE.add_modifier(Modifier::BOLD)
        } else {
            Style::new()
        };
        cells.push(Cell::from(Span::styled(owner, style)));
    }
    let count = if inc.occurrences > 1 {
        format!("{:>4}", format!("×{}", compact(inc.occurrences)))
    } else {
        String::new()
    };
    cells.push(Cell::from(Line::styled(
        count,
        Style::new().add_modifier(Modifier::BOLD),
    )));
    let mut style = Style::new();
    if inc.status == crate::incident::Status::Resolved {
        style = style.add_modifier(Modifier::DIM);
    }
    if selected {
        style = style.add_modifier(Modifier::REVERSED);
    }
    Row::new(cells).style(style)
}

fn compact(n: u64) -> String {
    match n {
        n if n < 1000 => n.to_string(),
        n if n < 10_000 => format!("{}k", n / 1000),
        _ => "9k+".to_string(),
    }
}
