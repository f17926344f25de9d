//! The list's order, filter and selection, and what follows the selection:
//! its matched runbooks, its rendered runbook, its detail fetch.
use super::super::keys::KeyAction;
use super::super::layout;
use super::super::model::{Focus, List, Model, Row, Widest, group_rows, passes, sort_key};
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
    let incidents = &model.list.incidents;
    let (quick, me) = (model.list.quick, model.responder.as_str());
    let mut visible: Vec<usize> = (0..incidents.len())
        .filter(|&i| passes(&incidents[i], &model.list.filter) && quick.passes(&incidents[i], me))
        .collect();
    // Keys side by side rather than looked up in the incidents at every
    // comparison; ids are unique, so the key is total and any sort exact.
    visible.sort_by_cached_key(|&i| sort_key(&incidents[i]));
    model.list.open_counts = count_open(incidents);
    model.list.widest = Widest::of(visible.iter().map(|&i| &incidents[i]));
    // The group under the cursor, by what it shares and the ids it held (its
    // member indexes are of the incidents as they were, so not used here).
    let on_group = model
        .list
        .selected_group()
        .map(|g| (g.key.clone(), g.ids.clone()));
    let (rows, groups) = group_rows(incidents, &visible, model.list.grouping, &model.list.open);
    // Only what is shown stays marked: an action goes to what was seen.
    if !model.list.marked.is_empty() {
        let shown: std::collections::HashSet<u64> =
            visible.iter().map(|&i| incidents[i].id).collect();
        model.list.marked.retain(|id| shown.contains(id));
    }
    model.list.visible = visible;
    model.list.rows = rows;
    model.list.groups = groups;
    let keep = model.list.selected;
    let found = match &on_group {
        // The group still there; or, when it broke up (resolved down to
        // one), the first of its members still open, where it stood.
        Some((key, ids)) => group_row(&model.list, key).or_else(|| {
            model.list.rows.iter().position(|r| match r {
                Row::Incident { index, .. } => {
                    let inc = &model.list.incidents[*index];
                    inc.status.is_open() && ids.binary_search(&inc.id).is_ok()
                }
                Row::Group(_) => false,
            })
        }),
        None => None,
    }
    .or_else(|| keep.and_then(|id| row_of(&model.list, id)));
    // Resolved from here, the incident sinks to the resolved ones at the
    // bottom; the cursor stays where it was, on what comes next.
    let resolved_here = on_group.is_none()
        && found
            .and_then(|pos| model.list.row_incident(pos))
            .is_some_and(|inc| {
                inc.status == Status::Resolved
                    && model
                        .actions
                        .pending
                        .values()
                        .any(|p| p.id == inc.id && matches!(p.action, Action::Resolve { .. }))
            });
    model.list.cursor = match found {
        Some(pos) if !resolved_here => pos,
        _ => model
            .list
            .cursor
            .min(model.list.rows.len().saturating_sub(1)),
    };
    // On a group, the incident it shows stays while the group holds it: a
    // new page of the storm does not take the runbook and the timeline away.
    let stays = keep.filter(|id| model.list.selected_group().is_some_and(|g| g.has(*id)));
    model.list.selected =
        stays.or_else(|| model.list.row_incident(model.list.cursor).map(|i| i.id));
    keep_cursor_visible(model);
}

/// The row of the group with `key`, if the list has it.
fn group_row(list: &List, key: &str) -> Option<usize> {
    list.rows.iter().position(|r| match r {
        Row::Group(g) => list.groups.get(*g).is_some_and(|g| g.key == key),
        Row::Incident { .. } => false,
    })
}

/// The row showing incident `id`: its own, or its group's while the group
/// is closed.
pub fn row_of(list: &List, id: u64) -> Option<usize> {
    list.rows
        .iter()
        .position(|r| matches!(r, Row::Incident { index, .. } if list.incidents[*index].id == id))
        .or_else(|| {
            list.rows.iter().position(|r| match r {
                Row::Group(g) => list.groups.get(*g).is_some_and(|g| g.has(id)),
                Row::Incident { .. } => false,
            })
        })
}

pub fn set_filter(model: &mut Model, filter: String) {
    if model.list.filter != filter {
        model.list.filter = filter;
        rebuild(model);
    }
}

/// `m`, `!`, `c`: one quick filter on or off.
pub fn toggle_quick(model: &mut Model, action: KeyAction) {
    let quick = &mut model.list.quick;
    let (on, name) = match action {
        KeyAction::QuickMine => (&mut quick.mine, "mine only"),
        KeyAction::QuickTriggered => (&mut quick.triggered, "triggered only"),
        KeyAction::QuickSevere => (&mut quick.severe, "critical and high only"),
        _ => return,
    };
    *on = !*on;
    let said = format!("{name}: {}", if *on { "on" } else { "off" });
    rebuild(model);
    model.say(said);
}

