//! The one table of keys, for every mode: dispatch, the footer and the help
//! screen all read it, so what they say is what the keys do. A key's label
//! ("j/k ↓/↑", "PgDn/PgUp", "1-9") is written from the keys themselves,
//! never by hand. A new mode is a `Context`, its rows in `table.rs`, and a
//! line in `Model::key_context`.
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

mod table;

pub use table::BINDINGS;

/// What a key asks the console to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAction {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    SwitchFocus,
    Zoom,
    TimelineDown,
    TimelineUp,
    Acknowledge,
    Escalate,
    Resolve,
    Note,
    Filter,
    ClearFilter,
    Browse,
    Handoff,
    TickStep,
    Copy,
    Open,
    /// The runbook's top; from the top, back to the section it opened at.
    TopOrSection,
    PickRunbook(u8),
    Help,
    Quit,
    /// Enter in a prompt, the search or the hand-off: what it is open for.
    Submit,
    /// Leave a prompt, the search or the hand-off, doing nothing.
    Cancel,
    /// Yes, to a question on the message line.
    Confirm,
    /// The hand-off note handed to this responder is read.
    Dismiss,
    /// Close the help.
    Close,
    /// The heartbeats the hub watches, late and down first.
    Heartbeats,
    /// The noise report, fetched from the hub.
    Report,
    /// Squash the selected incident's alert (`s`).
    Squash,
    /// The squashes in force, to remove one (`S`).
    Squashes,
    /// Turn the matcher under the cursor on or off.
    Toggle,
    /// Squash for this many hours.
    SquashHours(u8),
    /// Squash to the end of the shift.
    SquashToShiftEnd,
    /// Type how long to squash.
    TypeDuration,
    /// Remove the squash under the cursor.
    Remove,
    /// Give the selected incident back: triggered, paged by its policy.
    GiveBack,
    /// Snooze the selected (acknowledged) incident: asks how long.
    Snooze,
    /// Take the selected incident over from whoever holds it.
    TakeOver,
    /// Assign the selected incident to someone: asks who.
    Assign,
    /// Ask someone to help with the selected incident: asks who and why.
    AskHelp,
    /// Declare the selected incident major and name its manager: asks who.
    Manager,
    /// Tell stakeholders how the selected incident goes: asks what.
    StatusUpdate,
    /// Quick filters: mine only, triggered only, critical and high only.
    QuickMine,
    QuickTriggered,
    QuickSevere,
    /// Go to an incident by its number: asks which.
    JumpTo,
    /// The rota view: who is on call, the levels, the overrides (`w`).
    Rota,
    /// Cover a shift: asks when, until when, and for whom.
    Cover,
    /// Add a follow-up to the selected incident: asks what, who, by when.
    AddFollowup,
    /// This responder's open follow-ups.
    Followups,
    /// Mark the follow-up under the cursor done (asks for a note).
    FollowupDone,
    /// Drop the follow-up under the cursor (asks for a note).
    FollowupDropped,
    /// Group the list by alert, then by service, then not at all.
    GroupBy,
    /// Open or close the group under the cursor.
    OpenGroup,
    /// Mark or unmark the row under the cursor (a group: all of it).
    Mark,
    /// Mark every row from the last one marked to the cursor.
    MarkRange,
    /// Search the resolved incidents, and read one.
    History,
    /// Open the selected incident's link in the browser.
    OpenLink,
    /// Of the incident's two links, its runbook URL.
    OpenRunbookLink,
    /// Of the incident's two links, its alert's source.
    OpenSourceLink,
}

/// A key as the table names it. `Char` and `Code` keys do not match with
/// Ctrl held (that is `Ctrl`); `Any` matches whatever no other row does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Ctrl(char),
    Code(KeyCode),
    Any,
}

impl Key {
    fn matches(self, key: &KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match self {
            Key::Char(c) => !ctrl && key.code == KeyCode::Char(c),
            Key::Ctrl(c) => ctrl && key.code == KeyCode::Char(c),
            Key::Code(code) => !ctrl && key.code == code,
            Key::Any => true,
        }
    }

