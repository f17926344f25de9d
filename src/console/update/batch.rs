//! One action for many incidents: the marked rows, or every member of the
//! group under the cursor. One confirm line (or prompt) names how many; then
//! each incident gets its own request, with its own idempotency key, pending
//! on its own row; what the hub refused is marked on each row it refused,
//! and the message line sums it all up once every answer is in.
use super::super::input::LineInput;
use super::super::keys::KeyAction;
use super::super::model::{Batch, BatchAsk, BatchKind, Mode, Model};
use super::super::msg::Command;
use crate::feed::{Action, FeedError, Request};
use crate::incident::{Incident, Status};

/// The incidents an action goes to when it goes to more than the selected
/// one: the marked ones, else the group under the cursor; with what they
/// are, for the confirm line.
pub fn targets(model: &Model) -> Option<(Vec<u64>, &'static str)> {
    if !model.list.marked.is_empty() {
        // In the list's order, as they were seen.
        let ids = model
            .list
            .visible
            .iter()
            .map(|&i| model.list.incidents[i].id)
            .filter(|id| model.list.marked.contains(id))
            .collect();
        return Some((ids, "marked"));
    }
    let group = model.list.selected_group()?;
    let ids = group
        .members
        .iter()
        .map(|&i| model.list.incidents[i].id)
        .collect();
    Some((ids, "in the group"))
}

