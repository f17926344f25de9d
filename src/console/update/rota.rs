//! The rota view from the console: `w` opens it (who is on call now and
//! until when, who is next, whom each level reaches, and the overrides in
//! force and upcoming, asked of the hub); `c` covers a shift, asking when it
//! starts (empty: now), when it ends or how long (`8h`), and for whom
//! (empty: me), then sends it through the outbox like every change, shown
//! pending until the hub answers; `x` removes the chosen override after a
//! y/Enter. The hub decides who may; its refusal is said in its words.
use crossterm::event::KeyEvent;

use super::super::input::LineInput;
use super::super::keys::KeyAction;
use super::super::model::{Mode, Model, RotaStep};
use super::super::msg::Command;
use crate::feed::{FeedError, Request};
use crate::incident::{NewOverride, Override, cover_end, cover_start};

/// `w`: the rota view, its overrides asked of the hub.
pub fn open(model: &mut Model) -> Vec<Command> {
    if let Some(why) = model.feed.capabilities.rota_refusal() {
        model.warn(why);
        return Vec::new();
    }
    model.overrides.listed = None;
    model.mode = Mode::Rota {
        cursor: 0,
        step: RotaStep::Choose,
    };
    vec![Command::Feed(Request::ListOverrides)]
}

/// A key in the view, its cover prompt or its question.
pub fn key(
    model: &mut Model,
    cursor: usize,
    step: RotaStep,
    action: Option<KeyAction>,
    key: &KeyEvent,
) -> Vec<Command> {
    let stay = |model: &mut Model, step: RotaStep| model.mode = Mode::Rota { cursor, step };
    match step {
        RotaStep::Choose => return choose(model, cursor, action),
        RotaStep::Confirm(id) => {
            if action == Some(KeyAction::Confirm) {
                let ticket = model.overrides.start_removal(id);
                model.say(format!("Removing override #{id}…"));
                stay(model, RotaStep::Choose);
                return vec![Command::Feed(Request::Uncover { ticket, id })];
            }
            model.say(format!("Override #{id} kept."));
            stay(model, RotaStep::Choose);
        }
        prompt => {
            if action == Some(KeyAction::Cancel) {
                model.say("Cover cancelled; nothing sent.");
                stay(model, RotaStep::Choose);
            } else if action == Some(KeyAction::Submit) {
                return submit(model, cursor, prompt);
            } else {
                let mut prompt = prompt;
                if let RotaStep::Start(input)
                | RotaStep::End { input, .. }
                | RotaStep::For { input, .. } = &mut prompt
                {
                    input.handle(key);
                }
                stay(model, prompt);
            }
        }
    }
    Vec::new()
}

/// Choosing: move, cover, remove, close.
fn choose(model: &mut Model, cursor: usize, action: Option<KeyAction>) -> Vec<Command> {
    let count = model.overrides.rows().len();
    let mut step = RotaStep::Choose;
    let cursor = match action {
        Some(KeyAction::Cancel) => return Vec::new(),
        Some(KeyAction::Down) => (cursor + 1).min(count.saturating_sub(1)),
        Some(KeyAction::Up) => cursor.saturating_sub(1),
        Some(KeyAction::Cover) => {
            step = RotaStep::Start(LineInput::default());
            cursor
        }
        Some(KeyAction::Remove) => {
            match model.overrides.rows().get(cursor) {
                Some(o) if model.overrides.is_removing(o.id) => {
                    model.say(format!("Override #{} is being removed already.", o.id));
                }
                Some(o) => step = RotaStep::Confirm(o.id),
                None => model.warn("No override to remove."),
            }
            cursor
        }
        _ => cursor,
    };
    model.mode = Mode::Rota { cursor, step };
    Vec::new()
}

/// Enter in the cover prompt: the answer taken, the next question asked;
/// after the last, the cover sent. A bad answer is said and kept to fix.
fn submit(model: &mut Model, cursor: usize, step: RotaStep) -> Vec<Command> {
    let next = match step {
        RotaStep::Start(input) => match cover_start(input.text(), model.now) {
            Ok(start) => RotaStep::End {
                start,
                input: LineInput::default(),
            },
            Err(why) => {
                model.warn(capitalised(&why));
                RotaStep::Start(input)
            }
        },
        RotaStep::End { start, input } => match cover_end(input.text(), start) {
            Ok(end) => RotaStep::For {
                start,
                end,
                input: LineInput::default(),
            },
            Err(why) => {
                model.warn(capitalised(&why));
                RotaStep::End { start, input }
            }
        },
        RotaStep::For { start, end, input } => {
            let typed = input.text().trim();
            let responder = if typed.is_empty() {
                model.responder.clone()
            } else {
                typed.to_string()
            };
            let request = NewOverride {
                responder,
                start,
                end,
            };
            let ticket = model.overrides.start_cover(request.clone());
            model.say(format!("Putting {} on call…", request.responder));
            model.mode = Mode::Rota {
                cursor,
                step: RotaStep::Choose,
            };
            return vec![Command::Feed(Request::Cover { ticket, request })];
        }
        other => other,
    };
    model.mode = Mode::Rota { cursor, step: next };
    Vec::new()
}

/// The hub's list of overrides.
pub fn listed(model: &mut Model, result: Result<Vec<Override>, FeedError>) {
    match result {
        Ok(list) => model.overrides.listed = Some(list),
        Err(e) => {
            model.overrides.listed = Some(Vec::new());
            model.warn(format!("Could not list the overrides: {e}."));
        }
    }
    if let Mode::Rota { cursor, .. } = &mut model.mode {
        *cursor = (*cursor).min(model.overrides.rows().len().saturating_sub(1));
    }
    model.dirty = true;
}

/// How the hub took a cover: said, and the view asks the list again (the
/// poller brings who is on call now).
pub fn covered(
    model: &mut Model,
    ticket: Option<u64>,
    result: Result<Override, FeedError>,
) -> Vec<Command> {
    let asked = ticket.and_then(|t| model.overrides.covering.remove(&t));
    match result {
        Ok(made) => {
            let displaced = if made.displaced.is_empty() {
                String::new()
            } else {
                format!("; {} told", made.displaced.join(", "))
            };
            model.say(format!(
                "Override #{}: {} on call until {}{displaced}.",
                made.id,
                made.responder,
                made.end.format("%Y-%m-%d %H:%M UTC")
            ));
        }
        Err(e) => {
            let whom = asked.map_or_else(String::new, |r| format!(" for {}", r.responder));
            model.warn(format!("Could not cover the shift{whom}: {e}."));
        }
    }
    relist(model)
}

/// How the hub took the removal of override `id`.
pub fn uncovered(
    model: &mut Model,
    ticket: Option<u64>,
    id: u64,
    result: Result<Override, FeedError>,
) -> Vec<Command> {
    if let Some(t) = ticket {
        model.overrides.removing.remove(&t);
    }
    match result {
        Ok(_) => model.say(format!("Override #{id} removed: the rota holds again.")),
        Err(e) => model.warn(format!("Could not remove override #{id}: {e}.")),
    }
    relist(model)
}

fn relist(model: &mut Model) -> Vec<Command> {
    model.dirty = true;
    if matches!(model.mode, Mode::Rota { .. }) {
        return vec![Command::Feed(Request::ListOverrides)];
    }
    Vec::new()
}

/// `text` with its first letter upper case and a full stop: said as a
/// sentence.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    let mut out: String = first.to_uppercase().collect();
    out.push_str(chars.as_str());
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}
