//! `=` and Enter: the list grouped by alert or by service, and a group opened
//! to its members or closed again.
use super::super::model::{Grouping, Model, Row};
use super::selection;

/// `=`: by alert, by service, not grouped, and round again. The cursor stays
/// on the incident it was on (or the group that now holds it).
pub fn cycle(model: &mut Model) {
    model.list.grouping = model.list.grouping.next();
    model.list.open.clear();
    selection::rebuild(model);
    let groups = model.list.groups.len();
    let said = match model.list.grouping {
        Grouping::Off => "The list is not grouped.".to_string(),
        grouping => format!(
            "The list is {}: {groups} group{} (Enter opens one; an action on a group goes to all of it).",
            grouping.label(),
            if groups == 1 { "" } else { "s" }
        ),
    };
    model.say(said);
}

/// Enter: the group under the cursor opened to its members, or closed; on
/// a member, its group closed with the cursor on it.
pub fn open_or_close(model: &mut Model) {
    if model.list.grouping == Grouping::Off {
        model.say("The list is not grouped (= groups it).");
        return;
    }
    let key = match model.list.rows.get(model.list.cursor) {
        Some(Row::Group(g)) => model.list.groups.get(*g).map(|g| g.key.clone()),
        Some(Row::Incident { member: true, .. }) => {
            let id = model.list.selected;
            model
                .list
                .groups
                .iter()
                .find(|g| id.is_some_and(|id| g.has(id)))
                .map(|g| g.key.clone())
        }
        _ => None,
    };
    let Some(key) = key else {
        model.say("Enter opens a group; this incident is in none.");
        return;
    };
    if !model.list.open.remove(&key) {
        model.list.open.insert(key);
    } else {
        // Closed from one of its members: the cursor goes to the group.
        model.list.selected = None;
        if let Some(pos) = model.list.rows.iter().position(|r| match r {
            Row::Group(g) => model.list.groups.get(*g).is_some_and(|g| g.key == key),
            Row::Incident { .. } => false,
        }) {
            model.list.cursor = pos;
        }
    }
    selection::rebuild(model);
}
