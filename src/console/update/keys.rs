//! A key press: looked up in the key table for what the keyboard is doing
//! (the mode's context), then carried out. Where a field is open, a key the
//! table does not bind there is typed into it.
use crossterm::event::KeyEvent;

use super::super::input::LineInput;
use super::super::keys::{self, KeyAction};
use super::super::model::{Focus, Mode, Model, PromptKind};
use super::super::msg::Command;
use super::{
    actions, batch, copy, followup, group, handoff, history, links, marks, ownership, report, rota,
    runbook, selection, squash,
};
use crate::feed::Action;

pub fn on_key(model: &mut Model, key: KeyEvent) -> Vec<Command> {
    let action = keys::lookup(model.key_context(), &key);
    match std::mem::take(&mut model.mode) {
        Mode::Normal => normal(model, action),
        Mode::Help { scroll } => {
            help_key(model, scroll, action);
            Vec::new()
        }
        // Any key closes the heartbeats.
        Mode::Heartbeats => Vec::new(),
        Mode::Filter(input) => {
            filter(model, input, action, &key);
            Vec::new()
        }
        Mode::Jump(mut input) => {
            match action {
                Some(KeyAction::Submit) => selection::jump(model, input.text()),
                Some(KeyAction::Cancel) => {}
                _ => {
                    input.handle(&key);
                    model.mode = Mode::Jump(input);
                }
            }
            Vec::new()
        }
        Mode::Prompt { kind, id, input } => prompt(model, (kind, id), input, action, &key),
        Mode::ConfirmEscalate { id, .. } => {
            if action == Some(KeyAction::Confirm) {
                actions::send(model, id, Action::Escalate { note: None })
            } else {
                model.say("Escalation cancelled.");
                Vec::new()
            }
        }
        Mode::ConfirmForce { id, who, .. } => ownership::confirm_force(model, id, who, action),
        Mode::ConfirmCopy { text } => copy::confirm_key(model, text, action),
        Mode::ChooseLink {
            id,
            runbook,
            source,
        } => links::choose_key(model, id, [runbook, source], action),
        Mode::Handoff {
            shift,
            to,
            words,
            scroll,
        } => {
            let draft = handoff::Draft {
                shift,
                to,
                words,
                scroll,
            };
            handoff::key(model, draft, action, &key)
        }
        Mode::ReadHandoff { scroll } => handoff::read_key(model, scroll, action),
        Mode::Report { report, scroll } => {
            report::key(model, report, scroll, action);
            Vec::new()
        }
        Mode::Browse {
            input,
            hits,
            cursor,
        } => {
            let search = runbook::Search {
                input,
                hits,
                cursor,
            };
            runbook::browse_key(model, search, action, &key);
            Vec::new()
        }
        Mode::Squash(form) => squash::form_key(model, form, action, &key),
        Mode::Squashes { cursor, confirm } => squash::list_key(model, cursor, confirm, action),
        Mode::Rota { cursor, step } => rota::key(model, cursor, step, action, &key),
        Mode::FollowupForm(form) => followup::form_key(model, form, action, &key),
        Mode::Followups(popup) => followup::list_key(model, popup, action, &key),
        Mode::Batch(ask) => batch::key(model, ask, action, &key),
        Mode::History(search) => history::key(model, search, action, &key),
    }
}

