//! Follow-ups in the console: `f` writes one for the selected incident (what,
//! then who, the responder when left empty, then when it is due as a length
//! such as 3d, none when left empty), sent as an action of that incident so
//! it is pending until the hub answers and waits in the outbox while the
//! hub is away; `F` opens this responder's open follow-ups, where `d` and
//! `x` close the one under the cursor as done or dropped after asking for a
//! note; and the list the poller reads, counted in the top bar.
use crossterm::event::KeyEvent;

use super::super::keys::KeyAction;
use super::super::model::{
    Closing, FollowupForm, FollowupStep, FollowupsPopup, Mode, Model, typed_duration,
};
use super::super::msg::Command;
use super::actions::send;
use super::squash::capitalised;
use crate::feed::Action;
use crate::incident::{Followup, FollowupStatus, Incident};

/// The probe asked of the feed before anything is typed.
fn probe() -> Action {
    Action::AddFollowup {
        text: String::new(),
        owner: String::new(),
        due: None,
    }
}

/// `f`: the form for the selected incident, unless the feed keeps no
/// follow-ups.
pub fn start(model: &mut Model) {
    if let Some(why) = model.feed.capabilities.refusal(&probe()) {
        model.warn(capitalised(&why));
        return;
    }
    match model.selected_incident() {
        Some(inc) => model.mode = Mode::FollowupForm(Box::new(FollowupForm::new(inc.id))),
        None => model.warn("No incident selected."),
    }
}

/// A key in the form: Enter takes the line and asks the next, or sends.
pub fn form_key(
    model: &mut Model,
    mut form: Box<FollowupForm>,
    action: Option<KeyAction>,
    key: &KeyEvent,
) -> Vec<Command> {
    match action {
        Some(KeyAction::Cancel) => {
            model.say("No follow-up added.");
            Vec::new()
        }
        Some(KeyAction::Submit) => submit(model, form),
        _ => {
            form.input.handle(key);
            model.mode = Mode::FollowupForm(form);
            Vec::new()
        }
    }
}

fn submit(model: &mut Model, mut form: Box<FollowupForm>) -> Vec<Command> {
    let typed = form.input.text().trim().to_string();
    form.input = Default::default();
    match std::mem::replace(&mut form.step, FollowupStep::Text) {
        FollowupStep::Text if typed.is_empty() => {
            model.warn("Say what is to be done; nothing sent.");
            model.mode = Mode::FollowupForm(form);
        }
        FollowupStep::Text => {
            form.step = FollowupStep::Owner { text: typed };
            model.mode = Mode::FollowupForm(form);
        }
        FollowupStep::Owner { text } => {
            let owner = match typed.split_whitespace().next() {
                Some(name) => name.to_string(),
                None => model.responder.clone(),
            };
            form.step = FollowupStep::Due { text, owner };
            model.mode = Mode::FollowupForm(form);
        }
        FollowupStep::Due { text, owner } => {
            let due = if typed.is_empty() {
                None
            } else {
                match typed_duration(&typed) {
                    Ok(length) => Some(model.now + length),
                    Err(why) => {
                        model.warn(format!("Not a length from now: {why} (like 3d or 12h)."));
                        form.step = FollowupStep::Due { text, owner };
                        model.mode = Mode::FollowupForm(form);
                        return Vec::new();
                    }
                }
            };
            return send(model, form.id, Action::AddFollowup { text, owner, due });
        }
    }
    Vec::new()
}

/// `F`: this responder's open follow-ups, as the poller last read them.
pub fn open_list(model: &mut Model) {
    if let Some(why) = model.feed.capabilities.refusal(&probe()) {
        model.warn(capitalised(&why));
        return;
    }
    model.mode = Mode::Followups(Box::new(FollowupsPopup {
        cursor: 0,
        closing: None,
    }));
}

/// A key in the popup, or in the note asked before closing one.
pub fn list_key(
    model: &mut Model,
    mut popup: Box<FollowupsPopup>,
    action: Option<KeyAction>,
    key: &KeyEvent,
) -> Vec<Command> {
    if let Some(mut closing) = popup.closing.take() {
        match action {
            Some(KeyAction::Cancel) => {
                model.say(format!("Follow-up #{} kept open.", closing.followup))
            }
            Some(KeyAction::Submit) => {
                let note = closing.input.text().trim().to_string();
                model.followups.closing.push(closing.followup);
                let action = Action::CloseFollowup {
                    followup: closing.followup,
                    status: closing.status,
                    note: (!note.is_empty()).then_some(note),
                };
                let cmds = send(model, closing.incident, action);
                let shown = model.followups.shown().len();
                popup.cursor = popup.cursor.min(shown.saturating_sub(1));
                model.mode = Mode::Followups(popup);
                return cmds;
            }
            _ => {
                closing.input.handle(key);
                popup.closing = Some(closing);
            }
        }
        model.mode = Mode::Followups(popup);
        return Vec::new();
    }
    let shown: Vec<(u64, u64)> = model
        .followups
        .shown()
        .iter()
        .map(|f| (f.id, f.incident_id))
        .collect();
    let status = match action {
        Some(KeyAction::Cancel) => return Vec::new(),
        Some(KeyAction::Down) => {
            popup.cursor = (popup.cursor + 1).min(shown.len().saturating_sub(1));
            None
        }
        Some(KeyAction::Up) => {
            popup.cursor = popup.cursor.saturating_sub(1);
            None
        }
        Some(KeyAction::FollowupDone) => Some(FollowupStatus::Done),
        Some(KeyAction::FollowupDropped) => Some(FollowupStatus::Dropped),
        _ => None,
    };
    if let Some(status) = status {
        match shown.get(popup.cursor) {
            Some(&(followup, incident)) => {
                popup.closing = Some(Closing {
                    followup,
                    incident,
                    status,
                    input: Default::default(),
                });
            }
            None => model.say("No follow-up to close."),
        }
    }
    model.mode = Mode::Followups(popup);
    Vec::new()
}

/// The poller's new list of this responder's open follow-ups.
pub fn listed(model: &mut Model, open: Vec<Followup>) {
    if model.followups.listed(open) {
        model.dirty = true;
        if let Mode::Followups(popup) = &mut model.mode {
            let shown = model.followups.shown().len();
            popup.cursor = popup.cursor.min(shown.saturating_sub(1));
        }
    }
}

/// What the hub did, once it answered a follow-up action with `inc`.
pub fn done(action: &Action, inc: &Incident) -> Option<String> {
    let id = inc.id;
    Some(match action {
        Action::AddFollowup { owner, .. } => format!("Follow-up added to #{id} for {owner}."),
        Action::CloseFollowup {
            followup, status, ..
        } => format!("Follow-up #{followup} of #{id} is {status}."),
        _ => return None,
    })
}

/// A follow-up action the hub refused: one being closed shows again.
pub fn failed(model: &mut Model, action: &Action) {
    if let Action::CloseFollowup { followup, .. } = action {
        model.followups.closing.retain(|id| id != followup);
    }
}
