//! Everything the console shows, in one value. `update` changes it, `view`
//! draws it; nothing else does either.
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::feed::Action;
use crate::handoff::Shift;
use crate::incident::{Handoff, Incident, OnCall};
use crate::runbook::markdown::Rendered;
use crate::runbook::search::Hit;
use crate::runbook::{Library, Match};

use super::input::LineInput;

mod clock;
mod escalation;
mod feed;
mod list;

pub use clock::ClockFace;
pub use escalation::EscalationTarget;
pub use feed::{ALARM_SECONDS, FeedStatus, Health, stale_for};
pub use list::{Widest, age, passes, sort_key};

/// Which pane the movement keys drive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    #[default]
    List,
    Runbook,
}

/// What the keyboard is doing right now.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Normal,
    Help,
    /// Typing a filter; the list follows as you type.
    Filter(LineInput),
    /// Typing a note, or the optional note of a resolve.
    Prompt {
        kind: PromptKind,
        id: u64,
        input: LineInput,
    },
    /// A change to shared state that waits for y/Enter.
    ConfirmEscalate {
        id: u64,
        from: u32,
    },
    /// The hand-off note composed from the shift, waiting for Enter. When
    /// the rota names nobody to take over, `to` is asked for first. `scroll`
    /// is the note's first line on screen.
    Handoff {
        shift: Box<Shift>,
        to: Option<LineInput>,
        words: LineInput,
        scroll: u16,
    },
    /// Reading the hand-off note addressed to us; Enter or Esc dismisses it.
    ReadHandoff {
        scroll: u16,
    },
    /// Searching all runbooks (`b`).
    Browse {
        input: LineInput,
        hits: Vec<Hit>,
        cursor: usize,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    Note,
    Resolve,
}

impl PromptKind {
    /// The action the prompt sends, before its words are typed.
    pub fn action(self) -> Action {
        match self {
            PromptKind::Note => Action::Note {
                text: String::new(),
            },
            PromptKind::Resolve => Action::Resolve { note: None },
        }
    }
}

/// A line at the bottom that says what happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub error: bool,
    pub at: DateTime<Utc>,
}

/// An action sent to the hub and not yet answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub id: u64,
    pub action: Action,
    /// The hub could not be reached: it waits in the outbox.
    pub queued: bool,
}

/// The runbook pane's content, rendered for the pane's width.
#[derive(Debug, Clone)]
pub struct RunbookView {
    pub id: String,
    pub width: u16,
    pub done: BTreeSet<usize>,
    pub doc: Rendered,
}

pub struct Model {
    pub responder: String,
    pub feed: FeedStatus,
    /// Every incident known, in no particular order (`visible` is sorted).
    /// Shared with a cache write in progress (which then holds the list as
    /// it was); a change while one runs copies it, otherwise nothing does.
    pub incidents: Arc<Vec<Incident>>,
    /// Indexes into `incidents` that pass the filter, in order: open before
    /// resolved, most severe, newest.
    pub visible: Vec<usize>,
    /// Open incidents by severity, most severe first; counted when the list
    /// changes (in `selection::rebuild`, which every change of `incidents`
    /// goes through), not on every frame.
    pub open_counts: [usize; 4],
    /// How wide the list's id, service and owner columns need to be; also
    /// measured where the list is rebuilt.
    pub widest: Widest,
    /// The feed's cursor that `incidents` are as of (see `feed::Resume`).
    pub resume: Option<crate::feed::Resume>,
    pub filter: String,
    /// Position in `visible`, and the incident there (kept when the list moves).
    pub cursor: usize,
    pub selected: Option<u64>,
    /// First row of the list on screen.
    pub list_offset: usize,
    /// Incidents with their timelines, fetched when selected.
    pub details: HashMap<u64, Incident>,
    pub pending: BTreeMap<u64, Pending>,
    /// Changes waiting in the outbox for the hub to be reachable.
    pub waiting: usize,
    /// The feed changed since the on-disk cache was last written, and when
    /// that was (writes are spaced out: a busy feed is not a busy disk).
    pub cache_due: bool,
    pub cache_saved: Option<DateTime<Utc>>,
    pub next_ticket: u64,
    pub message: Option<Message>,
    pub mode: Mode,
    pub focus: Focus,
    /// The focused pane fills the screen (`z`): a runbook's code blocks are
    /// read at full width.
    pub zoomed: bool,
    /// How far the selected incident's pane is scrolled into its timeline
    /// (`J`/`K`): 0 shows it from the top; from 1 on the title stays and
    /// the timeline starts at its `timeline_scroll`th newest entry.
    pub timeline_scroll: usize,
    pub library: Arc<Library>,
    /// Runbooks that match the selected incident, best first.
    pub matches: Vec<Match>,
    /// Which of `matches` is shown (1..9 pick).
    pub runbook_choice: usize,
    /// A runbook picked from the search (`b`), shown instead of the matches
    /// until another incident is selected.
    pub runbook_pick: Option<String>,
    /// First line of the runbook on screen, and the line the cursor is on.
    pub runbook_scroll: usize,
    pub runbook_cursor: usize,
    pub runbook: Option<RunbookView>,
    /// The (id, version) of the selected incident that matches and detail
    /// were last brought up to date for.
    pub synced: Option<(u64, u64)>,
    /// Who is on call, and whom each escalation level reaches (hub feeds).
    pub oncall: Option<OnCall>,
    /// The last hand-off addressed to this responder, and whether it was
    /// read and dismissed.
    pub handoff: Option<Handoff>,
    pub handoff_dismissed: Option<u64>,
    /// A hand-off note is being gathered from the hub.
    pub handoff_preparing: bool,
    /// Ring the bell when something reaches this responder.
    pub bell: bool,
    /// No colour (`NO_COLOR`): marks, words and reverse video still say
    /// status, severity, selection and focus.
    pub monochrome: bool,
    /// Where hand-off notes are written before they are sent.
    pub data_dir: std::path::PathBuf,
    pub size: (u16, u16),
    pub now: DateTime<Utc>,
    /// Times in the timeline are shown in the responder's local time.
    pub tz: chrono::FixedOffset,
    /// Set when something visible changed; the loop draws and clears it.
    pub dirty: bool,
    pub quit: bool,
}

