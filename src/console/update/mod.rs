//! `update(&mut Model, Msg) -> Vec<Command>`: the console's whole behaviour,
//! pure and testable without a terminal.
mod feed;
mod handoff;
mod runbook;
mod selection;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::input::LineInput;
use super::keys::{self, KeyAction};
use super::model::{Focus, Mode, Model, PromptKind};
use super::msg::{Command, Msg};
use crate::feed::{Action, Request};
use crate::incident::Status;

pub use runbook::{announce_problems, shown_runbook_id};

/// Messages fade after this long (errors stay longer), or at the next key
/// that does something, whichever comes first.
const MESSAGE_SECONDS: i64 = 10;
const WARNING_SECONDS: i64 = 30;

/// Starts from the on-disk cache: its incidents, stale with their age.
pub fn restore(model: &mut Model, cached: crate::feed::cache::CachedFeed) {
    model.restore(cached);
    selection::rebuild(model);
}

pub fn update(model: &mut Model, msg: Msg) -> Vec<Command> {
    let mut cmds = dispatch(model, msg);
    cmds.extend(feed::watch(model));
    cmds.extend(selection::sync(model));
    handoff::open_if_idle(model);
    cmds
}

fn dispatch(model: &mut Model, msg: Msg) -> Vec<Command> {
    match msg {
        Msg::Key(key) if key.kind == KeyEventKind::Release => Vec::new(),
        Msg::Key(key) => {
            model.dirty = true;
            on_key(model, key)
        }
        Msg::Paste(text) => {
            match &mut model.mode {
                Mode::Filter(input) => {
                    input.paste(&text);
                    let filter = input.text().to_string();
                    selection::set_filter(model, filter);
                }
                Mode::Prompt { input, .. } => input.paste(&text),
                Mode::Browse {
                    input,
                    hits,
                    cursor,
                } => {
                    input.paste(&text);
                    *hits = crate::runbook::search::search(&model.library, input.text());
                    *cursor = 0;
                }
                _ => {}
            }
            model.dirty = true;
            Vec::new()
        }
        Msg::Resize(w, h) => {
            model.size = (w, h);
            model.dirty = true;
            selection::keep_cursor_visible(model);
            Vec::new()
        }
        Msg::Feed(event) => feed::on_feed(model, event),
        Msg::Worker(event) => feed::on_worker(model, event),
        Msg::Tick(now) => on_tick(model, now),
        Msg::External(outcome) => {
            match outcome {
                Ok(text) if text.is_empty() => {}
                Ok(text) => model.say(text),
                Err(text) => model.warn(text),
            }
            model.dirty = true;
            Vec::new()
        }
        Msg::Problem(text) => {
            model.warn(text);
            model.dirty = true;
            Vec::new()
        }
        Msg::Terminate => {
            model.quit = true;
            vec![Command::Quit]
        }
    }
}

/// The cache is written at most this often.
const CACHE_EVERY_SECONDS: i64 = 5;

fn on_tick(model: &mut Model, now: chrono::DateTime<chrono::Utc>) -> Vec<Command> {
    let before = model.clock_face(model.now);
    model.now = now;
    if model.clock_face(now) != before {
        model.dirty = true;
    }
    if let Some(m) = &model.message
        && (now - m.at).num_seconds()
            >= if m.error {
                WARNING_SECONDS
            } else {
                MESSAGE_SECONDS
            }
    {
        model.message = None;
        model.dirty = true;
    }
    let spaced = model
        .cache
        .saved
        .is_none_or(|t| (now - t).num_seconds() >= CACHE_EVERY_SECONDS);
    if model.cache.due && spaced {
        model.cache.due = false;
        model.cache.saved = Some(now);
        return vec![Command::SaveCache(Box::new(model.snapshot()))];
    }
    Vec::new()
}

