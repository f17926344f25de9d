//! The console: the full-screen TUI a responder keeps open for the shift.
//!
//! Shape: `update(&mut Model, Msg) -> Vec<Command>` holds all behaviour and
//! is tested without a terminal; `view` only draws; `effects` carries out
//! the commands; the feed poller and the action worker are tasks that own
//! their data and send messages here. `run` is the loop between them.
mod browser;
mod effects;
mod external;
pub mod files;
pub mod input;
pub mod keys;
pub mod layout;
pub mod model;
pub mod msg;
mod start;
mod terminal;
pub mod update;
pub mod view;

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::Event;
use tokio::sync::mpsc;

use crate::feed::FeedClient;
use crate::runbook::Library;
use effects::Outcome;
use msg::Msg;

pub use update::update;
pub use view::view;

/// What the console needs to start.
pub struct Settings {
    pub responder: String,
    /// Ring the bell when something reaches this responder.
    pub bell: bool,
    /// Raise a desktop notification then too (`[console] notify`).
    pub notify: bool,
    /// Draw URLs as terminal hyperlinks where the terminal takes them
    /// (`[console] hyperlinks`).
    pub hyperlinks: bool,
    /// Draw without colour (`NO_COLOR` is set).
    pub monochrome: bool,
    /// Logs, hand-off notes and what the console remembers between runs.
    pub data_dir: std::path::PathBuf,
    pub feed_name: String,
    /// The feed to poll, or why there is none (the console opens anyway).
    pub client: Result<FeedClient, String>,
    pub poll_interval: Duration,
    pub library: Arc<Library>,
}

/// Runs the console until the responder quits. Returns what to tell them
/// once the terminal is theirs again (actions still queued), if anything.
///
/// Every message goes through `update`, every command it returns through
/// the effects, whose replies are messages again; the screen is drawn when
/// something visible changed, then the loop waits for the keyboard or a
/// task's message.
pub async fn run(settings: Settings) -> anyhow::Result<Option<String>> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let start::Started {
        mut model,
        mut effects,
        problems,
    } = start::start(settings, &tx);
    let mut tty = terminal::Tty::enter()?;
    let (width, height) = tty.size()?;
    let mut queue = VecDeque::from([Msg::Resize(width, height)]);
    queue.extend(problems.into_iter().map(Msg::Problem));
    loop {
        while let Some(msg) = queue.pop_front() {
            for cmd in update(&mut model, msg) {
                match effects.run(&mut tty, cmd) {
                    Outcome::Done => {}
                    Outcome::Reply(outcome) => queue.push_back(Msg::External(outcome)),
                    Outcome::Quit => {
                        effects.finish(&model).await;
                        return Ok(parting_words(model.actions.waiting));
                    }
                }
            }
        }
        if model.take_dirty() {
            tty.draw(&model)?;
        }
        tokio::select! {
            ev = tty.next_event() => match ev {
                Some(Ok(ev)) => queue.extend(event_to_msg(ev)),
                Some(Err(e)) => return Err(e.into()),
                None => {
                    effects.finish(&model).await;
                    return Ok(parting_words(model.actions.waiting));
                }
            },
            Some(m) = rx.recv() => queue.push_back(m),
        }
        // Coalesce a burst (a paste, a flood of feed events) into one draw.
        while let Ok(m) = rx.try_recv() {
            queue.push_back(m);
        }
    }
}

/// What a responder who quits with changes still in the outbox must know:
/// they are not lost, and not sent either until the console runs again.
fn parting_words(queued: usize) -> Option<String> {
    match queued {
        0 => None,
        1 => Some(
            "1 action is still queued for the hub: it will be sent when the console starts next."
                .to_string(),
        ),
        n => Some(format!(
            "{n} actions are still queued for the hub: they will be sent, in order, when the console starts next."
        )),
    }
}

fn event_to_msg(ev: Event) -> Option<Msg> {
    match ev {
        Event::Key(k) => Some(Msg::Key(k)),
        Event::Paste(s) => Some(Msg::Paste(s)),
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        Event::FocusGained => Some(Msg::Focus(true)),
        Event::FocusLost => Some(Msg::Focus(false)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::parting_words;

    #[test]
    fn quitting_with_queued_actions_says_how_many_and_when_they_go() {
        assert_eq!(parting_words(0), None);
        assert!(
            parting_words(1)
                .unwrap()
                .starts_with("1 action is still queued")
        );
        let three = parting_words(3).unwrap();
        assert!(three.starts_with("3 actions are still queued"), "{three}");
        assert!(three.contains("when the console starts next"), "{three}");
    }
}
