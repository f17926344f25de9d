//! The runbook pane: which runbook is shown, its cursor and scroll, ticking
//! its steps, opening it outside, and the search.
use crossterm::event::KeyEvent;

use super::super::input::LineInput;
use super::super::keys::{self, KeyAction};
use super::super::layout;
use super::super::model::{Focus, Mode, Model, RunbookView};
use super::super::msg::Command;
use super::actions::send;
use crate::feed::Action;
use crate::runbook::markdown;
use crate::runbook::search::{self, Hit};

/// The runbook shown: one picked from the search, else the chosen match,
/// else first response (a responder always has somewhere to start).
pub fn shown_runbook_id(model: &Model) -> Option<String> {
    if let Some(id) = &model.runbook.pick {
        return Some(id.clone());
    }
    match model.runbook.matches.get(model.runbook.choice) {
        Some(m) => Some(m.id.clone()),
        None => model.library.get("first-response").map(|r| r.id.clone()),
    }
}

/// Re-renders the pane when the runbook, the width or the ticked steps
/// changed; drawing then only slices lines. Another runbook opens at its
/// section; the same one, rewrapped or with a step ticked, stays where the
/// responder left it (at its section if that is where it was).
pub fn refresh(model: &mut Model) {
    let Some(id) = shown_runbook_id(model) else {
        model.runbook.view = None;
        return;
    };
    let (width, _) = layout::runbook_text(model.size, model.zoom_of(Focus::Runbook));
    let done = model
        .list
        .selected
        .map(|inc| model.steps_done(inc, &id))
        .unwrap_or_default();
    let old = model.runbook.view.as_ref();
    let fresh = old.is_some_and(|r| r.id == id && r.width == width && r.done == done);
    if !fresh {
        let same_runbook = old.is_some_and(|r| r.id == id);
        let at_section = model.runbook.section_line() == Some(model.runbook.scroll);
        let Some(rb) = model.library.get(&id) else {
            model.runbook.view = None;
            return;
        };
        let doc = markdown::render(&rb.body, width, &done);
        let last = doc.lines.len().saturating_sub(1);
        model.runbook.cursor = model.runbook.cursor.min(last);
        model.runbook.scroll = model.runbook.scroll.min(last);
        model.runbook.view = Some(RunbookView {
            id,
            width,
            done,
            doc,
        });
        if !same_runbook || at_section {
            model.runbook.open_at_section = true;
        }
        model.dirty = true;
    }
    if std::mem::take(&mut model.runbook.open_at_section) {
        let line = model.runbook.section_line().unwrap_or(0);
        model.runbook.scroll = line;
        model.runbook.cursor = line;
        model.dirty = true;
    }
}

/// Whatever runbook is shown next opens afresh: at the section its match
/// names, else at the top.
pub fn reset_position(model: &mut Model) {
    model.runbook.scroll = 0;
    model.runbook.cursor = 0;
    model.runbook.open_at_section = true;
}

/// `t`: the top of the runbook; from the top, back to the section it
/// opened at.
pub fn top_or_section(model: &mut Model) {
    let Some(view) = &model.runbook.view else {
        return;
    };
    let id = view.id.clone();
    let at_top = model.runbook.scroll == 0;
    let key = keys::name(KeyAction::TopOrSection);
    let heading = model
        .runbook
        .section()
        .map(|s| crate::sanitize::line(&s.heading));
    let line = match (model.runbook.section_line(), heading) {
        (Some(line), Some(heading)) if at_top && line > 0 => {
            model.say(format!("§ {heading}; {key} goes back to the top."));
            line
        }
        (Some(line), Some(heading)) if line > 0 => {
            model.say(format!("Top of {id}; {key} goes back to § {heading}."));
            0
        }
        _ => {
            if at_top {
                model.say(format!(
                    "Top of {id}: no section of it is named for this incident."
                ));
            }
            0
        }
    };
    model.runbook.scroll = line;
    model.runbook.cursor = line;
}

fn lines(model: &Model) -> usize {
    model.runbook.view.as_ref().map_or(0, |r| r.doc.lines.len())
}

fn page(model: &Model) -> usize {
    usize::from(
        layout::runbook_text(model.size, model.zoom_of(Focus::Runbook))
            .1
            .max(1),
    )
}

/// Movement keys while the runbook has focus move its cursor; the view
/// scrolls to keep the cursor on screen.
pub fn move_cursor(model: &mut Model, action: KeyAction) {
    let last = lines(model).saturating_sub(1);
    let page = page(model);
    model.runbook.cursor = match action {
        KeyAction::Up => model.runbook.cursor.saturating_sub(1),
        KeyAction::Down => model.runbook.cursor + 1,
        KeyAction::PageUp => model.runbook.cursor.saturating_sub(page),
        KeyAction::PageDown => model.runbook.cursor + page,
        KeyAction::Top => 0,
        KeyAction::Bottom => last,
        _ => model.runbook.cursor,
    }
    .min(last);
    show_cursor(model);
}

/// Scrolls so the cursor's line is on screen.
pub(super) fn show_cursor(model: &mut Model) {
    let page = page(model);
    if model.runbook.cursor < model.runbook.scroll {
        model.runbook.scroll = model.runbook.cursor;
    } else if model.runbook.cursor >= model.runbook.scroll + page {
        model.runbook.scroll = model.runbook.cursor + 1 - page;
    }
}

