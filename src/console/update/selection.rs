//! The list's order, filter and selection, and what follows the selection:
//! its matched runbooks, its rendered runbook, its detail fetch.
use super::super::keys::KeyAction;
use super::super::layout;
use super::super::model::{Focus, Model, Widest, passes, sort_key};
use super::super::msg::Command;
use crate::feed::{Action, Request};
use crate::incident::Status;
use crate::runbook::{Query, rank};

/// Open incidents by severity, most severe first: kept with the list, so a
/// frame never counts them.
fn count_open(incidents: &[crate::incident::Incident]) -> [usize; 4] {
    let mut counts = [0; 4];
    for inc in incidents.iter().filter(|i| i.status.is_open()) {
        counts[inc.severity as usize] += 1;
    }
    counts
}

/// Sorts, filters and puts the cursor back on the incident it was on.
pub fn rebuild(model: &mut Model) {
    // The incidents stay where they are; only their indices are sorted.
    // Moving 10,000 whole incidents about cost more than the rest together.
    let incidents = &model.incidents;
    let mut visible: Vec<usize> = (0..incidents.len())
        .filter(|&i| passes(&incidents[i], &model.filter))
        .collect();
    // Keys side by side rather than looked up in the incidents at every
    // comparison; ids are unique, so the key is total and any sort exact.
    visible.sort_by_cached_key(|&i| sort_key(&incidents[i]));
    model.open_counts = count_open(incidents);
    model.widest = Widest::of(visible.iter().map(|&i| &incidents[i]));
    model.visible = visible;
    let keep = model.selected;
    let found = keep.and_then(|id| {
        model
            .visible
            .iter()
            .position(|&i| model.incidents[i].id == id)
    });
    // Resolved from here, the incident sinks to the resolved ones at the
    // bottom; the cursor stays where it was, on what comes next.
    let resolved_here = found.is_some_and(|pos| {
        let inc = &model.incidents[model.visible[pos]];
        inc.status == Status::Resolved
            && model
                .pending
                .values()
                .any(|p| p.id == inc.id && matches!(p.action, Action::Resolve { .. }))
    });
    model.cursor = match found {
        Some(pos) if !resolved_here => pos,
        _ => model.cursor.min(model.visible.len().saturating_sub(1)),
    };
    model.selected = model
        .visible
        .get(model.cursor)
        .map(|&i| model.incidents[i].id);
    keep_cursor_visible(model);
}

pub fn set_filter(model: &mut Model, filter: String) {
    if model.filter != filter {
        model.filter = filter;
        rebuild(model);
    }
}

pub fn move_by(model: &mut Model, action: KeyAction) {
    let last = model.visible.len().saturating_sub(1);
    let page = layout::list_rows(model.size, model.zoom_of(Focus::List)).max(1);
    model.cursor = match action {
        KeyAction::Up => model.cursor.saturating_sub(1),
        KeyAction::Down => (model.cursor + 1).min(last),
        KeyAction::PageUp => model.cursor.saturating_sub(page),
        KeyAction::PageDown => (model.cursor + page).min(last),
        KeyAction::Top => 0,
        KeyAction::Bottom => last,
        _ => model.cursor,
    };
    model.selected = model
        .visible
        .get(model.cursor)
        .map(|&i| model.incidents[i].id);
    keep_cursor_visible(model);
}

/// Scrolls the list so the cursor's row is on screen.
pub fn keep_cursor_visible(model: &mut Model) {
    let rows = layout::list_rows(model.size, model.zoom_of(Focus::List)).max(1);
    if model.cursor < model.list_offset {
        model.list_offset = model.cursor;
    } else if model.cursor >= model.list_offset + rows {
        model.list_offset = model.cursor + 1 - rows;
    }
    let max_offset = model.visible.len().saturating_sub(rows);
    model.list_offset = model.list_offset.min(max_offset);
}

/// `J`/`K`: into the selected incident's timeline, an entry at a time, and
/// back out to the top of the pane.
pub fn scroll_timeline(model: &mut Model, by: isize) {
    let entries = model.selected_detail().map_or(0, |d| d.timeline.len());
    model.timeline_scroll = model.timeline_scroll.saturating_add_signed(by).min(entries);
}

/// Brings everything that follows the selection up to date: the matched
/// runbooks when the incident changed, and a fetch of its timeline when
/// ours is older than the list's.
pub fn sync(model: &mut Model) -> Vec<Command> {
    let mut cmds = Vec::new();
    let now = model.selected_incident().map(|i| (i.id, i.version));
    if now != model.synced {
        let same_incident = now.map(|n| n.0) == model.synced.map(|s| s.0);
        if !same_incident {
            model.timeline_scroll = 0;
            model.runbook_choice = 0;
            model.runbook_pick = None;
            super::runbook::reset_position(model);
        }
        model.matches = match model.selected_incident() {
            Some(inc) => rank(&model.library, &Query::for_incident(inc)),
            None => Vec::new(),
        };
        if model.runbook_choice >= model.matches.len() {
            model.runbook_choice = 0;
        }
        if let Some((id, version)) = now
            && model.details.get(&id).is_none_or(|d| d.version < version)
            && model.feed.unavailable.is_none()
        {
            cmds.push(Command::Feed(Request::Fetch { id }));
        }
        model.synced = now;
        model.dirty = true;
    }
    super::runbook::refresh(model);
    cmds
}
