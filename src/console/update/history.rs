//! `R`: the resolved incidents beyond the list, searched on the hub, and one
//! of them read with its whole timeline. Pages and the incident read are
//! asked of the feed worker (nothing is fetched in `update`) and kept in the
//! popup's own state: a resolved incident read here never joins the list or
//! the detail pane, and no action reaches it from here.
use crossterm::event::KeyEvent;

use super::super::keys::{self, Context, KeyAction};
use super::super::model::{HISTORY_PAGE, HistorySearch, Mode, Model, Reading};
use super::super::msg::Command;
use super::super::{layout, view};
use crate::feed::{FeedError, Request};
use crate::incident::{Incident, ResolvedPage};

/// How far a page key moves among the results.
const RESULTS_PAGE: usize = 10;

/// `R`: opens the search with the newest resolved incidents asked for.
pub fn start(model: &mut Model) -> Vec<Command> {
    if let Some(why) = &model.feed.unavailable {
        model.warn(format!("No history without a feed: {why}."));
        return Vec::new();
    }
    if let Some(why) = model.feed.capabilities.history_refusal() {
        model.warn(why);
        return Vec::new();
    }
    let mut search = Box::<HistorySearch>::default();
    let cmds = ask(&mut search, String::new(), None);
    model.mode = Mode::History(search);
    cmds
}

/// Asks for the page of `q` below `before`, unless it is on its way already.
fn ask(search: &mut HistorySearch, q: String, before: Option<u64>) -> Vec<Command> {
    let asked = Some((q.clone(), before));
    if search.asking == asked {
        return Vec::new();
    }
    search.asking = asked;
    vec![Command::Feed(Request::History {
        q,
        before,
        limit: HISTORY_PAGE,
    })]
}

/// A key in the popup: the search and its results, or the incident read.
pub fn key(
    model: &mut Model,
    mut search: Box<HistorySearch>,
    action: Option<KeyAction>,
    key: &KeyEvent,
) -> Vec<Command> {
    let cmds = match search.reading.take() {
        Some(reading) => {
            read_key(model, &mut search, reading, action, key);
            Vec::new()
        }
        None => match search_key(&mut search, action, key) {
            Some(cmds) => cmds,
            None => return Vec::new(),
        },
    };
    model.mode = Mode::History(search);
    cmds
}

/// Keys over the results; `None` when the popup closes.
fn search_key(
    search: &mut HistorySearch,
    action: Option<KeyAction>,
    key: &KeyEvent,
) -> Option<Vec<Command>> {
    let last = search.results.len().saturating_sub(1);
    let cursor = search.cursor;
    search.cursor = match action {
        Some(KeyAction::Cancel) => return None,
        Some(KeyAction::Submit) => return Some(submit(search)),
        Some(KeyAction::Up) => cursor.saturating_sub(1),
        Some(KeyAction::Down) => (cursor + 1).min(last),
        Some(KeyAction::PageUp) => cursor.saturating_sub(RESULTS_PAGE),
        Some(KeyAction::PageDown) => (cursor + RESULTS_PAGE).min(last),
        _ => {
            search.input.handle(key);
            return Some(Vec::new());
        }
    };
    // Reaching the end of what came asks for what is behind it.
    let at_end = !search.results.is_empty() && search.cursor == last;
    let going_down = matches!(action, Some(KeyAction::Down | KeyAction::PageDown));
    match (at_end && going_down, search.more(), search.shown.clone()) {
        (true, Some(next), Some(q)) => Some(ask(search, q, Some(next))),
        _ => Some(Vec::new()),
    }
}

/// `Enter`: searches for the words typed, or, when the results are theirs,
/// opens the one chosen and asks for its timeline.
fn submit(search: &mut HistorySearch) -> Vec<Command> {
    if search.searches() {
        let q = search.typed();
        return ask(search, q, None);
    }
    let Some(chosen) = search.chosen() else {
        return Vec::new();
    };
    let id = chosen.id;
    search.reading = Some(Reading {
        incident: Box::new(chosen.clone()),
        whole: false,
        problem: None,
        scroll: 0,
    });
    vec![Command::Feed(Request::HistoryIncident { id })]
}

/// Keys while an incident is read: scroll, or back to the results. The
/// list's action keys change nothing here, and say why.
fn read_key(
    model: &mut Model,
    search: &mut HistorySearch,
    mut reading: Reading,
    action: Option<KeyAction>,
    key: &KeyEvent,
) {
    let page = layout::popup_text(model.size).1.max(1);
    let bottom = view::history::overflow(&reading, model.setup.tz, model.size);
    let scroll = reading.scroll;
    reading.scroll = match action {
        Some(KeyAction::Close) => return,
        Some(KeyAction::Down) => scroll.saturating_add(1),
        Some(KeyAction::Up) => scroll.saturating_sub(1),
        Some(KeyAction::PageDown) => scroll.saturating_add(page),
        Some(KeyAction::PageUp) => scroll.saturating_sub(page),
        Some(KeyAction::Top) => 0,
        _ => {
            if acts_on_incidents(key) {
                let id = reading.incident.id;
                model.warn(format!(
                    "#{id} is resolved and read from the history: nothing changes it from here."
                ));
            }
            scroll
        }
    }
    .min(bottom);
    search.reading = Some(reading);
}

/// Whether `key` would act on the selected incident in the list.
fn acts_on_incidents(key: &KeyEvent) -> bool {
    matches!(
        keys::lookup(Context::Normal, key),
        Some(
            KeyAction::Acknowledge
                | KeyAction::Escalate
                | KeyAction::Resolve
                | KeyAction::Note
                | KeyAction::StatusUpdate
                | KeyAction::TakeOver
                | KeyAction::Assign
                | KeyAction::GiveBack
                | KeyAction::Snooze
                | KeyAction::AskHelp
                | KeyAction::Manager
                | KeyAction::Squash
                | KeyAction::AddFollowup
                | KeyAction::TickStep
        )
    )
}

/// A page came for the search `q` below `before` (or could not): taken
/// when it is the one the popup waits for, else it is an old answer and
/// dropped. A failure keeps what was shown and says why in the popup.
pub fn page(
    model: &mut Model,
    q: String,
    before: Option<u64>,
    result: Result<ResolvedPage, FeedError>,
) {
    let Mode::History(search) = &mut model.mode else {
        return;
    };
    if search.asking.as_ref() != Some(&(q.clone(), before)) {
        return;
    }
    search.asking = None;
    match result {
        Ok(page) => {
            if before.is_none() {
                search.results = page.incidents;
                search.cursor = 0;
                search.shown = Some(q);
            } else {
                search.results.extend(page.incidents);
            }
            search.next = page.next;
            search.problem = None;
        }
        Err(e) => {
            let what = match before {
                None => "search the history",
                Some(_) => "read the next page of the history",
            };
            search.problem = Some(format!("Could not {what}: {e}."));
        }
    }
}

/// The incident being read came with its timeline (or could not: what the
/// page said of it stays, and why is said).
pub fn incident(model: &mut Model, id: u64, result: Result<Box<Incident>, FeedError>) {
    let Mode::History(search) = &mut model.mode else {
        return;
    };
    let Some(reading) = search.reading.as_mut().filter(|r| r.incident.id == id) else {
        return;
    };
    match result {
        Ok(incident) => {
            reading.incident = incident;
            reading.whole = true;
            reading.problem = None;
        }
        Err(e) => reading.problem = Some(format!("Could not read #{id}'s timeline: {e}.")),
    }
}
