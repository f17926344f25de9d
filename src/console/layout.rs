//! Where each pane goes for a terminal size. `update` needs it too (to wrap
//! the runbook and page the list), so it lives apart from drawing.
use ratatui::layout::{Constraint, Layout, Rect};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub top: Rect,
    pub list: Rect,
    pub detail: Rect,
    pub runbook: Rect,
    pub message: Rect,
    pub footer: Rect,
}

/// From this width the list goes beside the detail and runbook: narrower,
/// beside them, its titles would be cut shorter than on top of them.
pub const SIDE_BY_SIDE: u16 = 120;

/// Wide terminals put the list beside the detail and runbook (the list
/// taking the larger part, for its titles); narrower ones put it on top.
pub fn areas(area: Rect) -> Areas {
    let [top, main, message, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(6),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    if area.width >= SIDE_BY_SIDE {
        let [list, right] =
            Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)])
                .areas(main);
        let [detail, runbook] =
            Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(right);
        Areas {
            top,
            list,
            detail,
            runbook,
            message,
            footer,
        }
    } else {
        let [list, bottom] =
            Layout::vertical([Constraint::Percentage(40), Constraint::Percentage(60)]).areas(main);
        let [detail, runbook] =
            Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)])
                .areas(bottom);
        Areas {
            top,
            list,
            detail,
            runbook,
            message,
            footer,
        }
    }
}

/// Rows of the list that show incidents (inside the border, under the header).
pub fn list_rows(size: (u16, u16)) -> usize {
    let a = areas(Rect::new(0, 0, size.0, size.1));
    usize::from(a.list.height.saturating_sub(3))
}

/// Width and height of the runbook text (inside the border, under the reason line).
pub fn runbook_text(size: (u16, u16)) -> (u16, u16) {
    let a = areas(Rect::new(0, 0, size.0, size.1));
    (
        a.runbook.width.saturating_sub(2),
        a.runbook.height.saturating_sub(3),
    )
}

/// The hand-off popups: most of the screen, centred, at most 100 wide.
pub fn popup(area: Rect) -> Rect {
    let width = area.width.saturating_sub(4).min(100);
    let height = area.height.saturating_sub(2);
    Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    )
}

/// Width and height of the note in the hand-off popup (inside the border,
/// above the rule and the line being written).
pub fn handoff_note(size: (u16, u16)) -> (u16, u16) {
    let p = popup(Rect::new(0, 0, size.0, size.1));
    (p.width.saturating_sub(2), p.height.saturating_sub(4))
}
