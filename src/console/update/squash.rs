//! Squashing from the console: `s` opens the form for the selected
//! incident's alert (its alertname and service on, its other labels off,
//! each turned on or off with space), one key says how long (`1` an hour,
//! `4` four hours, `e` to the end of the shift, `t` to type one), a reason
//! is typed, and Enter sends it through the outbox like every change,
//! pending on the incident until the hub answers. `S` lists the squashes in
//! force and scheduled, and removes one after a y/Enter.
use chrono::{DateTime, TimeDelta, Utc};
use crossterm::event::KeyEvent;

use super::super::input::LineInput;
use super::super::keys::KeyAction;
use super::super::model::{Mode, Model, SquashForm, SquashStep, typed_duration};
use super::super::msg::Command;
use super::actions;
use crate::feed::{Action, FeedError, Request};
use crate::incident::Squash;

/// `s`: the form for the selected incident's alert.
pub fn start(model: &mut Model) {
    if let Some(why) = model.feed.capabilities.squash_refusal() {
        model.warn(capitalised(&why));
        return;
    }
    let Some(incident) = model.selected_incident() else {
        model.warn("No incident selected.");
        return;
    };
    model.mode = Mode::Squash(Box::new(SquashForm::for_incident(incident)));
}

/// A key in the form.
pub fn form_key(
    model: &mut Model,
    mut form: Box<SquashForm>,
    action: Option<KeyAction>,
    key: &KeyEvent,
) -> Vec<Command> {
    if action == Some(KeyAction::Cancel) {
        model.say("Squash cancelled; nothing sent.");
        return Vec::new();
    }
    let step = std::mem::replace(&mut form.step, SquashStep::Duration);
    match step {
        SquashStep::Duration => {
            pick(model, &mut form, action);
        }
        SquashStep::TypedDuration(mut input) => {
            if action == Some(KeyAction::Submit) {
                match typed_duration(input.text()) {
                    Ok(length) => {
                        let said = input.text().trim().to_string();
                        form.step = reason_step(model.now + length, said);
                    }
                    Err(why) => {
                        model.warn(capitalised(&why));
                        form.step = SquashStep::TypedDuration(input);
                    }
                }
            } else {
                input.handle(key);
                form.step = SquashStep::TypedDuration(input);
            }
        }
        SquashStep::Reason {
            until,
            said,
            mut input,
        } => {
            if action == Some(KeyAction::Submit) {
                let reason = input.text().trim().to_string();
                if reason.is_empty() {
                    model.warn("A squash needs a reason: say why, for the next shift.");
                    form.step = SquashStep::Reason { until, said, input };
                } else {
                    return send(model, &form, until, reason);
                }
            } else {
                input.handle(key);
                form.step = SquashStep::Reason { until, said, input };
            }
        }
    }
    model.mode = Mode::Squash(form);
    Vec::new()
}

/// The first step: matchers on and off, and how long in one key.
fn pick(model: &mut Model, form: &mut SquashForm, action: Option<KeyAction>) {
    let until = match action {
        Some(KeyAction::Down) => return form.move_cursor(1),
        Some(KeyAction::Up) => return form.move_cursor(-1),
        Some(KeyAction::Toggle) => return form.toggle(),
        Some(KeyAction::TypeDuration) => {
            form.step = SquashStep::TypedDuration(LineInput::default());
            return;
        }
        Some(KeyAction::SquashHours(h)) => {
            let until = model.now + TimeDelta::hours(i64::from(h));
            Some((until, format!("{h}h")))
        }
        Some(KeyAction::SquashToShiftEnd) => match shift_end(model) {
            Some(end) => Some((end, "to the end of the shift".to_string())),
            None => {
                model.warn("No shift end is known here (no rota, or it has ended): pick 1, 4, or t to type how long.");
                None
            }
        },
        _ => None,
    };
    if let Some((until, said)) = until {
        form.step = reason_step(until, said);
    }
}

fn reason_step(until: DateTime<Utc>, said: String) -> SquashStep {
    SquashStep::Reason {
        until,
        said,
        input: LineInput::default(),
    }
}

/// When the shift on call now ends, if it is still on.
fn shift_end(model: &Model) -> Option<DateTime<Utc>> {
    let shift = model.oncall.as_ref()?.now.as_ref()?;
    (shift.until > model.now).then_some(shift.until)
}

