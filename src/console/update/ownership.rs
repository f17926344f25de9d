//! Ownership and roles in the console: the keys that take an incident over
//! or assign it (`T`, `A`), give it back (`U`), snooze it (`Z`), ask for
//! help (`p`) and name the manager of a major incident (`M`), their short
//! prompts, the question before naming someone who fixes it, and what the
//! console says when a poll shows that this responder's incident was taken,
//! or that they were asked to help.
use std::collections::HashMap;

use super::super::input::LineInput;
use super::super::keys::KeyAction;
use super::super::model::{Mode, Model, PromptKind};
use super::super::msg::Command;
use super::actions::send;
use crate::feed::Action;
use crate::incident::{Incident, SnoozeLength, Status};

/// A key of ownership on the selected incident: checked against what the
/// console knows, so what the hub would refuse anyway is said at once.
pub fn on_key(model: &mut Model, action: KeyAction) -> Vec<Command> {
    let Some(inc) = model.selected_incident() else {
        model.warn("No incident selected.");
        return Vec::new();
    };
    let (id, status) = (inc.id, inc.status);
    let mine = inc.owner.as_deref() == Some(model.responder.as_str());
    let (prompt, probe) = match action {
        KeyAction::TakeOver => (None, Action::Assign { to: String::new() }),
        KeyAction::GiveBack => (None, Action::Unacknowledge),
        KeyAction::Assign => (Some(PromptKind::Assign), PromptKind::Assign.action()),
        KeyAction::Snooze => (Some(PromptKind::Snooze), PromptKind::Snooze.action()),
        KeyAction::AskHelp => (Some(PromptKind::Help), PromptKind::Help.action()),
        KeyAction::Manager => (Some(PromptKind::Manager), PromptKind::Manager.action()),
        _ => return Vec::new(),
    };
    if let Some(why) = model.feed.capabilities.refusal(&probe) {
        model.warn(why);
        return Vec::new();
    }
    if status == Status::Resolved {
        model.warn(format!("#{id} is resolved; nothing to {}.", probe.verb()));
        return Vec::new();
    }
    match action {
        KeyAction::TakeOver if mine && status == Status::Acknowledged => {
            model.say(format!("#{id} is already yours."));
        }
        KeyAction::TakeOver => {
            let to = model.responder.clone();
            return send(model, id, Action::Assign { to });
        }
        KeyAction::GiveBack | KeyAction::Snooze if status != Status::Acknowledged => {
            model.warn(format!(
                "#{id} is not acknowledged: acknowledge it before you {} it.",
                if action == KeyAction::Snooze {
                    "snooze"
                } else {
                    "give back"
                }
            ));
        }
        KeyAction::GiveBack => return send(model, id, Action::Unacknowledge),
        _ => {
            if let Some(kind) = prompt {
                model.mode = Mode::Prompt {
                    kind,
                    id,
                    input: LineInput::default(),
                };
            }
        }
    }
    Vec::new()
}

/// Enter in an ownership prompt for incident `id`, with `text` typed.
pub fn submit(model: &mut Model, kind: PromptKind, id: u64, text: &str) -> Vec<Command> {
    let first = text.split_whitespace().next().unwrap_or("").to_string();
    if first.is_empty() {
        model.warn(match kind {
            PromptKind::Snooze => "Say how long, like 30m or 90s; nothing sent.",
            _ => "Say whom, by their name; nothing sent.",
        });
        return Vec::new();
    }
    match kind {
        PromptKind::Assign => send(model, id, Action::Assign { to: first }),
        PromptKind::Snooze => {
            let length = text.trim().to_string();
            match SnoozeLength::Written(length.clone()).duration() {
                Ok(_) => send(model, id, Action::Snooze { length }),
                Err(why) => {
                    model.warn(format!("Not snoozed: {why}."));
                    Vec::new()
                }
            }
        }
        PromptKind::Help => {
            let why = text.trim()[first.len()..].trim();
            let note = (!why.is_empty()).then(|| why.to_string());
            send(model, id, Action::AskHelp { who: first, note })
        }
        PromptKind::Manager => match fixing(model.incident(id), &first) {
            Some(why) => {
                model.mode = Mode::ConfirmForce {
                    id,
                    who: first,
                    why,
                };
                Vec::new()
            }
            None => {
                let action = Action::SetManager {
                    who: first,
                    force: false,
                };
                send(model, id, action)
            }
        },
        PromptKind::Note | PromptKind::Resolve | PromptKind::StatusUpdate => Vec::new(),
    }
}

