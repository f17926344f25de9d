//! A console's feed of several hubs (`urls = [...]`) under the real poller,
//! for the failover tests (tests/feed_failover.rs, and on PostgreSQL
//! tests/hub_postgres_failover.rs): the poller on a list of hubs, a model
//! that takes its events, and the screen that model draws.

use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use oncall::console::model::{FeedStatus, Model};
use oncall::console::msg::Msg;
use oncall::console::{update, view};
use oncall::feed::{FeedClient, FeedEvent, HubClient};
use oncall::runbook::Library;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;

use super::ALICE;

pub fn host(base: &str) -> &str {
    base.trim_start_matches("http://")
}

pub fn client(bases: &[&str]) -> HubClient {
    HubClient::failover(bases, ALICE.into(), "ONCALL_TOKEN", Duration::from_secs(5)).unwrap()
}

/// The real poller on a feed of these hubs: its events, and the sender
/// that makes it poll. Its interval is long, so every poll after the first
/// is one the test asks for.
pub fn poll(bases: &[&str]) -> (mpsc::UnboundedReceiver<FeedEvent>, mpsc::Sender<()>) {
    let (tx, rx) = mpsc::unbounded_channel::<FeedEvent>();
    let (wake, wake_rx) = mpsc::channel(1);
    oncall::feed::poller::spawn(
        FeedClient::Hub(client(bases)),
        "alice".into(),
        Duration::from_secs(3600),
        None,
        tx,
        wake_rx,
    );
    (rx, wake)
}

pub fn model() -> Model {
    let mut m = Model::new(
        "alice".into(),
        FeedStatus::new("team hub", Duration::from_secs(2)),
        Arc::new(Library::shipped()),
        Utc.with_ymd_and_hms(2026, 11, 23, 3, 0, 5).unwrap(),
        std::env::temp_dir(),
        chrono::FixedOffset::east_opt(0).unwrap(),
    );
    update(&mut m, Msg::Resize(80, 24));
    m
}

pub fn screen(m: &Model) -> String {
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    t.draw(|f| view(m, f)).unwrap();
    format!("{}", t.backend())
}

pub fn top_bar(m: &Model) -> String {
    screen(m).lines().next().unwrap().to_string()
}

/// Takes the poller's events into the model until a poll's outcome, and
/// returns what came, except the rota and the heartbeats (read beside the
/// list, in no fixed order with it).
pub async fn next_poll(
    rx: &mut mpsc::UnboundedReceiver<FeedEvent>,
    m: &mut Model,
) -> Vec<FeedEvent> {
    let mut came = Vec::new();
    loop {
        let event = rx.recv().await.expect("the poller reports");
        update(m, Msg::Feed(event.clone()));
        let outcome = matches!(
            event,
            FeedEvent::Polled { .. } | FeedEvent::Unchanged | FeedEvent::Failed { .. }
        );
        if !matches!(
            event,
            FeedEvent::Rota { .. } | FeedEvent::Heartbeats(_) | FeedEvent::Followups(_)
        ) {
            came.push(event);
        }
        if outcome {
            return came;
        }
    }
}
