//! The one table of keys: dispatch, the footer and the help screen all read
//! it, so what the footer shows is what the keys do.
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key asks the console to do in the normal (browsing) mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAction {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    SwitchFocus,
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

pub struct Binding {
    pub keys: &'static [Key],
    /// How the keys are written in the footer and help ("j/k", "PgUp/PgDn").
    pub label: &'static str,
    pub action: KeyAction,
    /// Short, for the footer; `None` keeps it out of the footer (help only).
    pub footer: Option<&'static str>,
    pub help: &'static str,
}

use Key::{Char, Code};

pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: &[Char('j'), Code(KeyCode::Down)],
        label: "j/↓",
        action: KeyAction::Down,
        footer: None,
        help: "next incident (or scroll the runbook down)",
    },
    Binding {
        keys: &[Char('k'), Code(KeyCode::Up)],
        label: "k/↑",
        action: KeyAction::Up,
        footer: None,
        help: "previous incident (or scroll the runbook up)",
    },
    Binding {
        keys: &[Code(KeyCode::PageDown), Char('d')],
        label: "PgDn",
        action: KeyAction::PageDown,
        footer: None,
        help: "a page down",
    },
    Binding {
        keys: &[Code(KeyCode::PageUp), Char('u')],
        label: "PgUp",
        action: KeyAction::PageUp,
        footer: None,
        help: "a page up",
    },
    Binding {
        keys: &[Char('g'), Code(KeyCode::Home)],
        label: "g",
        action: KeyAction::Top,
        footer: None,
        help: "first incident (top of the runbook)",
    },
    Binding {
        keys: &[Char('G'), Code(KeyCode::End)],
        label: "G",
        action: KeyAction::Bottom,
        footer: None,
        help: "last incident (end of the runbook)",
    },
    Binding {
        keys: &[Char('a')],
        label: "a",
        action: KeyAction::Acknowledge,
        footer: Some("ack"),
        help: "acknowledge: you own the selected incident",
    },
    Binding {
        keys: &[Char('e')],
        label: "e",
        action: KeyAction::Escalate,
        footer: Some("escalate"),
        help: "escalate to the next line (asks you to confirm)",
    },
    Binding {
        keys: &[Char('r')],
        label: "r",
        action: KeyAction::Resolve,
        footer: Some("resolve"),
        help: "resolve, with an optional note",
    },
    Binding {
        keys: &[Char('n')],
        label: "n",
        action: KeyAction::Note,
        footer: Some("note"),
        help: "add a note to the incident's timeline",
    },
    Binding {
        keys: &[Char('/')],
        label: "/",
        action: KeyAction::Filter,
        footer: Some("filter"),
        help: "filter incidents by title, service, owner, status or label",
    },
    Binding {
        keys: &[Char('H')],
        label: "H",
        action: KeyAction::Handoff,
        footer: Some("hand off"),
        help: "hand off the shift: the note is composed, Enter sends it",
    },
    Binding {
        keys: &[Char(' ')],
        label: "space",
        action: KeyAction::TickStep,
        footer: Some("tick step"),
        help: "tick the runbook step at the cursor (from the list: the next)",
    },
    Binding {
        keys: &[Char('b')],
        label: "b",
        action: KeyAction::Browse,
        footer: Some("runbooks"),
        help: "search all runbooks (titles, keywords, text) and read one",
    },
    Binding {
        keys: &[Char('y')],
        label: "y",
        action: KeyAction::Copy,
        footer: None,
        help: "copy the code block at the cursor (OSC 52, works over SSH)",
    },
    Binding {
        keys: &[Char('o')],
        label: "o",
        action: KeyAction::Open,
        footer: None,
        help: "open the runbook in $PAGER (or $EDITOR)",
    },
    Binding {
        keys: &[Char('?'), Code(KeyCode::F(1))],
        label: "?",
        action: KeyAction::Help,
        footer: Some("help"),
        help: "this help",
    },
    Binding {
        keys: &[Char('q')],
        label: "q",
        action: KeyAction::Quit,
        footer: Some("quit"),
        help: "quit (Ctrl-C too)",
    },
    Binding {
        keys: &[Code(KeyCode::Tab), Code(KeyCode::BackTab)],
        label: "Tab",
        action: KeyAction::SwitchFocus,
        footer: Some("focus"),
        help: "switch focus between the incident list and the runbook",
    },
    Binding {
        keys: &[
            Char('1'),
            Char('2'),
            Char('3'),
            Char('4'),
            Char('5'),
            Char('6'),
            Char('7'),
            Char('8'),
            Char('9'),
        ],
        label: "1-9",
        action: KeyAction::PickRunbook(0),
        footer: None,
        help: "show the Nth matched runbook instead of the best one",
    },
];

/// The action bound to `key`, if any. Ctrl-C always quits.
pub fn lookup(key: &KeyEvent) -> Option<KeyAction> {
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return match key.code {
            KeyCode::Char('c') => Some(KeyAction::Quit),
            KeyCode::Char('d') => Some(KeyAction::PageDown),
            KeyCode::Char('u') => Some(KeyAction::PageUp),
            _ => None,
        };
    }
    for b in BINDINGS {
        for k in b.keys {
            let hit = match (k, key.code) {
                (Char(c), KeyCode::Char(got)) => *c == got,
                (Code(code), got) => *code == got,
                _ => false,
            };
            if hit {
                return Some(match (b.action, key.code) {
                    (KeyAction::PickRunbook(_), KeyCode::Char(d)) => {
                        KeyAction::PickRunbook(d.to_digit(10).unwrap_or(1) as u8)
                    }
                    (action, _) => action,
                });
            }
        }
    }
    None
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
            for k in b.keys {
                assert!(!seen.contains(k), "{k:?} is bound twice");
                seen.push(*k);
            }
        }
    }
}
