//! What `update` asks of the world, carried out: requests to the feed
//! worker, the cache written to disk, the hand-off note remembered as read,
//! and what goes to the terminal (the bell, the clipboard, the pager). The
//! terminal is a trait, so all of it but the terminal itself is tested
//! without one. A desktop notification (OSC 777 / OSC 9) is one more
//! `Command` beside `Bell`: its sequence built in `external`, written by
//! `Terminal::send` like the others. A link goes to the browser
//! (`browser`), started and left to run.
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitStatus;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::browser::Browser;
use super::external;
use super::files;
use super::model::Model;
use super::msg::Command;
use crate::feed::{self, Request};

/// What the effects need of the terminal the console runs in.
pub trait Terminal {
    /// Writes an escape sequence (the bell, the clipboard) between frames.
    fn send(&mut self, sequence: &str) -> io::Result<()>;

    /// Gives the terminal to `viewer` on `file` until it exits, and takes
    /// it back.
    fn hand_over(&mut self, viewer: &str, file: &Path) -> HandedOver;
}

/// How handing the terminal to another program went.
#[derive(Debug)]
pub struct HandedOver {
    /// The program's exit, or why it could not be run.
    pub ran: io::Result<ExitStatus>,
    /// Whether the console has the terminal again.
    pub back: io::Result<()>,
}

/// What comes of a command.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Done,
    /// How a copy or the pager went, for `update` (`Msg::External`).
    Reply(Result<String, String>),
    /// The responder quits: `finish`, then stop.
    Quit,
}

/// Carries out commands, holding what they need: the worker's queue, where
/// the cache and the console's own files go, the pager, and the cache
/// writes still under way.
pub struct Effects {
    worker: Option<mpsc::UnboundedSender<Request>>,
    cache_path: Option<PathBuf>,
    data_dir: PathBuf,
    viewer: String,
    saving: Vec<JoinHandle<()>>,
    /// How this terminal takes a desktop notification, and whether tmux
    /// stands between (set from the environment at start).
    pub notification: (external::NotificationForm, bool),
    /// How links are opened (set from the environment at start).
    pub browser: Browser,
}

impl Effects {
    /// `worker` is `None` without a feed; `cache_path` too.
    pub fn new(
        worker: Option<mpsc::UnboundedSender<Request>>,
        cache_path: Option<PathBuf>,
        data_dir: PathBuf,
        viewer: String,
    ) -> Effects {
        Effects {
            worker,
            cache_path,
            data_dir,
            viewer,
            saving: Vec::new(),
            notification: (external::NotificationForm::Osc777, false),
            browser: Browser::default(),
        }
    }

    pub fn run(&mut self, terminal: &mut impl Terminal, cmd: Command) -> Outcome {
        match cmd {
            Command::Quit => return Outcome::Quit,
            Command::Feed(req) => {
                if let Some(worker) = &self.worker {
                    // A closed worker means the runtime is going down.
                    let _ = worker.send(req);
                }
            }
            Command::SaveCache(snapshot) => self.save_cache(*snapshot),
            Command::Bell => {
                // A bell that cannot ring has nobody to tell.
                let _ = terminal.send(external::BELL);
            }
            Command::Notify { title, body } => {
                let (form, in_tmux) = self.notification;
                // Like the bell: nobody to tell if it cannot be shown.
                let _ = terminal.send(&external::notification(form, &title, &body, in_tmux));
            }
            Command::Copy(text) => {
                let outcome = terminal
                    .send(&external::clipboard(&text))
                    .map(|_| String::new())
                    .map_err(|e| format!("Could not copy: {e}"));
                return Outcome::Reply(outcome);
            }
            Command::OpenRunbook { id, file, text } => {
                let outcome = self.open_runbook(terminal, &id, file.as_deref(), &text);
                return Outcome::Reply(outcome);
            }
            Command::OpenUrl(url) => return Outcome::Reply(self.browser.open(&url)),
            Command::RememberDismissed(id) => {
                // Losing this only means seeing the note once more.
                if let Err(e) = files::remember_dismissed(&self.data_dir, id) {
                    tracing::warn!("cannot remember the dismissed hand-off: {e}");
                }
            }
        }
        Outcome::Done
    }

    /// The last thing before the console stops: the cache written once more
    /// if the feed changed since, after the writes still under way (so the
    /// last list is the one kept).
    pub async fn finish(&mut self, model: &Model) {
        for write in std::mem::take(&mut self.saving) {
            let _ = write.await;
        }
        if model.cache.due
            && let Some(path) = &self.cache_path
            && let Err(e) = feed::cache::save(path, &model.snapshot())
        {
            tracing::warn!("cannot write the feed cache: {e}");
        }
    }

    /// Off the event loop: a slow disk must not stall the keys.
    fn save_cache(&mut self, snapshot: feed::cache::CachedFeed) {
        let Some(path) = self.cache_path.clone() else {
            return;
        };
        self.saving.retain(|write| !write.is_finished());
        self.saving.push(tokio::task::spawn_blocking(move || {
            if let Err(e) = feed::cache::save(&path, &snapshot) {
                tracing::warn!("cannot write the feed cache: {e}");
            }
        }));
    }

    /// Runs the responder's viewer on the runbook with the console
    /// suspended. Shipped runbooks have no file, so their text goes to a
    /// temporary one, gone once the viewer is.
    fn open_runbook(
        &self,
        terminal: &mut impl Terminal,
        id: &str,
        file: Option<&Path>,
        text: &str,
    ) -> Result<String, String> {
        let temp;
        let path = match file {
            Some(p) => p,
            None => {
                let cannot =
                    |e: io::Error| format!("Could not write the runbook to a temporary file: {e}");
                temp = tempfile::Builder::new()
                    .prefix(&format!("oncall-{id}-"))
                    .suffix(".md")
                    .tempfile()
                    .map_err(cannot)?;
                std::fs::write(temp.path(), text).map_err(cannot)?;
                temp.path()
            }
        };
        let viewer = &self.viewer;
        let HandedOver { ran, back } = terminal.hand_over(viewer, path);
        match (ran, back) {
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
}

#[cfg(test)]
#[cfg(unix)]
mod tests;
