//! The console: the full-screen TUI a responder keeps open for the shift.
//!
//! Shape: `update(&mut Model, Msg) -> Vec<Command>` holds all behaviour and
//! is tested without a terminal; `view` only draws; the feed poller and the
//! action worker are tasks that own their data and send messages here.
mod external;
pub mod files;
pub mod input;
pub mod keys;
pub mod layout;
pub mod model;
pub mod msg;
mod terminal;
pub mod update;
pub mod view;

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use crossterm::event::{Event, EventStream};
use futures::StreamExt;
use tokio::sync::mpsc;

use crate::feed::{self, Capabilities, FeedClient};
use crate::runbook::Library;
use model::{FeedStatus, Model};
use msg::{Command, Msg};

pub use update::update;
pub use view::view;

/// What the console needs to start.
pub struct Settings {
    pub responder: String,
    /// Ring the bell when something reaches this responder.
    pub bell: bool,
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
pub async fn run(settings: Settings) -> anyhow::Result<Option<String>> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let feed_status = FeedStatus {
        unavailable: settings.client.as_ref().err().cloned(),
        capabilities: settings
            .client
            .as_ref()
            .map_or(Capabilities::HUB, FeedClient::capabilities),
        ..FeedStatus::new(settings.feed_name.clone(), settings.poll_interval)
    };
    // Read before the poller starts: it resumes from where the cache was.
    let files::Kept {
        cache_path,
        cached,
        outbox,
        dismissed,
        problems,
    } = files::read_back(
        &settings.data_dir,
        settings.client.as_ref().ok(),
        Utc::now(),
    );
    let worker = match settings.client {
        Ok(client) => {
            let (wake_tx, wake_rx) = mpsc::channel(1);
            feed::poller::spawn(
                client.clone(),
                settings.responder.clone(),
                settings.poll_interval,
                cached.as_ref().and_then(|c| c.resume.clone()),
                tx.clone(),
                wake_rx,
            );
            Some(feed::worker::spawn(client, outbox, tx.clone(), wake_tx))
        }
        Err(_) => None,
    };
    spawn_clock(tx.clone());
    spawn_signals(tx.clone());