/// The answer to "name them manager anyway?".
pub fn confirm_force(
    model: &mut Model,
    id: u64,
    who: String,
    action: Option<KeyAction>,
) -> Vec<Command> {
    if action == Some(KeyAction::Confirm) {
        send(model, id, Action::SetManager { who, force: true })
    } else {
        model.say("Nobody named; the incident is as it was.");
        Vec::new()
    }
}

/// Why `who` fixes `inc` (they own it or help), as the question says it;
/// `None` when they do not, as far as this console knows (the hub checks
/// again).
fn fixing(inc: Option<&Incident>, who: &str) -> Option<String> {
    let inc = inc?;
    if inc.owner.as_deref() == Some(who) {
        Some(format!("{who} owns #{}", inc.id))
    } else if inc.helpers.iter().any(|h| h == who) {
        Some(format!("{who} is helping fix #{}", inc.id))
    } else {
        None
    }
}

/// What the hub did, once it answered an ownership action with `inc`.
pub fn done(model: &Model, action: &Action, inc: &Incident) -> Option<String> {
    let id = inc.id;
    let me = model.responder.as_str();
    Some(match action {
        Action::Assign { to } if to == me => format!("Took #{id} over: it is yours."),
        Action::Assign { to } => format!("Assigned #{id} to {to}; they are paged."),
        Action::Unacknowledge => match inc.owner.as_deref() {
            Some(owner) => format!("Gave #{id} back: {owner} is paged."),
            None => format!("Gave #{id} back."),
        },
        Action::Snooze { .. } => match inc.snoozed_until {
            Some(until) => format!(
                "Snoozed #{id} until {}: it comes back by itself.",
                until.with_timezone(&model.setup.tz).format("%H:%M")
            ),
            None => format!("#{id} is not snoozed."),
        },
        Action::AskHelp { who, .. } => format!("Asked {who} to help with #{id}."),
        Action::SetManager { who, .. } => {
            format!("#{id} is a major incident; {who} is its incident manager.")
        }
        _ => return None,
    })
}

/// What a poll of `incoming` tells this responder beyond the list: an
/// incident they held that someone else took (or reassigned), and an
/// incident someone asked them to help with. The first rings the bell only
/// through the message; being asked to help rings it.
pub fn noticed(model: &mut Model, incoming: &[Incident]) -> Vec<Command> {
    let me = model.responder.clone();
    let known: HashMap<u64, &Incident> = model.list.incidents.iter().map(|i| (i.id, i)).collect();
    let mut said = Vec::new();
    let mut asked = false;
    for inc in incoming {
        let before = known.get(&inc.id);
        let held = before.is_some_and(|b| b.owner.as_deref() == Some(me.as_str()));
        if let Some(by) = inc.assigned_by.as_deref()
            && held
            && by != me
            && inc.previous_owner.as_deref() == Some(me.as_str())
            && inc.owner.as_deref() != Some(me.as_str())
        {
            said.push(match inc.owner.as_deref() {
                Some(to) if to == by => format!("#{} was taken over by {by}.", inc.id),
                Some(to) => format!("#{} was reassigned to {to} by {by}.", inc.id),
                None => format!("#{} was taken from you by {by}.", inc.id),
            });
        }
        let helping = |i: &Incident| i.helpers.contains(&me);
        if inc.status.is_open() && helping(inc) && !before.is_some_and(|b| helping(b)) {
            asked = true;
            said.push(format!(
                "You are asked to help with #{}: {}.",
                inc.id, inc.title
            ));
        }
    }
    if said.is_empty() {
        return Vec::new();
    }
    model.warn(said.join(" "));
    if asked && model.setup.bell {
        vec![Command::Bell]
    } else {
        Vec::new()
    }
}