fn send(
    model: &mut Model,
    form: &SquashForm,
    until: DateTime<Utc>,
    reason: String,
) -> Vec<Command> {
    let matchers = form.chosen();
    if matchers.is_empty() {
        model.warn("Turn at least one matcher on (space): a squash of nothing in particular would squash everything.");
        let mut back = Box::new(form.clone());
        back.step = SquashStep::Duration;
        model.mode = Mode::Squash(back);
        return Vec::new();
    }
    let action = Action::Squash {
        matchers,
        until,
        reason,
    };
    actions::send(model, form.id, action)
}

/// `S`: the squashes in force and scheduled, asked of the hub.
pub fn open_list(model: &mut Model) -> Vec<Command> {
    if let Some(why) = model.feed.capabilities.squash_refusal() {
        model.warn(capitalised(&why));
        return Vec::new();
    }
    model.squashes.listed = None;
    model.mode = Mode::Squashes {
        cursor: 0,
        confirm: None,
    };
    vec![Command::Feed(Request::ListSquashes)]
}

/// A key in the list, or in its confirm line.
pub fn list_key(
    model: &mut Model,
    cursor: usize,
    confirm: Option<u64>,
    action: Option<KeyAction>,
) -> Vec<Command> {
    let count = model.squashes.listed.as_ref().map_or(0, Vec::len);
    if let Some(id) = confirm {
        if action == Some(KeyAction::Confirm) {
            let ticket = model.squashes.start_removal(id);
            model.say(format!("Removing squash #{id}…"));
            model.mode = Mode::Squashes {
                cursor,
                confirm: None,
            };
            return vec![Command::Feed(Request::Unsquash { ticket, id })];
        }
        model.say(format!("Squash #{id} kept."));
        model.mode = Mode::Squashes {
            cursor,
            confirm: None,
        };
        return Vec::new();
    }
    let cursor = match action {
        Some(KeyAction::Cancel) => return Vec::new(),
        Some(KeyAction::Down) => (cursor + 1).min(count.saturating_sub(1)),
        Some(KeyAction::Up) => cursor.saturating_sub(1),
        Some(KeyAction::Remove) => {
            let chosen = model.squashes.listed.as_ref().and_then(|l| l.get(cursor));
            match chosen {
                Some(s) if model.squashes.is_removing(s.id) => {
                    model.say(format!("Squash #{} is being removed already.", s.id));
                }
                Some(s) => {
                    let id = s.id;
                    model.mode = Mode::Squashes {
                        cursor,
                        confirm: Some(id),
                    };
                    return Vec::new();
                }
                None => model.warn("No squash to remove."),
            }
            cursor
        }
        _ => cursor,
    };
    model.mode = Mode::Squashes {
        cursor,
        confirm: None,
    };
    Vec::new()
}

/// The hub's list of squashes.
pub fn listed(model: &mut Model, result: Result<Vec<Squash>, FeedError>) {
    match result {
        Ok(list) => model.squashes.listed = Some(list),
        Err(e) => {
            model.squashes.listed = Some(Vec::new());
            model.warn(format!("Could not list the squashes: {e}."));
        }
    }
    model.dirty = true;
}

/// How the hub took the removal of squash `id`; the list is asked again
/// when it is on screen.
pub fn unsquashed(
    model: &mut Model,
    ticket: Option<u64>,
    id: u64,
    result: Result<Squash, FeedError>,
) -> Vec<Command> {
    if let Some(t) = ticket {
        model.squashes.removing.remove(&t);
    }
    match result {
        Ok(_) => model.say(format!("Squash #{id} removed: its alerts page again.")),
        Err(e) => model.warn(format!("Could not remove squash #{id}: {e}.")),
    }
    model.dirty = true;
    if matches!(model.mode, Mode::Squashes { .. }) {
        return vec![Command::Feed(Request::ListSquashes)];
    }
    Vec::new()
}

/// `text` with its first letter upper case: a refusal said as a sentence.
pub(super) fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => {
            let mut out: String = first.to_uppercase().collect();
            out.push_str(chars.as_str());
            if !out.ends_with('.') {
                out.push('.');
            }
            out
        }
        None => String::new(),
    }
}
