//! The key table checked: every product key bound, none twice in a mode,
//! labels written from the keys, fields that type binding no letter, and the
//! modes that are variants of another showing their own keys in its place.
use super::*;

fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

fn code(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

fn normal(key: &KeyEvent) -> Option<KeyAction> {
    lookup(Context::Normal, key)
}

fn labels(context: Context) -> Vec<String> {
    rows(context).map(Binding::label).collect()
}

#[test]
fn every_product_key_is_bound() {
    assert_eq!(normal(&key('a')), Some(KeyAction::Acknowledge));
    assert_eq!(normal(&key('e')), Some(KeyAction::Escalate));
    assert_eq!(normal(&key('r')), Some(KeyAction::Resolve));
    assert_eq!(normal(&key('n')), Some(KeyAction::Note));
    assert_eq!(normal(&key('/')), Some(KeyAction::Filter));
    assert_eq!(normal(&key('?')), Some(KeyAction::Help));
    assert_eq!(normal(&key('q')), Some(KeyAction::Quit));
    assert_eq!(normal(&key('3')), Some(KeyAction::PickRunbook(3)));
    assert_eq!(normal(&key('t')), Some(KeyAction::TopOrSection));
    assert_eq!(normal(&ctrl('c')), Some(KeyAction::Quit));
    assert_eq!(normal(&ctrl('d')), Some(KeyAction::PageDown));
    assert_eq!(normal(&ctrl('a')), None, "Ctrl-A is not a");
}

#[test]
fn no_key_is_bound_twice_in_a_context() {
    for context in Context::ALL {
        let mut seen = Vec::new();
        for b in effective(context) {
            for (k, _) in b.pairs() {
                assert!(!seen.contains(&k), "{k:?} is bound twice in {context:?}");
                seen.push(k);
            }
        }
    }
}

#[test]
fn every_context_has_its_keys_and_a_footer() {
    for context in Context::ALL {
        let rows = effective(context);
        assert!(!rows.is_empty(), "{context:?}");
        assert!(rows.iter().any(|b| b.footer.is_some()), "{context:?}");
    }
}

#[test]
fn labels_are_written_from_the_keys() {
    assert_eq!(
        labels(Context::Normal)[..3],
        ["j/k ↓/↑", "PgDn/PgUp", "g/G J/K"]
    );
    assert!(labels(Context::Normal).contains(&"b 1-9".to_string()));
    assert!(labels(Context::Normal).contains(&"space".to_string()));
    let page = rows(Context::Normal).nth(1).unwrap();
    assert_eq!(page.also_label().as_deref(), Some("d/u Ctrl-D/Ctrl-U"));
    assert_eq!(labels(Context::Confirm), ["y/Enter", "n/Esc"]);
    let cancel = rows(Context::Confirm).nth(1).unwrap();
    assert_eq!(cancel.also_label().as_deref(), Some("any other key"));
    assert_eq!(labels(Context::Help), ["j/k PgDn/PgUp", "any key"]);
    assert_eq!(
        labels(Context::HandoffRead),
        ["Enter/Esc/q", "j/k ↓/↑", "PgDn/PgUp", "g"]
    );
}

#[test]
fn fields_that_type_bind_no_letter() {
    for context in Context::ALL.into_iter().filter(|c| c.types()) {
        for b in effective(context) {
            for (k, _) in b.pairs() {
                assert!(
                    !matches!(k, Key::Char(_) | Key::Any),
                    "{k:?} would not type in {context:?}"
                );
            }
        }
    }
    assert_eq!(lookup(Context::Note, &key('q')), None, "q types");
    assert_eq!(
        lookup(Context::Note, &code(KeyCode::Enter)),
        Some(KeyAction::Submit)
    );
}

#[test]
fn the_hand_off_scrolls_with_keys_that_do_not_type() {
    let page = code(KeyCode::PageDown);
    assert_eq!(
        lookup(Context::HandoffNote, &page),
        Some(KeyAction::PageDown)
    );
    assert_eq!(lookup(Context::HandoffNote, &key('j')), None);
    assert_eq!(
        lookup(Context::HandoffName, &page),
        Some(KeyAction::PageDown),
        "asking whom, the note still scrolls"
    );
    assert_eq!(normal(&key('J')), Some(KeyAction::TimelineDown));
    assert_eq!(normal(&key('z')), Some(KeyAction::Zoom));
    assert_eq!(
        keys_for(
            Context::HandoffNote,
            &[KeyAction::PageDown, KeyAction::Down]
        ),
        "PgDn/↓"
    );
}

#[test]
fn a_variant_shows_its_own_keys_in_the_place_of_those_it_replaces() {
    let footer = |c| {
        effective(c)
            .iter()
            .filter_map(|b| b.footer)
            .collect::<Vec<_>>()
    };
    assert_eq!(footer(Context::HandoffName), ["next", "cancel", "scroll"]);
    assert_eq!(footer(Context::Resolve), ["resolve", "cancel"]);
    let zoomed = footer(Context::Zoomed);
    let normal = footer(Context::Normal);
    assert_eq!(zoomed.len(), normal.len());
    let at = normal.iter().position(|f| *f == "zoom").unwrap();
    assert_eq!(zoomed[at], "back");
    assert_eq!(
        lookup(Context::Zoomed, &key('a')),
        Some(KeyAction::Acknowledge)
    );
}

#[test]
fn a_question_is_answered_by_any_key_and_help_closes_on_any_key() {
    assert_eq!(
        lookup(Context::Confirm, &key('Y')),
        Some(KeyAction::Confirm)
    );
    assert_eq!(lookup(Context::Confirm, &key('x')), Some(KeyAction::Cancel));
    assert_eq!(lookup(Context::Help, &key('q')), Some(KeyAction::Close));
    assert_eq!(
        lookup(Context::HandoffRead, &key(' ')),
        Some(KeyAction::PageDown)
    );
    assert_eq!(lookup(Context::HandoffRead, &key('x')), None);
}

#[test]
fn copying_an_irreversible_block_asks_as_escalating_does() {
    assert_eq!(labels(Context::ConfirmCopy), ["y/Enter", "n/Esc"]);
    for yes in [key('y'), key('Y'), code(KeyCode::Enter)] {
        assert_eq!(lookup(Context::ConfirmCopy, &yes), Some(KeyAction::Confirm));
    }
    for no in [key('n'), key('x'), code(KeyCode::Esc)] {
        assert_eq!(lookup(Context::ConfirmCopy, &no), Some(KeyAction::Cancel));
    }
}

#[test]
fn squashing_is_two_keys_and_a_reason() {
    assert_eq!(normal(&key('s')), Some(KeyAction::Squash));
    assert_eq!(normal(&key('S')), Some(KeyAction::Squashes));
    let pick = |c| lookup(Context::SquashPick, &key(c));
    assert_eq!(pick('1'), Some(KeyAction::SquashHours(1)));
    assert_eq!(pick('4'), Some(KeyAction::SquashHours(4)));
    assert_eq!(pick('e'), Some(KeyAction::SquashToShiftEnd));
    assert_eq!(pick('t'), Some(KeyAction::TypeDuration));
    assert_eq!(pick(' '), Some(KeyAction::Toggle));
    assert_eq!(lookup(Context::SquashReason, &key('q')), None, "q types");
    assert_eq!(
        lookup(Context::SquashReason, &code(KeyCode::Enter)),
        Some(KeyAction::Submit)
    );
    assert_eq!(
        lookup(Context::Squashes, &key('x')),
        Some(KeyAction::Remove)
    );
    assert_eq!(
        lookup(Context::ConfirmUnsquash, &key('z')),
        Some(KeyAction::Cancel),
        "any other key keeps it"
    );
}

#[test]
fn ownership_is_six_keys_a_short_prompt_and_a_question() {
    assert_eq!(normal(&key('U')), Some(KeyAction::GiveBack));
    assert_eq!(normal(&key('Z')), Some(KeyAction::Snooze));
    assert_eq!(normal(&key('T')), Some(KeyAction::TakeOver));
    assert_eq!(normal(&key('A')), Some(KeyAction::Assign));
    assert_eq!(normal(&key('p')), Some(KeyAction::AskHelp));
    assert_eq!(normal(&key('M')), Some(KeyAction::Manager));
    assert!(labels(Context::Normal).contains(&"a/U/Z".to_string()));
    assert!(labels(Context::Normal).contains(&"T/A".to_string()));
    assert!(labels(Context::Normal).contains(&"p/M".to_string()));
    assert_eq!(lookup(Context::Ask, &key('M')), None, "names type");
    assert_eq!(
        lookup(Context::Ask, &code(KeyCode::Enter)),
        Some(KeyAction::Submit)
    );
    assert_eq!(
        lookup(Context::Ask, &code(KeyCode::Esc)),
        Some(KeyAction::Cancel)
    );
    assert_eq!(
        lookup(Context::ConfirmForce, &key('y')),
        Some(KeyAction::Confirm)
    );
    assert_eq!(
        lookup(Context::ConfirmForce, &key('x')),
        Some(KeyAction::Cancel),
        "any other key does not force"
    );
    // Merged rows keep every key: the ends of the list and the timeline,
    // the runbook search and a matched runbook by number.
    assert_eq!(normal(&key('K')), Some(KeyAction::TimelineUp));
    assert_eq!(normal(&key('4')), Some(KeyAction::PickRunbook(4)));
    assert!(labels(Context::Normal).contains(&"b 1-9".to_string()));
}

#[test]
fn the_history_search_types_and_the_incident_read_takes_no_action() {
    assert_eq!(normal(&key('R')), Some(KeyAction::History));
    assert_eq!(lookup(Context::History, &key('j')), None, "j types");
    assert_eq!(lookup(Context::History, &ctrl('n')), Some(KeyAction::Down));
    assert_eq!(
        lookup(Context::History, &code(KeyCode::PageDown)),
        Some(KeyAction::PageDown)
    );
    assert_eq!(
        lookup(Context::HistoryRead, &key('q')),
        Some(KeyAction::Close)
    );
    assert_eq!(
        lookup(Context::HistoryRead, &key(' ')),
        Some(KeyAction::PageDown)
    );
    assert_eq!(lookup(Context::HistoryRead, &key('a')), None, "read-only");
}