/// Esc: every filter off, typed and quick.
pub fn clear_filters(model: &mut Model) {
    model.list.quick = Default::default();
    model.list.filter.clear();
    rebuild(model);
}

/// `#` then a number: that incident selected, wherever it is in the list;
/// the filters that hide it are cleared first, and said so.
pub fn jump(model: &mut Model, text: &str) {
    let Ok(id) = text.trim().trim_start_matches('#').parse::<u64>() else {
        model.warn(format!(
            "'{text}' is not an incident number; nothing to go to."
        ));
        return;
    };
    if model.list.incident(id).is_none() {
        model.warn(format!(
            "#{id} is not in the list: resolved long ago, or not this feed's (oncall incident show {id} prints it)."
        ));
        return;
    }
    let hidden = !model
        .list
        .visible
        .iter()
        .any(|&i| model.list.incidents[i].id == id);
    if hidden {
        clear_filters(model);
    }
    // In a closed group, the group is opened to show it.
    let folded = model
        .list
        .groups
        .iter()
        .find(|g| g.has(id) && !model.list.open.contains(&g.key))
        .map(|g| g.key.clone());
    if let Some(key) = folded {
        model.list.open.insert(key);
        rebuild(model);
    }
    if let Some(pos) = row_of(&model.list, id) {
        model.list.cursor = pos;
        model.list.selected = model.list.row_incident(pos).map(|i| i.id);
        keep_cursor_visible(model);
    }
    if hidden {
        model.say(format!("#{id}: the filters hid it, so they are off."));
    }
}

pub fn move_by(model: &mut Model, action: KeyAction) {
    let last = model.list.rows.len().saturating_sub(1);
    let page = layout::list_rows(model.size, model.zoom_of(Focus::List)).max(1);
    model.list.cursor = match action {
        KeyAction::Up => model.list.cursor.saturating_sub(1),
        KeyAction::Down => (model.list.cursor + 1).min(last),
        KeyAction::PageUp => model.list.cursor.saturating_sub(page),
        KeyAction::PageDown => (model.list.cursor + page).min(last),
        KeyAction::Top => 0,
        KeyAction::Bottom => last,
        _ => model.list.cursor,
    };
    model.list.selected = model.list.row_incident(model.list.cursor).map(|i| i.id);
    keep_cursor_visible(model);
}

/// Scrolls the list so the cursor's row is on screen.
pub fn keep_cursor_visible(model: &mut Model) {
    let rows = layout::list_rows(model.size, model.zoom_of(Focus::List)).max(1);
    if model.list.cursor < model.list.offset {
        model.list.offset = model.list.cursor;
    } else if model.list.cursor >= model.list.offset + rows {
        model.list.offset = model.list.cursor + 1 - rows;
    }
    let max_offset = model.list.rows.len().saturating_sub(rows);
    model.list.offset = model.list.offset.min(max_offset);
}

/// `J`/`K`: into the selected incident's timeline, an entry at a time, and
/// back out to the top of the pane.
pub fn scroll_timeline(model: &mut Model, by: isize) {
    let entries = model.selected_detail().map_or(0, |d| d.timeline.len());
    model.detail.timeline_scroll = model
        .detail
        .timeline_scroll
        .saturating_add_signed(by)
        .min(entries);
}

/// Brings everything that follows the selection up to date: the matched
/// runbooks when the incident changed, and a fetch of its timeline when
/// ours is older than the list's.
pub fn sync(model: &mut Model) -> Vec<Command> {
    let mut cmds = Vec::new();
    let now = model.selected_incident().map(|i| (i.id, i.version));
    if now != model.list.synced {
        let same_incident = now.map(|n| n.0) == model.list.synced.map(|s| s.0);
        if !same_incident {
            model.detail.timeline_scroll = 0;
            model.runbook.choice = 0;
            model.runbook.pick = None;
            super::runbook::reset_position(model);
        }
        model.runbook.matches = match model.selected_incident() {
            Some(inc) => rank(&model.library, &Query::for_incident(inc)),
            None => Vec::new(),
        };
        if model.runbook.choice >= model.runbook.matches.len() {
            model.runbook.choice = 0;
        }
        if let Some((id, version)) = now
            && model
                .detail
                .fetched
                .get(&id)
                .is_none_or(|d| d.version < version)
            && model.feed.unavailable.is_none()
        {
            cmds.push(Command::Feed(Request::Fetch { id }));
        }
        model.list.synced = now;
        model.dirty = true;
    }
    super::runbook::refresh(model);
    cmds
}