impl Model {
    pub fn new(
        responder: String,
        feed: FeedStatus,
        library: Arc<Library>,
        now: DateTime<Utc>,
    ) -> Model {
        Model {
            responder,
            feed,
            incidents: Arc::default(),
            visible: Vec::new(),
            open_counts: [0; 4],
            widest: Widest::default(),
            resume: None,
            filter: String::new(),
            cursor: 0,
            selected: None,
            list_offset: 0,
            details: HashMap::new(),
            pending: BTreeMap::new(),
            waiting: 0,
            cache_due: false,
            cache_saved: None,
            next_ticket: 1,
            message: None,
            mode: Mode::Normal,
            focus: Focus::List,
            zoomed: false,
            timeline_scroll: 0,
            library,
            matches: Vec::new(),
            runbook_choice: 0,
            runbook_pick: None,
            runbook_scroll: 0,
            runbook_cursor: 0,
            runbook: None,
            synced: None,
            oncall: None,
            handoff: None,
            handoff_dismissed: None,
            handoff_preparing: false,
            bell: true,
            monochrome: false,
            data_dir: crate::config::data_dir(),
            size: (120, 40),
            now,
            tz: *chrono::Local::now().offset(),
            dirty: true,
            quit: false,
        }
    }

    /// Found through the cursor, which is where the selection is; a search
    /// of the whole list is only the fallback (this runs on every frame).
    pub fn selected_incident(&self) -> Option<&Incident> {
        let id = self.selected?;
        self.visible
            .get(self.cursor)
            .and_then(|&i| self.incidents.get(i))
            .filter(|inc| inc.id == id)
            .or_else(|| self.incident(id))
    }

    pub fn incident(&self, id: u64) -> Option<&Incident> {
        self.incidents.iter().find(|i| i.id == id)
    }

    /// The selected incident with its timeline when we have it.
    pub fn selected_detail(&self) -> Option<&Incident> {
        let id = self.selected?;
        self.details.get(&id)
    }

    pub fn pending_for(&self, id: u64) -> Option<&Pending> {
        self.pending.values().find(|p| p.id == id)
    }

    /// The steps of `runbook` ticked on incident `id`: what the hub says,
    /// with the ticks on their way to it already applied.
    pub fn steps_done(&self, id: u64, runbook: &str) -> BTreeSet<usize> {
        let mut done: BTreeSet<usize> = self
            .details
            .get(&id)
            .and_then(|d| d.steps.get(runbook))
            .map(|s| s.iter().map(|&n| n as usize).collect())
            .unwrap_or_default();
        for p in self.pending.values().filter(|p| p.id == id) {
            if let Action::Step {
                runbook: rb,
                step,
                done: tick,
                ..
            } = &p.action
                && rb == runbook
            {
                if *tick {
                    done.insert(*step as usize);
                } else {
                    done.remove(&(*step as usize));
                }
            }
        }
        done
    }

    /// What goes in the on-disk cache.
    pub fn snapshot(&self) -> crate::feed::cache::CachedFeed {
        crate::feed::cache::CachedFeed {
            saved_at: self.feed.last_ok.unwrap_or(self.now),
            incidents: Arc::clone(&self.incidents),
            oncall: self.oncall.clone(),
            resume: self.resume.clone(),
        }
    }

    /// Starts from the cache: shown at once, stale with its age, until the
    /// feed answers.
    pub fn restore(&mut self, cached: crate::feed::cache::CachedFeed) {
        self.incidents = cached.incidents;
        self.oncall = cached.oncall;
        self.resume = cached.resume;
        self.feed.last_ok = Some(cached.saved_at);
        self.feed.last_error = Some("the copy saved then; waiting for the feed".to_string());
        // Old as it may be, the copy is what the responder just opened: no
        // bell for it, but a word when the feed answers.
        self.feed.alarmed = true;
        self.dirty = true;
    }

    /// The pane that fills the screen, if one does.
    pub fn zoom(&self) -> Option<Focus> {
        self.zoomed.then_some(self.focus)
    }

    /// The zoom as it bears on `pane`'s size: `pane` zoomed, or laid out as
    /// usual. A pane hidden behind another keeps the size it comes back at,
    /// so its page and wrapping do not change while it is out of sight.
    pub fn zoom_of(&self, pane: Focus) -> Option<Focus> {
        self.zoom().filter(|z| *z == pane)
    }

    pub fn take_dirty(&mut self) -> bool {
        std::mem::take(&mut self.dirty)
    }

    pub fn say(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            text: text.into(),
            error: false,
            at: self.now,
        });
    }

    pub fn warn(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            text: text.into(),
            error: true,
            at: self.now,
        });
    }
}