    /// How the footer, the help and the README write the key.
    pub fn name(self) -> String {
        match self {
            Key::Char(' ') => "space".to_string(),
            Key::Char(c) => c.to_string(),
            Key::Ctrl(c) => format!("Ctrl-{}", c.to_ascii_uppercase()),
            Key::Any => "any key".to_string(),
            Key::Code(code) => match code {
                KeyCode::Up => "↑".to_string(),
                KeyCode::Down => "↓".to_string(),
                KeyCode::Left => "←".to_string(),
                KeyCode::Right => "→".to_string(),
                KeyCode::PageUp => "PgUp".to_string(),
                KeyCode::PageDown => "PgDn".to_string(),
                KeyCode::BackTab => "Shift-Tab".to_string(),
                KeyCode::Enter => "Enter".to_string(),
                KeyCode::Esc => "Esc".to_string(),
                KeyCode::Tab => "Tab".to_string(),
                KeyCode::Home => "Home".to_string(),
                KeyCode::End => "End".to_string(),
                KeyCode::F(n) => format!("F{n}"),
                other => format!("{other:?}"),
            },
        }
    }
}

/// Where a row of the table works: what the keyboard is doing. Text-entry
/// contexts type every key their rows do not bind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// The list and the panes.
    Normal,
    /// A pane zoomed to the whole screen (`z`).
    Zoomed,
    /// The `?` screen.
    Help,
    /// Typing a filter (`/`).
    Filter,
    /// Typing a note (`n`).
    Note,
    /// Typing the optional note of a resolve (`r`).
    Resolve,
    /// The question before an escalation (`e`).
    Confirm,
    /// The question before copying a block tagged irreversible (`y`).
    ConfirmCopy,
    /// The search over all runbooks (`b`).
    Browse,
    /// The hand-off, asking whom it goes to.
    HandoffName,
    /// The hand-off note, with the line for the responder's own words.
    HandoffNote,
    /// Reading the hand-off note handed to this responder.
    HandoffRead,
    /// The list of heartbeats (`h`).
    Heartbeats,
    /// Reading the noise report (`N`).
    Report,
    /// The squash form: matchers on and off, and how long in one key.
    SquashPick,
    /// The squash form: typing how long.
    SquashTyped,
    /// The squash form: typing why.
    SquashReason,
    /// The squashes in force and scheduled.
    Squashes,
    /// The question before removing a squash.
    ConfirmUnsquash,
    /// The rota view: who is on call, the levels, the overrides.
    Rota,
    /// The cover prompt of the rota view: when, until when, for whom.
    CoverPrompt,
    /// The question before removing an override.
    ConfirmUncover,
    /// A short prompt of ownership and roles: whom to assign to, how long
    /// to snooze, whom to ask for help, who manages the incident.
    Ask,
    /// Typing the number of the incident to go to (`#`).
    Jump,
    /// The question before naming someone who fixes the incident its
    /// manager.
    ConfirmForce,
    /// Writing a follow-up (`f`): what, who, by when.
    FollowupForm,
    /// This responder's open follow-ups (`F`).
    Followups,
    /// The note before closing a follow-up.
    FollowupNote,
    /// The question before acknowledging or escalating many incidents.
    ConfirmBatch,
    /// Which of the incident's links to open (`O`).
    ChooseLink,
    /// The history of resolved incidents (`R`): the search and its results.
    History,
    /// A resolved incident of the history, read with its timeline.
    HistoryRead,
}

impl Context {
    /// Every context, in the order the help lists them.
    pub const ALL: [Context; 32] = [
        Context::Normal,
        Context::Zoomed,
        Context::Help,
        Context::Filter,
        Context::Jump,
        Context::Note,
        Context::Resolve,
        Context::Ask,
        Context::Confirm,
        Context::ConfirmBatch,
        Context::ConfirmForce,
        Context::ConfirmCopy,
        Context::ChooseLink,
        Context::Browse,
        Context::HandoffName,
        Context::HandoffNote,
        Context::HandoffRead,
        Context::Heartbeats,
        Context::Report,
        Context::SquashPick,
        Context::SquashTyped,
        Context::SquashReason,
        Context::Squashes,
        Context::ConfirmUnsquash,
        Context::Rota,
        Context::CoverPrompt,
        Context::ConfirmUncover,
        Context::FollowupForm,
        Context::Followups,
        Context::FollowupNote,
        Context::History,
        Context::HistoryRead,
    ];