/// The list and the panes.
fn normal(model: &mut Model, action: Option<KeyAction>) -> Vec<Command> {
    let Some(action) = action else {
        return Vec::new();
    };
    // What the last action said is read by now; this one may say its own.
    model.message = None;
    match action {
        KeyAction::Quit => {
            model.quit = true;
            return vec![Command::Quit];
        }
        KeyAction::Help => model.mode = Mode::Help { scroll: 0 },
        KeyAction::Heartbeats => model.mode = Mode::Heartbeats,
        KeyAction::Filter => model.mode = Mode::Filter(LineInput::with_text(&model.list.filter)),
        KeyAction::ClearFilter => {
            if !marks::clear(model) {
                selection::clear_filters(model);
            }
        }
        KeyAction::QuickMine | KeyAction::QuickTriggered | KeyAction::QuickSevere => {
            selection::toggle_quick(model, action)
        }
        KeyAction::JumpTo => model.mode = Mode::Jump(LineInput::default()),
        KeyAction::SwitchFocus => {
            model.focus = match model.focus {
                Focus::List => Focus::Runbook,
                Focus::Runbook => Focus::List,
            };
            // Zoomed, the other pane fills the screen now.
            selection::keep_cursor_visible(model);
        }
        KeyAction::Zoom => {
            model.zoomed = !model.zoomed;
            selection::keep_cursor_visible(model);
        }
        KeyAction::TimelineDown => selection::scroll_timeline(model, 1),
        KeyAction::TimelineUp => selection::scroll_timeline(model, -1),
        KeyAction::Up
        | KeyAction::Down
        | KeyAction::PageUp
        | KeyAction::PageDown
        | KeyAction::Top
        | KeyAction::Bottom => match model.focus {
            Focus::List => selection::move_by(model, action),
            Focus::Runbook => runbook::move_cursor(model, action),
        },
        KeyAction::PickRunbook(n) => runbook::pick_match(model, usize::from(n)),
        KeyAction::Browse => runbook::start_browse(model),
        KeyAction::Handoff => return handoff::start(model),
        KeyAction::Report => return report::start(model),
        // A group's steps are its members' own: ticked from a member.
        KeyAction::TickStep if model.list.selected_group().is_some() => {
            batch::one_at_a_time(model, action)
        }
        KeyAction::TickStep => return runbook::tick(model),
        KeyAction::Copy => return copy::copy(model),
        KeyAction::Open => return runbook::open(model),
        KeyAction::TopOrSection => runbook::top_or_section(model),
        KeyAction::Acknowledge | KeyAction::Escalate | KeyAction::Resolve | KeyAction::Note => {
            match batch::targets(model) {
                Some(many) => batch::start(model, action, many),
                None => return actions::on_incident_key(model, action),
            }
        }
        KeyAction::StatusUpdate
        | KeyAction::TakeOver
        | KeyAction::Assign
        | KeyAction::GiveBack
        | KeyAction::Snooze
        | KeyAction::AskHelp
        | KeyAction::Manager
        | KeyAction::AddFollowup
            if batch::targets(model).is_some() =>
        {
            batch::one_at_a_time(model, action);
        }
        KeyAction::StatusUpdate => return actions::on_incident_key(model, action),
        KeyAction::TakeOver
        | KeyAction::Assign
        | KeyAction::GiveBack
        | KeyAction::Snooze
        | KeyAction::AskHelp
        | KeyAction::Manager => return ownership::on_key(model, action),
        KeyAction::Squash => squash::start(model),
        KeyAction::Squashes => return squash::open_list(model),
        KeyAction::Rota => return rota::open(model),
        KeyAction::AddFollowup => followup::start(model),
        KeyAction::Followups => followup::open_list(model),
        KeyAction::GroupBy => group::cycle(model),
        KeyAction::OpenGroup => group::open_or_close(model),
        KeyAction::Mark => marks::toggle(model),
        KeyAction::MarkRange => marks::range(model),
        KeyAction::History => return history::start(model),
        KeyAction::OpenLink => return links::open(model),
        // The keys of the other contexts are not bound here.
        KeyAction::Submit
        | KeyAction::Cancel
        | KeyAction::Confirm
        | KeyAction::Dismiss
        | KeyAction::Close
        | KeyAction::Toggle
        | KeyAction::SquashHours(_)
        | KeyAction::SquashToShiftEnd
        | KeyAction::TypeDuration
        | KeyAction::Cover
        | KeyAction::Remove
        | KeyAction::FollowupDone
        | KeyAction::FollowupDropped
        | KeyAction::OpenRunbookLink
        | KeyAction::OpenSourceLink => {}
    }
    Vec::new()
}

/// The help scrolls when it does not fit; any other key closes it.
fn help_key(model: &mut Model, scroll: u16, action: Option<KeyAction>) {
    let last = crate::console::layout::help_overflow(model.size);
    if last == 0 {
        // All of it is on screen: every key closes it.
        return;
    }
    let page = model.size.1.saturating_sub(4).max(1);
    let scroll = match action {
        Some(KeyAction::Down) => scroll.saturating_add(1),
        Some(KeyAction::Up) => scroll.saturating_sub(1),
        Some(KeyAction::PageDown) => scroll.saturating_add(page),
        Some(KeyAction::PageUp) => scroll.saturating_sub(page),
        _ => return,
    };
    model.mode = Mode::Help {
        scroll: scroll.min(last),
    };
}

/// `/`: the list follows the filter as it is typed; Enter keeps it.
fn filter(model: &mut Model, mut input: LineInput, action: Option<KeyAction>, key: &KeyEvent) {
    match action {
        Some(KeyAction::Submit) => {}
        Some(KeyAction::ClearFilter) => selection::set_filter(model, String::new()),
        _ => {
            input.handle(key);
            let filter = input.text().to_string();
            selection::set_filter(model, filter);
            model.mode = Mode::Filter(input);
        }
    }
}

/// `n`, `r`, and the short prompts of ownership: the words being typed
/// for incident `id`.
fn prompt(
    model: &mut Model,
    (kind, id): (PromptKind, u64),
    mut input: LineInput,
    action: Option<KeyAction>,
    key: &KeyEvent,
) -> Vec<Command> {
    match action {
        Some(KeyAction::Cancel) => {
            model.say("Cancelled.");
            Vec::new()
        }
        Some(KeyAction::Submit) => actions::submit_prompt(model, kind, id, input.text().trim()),
        _ => {
            input.handle(key);
            model.mode = Mode::Prompt { kind, id, input };
            Vec::new()
        }
    }
}
