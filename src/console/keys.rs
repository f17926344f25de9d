//! The one table of keys: dispatch, the footer and the help screen all read
//! it, so what the footer shows is what the keys do.
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

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
    Browse,
    Handoff,
    TickStep,
    Copy,
    Open,
    PickRunbook(u8),
    Help,
    Quit,
}

/// A key as the table names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Code(KeyCode),
}

/// Where a row of the table works: browsing the list and runbook, or
/// writing the hand-off (where letters are typed, so only keys that do not
/// type are bound).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Normal,
    Handoff,
}

/// One row of the help: keys that do one thing, or one thing and its
/// opposite (`j` down, `k` up), each key with its own action.
pub struct Binding {
    pub context: Context,
    pub keys: &'static [(Key, KeyAction)],
    /// How the keys are written in the footer and help ("j/k ↓/↑", "PgDn/PgUp").
    pub label: &'static str,
    /// Short, for the footer; `None` keeps it out of the footer (help only).
    pub footer: Option<&'static str>,
    pub help: &'static str,
}

impl Binding {
    /// What the row's first key does: the row's action, for the footer.
    pub fn action(&self) -> Option<KeyAction> {
        self.keys.first().map(|(_, action)| *action)
    }
}

use Key::{Char, Code};
use KeyAction as A;

const fn normal(
    keys: &'static [(Key, KeyAction)],
    label: &'static str,
    footer: Option<&'static str>,
    help: &'static str,
) -> Binding {
    Binding {
        context: Context::Normal,
        keys,
        label,
        footer,
        help,
    }
}

pub const BINDINGS: &[Binding] = &[
    normal(
        &[
            (Char('j'), A::Down),
            (Code(KeyCode::Down), A::Down),
            (Char('k'), A::Up),
            (Code(KeyCode::Up), A::Up),
        ],
        "j/k ↓/↑",
        None,
        "next / previous incident (in the focused runbook: line)",
    ),
    normal(
        &[
            (Code(KeyCode::PageDown), A::PageDown),
            (Char('d'), A::PageDown),
            (Code(KeyCode::PageUp), A::PageUp),
            (Char('u'), A::PageUp),
        ],
        "PgDn/PgUp",
        None,
        "a page down / up (d/u and Ctrl-D/Ctrl-U too)",
    ),
    normal(
        &[
            (Char('g'), A::Top),
            (Code(KeyCode::Home), A::Top),
            (Char('G'), A::Bottom),
            (Code(KeyCode::End), A::Bottom),
        ],
        "g/G",
        None,
        "first / last incident (top / end of the runbook)",
    ),
    normal(
        &[(Char('J'), A::TimelineDown), (Char('K'), A::TimelineUp)],
        "J/K",
        None,
        "scroll the incident's timeline to older / newer entries",
    ),
    normal(
        &[(Char('a'), A::Acknowledge)],
        "a",
        Some("ack"),
        "acknowledge: you own the selected incident",
    ),
    normal(
        &[(Char('e'), A::Escalate)],
        "e",
        Some("escalate"),
        "escalate to the next line (asks you to confirm)",
    ),
    normal(
        &[(Char('r'), A::Resolve)],
        "r",
        Some("resolve"),
        "resolve, with an optional note",
    ),
    normal(
        &[(Char('n'), A::Note)],
        "n",
        Some("note"),
        "add a note to the incident's timeline",
    ),
    normal(
        &[(Char('/'), A::Filter)],
        "/",
        Some("filter"),
        "filter (title, service, owner, status, severity, #id, labels)",
    ),
    normal(
        &[(Char('H'), A::Handoff)],
        "H",
        Some("hand off"),
        "hand off the shift: the note is composed, Enter sends it",
    ),
    normal(
        &[(Char(' '), A::TickStep)],
        "space",
        Some("tick step"),
        "tick the runbook step at the cursor (from the list: the next)",
    ),
    normal(
        &[(Char('b'), A::Browse)],
        "b",
        Some("runbooks"),
        "search all runbooks (titles, keywords, text) and read one",
    ),
    normal(
        &[(Char('y'), A::Copy)],
        "y",
        None,
        "copy the code block at the cursor (OSC 52, works over SSH)",
    ),
    normal(
        &[(Char('o'), A::Open)],
        "o",
        None,
        "open the runbook in $PAGER (or $EDITOR)",
    ),
    normal(
        &[(Char('?'), A::Help), (Code(KeyCode::F(1)), A::Help)],
        "?",
        Some("help"),
        "this help",
    ),
    normal(
        &[(Char('q'), A::Quit)],
        "q",
        Some("quit"),
        "quit (Ctrl-C too)",
    ),
    normal(
        &[
            (Code(KeyCode::Tab), A::SwitchFocus),
            (Code(KeyCode::BackTab), A::SwitchFocus),
        ],
        "Tab",
        Some("focus"),
        "switch focus between the incident list and the runbook",
    ),
    normal(
        &[(Char('z'), A::Zoom)],
        "z",
        Some("zoom"),
        "zoom the focused pane to the whole screen (z again: back)",
    ),
    normal(
        &[
            (Char('1'), A::PickRunbook(1)),
            (Char('2'), A::PickRunbook(2)),
            (Char('3'), A::PickRunbook(3)),
            (Char('4'), A::PickRunbook(4)),
            (Char('5'), A::PickRunbook(5)),
            (Char('6'), A::PickRunbook(6)),
            (Char('7'), A::PickRunbook(7)),
            (Char('8'), A::PickRunbook(8)),
            (Char('9'), A::PickRunbook(9)),
        ],
        "1-9",
        None,
        "show the Nth matched runbook instead of the best one",
    ),
    Binding {
        context: Context::Handoff,
        keys: &[
            (Code(KeyCode::PageDown), A::PageDown),
            (Code(KeyCode::Down), A::Down),
            (Code(KeyCode::PageUp), A::PageUp),
            (Code(KeyCode::Up), A::Up),
        ],
        label: "PgDn/PgUp ↓/↑",
        footer: Some("scroll"),
        help: "in the hand-off: scroll the note (letters type your words)",
    },
];

