//! Everything the console shows, in one value. `update` changes it, `view`
//! draws it; nothing else does either.
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::feed::Action;
use crate::handoff::Shift;
use crate::incident::{Handoff, Incident, OnCall, Status, level_name};
use crate::runbook::markdown::Rendered;
use crate::runbook::search::Hit;
use crate::runbook::{Library, Match};

use super::input::LineInput;

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
    /// the rota names nobody to take over, `to` is asked for first.
    Handoff {
        shift: Box<Shift>,
        to: Option<LineInput>,
        words: LineInput,
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

/// The feed as the top bar tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedStatus {
    pub name: String,
    pub poll_interval: Duration,
    /// Why there is no feed at all (no config, no token); the console still
    /// opens, for the runbooks.
    pub unavailable: Option<String>,
    pub last_ok: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    /// An oncall hub (escalation, notes, steps, hand-off) rather than an
    /// Alertmanager polled directly (acknowledge only).
    pub hub: bool,
}

/// What the top bar says about the feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Health {
    Connecting,
    Live,
    Stale { secs: i64, reason: String },
    Offline { reason: String },
}

impl FeedStatus {
    /// A hub feed not polled yet.
    pub fn new(name: impl Into<String>, poll_interval: Duration) -> FeedStatus {
        FeedStatus {
            name: name.into(),
            poll_interval,
            unavailable: None,
            last_ok: None,
            last_error: None,
            hub: true,
        }
    }

    pub fn health(&self, now: DateTime<Utc>) -> Health {
        if let Some(reason) = &self.unavailable {
            return Health::Offline {
                reason: reason.clone(),
            };
        }
        let limit = self.poll_interval.as_secs().max(1) as i64 * 3 + 2;
        match (&self.last_ok, &self.last_error) {
            (None, None) => Health::Connecting,
            (None, Some(e)) => Health::Offline { reason: e.clone() },
            (Some(ok), err) => {
                let secs = (now - *ok).num_seconds().max(0);
                match err {
                    Some(e) => Health::Stale {
                        secs,
                        reason: e.clone(),
                    },
                    None if secs > limit => Health::Stale {
                        secs,
                        reason: "no answer yet".into(),
                    },
                    None => Health::Live,
                }
            }
        }
    }
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
    /// Every incident known, sorted: open before resolved, most severe, newest.
    pub incidents: Vec<Incident>,
    /// Indexes into `incidents` that pass the filter, in order.
    pub visible: Vec<usize>,
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
            incidents: Vec::new(),
            visible: Vec::new(),
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
            data_dir: crate::config::data_dir(),
            size: (120, 40),
            now,
            tz: *chrono::Local::now().offset(),
            dirty: true,
            quit: false,
        }
    }

    pub fn selected_incident(&self) -> Option<&Incident> {
        let id = self.selected?;
        self.incidents.iter().find(|i| i.id == id)
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

    /// Counts of open incidents by severity, most severe first.
    pub fn open_counts(&self) -> [usize; 4] {
        let mut counts = [0; 4];
        for inc in self.incidents.iter().filter(|i| i.status.is_open()) {
            counts[inc.severity as usize] += 1;
        }
        counts
    }

    /// Where escalating `inc` goes: the next level of its service's policy
    /// and whom it reaches now, or why it cannot go further.
    pub fn escalation_target(&self, inc: &Incident) -> Result<EscalationTarget, String> {
        let policies = self
            .oncall
            .as_ref()
            .map_or(&[][..], |o| o.policies.as_slice());
        let policy = policies
            .iter()
            .find(|p| {
                p.services
                    .iter()
                    .any(|s| s.eq_ignore_ascii_case(&inc.service))
            })
            .or_else(|| {
                policies
                    .iter()
                    .find(|p| p.services.iter().any(|s| s == crate::config::ANY_SERVICE))
            });
        let level = inc.escalation_level;
        let Some(policy) = policy else {
            // No policy known (yet): the hub's default of three lines.
            return if level < crate::incident::DEFAULT_LEVELS {
                Ok(EscalationTarget {
                    from: level_name(level),
                    to: level_name(level + 1),
                    who: None,
                })
            } else {
                Err(format!(
                    "#{} is already at {}, the last level.",
                    inc.id,
                    level_name(level)
                ))
            };
        };
        let name = |n: u32| {
            policy
                .levels
                .iter()
                .find(|l| l.level == n)
                .map_or_else(|| level_name(n), |l| l.name.clone())
        };
        match policy.levels.iter().find(|l| l.level == level + 1) {
            Some(next) => Ok(EscalationTarget {
                from: name(level),
                to: next.name.clone(),
                who: next.who.clone(),
            }),
            None => {
                let default = policy
                    .services
                    .iter()
                    .any(|s| s == crate::config::ANY_SERVICE);
                let which = if default {
                    "default".to_string()
                } else {
                    inc.service.clone()
                };
                Err(format!(
                    "#{} is already at {}, the last level of the {which} policy.",
                    inc.id,
                    name(level)
                ))
            }
        }
    }

    /// What goes in the on-disk cache.
    pub fn snapshot(&self) -> crate::feed::cache::CachedFeed {
        crate::feed::cache::CachedFeed {
            saved_at: self.feed.last_ok.unwrap_or(self.now),
            incidents: self.incidents.clone(),
            oncall: self.oncall.clone(),
        }
    }

    /// Starts from the cache: shown at once, stale with its age, until the
    /// feed answers.
    pub fn restore(&mut self, cached: crate::feed::cache::CachedFeed) {
        self.incidents = cached.incidents;
        self.oncall = cached.oncall;
        self.feed.last_ok = Some(cached.saved_at);
        self.feed.last_error = Some("the copy saved then; waiting for the feed".to_string());
        self.dirty = true;
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

/// Where an escalation goes, for the confirm line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscalationTarget {
    pub from: String,
    pub to: String,
    /// The person the next level reaches now, when the hub can say.
    pub who: Option<String>,
}

/// Sort order of the list: what needs a human first.
pub fn sort_key(
    inc: &Incident,
) -> (
    bool,
    crate::incident::Severity,
    std::cmp::Reverse<DateTime<Utc>>,
    u64,
) {
    (
        inc.status == Status::Resolved,
        inc.severity,
        std::cmp::Reverse(inc.created_at),
        inc.id,
    )
}

/// Whether an incident passes the filter: every word must appear somewhere
/// in its title, service, owner, status, severity, labels or `#id`.
pub fn passes(inc: &Incident, filter: &str) -> bool {
    if filter.trim().is_empty() {
        return true;
    }
    let mut hay = format!(
        "#{} {} {} {} {} {}",
        inc.id,
        inc.title,
        inc.service,
        inc.owner.as_deref().unwrap_or(""),
        inc.status,
        inc.severity
    );
    for (k, v) in &inc.labels {
        hay.push(' ');
        hay.push_str(k);
        hay.push('=');
        hay.push_str(v);
    }
    let hay = hay.to_lowercase();
    filter
        .to_lowercase()
        .split_whitespace()
        .all(|w| hay.contains(w))
}

/// "now", "12m", "3h", "2d": minutes are the finest grain, so the list only
/// needs redrawing once a minute.
pub fn age(now: DateTime<Utc>, then: DateTime<Utc>) -> String {
    let mins = (now - then).num_minutes().max(0);
    match mins {
        0 => "<1m".to_string(),
        m if m < 60 => format!("{m}m"),
        m if m < 60 * 48 => format!("{}h", m / 60),
        m => format!("{}d", m / 1440),
    }
}
