//! `H`: the shift hand-off composed from the shift, confirmed with Enter;
//! and the note handed to this responder, shown until dismissed.
use std::collections::BTreeSet;

use chrono::Duration;
use crossterm::event::KeyEvent;

use super::super::input::LineInput;
use super::super::keys::{self, Context, KeyAction};
use super::super::layout;
use super::super::model::{Mode, Model};
use super::super::msg::Command;
use crate::feed::{FeedError, Request};
use crate::handoff::{self, Shift};
use crate::incident::Handoff;
use crate::runbook::markdown;

/// `H`: asks the worker to gather the shift; the note opens when it is ready.
pub fn start(model: &mut Model) -> Vec<Command> {
    if let Some(why) = &model.feed.unavailable {
        model.warn(format!("No hand-off without a feed: {why}."));
        return Vec::new();
    }
    if let Some(why) = model.feed.capabilities.handoff_refusal() {
        model.warn(why);
        return Vec::new();
    }
    if model.handoff.preparing {
        model.say("Still composing the hand-off…");
        return Vec::new();
    }
    model.handoff.preparing = true;
    model.say("Composing the hand-off from your shift…");
    vec![Command::Feed(Request::PrepareHandoff {
        me: model.responder.clone(),
        now: model.now,
    })]
}

pub fn ready(model: &mut Model, result: Result<Shift, FeedError>) {
    model.handoff.preparing = false;
    match result {
        Ok(shift) => {
            let to = shift.to.is_none().then(LineInput::default);
            model.message = None;
            model.mode = Mode::Handoff {
                shift: Box::new(shift),
                to,
                words: LineInput::default(),
                scroll: 0,
            };
        }
        Err(e) if e.is_transient() => {
            // The hub is down, which is no reason to lose the hand-off: compose
            // it from what this console saw; it is saved and sent later.
            let shift = from_console(model);
            let to = shift.to.is_none().then(LineInput::default);
            let enter = keys::keys_for(Context::HandoffNote, &[KeyAction::Submit]);
            model.warn(format!(
                "{e}: the note comes from what this console saw; {enter} saves it and sends it once the hub answers."
            ));
            model.mode = Mode::Handoff {
                shift: Box::new(shift),
                to,
                words: LineInput::default(),
                scroll: 0,
            };
        }
        Err(e) => model.warn(format!(
            "Could not gather the shift: {e}. Nothing was sent."
        )),
    }
}

/// The shift as this console knows it: the incidents it holds (with the
/// timelines it fetched) and the rota it last read.
fn from_console(model: &Model) -> Shift {
    let me = model.responder.clone();
    let oncall = model.oncall.as_ref();
    let since = oncall
        .and_then(|o| o.now.as_ref())
        .filter(|s| s.who == me)
        .map_or(model.now - Duration::hours(12), |s| s.since);
    let to = oncall
        .and_then(|o| o.next.as_ref())
        .map(|n| n.who.clone())
        .filter(|who| *who != me);
    let mut incidents = model
        .list
        .incidents
        .iter()
        .filter(|i| i.status.is_open() || i.updated_at >= since)
        .map(|i| match model.detail.fetched.get(&i.id) {
            Some(d) if d.version >= i.version => d.clone(),
            _ => i.clone(),
        })
        .collect::<Vec<_>>();
    // The list is held in arrival order; the note reads in the list's order.
    incidents.sort_by_key(crate::console::model::sort_key);
    Shift {
        from: me,
        to,
        since,
        now: model.now,
        incidents,
        // What the squashes list last showed, when it was opened.
        squashes: model.squashes.listed.clone().unwrap_or_default(),
        // Only this responder's are known here; the hub's gather has all.
        followups: model.followups.open.clone(),
    }
}

/// Keys while the composed note is open: the keys that do not type scroll
/// the note (its later sections are read before Enter sends them), the rest
/// edit the line being written (the name first, when the rota names nobody).
pub fn key(
    model: &mut Model,
    mut draft: Draft,
    action: Option<KeyAction>,
    key: &KeyEvent,
) -> Vec<Command> {
    match action {
        Some(KeyAction::Cancel) => {
            model.say("Hand-off cancelled; nothing was sent.");
            return Vec::new();
        }
        Some(KeyAction::Submit) if draft.to.is_none() => return send(model, &draft),
        Some(KeyAction::Submit) => take_name(model, &mut draft),
        Some(scroll) => draft.scroll = scrolled(model, &draft, scroll),
        None => match &mut draft.to {
            Some(input) => {
                input.handle(key);
            }
            None => {
                draft.words.handle(key);
                // The words are the note's last lines: a shorter note scrolls less.
                draft.scroll = draft.scroll.min(last_scroll(model, &draft));
            }
        },
    }
    model.mode = draft.into_mode();
    Vec::new()
}

/// Enter on the name: whom the hand-off goes to, when the rota names nobody.
fn take_name(model: &mut Model, draft: &mut Draft) {
    let Some(input) = &draft.to else { return };
    let name = input.text().trim().to_string();
    if name.is_empty() {
        model.warn("Say who takes over: the rota names nobody.");
    } else {
        draft.shift.to = Some(name);
        draft.to = None;
        model.message = None;
    }
}

