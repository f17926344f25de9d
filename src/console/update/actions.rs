//! The keys that change an incident (acknowledge, escalate, resolve, note)
//! and sending a change: each checked against what the console knows and
//! what the feed can do, so a refusal the hub would give anyway is said at
//! once, in plain words.
use super::super::input::LineInput;
use super::super::keys::KeyAction;
use super::super::model::{Mode, Model, PromptKind};
use super::super::msg::Command;
use crate::feed::{Action, Request};
use crate::incident::Status;

/// The keys that change an incident: checked here against what we know, so
/// a refusal the hub would give anyway is said at once and in plain words.
pub fn on_incident_key(model: &mut Model, action: KeyAction) -> Vec<Command> {
    let Some(inc) = model.selected_incident() else {
        model.warn("No incident selected.");
        return Vec::new();
    };
    let (id, status, version, level, owner) = (
        inc.id,
        inc.status,
        inc.version,
        inc.escalation_level,
        inc.owner.clone(),
    );
    match action {
        KeyAction::Acknowledge => match status {
            Status::Resolved => model.warn(format!("#{id} is resolved; nothing to acknowledge.")),
            Status::Acknowledged if owner.as_deref() == Some(model.responder.as_str()) => {
                model.say(format!("#{id} is already yours."));
            }
            _ => {
                return send(
                    model,
                    id,
                    Action::Acknowledge {
                        version: Some(version),
                    },
                );
            }
        },
        KeyAction::Escalate => {
            if status == Status::Resolved {
                model.warn(format!("#{id} is resolved; nothing to escalate."));
            } else if let Some(why) = refusal(model, &Action::Escalate { note: None }) {
                model.warn(why);
            } else {
                match model.incident(id).map(|inc| model.escalation_target(inc)) {
                    Some(Err(why)) => model.warn(why),
                    _ => model.mode = Mode::ConfirmEscalate { id, from: level },
                }
            }
        }
        KeyAction::Resolve | KeyAction::Note | KeyAction::StatusUpdate => {
            let kind = match action {
                KeyAction::Note => PromptKind::Note,
                KeyAction::StatusUpdate => PromptKind::StatusUpdate,
                _ => PromptKind::Resolve,
            };
            if let Some(why) = refusal(model, &kind.action()) {
                model.warn(why);
            } else if kind == PromptKind::Resolve && status == Status::Resolved {
                model.say(format!("#{id} is already resolved."));
            } else {
                model.mode = Mode::Prompt {
                    kind,
                    id,
                    input: LineInput::default(),
                };
            }
        }
        _ => {}
    }
    Vec::new()
}

pub fn submit_prompt(model: &mut Model, kind: PromptKind, id: u64, text: &str) -> Vec<Command> {
    match kind {
        PromptKind::Assign | PromptKind::Snooze | PromptKind::Help | PromptKind::Manager => {
            super::ownership::submit(model, kind, id, text)
        }
        PromptKind::Note if text.is_empty() => {
            model.warn("The note is empty; nothing sent.");
            Vec::new()
        }
        PromptKind::Note => send(
            model,
            id,
            Action::Note {
                text: text.to_string(),
            },
        ),
        PromptKind::Resolve => {
            let note = (!text.is_empty()).then(|| text.to_string());
            send(model, id, Action::Resolve { note })
        }
        PromptKind::StatusUpdate if text.is_empty() => {
            model.warn("The status update is empty; nothing sent.");
            Vec::new()
        }
        PromptKind::StatusUpdate => send(
            model,
            id,
            Action::StatusUpdate {
                text: text.to_string(),
            },
        ),
    }
}

/// Why the feed cannot take `action`, if it cannot (see `Capabilities`).
fn refusal(model: &Model, action: &Action) -> Option<String> {
    model.feed.capabilities.refusal(action)
}

/// Hands an action to the worker and marks it pending until the hub answers.
/// What the feed cannot take is refused here, in words, rather than failing
/// on the wire.
pub fn send(model: &mut Model, id: u64, action: Action) -> Vec<Command> {
    if let Some(why) = refusal(model, &action) {
        model.warn(why);
        return Vec::new();
    }
    model.say(format!("Sending {} for #{id}…", action.verb()));
    model.actions.refused.remove(&id);
    let ticket = model.actions.start(id, action.clone());
    vec![Command::Feed(Request::Act { ticket, id, action })]
}