/// The action bound to `key` while browsing, if any. Ctrl-C always quits.
pub fn lookup(key: &KeyEvent) -> Option<KeyAction> {
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return match key.code {
            KeyCode::Char('c') => Some(KeyAction::Quit),
            KeyCode::Char('d') => Some(KeyAction::PageDown),
            KeyCode::Char('u') => Some(KeyAction::PageUp),
            _ => None,
        };
    }
    lookup_in(Context::Normal, key)
}

/// The action bound to `key` in `context`, if any.
pub fn lookup_in(context: Context, key: &KeyEvent) -> Option<KeyAction> {
    BINDINGS
        .iter()
        .filter(|b| b.context == context)
        .flat_map(|b| b.keys)
        .find(|(k, _)| match (k, key.code) {
            (Char(c), KeyCode::Char(got)) => *c == got,
            (Code(code), got) => *code == got,
            _ => false,
        })
        .map(|(_, action)| *action)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn every_product_key_is_bound() {
        assert_eq!(lookup(&key('a')), Some(KeyAction::Acknowledge));
        assert_eq!(lookup(&key('e')), Some(KeyAction::Escalate));
        assert_eq!(lookup(&key('r')), Some(KeyAction::Resolve));
        assert_eq!(lookup(&key('n')), Some(KeyAction::Note));
        assert_eq!(lookup(&key('/')), Some(KeyAction::Filter));
        assert_eq!(lookup(&key('?')), Some(KeyAction::Help));
        assert_eq!(lookup(&key('q')), Some(KeyAction::Quit));
        assert_eq!(lookup(&key('3')), Some(KeyAction::PickRunbook(3)));
        assert_eq!(
            lookup(&KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(KeyAction::Quit)
        );
    }

    #[test]
    fn no_key_is_bound_twice() {
        let mut seen = Vec::new();
        for b in BINDINGS {
            for (k, _) in b.keys {
                assert!(!seen.contains(&(b.context, *k)), "{k:?} is bound twice");
                seen.push((b.context, *k));
            }
        }
    }

    #[test]
    fn the_hand_off_scrolls_with_keys_that_do_not_type() {
        let page = KeyEvent::new(KeyCode::PageDown, KeyModifiers::NONE);
        assert_eq!(
            lookup_in(Context::Handoff, &page),
            Some(KeyAction::PageDown)
        );
        assert_eq!(lookup_in(Context::Handoff, &key('j')), None);
        assert_eq!(lookup(&key('J')), Some(KeyAction::TimelineDown));
        assert_eq!(lookup(&key('z')), Some(KeyAction::Zoom));
    }
}