    /// Whether keys its rows do not bind are typed into a field.
    pub fn types(self) -> bool {
        matches!(
            self,
            Context::Filter
                | Context::Jump
                | Context::Note
                | Context::Resolve
                | Context::Ask
                | Context::Browse
                | Context::HandoffName
                | Context::HandoffNote
                | Context::SquashTyped
                | Context::SquashReason
                | Context::CoverPrompt
                | Context::FollowupForm
                | Context::FollowupNote
                | Context::History
        )
    }

    /// The context this one is a variant of: its rows work here too, but
    /// for those this one binds otherwise.
    pub fn under(self) -> Option<Context> {
        match self {
            Context::Zoomed => Some(Context::Normal),
            Context::Resolve => Some(Context::Note),
            Context::HandoffName => Some(Context::HandoffNote),
            _ => None,
        }
    }

    /// How the help names it.
    pub fn title(self) -> &'static str {
        match self {
            Context::Normal => "the list",
            Context::Zoomed => "zoomed",
            Context::Help => "help",
            Context::Filter => "filter",
            Context::Jump => "go to #",
            Context::Note => "note",
            Context::Resolve => "resolve",
            Context::Confirm => "escalate?",
            Context::ConfirmBatch => "all of them?",
            Context::ConfirmCopy => "copy irreversible?",
            Context::Browse => "runbook search",
            Context::HandoffName => "hand-off (name)",
            Context::HandoffNote => "hand-off",
            Context::HandoffRead => "hand-off to you",
            Context::Heartbeats => "heartbeats",
            Context::Report => "noise report",
            Context::SquashPick => "squash",
            Context::SquashTyped => "squash (how long)",
            Context::SquashReason => "squash (why)",
            Context::Squashes => "squashes",
            Context::ConfirmUnsquash => "remove squash?",
            Context::Rota => "rota",
            Context::CoverPrompt => "cover a shift",
            Context::ConfirmUncover => "remove override?",
            Context::Ask => "assign, snooze, help, manager",
            Context::ConfirmForce => "manager anyway?",
            Context::FollowupForm => "follow-up",
            Context::Followups => "my follow-ups",
            Context::FollowupNote => "close follow-up (note)",
            Context::ChooseLink => "open which link?",
            Context::History => "history search",
            Context::HistoryRead => "history: an incident",
        }
    }
}

/// Keys written together in a label: a key and its opposite (`j/k`), or
/// keys that do the same (`y/Enter`), each with its own action.
pub type Group = &'static [(Key, KeyAction)];

/// One row of the table: the keys of one thing (or a thing and its
/// opposite) in one context, and how the footer and the help say it.
#[derive(Debug)]
pub struct Binding {
    pub context: Context,
    /// The keys the label shows, a group at a time ("j/k ↓/↑").
    pub keys: &'static [Group],
    /// Keys that do the same, left out of the label; the help and the
    /// README name them too.
    pub also: &'static [Group],
    /// Short, for the footer; `None` keeps it out of the footer (help only).
    pub footer: Option<&'static str>,
    pub help: &'static str,
}

impl Binding {
    pub const fn new(
        context: Context,
        keys: &'static [Group],
        footer: Option<&'static str>,
        help: &'static str,
    ) -> Binding {
        Binding {
            context,
            keys,
            also: &[],
            footer,
            help,
        }
    }

    pub const fn also(self, also: &'static [Group]) -> Binding {
        Binding { also, ..self }
    }

    /// How the footer and the help write the keys: "j/k ↓/↑".
    pub fn label(&self) -> String {
        label(self.keys)
    }

    /// The other keys, as the help writes them after the row's text.
    pub fn also_label(&self) -> Option<String> {
        (!self.also.is_empty()).then(|| label(self.also).replace("any key", "any other key"))
    }

