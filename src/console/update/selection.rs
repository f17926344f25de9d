//! The list's order, filter and selection, and what follows the selection:
//! its matched runbooks, its rendered runbook, its detail fetch.
use std::collections::BTreeSet;

use super::super::keys::KeyAction;
use super::super::layout;
use super::super::model::{Focus, Model, RunbookView, passes, sort_key};
use super::super::msg::Command;
use crate::feed::Request;
use crate::runbook::{Query, markdown, rank};

/// Sorts, filters and puts the cursor back on the incident it was on.
pub fn rebuild(model: &mut Model) {
    model.incidents.sort_by_key(sort_key);
    model.visible = model
        .incidents
        .iter()
        .enumerate()
        .filter(|(_, inc)| passes(inc, &model.filter))
        .map(|(i, _)| i)
        .collect();
    let keep = model.selected;
    let found = keep.and_then(|id| {
        model
            .visible
            .iter()
            .position(|&i| model.incidents[i].id == id)
    });
    model.cursor = match found {
        Some(pos) => pos,
        None => model.cursor.min(model.visible.len().saturating_sub(1)),
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

pub fn move_by(model: &mut Model, action: KeyAction) -> Vec<Command> {
    if model.focus == Focus::Runbook {
        scroll_runbook(model, action);
        return Vec::new();
    }
    let last = model.visible.len().saturating_sub(1);
    let page = layout::list_rows(model.size).max(1);
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
    Vec::new()
}

fn scroll_runbook(model: &mut Model, action: KeyAction) {
    let (_, height) = layout::runbook_text(model.size);
    let page = usize::from(height.max(1));
    let lines = model.runbook.as_ref().map_or(0, |r| r.doc.lines.len());
    let last = lines.saturating_sub(page);
    model.runbook_scroll = match action {
        KeyAction::Up => model.runbook_scroll.saturating_sub(1),
        KeyAction::Down => model.runbook_scroll + 1,
        KeyAction::PageUp => model.runbook_scroll.saturating_sub(page),
        KeyAction::PageDown => model.runbook_scroll + page,
        KeyAction::Top => 0,
        KeyAction::Bottom => last,
        _ => model.runbook_scroll,
    }
    .min(last);
}

/// Scrolls the list so the cursor's row is on screen.
pub fn keep_cursor_visible(model: &mut Model) {
    let rows = layout::list_rows(model.size).max(1);
    if model.cursor < model.list_offset {
        model.list_offset = model.cursor;
    } else if model.cursor >= model.list_offset + rows {
        model.list_offset = model.cursor + 1 - rows;
    }
    let max_offset = model.visible.len().saturating_sub(rows);
    model.list_offset = model.list_offset.min(max_offset);
}

pub fn pick_runbook(model: &mut Model, n: usize) {
    if n >= 1 && n <= model.matches.len() {
        model.runbook_choice = n - 1;
        model.runbook_scroll = 0;
    } else if model.matches.is_empty() {
        model.warn("No runbook matches this incident.");
    } else {
        let k = model.matches.len();
        model.warn(format!(
            "Only {k} runbook{} match{} this incident.",
            if k == 1 { "" } else { "s" },
            if k == 1 { "es" } else { "" }
        ));
    }
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
            model.runbook_choice = 0;
            model.runbook_scroll = 0;
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
    refresh_runbook(model);
    cmds
}

/// The runbook shown: the chosen match, or first response when nothing
/// matches (a responder always has somewhere to start).
pub fn shown_runbook_id(model: &Model) -> Option<String> {
    match model.matches.get(model.runbook_choice) {
        Some(m) => Some(m.id.clone()),
        None => model.library.get("first-response").map(|r| r.id.clone()),
    }
}

/// Re-renders the runbook pane when the runbook, the width or the ticked
/// steps changed; drawing then only slices lines.
pub fn refresh_runbook(model: &mut Model) {
    let Some(id) = shown_runbook_id(model) else {
        model.runbook = None;
        return;
    };
    let (width, _) = layout::runbook_text(model.size);
    let done = model
        .selected
        .and_then(|inc| model.steps_done.get(&(inc, id.clone())))
        .cloned()
        .unwrap_or_else(BTreeSet::new);
    let fresh = model
        .runbook
        .as_ref()
        .is_some_and(|r| r.id == id && r.width == width && r.done == done);
    if fresh {
        return;
    }
    let Some(rb) = model.library.get(&id) else {
        model.runbook = None;
        return;
    };
    let doc = markdown::render(&rb.body, width, &done);
    model.runbook = Some(RunbookView {
        id,
        width,
        done,
        doc,
    });
    model.dirty = true;
}
