//! Starting the console: what it kept on disk read back, the feed's poller
//! and worker, the clock and the signal handlers set going (each a task that
//! owns its data and sends messages), and the model and the effects made
//! ready, before the terminal is taken.
use std::time::Duration;

use chrono::Utc;
use tokio::sync::mpsc;

use super::browser::{self, Browser};
use super::effects::Effects;
use super::model::{FeedStatus, Model};
use super::msg::Msg;
use super::{Settings, external, files, update};
use crate::feed::{self, Capabilities, FeedClient};

/// The console ready to run.
pub struct Started {
    pub model: Model,
    pub effects: Effects,
    /// What could not be read back, for the message line.
    pub problems: Vec<String>,
}

/// Reads back what was kept, starts the tasks that send to `tx`, and
/// builds the model and the effects.
pub fn start(settings: Settings, tx: &mpsc::UnboundedSender<Msg>) -> Started {
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

    let mut effects = Effects::new(
        worker,
        cache_path,
        settings.data_dir.clone(),
        external::viewer(),
    );
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    effects.notification = (
        external::NotificationForm::of_terminal(var),
        var("TMUX").is_some(),
    );
    let remote = var("SSH_CONNECTION").is_some();
    effects.browser = Browser {
        programs: browser::candidates(var, cfg!(target_os = "macos")),
        remote,
        replies: Some(tx.clone()),
    };
    let mut model = Model::new(
        settings.responder,
        feed_status,
        settings.library,
        Utc::now(),
        settings.data_dir,
        *chrono::Local::now().offset(),
    );
    model.setup.bell = settings.bell;
    model.setup.notify = settings.notify;
    model.setup.monochrome = settings.monochrome;
    model.setup.remote = remote;
    model.setup.hyperlinks = settings.hyperlinks && external::hyperlinks_supported(var);
    update::announce_problems(&mut model);
    model.handoff.dismissed = dismissed;
    if let Some(cached) = cached {
        update::restore(&mut model, cached);
    }
    Started {
        model,
        effects,
        problems,
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
