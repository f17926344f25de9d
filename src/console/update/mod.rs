//! `update(&mut Model, Msg) -> Vec<Command>`: the console's whole behaviour,
//! pure and testable without a terminal.
mod actions;
mod batch;
mod copy;
mod feed;
mod followup;
mod group;
mod handoff;
mod history;
mod keys;
mod links;
mod marks;
mod ownership;
mod report;
mod rota;
mod runbook;
mod selection;
mod squash;

use crossterm::event::KeyEventKind;

use super::model::{Mode, Model, RotaStep};
use super::msg::{Command, Msg};

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
            keys::on_key(model, key)
        }
        Msg::Paste(text) => {
            match &mut model.mode {
                Mode::Filter(input) => {
                    input.paste(&text);
                    let filter = input.text().to_string();
                    selection::set_filter(model, filter);
                }
                Mode::Prompt { input, .. } | Mode::Jump(input) => input.paste(&text),
                Mode::FollowupForm(form) => form.input.paste(&text),
                Mode::Batch(ask) => {
                    if let Some(input) = &mut ask.input {
                        input.paste(&text);
                    }
                }
                Mode::History(search) if search.reading.is_none() => search.input.paste(&text),
                Mode::Followups(popup) => {
                    if let Some(closing) = &mut popup.closing {
                        closing.input.paste(&text);
                    }
                }
                Mode::Squash(form) => match &mut form.step {
                    super::model::SquashStep::TypedDuration(input)
                    | super::model::SquashStep::Reason { input, .. } => input.paste(&text),
                    super::model::SquashStep::Duration => {}
                },
                Mode::Browse {
                    input,
                    hits,
                    cursor,
                } => {
                    input.paste(&text);
                    *hits = crate::runbook::search::search(&model.library, input.text());
                    *cursor = 0;
                }
                Mode::Rota {
                    step:
                        RotaStep::Start(input)
                        | RotaStep::End { input, .. }
                        | RotaStep::For { input, .. },
                    ..
                } => input.paste(&text),
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
        Msg::Focus(focused) => {
            model.setup.focused = Some(focused);
            Vec::new()
        }
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

#[cfg(test)]
mod tests;
