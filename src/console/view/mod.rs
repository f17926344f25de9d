//! `view(&Model, &mut Frame)`: draws, and nothing else. Only the rows that
//! fit on screen are built.
mod bottom;
mod browse;
mod detail;
mod followup;
mod handoff;
mod heartbeats;
mod help;
pub(crate) mod history;
mod hyperlink;
mod list;
mod report;
mod rota;
mod runbook;
mod squash;
mod theme;
mod top;
mod wrap;

use ratatui::Frame;

use super::layout;
use super::model::{Mode, Model};

pub fn view(model: &Model, frame: &mut Frame) {
    let a = layout::areas(frame.area(), model.zoom());
    top::draw(model, frame, a.top);
    // A zoomed pane leaves the others no room: they are not drawn.
    if !a.list.is_empty() {
        list::draw(model, frame, a.list);
    }
    if !a.detail.is_empty() {
        detail::draw(model, frame, a.detail);
    }
    if !a.runbook.is_empty() {
        runbook::draw(model, frame, a.runbook);
    }
    bottom::draw_message(model, frame, a.message);
    bottom::draw_footer(model, frame, a.footer);
    match &model.mode {
        Mode::Help { scroll } => help::draw(frame, frame.area(), *scroll),
        Mode::Heartbeats => heartbeats::draw(model, frame, frame.area()),
        Mode::Handoff {
            shift,
            to,
            words,
            scroll,
        } => handoff::draw_compose(
            model,
            frame,
            frame.area(),
            shift,
            to.as_ref(),
            words,
            *scroll,
        ),
        Mode::ReadHandoff { scroll } => {
            if let Some(h) = &model.handoff.received {
                handoff::draw_read(frame, frame.area(), h, *scroll)
            }
        }
        Mode::Report { report, scroll } => report::draw(frame, frame.area(), report, *scroll),
        Mode::Browse {
            input,
            hits,
            cursor,
        } => browse::draw(
            frame,
            frame.area(),
            input,
            hits,
            *cursor,
            model.library.problems(),
        ),
        Mode::Squash(form) => squash::draw_form(model, frame, frame.area(), form),
        Mode::Squashes { cursor, confirm } => {
            squash::draw_list(model, frame, frame.area(), *cursor, *confirm)
        }
        Mode::Rota { cursor, step } => rota::draw(model, frame, frame.area(), *cursor, step),
        Mode::Followups(popup) => followup::draw_list(model, frame, frame.area(), popup),
        Mode::History(search) => history::draw(model, frame, frame.area(), search),
        _ => {}
    }
    if model.setup.monochrome {
        without_colour(frame.buffer_mut());
    }
}

/// Takes every colour out of what was drawn, keeping bold, reverse video and
/// the rest: one place, so no pane can forget `NO_COLOR`.
fn without_colour(buffer: &mut ratatui::buffer::Buffer) {
    for cell in &mut buffer.content {
        cell.set_fg(ratatui::style::Color::Reset);
        cell.set_bg(ratatui::style::Color::Reset);
    }
}