    /// What the row's first key does: the row's action, for the footer.
    pub fn action(&self) -> Option<KeyAction> {
        self.pairs().next().map(|(_, action)| action)
    }

    /// Every key of the row with its action, the labelled ones first.
    pub fn pairs(&self) -> impl Iterator<Item = (Key, KeyAction)> + '_ {
        self.keys
            .iter()
            .chain(self.also)
            .flat_map(|g| g.iter().copied())
    }

    /// Each group of keys as it is written, the other keys' too.
    pub fn group_labels(&self) -> impl Iterator<Item = String> + '_ {
        self.keys.iter().chain(self.also).map(|g| group_label(g))
    }

    /// Whether this row takes a key of `other` (and so stands in its place).
    fn overrides(&self, other: &Binding) -> bool {
        self.pairs()
            .any(|(k, _)| other.pairs().any(|(o, _)| o == k))
    }

    fn find(&self, key: &KeyEvent, any: bool) -> Option<KeyAction> {
        self.pairs()
            .find(|(k, _)| (*k == Key::Any) == any && k.matches(key))
            .map(|(_, action)| action)
    }
}

fn label(groups: &[Group]) -> String {
    groups
        .iter()
        .map(|g| group_label(g))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A group's keys joined by `/`; a run of three or more characters one
/// after the other (`1` to `9`) is written as its first and last.
fn group_label(group: Group) -> String {
    let chars: Vec<char> = group
        .iter()
        .filter_map(|(k, _)| match k {
            Key::Char(c) => Some(*c),
            _ => None,
        })
        .collect();
    let run = chars.len() == group.len()
        && chars.len() >= 3
        && chars
            .windows(2)
            .all(|w| u32::from(w[0]) + 1 == u32::from(w[1]));
    match (run, chars.first(), chars.last()) {
        (true, Some(first), Some(last)) => format!("{first}-{last}"),
        _ => group
            .iter()
            .map(|(k, _)| k.name())
            .collect::<Vec<_>>()
            .join("/"),
    }
}

/// The rows of `context` alone.
pub fn rows(context: Context) -> impl Iterator<Item = &'static Binding> {
    BINDINGS.iter().filter(move |b| b.context == context)
}

/// The rows that work in `context`, in the order the footer shows them: the
/// rows of the context it is a variant of, each one it binds otherwise in
/// the place of the row it replaces, its other rows first.
pub fn effective(context: Context) -> Vec<&'static Binding> {
    let own: Vec<&Binding> = rows(context).collect();
    let Some(under) = context.under() else {
        return own;
    };
    let mut placed = vec![false; own.len()];
    let mut inherited = Vec::new();
    for b in effective(under) {
        match own.iter().position(|o| o.overrides(b)) {
            Some(i) if !placed[i] => {
                placed[i] = true;
                inherited.push(own[i]);
            }
            Some(_) => {}
            None => inherited.push(b),
        }
    }
    let mut rows: Vec<&Binding> = own
        .iter()
        .zip(&placed)
        .filter(|(_, placed)| !**placed)
        .map(|(b, _)| *b)
        .collect();
    rows.extend(inherited);
    rows
}

/// The action bound to `key` in `context`, if any: a key a row names
/// before a row of any key.
pub fn lookup(context: Context, key: &KeyEvent) -> Option<KeyAction> {
    let rows = effective(context);
    let find = |any| rows.iter().find_map(|b| b.find(key, any));
    find(false).or_else(|| find(true))
}

/// How the key for `action` in the list is written, for a hint in a
/// message or on a pane ("J: older").
pub fn name(action: KeyAction) -> String {
    keys_for(Context::Normal, &[action])
}

/// How the keys doing any of `actions` in `context` are written, for a
/// hint on screen ("PgDn/↓ more"): the labelled keys, in the table's order.
pub fn keys_for(context: Context, actions: &[KeyAction]) -> String {
    effective(context)
        .iter()
        .flat_map(|b| b.keys.iter().flat_map(|g| g.iter()))
        .filter(|(_, action)| actions.contains(action))
        .map(|(k, _)| k.name())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests;
