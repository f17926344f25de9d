//! Everything the console shows, in one value, grouped as the screen is.
//! `update` changes it, `view` draws it; nothing else does either.
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, Utc};

use crate::feed::Action;
use crate::handoff::Shift;
use crate::incident::{Heartbeat, Incident, OnCall};
use crate::runbook::Library;
use crate::runbook::search::Hit;

use super::input::LineInput;
use super::keys::Context;

mod actions;
mod clock;
mod escalation;
mod feed;
mod followup;
mod group;
mod handoffs;
mod history;
mod links;
mod list;
mod rota;
mod runbook;
mod squash;

pub use actions::{Actions, Batch, BatchAsk, BatchKind, Pending, REFUSED_MARK};
pub use clock::ClockFace;
pub use escalation::EscalationTarget;
pub use feed::{ALARM_SECONDS, FeedStatus, Health, stale_for};
pub use followup::{Closing, FollowupForm, FollowupStep, FollowupsPopup, MyFollowups};
pub use group::{Group, Grouping, Row, group_rows, title_shape};
pub use handoffs::Handoffs;
pub use history::{HISTORY_PAGE, HistorySearch, Reading};
pub use links::{IncidentLinks, Link, LinkKind, is_shown_label};
pub use list::{List, QuickFilters, Widest, age, passes, sort_key};
pub use rota::{RotaOverrides, RotaStep};
pub use runbook::{RunbookPane, RunbookView, block_summary};
pub use squash::{QUICK_HOURS, SquashForm, SquashStep, Squashes, typed_duration};

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
    /// The `?` screen, scrolled down `scroll` lines when it does not fit.
    Help { scroll: u16 },
    /// Typing a filter; the list follows as you type.
    Filter(LineInput),
    /// Typing the number of an incident to go to (`#`).
    Jump(LineInput),
    /// Typing a note, or the optional note of a resolve.
    Prompt {
        kind: PromptKind,
        id: u64,
        input: LineInput,
    },
    /// A change to shared state that waits for y/Enter.
    ConfirmEscalate { id: u64, from: u32 },
    /// Naming `who` manager of incident `id` though they fix it (`why`):
    /// sent with `force` only after y/Enter.
    ConfirmForce { id: u64, who: String, why: String },
    /// A code block tagged irreversible, copied only after y/Enter.
    ConfirmCopy { text: String },
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
    ReadHandoff { scroll: u16 },
    /// Reading the noise report (`N`), from its `scroll`th line.
    Report {
        report: Box<crate::report::NoiseReport>,
        scroll: u16,
    },
    /// Searching all runbooks (`b`).
    Browse {
        input: LineInput,
        hits: Vec<Hit>,
        cursor: usize,
    },
    /// The heartbeats the hub watches (`h`); any key closes it.
    Heartbeats,
    /// Squashing the selected incident's alert (`s`).
    Squash(Box<SquashForm>),
    /// The squashes in force and scheduled (`S`); `confirm` names the one
    /// whose removal waits for y/Enter.
    Squashes { cursor: usize, confirm: Option<u64> },
    /// The rota view (`w`): who is on call, the levels and the overrides,
    /// `cursor` on one of those; `step` says whether a cover is being typed
    /// or a removal asked.
    Rota { cursor: usize, step: RotaStep },
    /// Writing a follow-up for the selected incident (`f`).
    FollowupForm(Box<FollowupForm>),
    /// This responder's open follow-ups (`F`).
    Followups(Box<FollowupsPopup>),
    /// An action for many incidents, asked before it is sent.
    Batch(Box<BatchAsk>),
    /// `O` on an incident with both a runbook URL and an alert source:
    /// which to open, in one key. Both are clean already.
    ChooseLink {
        id: u64,
        runbook: String,
        source: String,
    },
    /// The history of resolved incidents (`R`): searched, and one read.
    History(Box<HistorySearch>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    Note,
    Resolve,
    /// Whom to assign the incident to.
    Assign,
    /// How long to snooze it.
    Snooze,
    /// Whom to ask for help, and why.
    Help,
    /// Who manages the major incident.
    Manager,
    /// What stakeholders are told.
    StatusUpdate,
}

impl PromptKind {
    /// The action the prompt sends, before its words are typed.
    pub fn action(self) -> Action {
        match self {
            PromptKind::Note => Action::Note {
                text: String::new(),
            },
            PromptKind::Resolve => Action::Resolve { note: None },
            PromptKind::Assign => Action::Assign { to: String::new() },
            PromptKind::Snooze => Action::Snooze {
                length: String::new(),
            },
            PromptKind::Help => Action::AskHelp {
                who: String::new(),
                note: None,
            },
            PromptKind::Manager => Action::SetManager {
                who: String::new(),
                force: false,
            },
            PromptKind::StatusUpdate => Action::StatusUpdate {
                text: String::new(),
            },
        }
    }