/// `a`, `e`, `r`, `n` on many: those it can apply to, then one question.
pub fn start(model: &mut Model, action: KeyAction, (ids, what): (Vec<u64>, &'static str)) {
    let kind = match action {
        KeyAction::Acknowledge => BatchKind::Acknowledge,
        KeyAction::Escalate => BatchKind::Escalate,
        KeyAction::Resolve => BatchKind::Resolve,
        KeyAction::Note => BatchKind::Note,
        _ => return,
    };
    if let Some(why) = model.feed.capabilities.refusal(&kind.action()) {
        model.warn(why);
        return;
    }
    let total = ids.len();
    let ids: Vec<u64> = ids
        .into_iter()
        .filter(|&id| model.incident(id).is_some_and(|inc| kind.applies(inc)))
        .collect();
    if ids.is_empty() {
        model.say(format!(
            "None of the {total} {what} can be {}: {}.",
            kind.done(),
            kind.why_not()
        ));
        return;
    }
    let left_out = total - ids.len();
    // The versions seen when asked: an incident changed by someone else
    // while the question is on screen is refused by the hub, not overrun.
    let seen = ids
        .iter()
        .map(|&id| model.incident(id).map_or(0, |inc| inc.version))
        .collect();
    let input = matches!(kind, BatchKind::Resolve | BatchKind::Note).then(LineInput::default);
    model.mode = Mode::Batch(Box::new(BatchAsk {
        kind,
        ids,
        seen,
        what,
        left_out,
        input,
    }));
}

/// A key while the question is asked: y/Enter (or the prompt's Enter) sends
/// one request per incident; anything else cancels.
pub fn key(
    model: &mut Model,
    mut ask: Box<BatchAsk>,
    action: Option<KeyAction>,
    key: &crossterm::event::KeyEvent,
) -> Vec<Command> {
    match (action, ask.input.as_mut()) {
        (Some(KeyAction::Confirm), None) => send(model, *ask, None),
        (Some(KeyAction::Submit), Some(input)) => {
            let text = input.text().trim().to_string();
            if ask.kind == BatchKind::Note && text.is_empty() {
                model.warn("The note is empty; nothing sent.");
                return Vec::new();
            }
            send(model, *ask, Some(text))
        }
        (Some(KeyAction::Cancel), _) | (_, None) => {
            model.say(format!("Cancelled: nothing sent to the {}.", ask.ids.len()));
            Vec::new()
        }
        (_, Some(input)) => {
            input.handle(key);
            model.mode = Mode::Batch(ask);
            Vec::new()
        }
    }
}

fn send(model: &mut Model, ask: BatchAsk, text: Option<String>) -> Vec<Command> {
    let mut batch = Batch {
        verb: ask.kind.verb(),
        total: 0,
        tickets: Default::default(),
        refused: Vec::new(),
    };
    let mut cmds = Vec::new();
    for (&id, &version) in ask.ids.iter().zip(&ask.seen) {
        // Gone from the list while the question was asked: not sent, and
        // not counted.
        if model.incident(id).is_none() {
            continue;
        }
        let action = match ask.kind {
            BatchKind::Acknowledge => Action::Acknowledge {
                version: Some(version),
            },
            BatchKind::Escalate => Action::Escalate { note: None },
            BatchKind::Resolve => Action::Resolve {
                note: text.clone().filter(|t| !t.is_empty()),
            },
            BatchKind::Note => Action::Note {
                text: text.clone().unwrap_or_default(),
            },
        };
        model.actions.refused.remove(&id);
        let ticket = model.actions.start(id, action.clone());
        batch.tickets.insert(ticket);
        cmds.push(Command::Feed(Request::Act { ticket, id, action }));
    }
    batch.total = batch.tickets.len();
    if batch.total == 0 {
        model.warn("Nothing sent: those incidents have left the list.");
        return cmds;
    }
    model.say(format!(
        "{} {} incidents, each on its own…",
        ask.kind.doing(),
        batch.total
    ));
    // Done with: the marks are cleared once sent, so the next action does
    // not go to them again by mistake.
    model.list.marked.clear();
    model.list.mark_anchor = None;
    model.actions.batches.push(batch);
    cmds
}

/// The hub's answer to one request of a batch, if `ticket` was one: the
/// refusal kept on its row, and once every answer is in, one line for all.
/// Returns false when the ticket was not a batch's.
pub fn answered(
    model: &mut Model,
    ticket: u64,
    id: u64,
    result: &Result<Incident, FeedError>,
) -> bool {
    let Some(n) = model
        .actions
        .batches
        .iter()
        .position(|b| b.tickets.contains(&ticket))
    else {
        return false;
    };
    let batch = &mut model.actions.batches[n];
    batch.tickets.remove(&ticket);
    if let Err(e) = result {
        let why = match e {
            FeedError::Rejected { message, .. } => format!("the hub refused: {message}"),
            other => format!("not sent: {other}"),
        };
        batch.refused.push((id, why.clone()));
        model.actions.refused.insert(id, why);
    }
    if model.actions.batches[n].tickets.is_empty() {
        let batch = model.actions.batches.remove(n);
        let done = batch.total - batch.refused.len();
        match batch.refused.as_slice() {
            [] => model.say(format!(
                "{} {done} of {}.",
                capital(&batch.verb),
                batch.total
            )),
            refused => {
                let ids: Vec<String> = refused
                    .iter()
                    .take(5)
                    .map(|(id, _)| format!("#{id}"))
                    .collect();
                let more = if refused.len() > 5 { ", …" } else { "" };
                model.warn(format!(
                    "{} {done} of {}; {} not done ({}{more}: marked {}, the detail says why).",
                    capital(&batch.verb),
                    batch.total,
                    refused.len(),
                    ids.join(", "),
                    super::super::model::REFUSED_MARK,
                ));
            }
        }
    }
    true
}

fn capital(verb: &str) -> String {
    let mut chars = verb.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

impl BatchKind {
    /// What the feed is asked, before its words are typed.
    pub fn action(self) -> Action {
        match self {
            BatchKind::Acknowledge => Action::Acknowledge { version: None },
            BatchKind::Escalate => Action::Escalate { note: None },
            BatchKind::Resolve => Action::Resolve { note: None },
            BatchKind::Note => Action::Note {
                text: String::new(),
            },
        }
    }

    /// Whether it makes sense for `inc`, `me` being the responder.
    fn applies(self, inc: &Incident) -> bool {
        match self {
            // Held by someone already: the hub would refuse it (T takes one
            // over); the question says how many are left out.
            BatchKind::Acknowledge => inc.status == Status::Triggered,
            BatchKind::Escalate | BatchKind::Resolve => inc.status.is_open(),
            BatchKind::Note => true,
        }
    }

    fn done(self) -> &'static str {
        match self {
            BatchKind::Acknowledge => "acknowledged",
            BatchKind::Escalate => "escalated",
            BatchKind::Resolve => "resolved",
            BatchKind::Note => "noted",
        }
    }

    fn why_not(self) -> &'static str {
        match self {
            BatchKind::Acknowledge => "none is triggered (T takes one over)",
            BatchKind::Escalate | BatchKind::Resolve => "they are resolved",
            BatchKind::Note => "none is in the list",
        }
    }

    fn doing(self) -> &'static str {
        match self {
            BatchKind::Acknowledge => "Acknowledging",
            BatchKind::Escalate => "Escalating",
            BatchKind::Resolve => "Resolving",
            BatchKind::Note => "Adding the note to",
        }
    }

    fn verb(self) -> String {
        match self {
            BatchKind::Acknowledge => "acknowledged",
            BatchKind::Escalate => "escalated",
            BatchKind::Resolve => "resolved",
            BatchKind::Note => "noted",
        }
        .to_string()
    }
}

/// The keys that take one incident at a time, pressed with rows marked or
/// on a group: said, not guessed at.
pub fn one_at_a_time(model: &mut Model, action: KeyAction) {
    let key = super::super::keys::name(action);
    let how = if model.list.marked.is_empty() {
        format!(
            "{} opens the group",
            super::super::keys::name(KeyAction::OpenGroup)
        )
    } else {
        format!(
            "{} clears the marks",
            super::super::keys::name(KeyAction::ClearFilter)
        )
    };
    model.warn(format!(
        "{key} takes one incident at a time; a, e, r and n take many ({how})."
    ));
}