    let mut model = Model::new(
        settings.responder,
        feed_status,
        settings.library,
        Utc::now(),
        settings.data_dir,
        *chrono::Local::now().offset(),
    );
    model.setup.bell = settings.bell;
    model.setup.monochrome = settings.monochrome;
    update::announce_problems(&mut model);
    model.handoff.dismissed = dismissed;
    if let Some(cached) = cached {
        update::restore(&mut model, cached);
    }
    let mut screen = terminal::Screen::enter()?;
    let size = screen.terminal.size()?;
    let mut queue = update(&mut model, Msg::Resize(size.width, size.height));
    for problem in problems {
        queue.extend(update(&mut model, Msg::Problem(problem)));
    }
    let mut events = EventStream::new();
    loop {
        while !queue.is_empty() {
            for cmd in std::mem::take(&mut queue) {
                match cmd {
                    Command::Quit => {
                        if model.cache.due
                            && let Some(path) = &cache_path
                            && let Err(e) = feed::cache::save(path, &model.snapshot())
                        {
                            tracing::warn!("cannot write the feed cache: {e}");
                        }
                        return Ok(parting_words(model.actions.waiting));
                    }
                    Command::SaveCache(snapshot) => {
                        if let Some(path) = cache_path.clone() {
                            // Off the event loop: a slow disk must not stall the keys.
                            tokio::task::spawn_blocking(move || {
                                if let Err(e) = feed::cache::save(&path, &snapshot) {
                                    tracing::warn!("cannot write the feed cache: {e}");
                                }
                            });
                        }
                    }
                    Command::Feed(req) => {
                        if let Some(w) = &worker {
                            // A closed worker means the runtime is going down.
                            let _ = w.send(req);
                        }
                    }
                    Command::Bell => {
                        let _ = external::bell();
                    }
                    Command::RememberDismissed(id) => {
                        // Losing this only means seeing the note once more.
                        if let Err(e) = files::remember_dismissed(&model.setup.data_dir, id) {
                            tracing::warn!("cannot remember the dismissed hand-off: {e}");
                        }
                    }
                    Command::Copy(text) => {
                        let outcome = external::copy(&text).map(|_| String::new());
                        let outcome = outcome.map_err(|e| format!("Could not copy: {e}"));
                        queue.extend(update(&mut model, Msg::External(outcome)));
                    }
                    Command::OpenRunbook { id, file, text } => {
                        // The viewer reads the keyboard now: stop reading it here.
                        stop_reading(events);
                        let outcome = open_runbook(&mut screen, &id, file.as_deref(), &text);
                        events = EventStream::new();
                        queue.extend(update(&mut model, Msg::External(outcome)));
                    }
                }
            }
        }
        if model.take_dirty() {
            screen.terminal.draw(|f| view(&model, f))?;
        }
        let msg = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(ev)) => event_to_msg(ev),
                Some(Err(e)) => return Err(e.into()),
                None => return Ok(parting_words(model.actions.waiting)),
            },
            Some(m) = rx.recv() => Some(m),
        };
        if let Some(msg) = msg {
            queue.extend(update(&mut model, msg));
        }
        // Coalesce a burst (a paste, a flood of feed events) into one draw.
        while let Ok(m) = rx.try_recv() {
            queue.extend(update(&mut model, m));
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

/// Runs the responder's viewer on the runbook with the console suspended.
/// Shipped runbooks have no file, so their text goes to a temporary one.
fn open_runbook(
    screen: &mut terminal::Screen,
    id: &str,
    file: Option<&std::path::Path>,
    text: &str,
) -> Result<String, String> {
    let temp;
    let path = match file {
        Some(p) => p.to_path_buf(),
        None => {
            temp = tempfile::Builder::new()
                .prefix(&format!("oncall-{id}-"))
                .suffix(".md")
                .tempfile()
                .map_err(|e| format!("Could not write the runbook to a temporary file: {e}"))?;
            std::fs::write(temp.path(), text)
                .map_err(|e| format!("Could not write the runbook to a temporary file: {e}"))?;
            temp.path().to_path_buf()
        }
    };
    let viewer = external::viewer();
    screen.suspend();
    let status = tokio::task::block_in_place(|| external::open(&viewer, &path));
    let resumed = screen.resume();
    match (status, resumed) {
        (_, Err(e)) => Err(format!("Could not take the terminal back: {e}")),
        (Err(e), _) => Err(format!(
            "Could not run `{viewer}`: {e}; set $PAGER to a program that can show text"
        )),
        (Ok(s), _) if !s.success() => Err(format!(
            "`{viewer}` ended with {s}; set $PAGER to change the viewer"
        )),
        (Ok(_), _) => Ok(format!("Back from `{viewer}`.")),
    }
}

/// Stops reading the keyboard so that another program can. Dropping the
/// stream wakes its reader thread through crossterm's shared poller; when that
/// thread was idle, the wake-up stays pending and would come back beside the
/// first key pressed after the console resumes, and crossterm drops a key that
/// arrives with a wake-up. Taking the wake-up now keeps that key.
fn stop_reading(events: EventStream) {
    drop(events);
    let _ = crossterm::event::poll(Duration::ZERO);
}

fn event_to_msg(ev: Event) -> Option<Msg> {
    match ev {
        Event::Key(k) => Some(Msg::Key(k)),
        Event::Paste(s) => Some(Msg::Paste(s)),
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        _ => None,
    }
}

/// Ages on screen are in minutes and staleness in seconds: a tick a second
/// is enough, and `update` only asks for a redraw when the text would change.
fn spawn_clock(tx: mpsc::UnboundedSender<Msg>) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(1));
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            if tx.send(Msg::Tick(Utc::now())).is_err() {
                return;
            }
        }
    });
}

/// SIGTERM (kill) and SIGHUP (the terminal window closed) quit cleanly, so
/// the terminal is restored and nothing is left half-done.
fn spawn_signals(tx: mpsc::UnboundedSender<Msg>) {
    #[cfg(unix)]
    tokio::spawn(async move {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut term), Ok(mut hup)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
        ) else {
            return;
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = hup.recv() => {}
        }
        let _ = tx.send(Msg::Terminate);
    });
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