fn on_key(model: &mut Model, key: KeyEvent) -> Vec<Command> {
    match std::mem::take(&mut model.mode) {
        Mode::Normal => on_normal_key(model, key),
        Mode::Help => Vec::new(), // any key closes help
        Mode::Filter(mut input) => {
            match key.code {
                KeyCode::Enter => {}
                KeyCode::Esc => selection::set_filter(model, String::new()),
                _ => {
                    input.handle(&key);
                    let filter = input.text().to_string();
                    selection::set_filter(model, filter);
                    model.mode = Mode::Filter(input);
                }
            }
            Vec::new()
        }
        Mode::Prompt {
            kind,
            id,
            mut input,
        } => match key.code {
            KeyCode::Esc => {
                model.say("Cancelled.");
                Vec::new()
            }
            KeyCode::Enter => submit_prompt(model, kind, id, input.text().trim()),
            _ => {
                input.handle(&key);
                model.mode = Mode::Prompt { kind, id, input };
                Vec::new()
            }
        },
        Mode::ConfirmEscalate { id, .. } => match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') | KeyCode::Enter => {
                send(model, id, Action::Escalate { note: None })
            }
            _ => {
                model.say("Escalation cancelled.");
                Vec::new()
            }
        },
        Mode::Handoff {
            shift,
            to,
            words,
            scroll,
        } => handoff::key(
            model,
            handoff::Draft {
                shift,
                to,
                words,
                scroll,
            },
            key,
        ),
        Mode::ReadHandoff { scroll } => handoff::read_key(model, scroll, key),
        Mode::Browse {
            mut input,
            mut hits,
            mut cursor,
        } => {
            match key.code {
                KeyCode::Esc => return Vec::new(),
                KeyCode::Enter => {
                    if let Some(hit) = hits.get(cursor) {
                        runbook::pick(model, hit.id.clone());
                    }
                    return Vec::new();
                }
                KeyCode::Up => cursor = cursor.saturating_sub(1),
                KeyCode::Down => cursor = (cursor + 1).min(hits.len().saturating_sub(1)),
                KeyCode::Char('p') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                    cursor = cursor.saturating_sub(1)
                }
                KeyCode::Char('n') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                    cursor = (cursor + 1).min(hits.len().saturating_sub(1))
                }
                _ => {
                    if input.handle(&key) {
                        hits = crate::runbook::search::search(&model.library, input.text());
                        cursor = 0;
                    }
                }
            }
            model.mode = Mode::Browse {
                input,
                hits,
                cursor,
            };
            Vec::new()
        }
    }
}

fn on_normal_key(model: &mut Model, key: KeyEvent) -> Vec<Command> {
    if key.code == KeyCode::Esc {
        model.message = None;
        if !model.list.filter.is_empty() {
            selection::set_filter(model, String::new());
        }
        return Vec::new();
    }
    let Some(action) = keys::lookup(&key) else {
        return Vec::new();
    };
    // What the last action said is read by now; this one may say its own.
    model.message = None;
    match action {
        KeyAction::Quit => {
            model.quit = true;
            return vec![Command::Quit];
        }
        KeyAction::Help => model.mode = Mode::Help,
        KeyAction::Filter => model.mode = Mode::Filter(LineInput::with_text(&model.list.filter)),
        KeyAction::SwitchFocus => {
            model.focus = match model.focus {
                Focus::List => Focus::Runbook,
                Focus::Runbook => Focus::List,
            };
            // Zoomed, the other pane fills the screen now.
            selection::keep_cursor_visible(model);
        }
        KeyAction::Zoom => {
            model.zoomed = !model.zoomed;
            selection::keep_cursor_visible(model);
        }
        KeyAction::TimelineDown => selection::scroll_timeline(model, 1),
        KeyAction::TimelineUp => selection::scroll_timeline(model, -1),
        KeyAction::Up
        | KeyAction::Down
        | KeyAction::PageUp
        | KeyAction::PageDown
        | KeyAction::Top
        | KeyAction::Bottom => match model.focus {
            Focus::List => selection::move_by(model, action),
            Focus::Runbook => runbook::move_cursor(model, action),
        },
        KeyAction::PickRunbook(n) => runbook::pick_match(model, usize::from(n)),
        KeyAction::Browse => runbook::start_browse(model),
        KeyAction::Handoff => return handoff::start(model),
        KeyAction::TickStep => return runbook::tick(model),
        KeyAction::Copy => return runbook::copy(model),
        KeyAction::Open => return runbook::open(model),
        KeyAction::Acknowledge | KeyAction::Escalate | KeyAction::Resolve | KeyAction::Note => {
            return on_incident_key(model, action);
        }
    }
    Vec::new()
}

/// The keys that change an incident: checked here against what we know, so
/// a refusal the hub would give anyway is said at once and in plain words.
fn on_incident_key(model: &mut Model, action: KeyAction) -> Vec<Command> {
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
        KeyAction::Resolve | KeyAction::Note => {
            let kind = if action == KeyAction::Note {
                PromptKind::Note
            } else {
                PromptKind::Resolve
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

fn submit_prompt(model: &mut Model, kind: PromptKind, id: u64, text: &str) -> Vec<Command> {
    match kind {
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
    }
}

/// Why the feed cannot take `action`, if it cannot (see `Capabilities`).
fn refusal(model: &Model, action: &Action) -> Option<String> {
    model.feed.capabilities.refusal(action)
}

/// Hands an action to the worker and marks it pending until the hub answers.
/// What the feed cannot take is refused here, in words, rather than failing
/// on the wire.
fn send(model: &mut Model, id: u64, action: Action) -> Vec<Command> {
    if let Some(why) = refusal(model, &action) {
        model.warn(why);
        return Vec::new();
    }
    model.say(format!("Sending {} for #{id}…", action.verb()));
    let ticket = model.actions.start(id, action.clone());
    vec![Command::Feed(Request::Act { ticket, id, action })]
}

#[cfg(test)]
mod tests;