/// Enter on the note: saved, then sent.
fn send(model: &mut Model, draft: &Draft) -> Vec<Command> {
    let note = handoff::compose(&draft.shift, &model.library, draft.words.text());
    model.say("Saving the note, then handing over…");
    vec![Command::Feed(Request::SendHandoff {
        from: model.responder.clone(),
        to: draft.shift.to.clone(),
        note,
        dir: model.setup.data_dir.join("handoffs"),
        now: model.now,
    })]
}

/// The parts of `Mode::Handoff`, taken out while a key is handled.
pub struct Draft {
    pub shift: Box<Shift>,
    pub to: Option<LineInput>,
    pub words: LineInput,
    pub scroll: u16,
}

impl Draft {
    fn into_mode(self) -> Mode {
        Mode::Handoff {
            shift: self.shift,
            to: self.to,
            words: self.words,
            scroll: self.scroll,
        }
    }
}

/// The first line of the note on screen after a scrolling key.
fn scrolled(model: &Model, draft: &Draft, action: KeyAction) -> u16 {
    let page = layout::handoff_note(model.size).1.saturating_sub(1).max(1);
    let scroll = match action {
        KeyAction::Up => draft.scroll.saturating_sub(1),
        KeyAction::Down => draft.scroll.saturating_add(1),
        KeyAction::PageUp => draft.scroll.saturating_sub(page),
        KeyAction::PageDown => draft.scroll.saturating_add(page),
        _ => draft.scroll,
    };
    scroll.min(last_scroll(model, draft))
}

/// How far the note scrolls: its last line at the bottom of the popup.
fn last_scroll(model: &Model, draft: &Draft) -> u16 {
    let (width, height) = layout::handoff_note(model.size);
    let note = handoff::compose(&draft.shift, &model.library, draft.words.text());
    let lines = markdown::render(&note, width, &BTreeSet::new()).lines.len();
    u16::try_from(lines.saturating_sub(usize::from(height))).unwrap_or(u16::MAX)
}

pub fn handed_off(
    model: &mut Model,
    saved: Option<Result<std::path::PathBuf, String>>,
    result: Result<Handoff, FeedError>,
) {
    let where_ = match &saved {
        Some(Ok(path)) => format!("the note is in {}", path.display()),
        Some(Err(e)) => format!("the note could not be saved ({e})"),
        None => "its note was saved when it was written".to_string(),
    };
    match result {
        Ok(h) => {
            let n = h.moved.len();
            let s = if n == 1 { "" } else { "s" };
            let text = format!("Handed over to {}: {n} incident{s} moved; {where_}.", h.to);
            if matches!(saved, Some(Err(_))) {
                model.warn(text)
            } else {
                model.say(text)
            }
        }
        Err(e) => model.warn(format!("The hub refused the hand-off: {e}; {where_}.")),
    }
}

/// A hand-off addressed to this responder: shown at once unless it was
/// dismissed, or belongs to a shift that is over.
pub fn received(model: &mut Model, handoff: Option<Handoff>) {
    let Some(h) = handoff else { return };
    if h.to != model.responder || model.handoff.dismissed == Some(h.id) {
        return;
    }
    let current = h
        .until
        .map_or(model.now - h.at < Duration::hours(24), |until| {
            model.now < until
        });
    let new = model
        .handoff
        .received
        .as_ref()
        .is_none_or(|old| old.id != h.id);
    if new && current {
        model.handoff.received = Some(h);
        model.dirty = true;
        open_if_idle(model);
    }
}

/// Opens the unread note when the keyboard is free (not mid-prompt).
pub fn open_if_idle(model: &mut Model) {
    if model.handoff.unread().is_some() && model.mode == Mode::Normal {
        model.mode = Mode::ReadHandoff { scroll: 0 };
        model.dirty = true;
    }
}

/// Keys while reading the note: scroll, or dismiss it.
pub fn read_key(model: &mut Model, scroll: u16, action: Option<KeyAction>) -> Vec<Command> {
    let scroll = match action {
        Some(KeyAction::Dismiss) => {
            let id = model.handoff.received.as_ref().map(|h| h.id);
            model.handoff.dismissed = id;
            model.say("Hand-off note dismissed.");
            return id
                .map(|id| vec![Command::RememberDismissed(id)])
                .unwrap_or_default();
        }
        Some(KeyAction::Down) => scroll.saturating_add(1),
        Some(KeyAction::Up) => scroll.saturating_sub(1),
        Some(KeyAction::PageDown) => scroll.saturating_add(READ_PAGE),
        Some(KeyAction::PageUp) => scroll.saturating_sub(READ_PAGE),
        Some(KeyAction::Top) => 0,
        _ => scroll,
    };
    model.mode = Mode::ReadHandoff { scroll };
    Vec::new()
}

/// How far a page key scrolls the note being read.
const READ_PAGE: u16 = 10;