    /// What the prompt says before the words typed, for incident `id`.
    pub fn label(self, id: u64) -> String {
        match self {
            PromptKind::Note => format!("note for #{id}: "),
            PromptKind::Resolve => format!("resolve #{id}, optional note: "),
            PromptKind::Assign => format!("assign #{id} to: "),
            PromptKind::Snooze => format!("snooze #{id} for (30m, 90s): "),
            PromptKind::Help => format!("ask for help with #{id} (name, then why): "),
            PromptKind::Manager => format!("incident manager of #{id}: "),
            PromptKind::StatusUpdate => format!("status update on #{id}, for stakeholders: "),
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

/// The selected incident's pane: incidents with their timelines, and how
/// far it is scrolled into the selected one's.
#[derive(Debug, Clone, Default)]
pub struct Detail {
    /// Incidents with their timelines, fetched when selected.
    pub fetched: HashMap<u64, Incident>,
    /// How far the pane is scrolled into the selected incident's timeline
    /// (`J`/`K`): 0 shows it from the top; from 1 on the title stays and
    /// the timeline starts at its `timeline_scroll`th newest entry.
    pub timeline_scroll: usize,
}

/// The on-disk copy of the feed: whether the feed changed since it was
/// last written, and when that was (writes are spaced out: a busy feed is
/// not a busy disk).
#[derive(Debug, Clone, Default)]
pub struct Cache {
    pub due: bool,
    pub saved: Option<DateTime<Utc>>,
}

/// How this console was set up at start, fixed for its run.
#[derive(Debug, Clone)]
pub struct Setup {
    /// Ring the bell when something reaches this responder.
    pub bell: bool,
    /// Also raise a desktop notification then (`[console] notify`).
    pub notify: bool,
    /// Whether the terminal has the responder's focus, as it last said;
    /// `None` until it says (many terminals never do).
    pub focused: Option<bool>,
    /// No colour (`NO_COLOR`): marks, words and reverse video still say
    /// status, severity, selection and focus.
    pub monochrome: bool,
    /// Where hand-off notes are written before they are sent.
    pub data_dir: PathBuf,
    /// Times in the timeline are shown in the responder's local time.
    pub tz: FixedOffset,
    /// URLs are drawn as terminal hyperlinks (OSC 8): the terminal takes
    /// them and `[console] hyperlinks` is not off.
    pub hyperlinks: bool,
    /// Over SSH (`SSH_CONNECTION`): a browser there is usually none, so a
    /// link opened is put on the clipboard too.
    pub remote: bool,
}

/// Everything the console shows, grouped as the screen is: the top bar
/// (responder, feed, rota, actions waiting), the list, the selected
/// incident, the runbook pane, the hand-off popups, the message line and
/// what the keyboard is doing (`mode`).
pub struct Model {
    pub responder: String,
    pub feed: FeedStatus,
    /// Who is on call, and whom each escalation level reaches (hub feeds).
    pub oncall: Option<OnCall>,
    /// The heartbeats the hub watches (hub feeds; none from others).
    pub heartbeats: Vec<Heartbeat>,
    pub list: List,
    pub detail: Detail,
    pub runbook: RunbookPane,
    pub library: Arc<Library>,
    pub actions: Actions,
    pub handoff: Handoffs,
    /// The noise report was asked of the hub and has not come yet.
    pub report_asked: bool,
    /// The squashes in force, as last listed, and removals on their way.
    pub squashes: Squashes,
    /// The overrides in force and upcoming, as last listed, and the covers
    /// and removals on their way.
    pub overrides: RotaOverrides,
    /// This responder's open follow-ups (hub feeds).
    pub followups: MyFollowups,
    pub cache: Cache,
    pub message: Option<Message>,
    pub mode: Mode,
    pub focus: Focus,
    /// The focused pane fills the screen (`z`): a runbook's code blocks are
    /// read at full width.
    pub zoomed: bool,
    pub setup: Setup,
    pub size: (u16, u16),
    pub now: DateTime<Utc>,
    /// Set when something visible changed; the loop draws and clears it.
    pub dirty: bool,
    pub quit: bool,
}

impl Model {
    /// A console for `responder`, keeping its files in `data_dir` and
    /// showing times in `tz`; it starts with nothing received.
    pub fn new(
        responder: String,
        feed: FeedStatus,
        library: Arc<Library>,
        now: DateTime<Utc>,
        data_dir: PathBuf,
        tz: FixedOffset,
    ) -> Model {
        Model {
            responder,
            feed,
            oncall: None,
            heartbeats: Vec::new(),
            list: List::default(),
            detail: Detail::default(),
            runbook: RunbookPane::default(),
            library,
            actions: Actions::new(),
            handoff: Handoffs::default(),
            report_asked: false,
            squashes: Squashes::default(),
            overrides: RotaOverrides::default(),
            followups: MyFollowups::default(),
            cache: Cache::default(),
            message: None,
            mode: Mode::Normal,
            focus: Focus::List,
            zoomed: false,
            setup: Setup {
                bell: true,
                notify: true,
                focused: None,
                monochrome: false,
                data_dir,
                tz,
                hyperlinks: false,
                remote: false,
            },
            size: (120, 40),
            now,
            dirty: true,
            quit: false,
        }
    }

    pub fn selected_incident(&self) -> Option<&Incident> {
        self.list.selected_incident()
    }

    pub fn incident(&self, id: u64) -> Option<&Incident> {
        self.list.incident(id)
    }

    /// The selected incident with its timeline when we have it.
    pub fn selected_detail(&self) -> Option<&Incident> {
        let id = self.list.selected?;
        self.detail.fetched.get(&id)
    }

    pub fn pending_for(&self, id: u64) -> Option<&Pending> {
        self.actions.pending_for(id)
    }

    /// The steps of `runbook` ticked on incident `id`: what the hub says,
    /// with the ticks on their way to it already applied.
    pub fn steps_done(&self, id: u64, runbook: &str) -> BTreeSet<usize> {
        let told = self
            .detail
            .fetched
            .get(&id)
            .and_then(|d| d.steps.get(runbook))
            .map(|s| s.iter().map(|&n| n as usize).collect())
            .unwrap_or_default();
        self.actions.ticked(id, runbook, told)
    }

    /// What goes in the on-disk cache.
    pub fn snapshot(&self) -> crate::feed::cache::CachedFeed {
        crate::feed::cache::CachedFeed {
            saved_at: self.feed.last_ok.unwrap_or(self.now),
            incidents: Arc::clone(&self.list.incidents),
            oncall: self.oncall.clone(),
            resume: self.list.resume.clone(),
        }
    }

    /// Starts from the cache: shown at once, stale with its age, until the
    /// feed answers.
    pub fn restore(&mut self, cached: crate::feed::cache::CachedFeed) {
        self.list.incidents = cached.incidents;
        self.oncall = cached.oncall;
        self.list.resume = cached.resume;
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

    /// Which part of the key table the keyboard is in.
    pub fn key_context(&self) -> Context {
        match &self.mode {
            Mode::Normal if self.zoomed => Context::Zoomed,
            Mode::Normal => Context::Normal,
            Mode::Help { .. } => Context::Help,
            Mode::Filter(_) => Context::Filter,
            Mode::Jump(_) => Context::Jump,
            Mode::Batch(ask) => match ask.kind {
                BatchKind::Acknowledge | BatchKind::Escalate => Context::ConfirmBatch,
                BatchKind::Resolve => Context::Resolve,
                BatchKind::Note => Context::Note,
            },
            Mode::Prompt { kind, .. } => match kind {
                PromptKind::Note => Context::Note,
                PromptKind::Resolve => Context::Resolve,
                PromptKind::Assign
                | PromptKind::Snooze
                | PromptKind::Help
                | PromptKind::Manager
                | PromptKind::StatusUpdate => Context::Ask,
            },
            Mode::ConfirmEscalate { .. } => Context::Confirm,
            Mode::ConfirmForce { .. } => Context::ConfirmForce,
            Mode::ConfirmCopy { .. } => Context::ConfirmCopy,
            Mode::Browse { .. } => Context::Browse,
            Mode::Handoff { to: Some(_), .. } => Context::HandoffName,
            Mode::Handoff { to: None, .. } => Context::HandoffNote,
            Mode::ReadHandoff { .. } => Context::HandoffRead,
            Mode::Heartbeats => Context::Heartbeats,
            Mode::Report { .. } => Context::Report,
            Mode::Squash(form) => match form.step {
                SquashStep::Duration => Context::SquashPick,
                SquashStep::TypedDuration(_) => Context::SquashTyped,
                SquashStep::Reason { .. } => Context::SquashReason,
            },
            Mode::Squashes { confirm: None, .. } => Context::Squashes,
            Mode::Squashes {
                confirm: Some(_), ..
            } => Context::ConfirmUnsquash,
            Mode::Rota { step, .. } => match step {
                RotaStep::Choose => Context::Rota,
                RotaStep::Confirm(_) => Context::ConfirmUncover,
                RotaStep::Start(_) | RotaStep::End { .. } | RotaStep::For { .. } => {
                    Context::CoverPrompt
                }
            },
            Mode::FollowupForm(_) => Context::FollowupForm,
            Mode::Followups(popup) if popup.closing.is_some() => Context::FollowupNote,
            Mode::Followups(_) => Context::Followups,
            Mode::ChooseLink { .. } => Context::ChooseLink,
            Mode::History(h) if h.reading.is_some() => Context::HistoryRead,
            Mode::History(_) => Context::History,
        }
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
