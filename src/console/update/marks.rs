//! `v` and `V`: rows marked to act on together. An action then goes to each
//! marked incident, sent on its own; the footer says how many are marked.
use super::super::keys::KeyAction;
use super::super::model::Model;
use super::selection;

/// `v`: the row under the cursor marked, or unmarked when it was (a group:
/// all of its members), then the cursor on the next row, so that marking a
/// run is `v` again and again.
pub fn toggle(model: &mut Model) {
    let ids = model.list.row_ids(model.list.cursor);
    if ids.is_empty() {
        model.say("Nothing to mark.");
        return;
    }
    let all_marked = ids.iter().all(|id| model.list.marked.contains(id));
    for id in &ids {
        if all_marked {
            model.list.marked.remove(id);
        } else {
            model.list.marked.insert(*id);
        }
    }
    model.list.mark_anchor = (!all_marked).then(|| ids[0]);
    // Past an open group's members too, marked with it.
    let open_group = model
        .list
        .selected_group()
        .is_some_and(|g| model.list.open.contains(&g.key));
    let past = if open_group { ids.len() + 1 } else { 1 };
    for _ in 0..past {
        selection::move_by(model, KeyAction::Down);
    }
    say_marked(model);
}

/// `V`: every row from the last mark to the cursor marked (with no mark
/// yet, the row under the cursor).
pub fn range(model: &mut Model) {
    let here = model.list.cursor;
    let from = model
        .list
        .mark_anchor
        .and_then(|id| selection::row_of(&model.list, id))
        .unwrap_or(here);
    let (start, end) = (from.min(here), from.max(here));
    for row in start..=end {
        for id in model.list.row_ids(row) {
            model.list.marked.insert(id);
        }
    }
    model.list.mark_anchor = model.list.row_ids(here).first().copied();
    say_marked(model);
}

/// Esc with rows marked: the marks go first, the filters at the next Esc.
pub fn clear(model: &mut Model) -> bool {
    if model.list.marked.is_empty() {
        return false;
    }
    let n = model.list.marked.len();
    model.list.marked.clear();
    model.list.mark_anchor = None;
    model.say(format!("{n} marks cleared."));
    true
}

fn say_marked(model: &mut Model) {
    let said = match model.list.marked.len() {
        0 => "Nothing marked.".to_string(),
        n => format!("{n} marked: a, e, r and n act on each of them (Esc clears the marks)."),
    };
    model.say(said);
}