pub fn pick_match(model: &mut Model, n: usize) {
    if n >= 1 && n <= model.runbook.matches.len() {
        model.runbook.choice = n - 1;
        model.runbook.pick = None;
        reset_position(model);
    } else if model.runbook.matches.is_empty() {
        let b = keys::name(KeyAction::Browse);
        model.warn(format!(
            "No runbook matches this incident; {b} searches them all."
        ));
    } else {
        let k = model.runbook.matches.len();
        let s = if k == 1 {
            "runbook matches"
        } else {
            "runbooks match"
        };
        let b = keys::name(KeyAction::Browse);
        model.warn(format!(
            "Only {k} {s} this incident; {b} searches them all."
        ));
    }
}

/// `space`: with the runbook focused, ticks (or unticks) the step under the
/// cursor, or moves the cursor to the next step; with the list focused,
/// ticks the first step not done yet.
pub fn tick(model: &mut Model) -> Vec<Command> {
    let Some(inc) = model.list.selected else {
        model.warn("Select an incident first: ticked steps are kept on the incident.");
        return Vec::new();
    };
    let Some(view) = &model.runbook.view else {
        return Vec::new();
    };
    let steps = &view.doc.steps;
    if steps.is_empty() {
        model.warn(format!("The {} runbook has no checklist steps.", view.id));
        return Vec::new();
    }
    let cursor = model.runbook.cursor;
    let index = if model.focus == Focus::Runbook {
        match steps
            .iter()
            .position(|s| s.line <= cursor && cursor <= s.last_line)
        {
            Some(i) => i,
            None => {
                let next = steps.iter().position(|s| s.line > cursor).unwrap_or(0);
                model.runbook.cursor = steps[next].line;
                show_cursor(model);
                let tick = keys::name(KeyAction::TickStep);
                model.say(format!("Cursor on the next step: {tick} ticks it."));
                return Vec::new();
            }
        }
    } else {
        match steps.iter().position(|s| !s.done) {
            Some(i) => i,
            None => {
                model.say(format!(
                    "All {} steps of {} are done.",
                    steps.len(),
                    view.id
                ));
                return Vec::new();
            }
        }
    };
    let step = &steps[index];
    let action = Action::Step {
        runbook: view.id.clone(),
        step: index as u32,
        done: !step.done,
        text: Some(step.text.clone()).filter(|t| !t.is_empty()),
    };
    model.runbook.cursor = step.line;
    show_cursor(model);
    send(model, inc, action)
}

/// `o`: the runbook in the responder's pager or editor.
pub fn open(model: &mut Model) -> Vec<Command> {
    let Some(id) = shown_runbook_id(model) else {
        return Vec::new();
    };
    let Some(rb) = model.library.get(&id) else {
        return Vec::new();
    };
    let file = match &rb.origin {
        crate::runbook::Origin::File(path) => Some(path.clone()),
        crate::runbook::Origin::Shipped(_) => None,
    };
    vec![Command::OpenRunbook {
        id: rb.id.clone(),
        file,
        text: rb.body.clone(),
    }]
}

/// `b`: the search over all runbooks.
pub fn start_browse(model: &mut Model) {
    let hits = search::search(&model.library, "");
    model.mode = Mode::Browse {
        input: Default::default(),
        hits,
        cursor: 0,
    };
}

/// The parts of `Mode::Browse`, taken out while a key is handled.
pub struct Search {
    pub input: LineInput,
    pub hits: Vec<Hit>,
    pub cursor: usize,
}

/// Keys in the search: move among the hits, read one, close; the rest type
/// the search, which runs again as it changes.
pub fn browse_key(model: &mut Model, mut s: Search, action: Option<KeyAction>, key: &KeyEvent) {
    let last = s.hits.len().saturating_sub(1);
    match action {
        Some(KeyAction::Cancel) => return,
        Some(KeyAction::Submit) => {
            if let Some(hit) = s.hits.get(s.cursor) {
                pick(model, hit.id.clone());
            }
            return;
        }
        Some(KeyAction::Up) => s.cursor = s.cursor.saturating_sub(1),
        Some(KeyAction::Down) => s.cursor = (s.cursor + 1).min(last),
        _ => {
            if s.input.handle(key) {
                s.hits = search::search(&model.library, s.input.text());
                s.cursor = 0;
            }
        }
    }
    model.mode = Mode::Browse {
        input: s.input,
        hits: s.hits,
        cursor: s.cursor,
    };
}

/// Shows the runbook picked in the search for the selected incident.
pub fn pick(model: &mut Model, id: String) {
    model.say(format!(
        "Showing {id}; {} goes back to the matched runbooks.",
        keys::name(KeyAction::PickRunbook(1))
    ));
    model.runbook.pick = Some(id);
    model.focus = Focus::Runbook;
    reset_position(model);
}

/// At start: how many runbook problems matter (a team file left out, a
/// duplicate id, escapes in a file) and the first of them, said until
/// another message replaces it; `b` lists them all.
pub fn announce_problems(model: &mut Model) {
    let problems: Vec<_> = model
        .library
        .problems()
        .iter()
        .filter(|p| p.kind.is_error())
        .collect();
    let Some(first) = problems.first() else {
        return;
    };
    let count = match problems.len() {
        1 => "1 problem".to_string(),
        n => format!("{n} problems"),
    };
    model.warn(format!(
        "Runbooks: {count} ({} lists them): {}",
        keys::name(KeyAction::Browse),
        first.headline()
    ));
}
