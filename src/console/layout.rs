//! Where each pane goes for a terminal size. `update` needs it too (to wrap
//! the runbook and page the list), so it lives apart from drawing.
use ratatui::layout::{Constraint, Layout, Rect};

use super::model::Focus;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub top: Rect,
    pub list: Rect,
    pub detail: Rect,
    pub runbook: Rect,
    pub message: Rect,
    pub footer: Rect,
}

/// From this width the list goes beside the detail and runbook. Narrower,
/// its 60% would be under 80 columns, so its titles would be cut shorter
/// than on an 80-column terminal, where the list has the whole width; on top
/// of them, the runbook gets half the width, more than beside them.
pub const SIDE_BY_SIDE: u16 = 140;

/// Wide terminals put the list beside the detail and runbook (the list
/// taking the larger part, for its titles); narrower ones put it on top.
/// A zoomed pane takes all the room between the top bar and the message
/// line; the others get none.
pub fn areas(area: Rect, zoom: Option<Focus>) -> Areas {
    let [top, main, message, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(6),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let (list, detail, runbook) = match zoom {
        Some(Focus::List) => (main, Rect::default(), Rect::default()),
        Some(Focus::Runbook) => (Rect::default(), Rect::default(), main),
        None => panes(main, area.width),
    };
    Areas {
        top,
        list,
        detail,
        runbook,
        message,
        footer,
    }
}

/// The list, detail and runbook when none is zoomed.
fn panes(main: Rect, width: u16) -> (Rect, Rect, Rect) {
    if width >= SIDE_BY_SIDE {
        let [list, right] =
            Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)])
                .areas(main);
        let [detail, runbook] =
            Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(right);
        (list, detail, runbook)
    } else {
        let [list, bottom] =
            Layout::vertical([Constraint::Percentage(40), Constraint::Percentage(60)]).areas(main);
        let [detail, runbook] =
            Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)])
                .areas(bottom);
        (list, detail, runbook)
    }
}

/// Rows of the list that show incidents (inside the border, under the header).
pub fn list_rows(size: (u16, u16), zoom: Option<Focus>) -> usize {
    let a = areas(Rect::new(0, 0, size.0, size.1), zoom);
    usize::from(a.list.height.saturating_sub(3))
}

/// Width and height of the runbook text (inside the border, under the reason line).
pub fn runbook_text(size: (u16, u16), zoom: Option<Focus>) -> (u16, u16) {
    let a = areas(Rect::new(0, 0, size.0, size.1), zoom);
    (
        a.runbook.width.saturating_sub(2),
        a.runbook.height.saturating_sub(3),
    )
}

/// The hand-off popups: between the top bar and the message line (what
/// happened, such as the hub being down while the note is written, stays
/// in sight), centred, at most 100 wide.
pub fn popup(area: Rect) -> Rect {
    let width = area.width.saturating_sub(4).min(100);
    let height = area.height.saturating_sub(3);
    Rect::new(
        area.x + (area.width - width) / 2,
        area.y + area.height.min(1),
        width,
        height,
    )
}

/// Width and height inside the border of a popup (`popup`) on a terminal
/// of `size`: what the history's reader scrolls through.
pub fn popup_text(size: (u16, u16)) -> (u16, u16) {
    let p = popup(Rect::new(0, 0, size.0, size.1));
    (p.width.saturating_sub(2), p.height.saturating_sub(2))
}

/// Width and height of the note in the hand-off popup (inside the border,
/// above the rule and the line being written).
pub fn handoff_note(size: (u16, u16)) -> (u16, u16) {
    let p = popup(Rect::new(0, 0, size.0, size.1));
    (p.width.saturating_sub(2), p.height.saturating_sub(4))
}

/// How far the help can scroll on a terminal of `size`: the keys of the
/// list and one line about the other modes, less the rows inside its
/// border. Nothing when everything fits.
pub fn help_overflow(size: (u16, u16)) -> u16 {
    let keys = super::keys::rows(super::keys::Context::Normal).count();
    let room = usize::from(size.1.saturating_sub(2));
    if keys <= room {
        // It fits, drawn whole (see `view::help`).
        return 0;
    }
    u16::try_from(keys + 1 - room).unwrap_or(u16::MAX)
}
