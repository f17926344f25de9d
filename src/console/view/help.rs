//! The `?` screen: every binding of the key table, with what it does.
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use unicode_width::UnicodeWidthStr;

use super::theme;
use crate::console::keys::BINDINGS;

pub fn draw(frame: &mut Frame, area: Rect) {
    let mut lines = Vec::new();
    // The title and spacing go first when the terminal is short (80x24).
    let roomy = usize::from(area.height) >= BINDINGS.len() + 8;
    if roomy {
        lines.push(Line::styled(
            "Keys",
            Style::new().add_modifier(Modifier::BOLD),
        ));
        lines.push(Line::default());
    }
    // The keys right-aligned in one column, as wide as the widest label.
    let keys = BINDINGS.iter().map(|b| b.label.width()).max().unwrap_or(0);
    for b in BINDINGS {
        let pad = " ".repeat(keys - b.label.width());
        lines.push(Line::from(vec![
            Span::styled(format!("{pad}{}  ", b.label), theme::KEY),
            Span::raw(b.help),
        ]));
    }
    if roomy {
        lines.push(Line::default());
    }
    lines.push(Line::styled(
        "In prompts: Enter confirms, Esc cancels. Esc in the list clears the filter.",
        theme::DIM,
    ));
    lines.push(Line::styled("Press any key to close.", theme::DIM));
    let width = (area.width.saturating_sub(2)).min(80);
    let height = (lines.len() as u16 + 2).min(area.height);
    let popup = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(" Help ").border_style(theme::KEY)),
        popup,
    );
}
