//! The hub client's heartbeat calls: a ping (`oncall heartbeat`), sent
//! again under its one Idempotency-Key while the hub does not answer, a
//! bounded number of times; and the list the console shows.
use std::time::Duration;

use crate::incident::{Heartbeat, HeartbeatList, PingRequest};
use crate::sanitize;

use super::client::{FeedError, HubClient, Sending};

/// How long a ping waits before each try after the first: a hub restarting
/// is back within these; one that is down does not hold a job up for long.
pub const PING_RETRIES: [Duration; 2] = [Duration::from_millis(250), Duration::from_secs(1)];

impl HubClient {
    /// `POST /api/v1/heartbeats/{name}`, tried again (with the same key)
    /// after [`PING_RETRIES`] while the hub does not answer; the heartbeat
    /// after the ping, or the last failure.
    pub async fn ping(&self, name: &str, req: &PingRequest) -> Result<Heartbeat, FeedError> {
        let key = super::outbox::new_key();
        let path = format!("/api/v1/heartbeats/{name}");
        let mut waits = PING_RETRIES.iter();
        loop {
            let sending = Sending {
                key: &key,
                taken_at: chrono::Utc::now(),
            };
            match self
                .post_keyed::<_, Heartbeat>(&path, req, Some(sending))
                .await
            {
                Err(e) if e.is_transient() => match waits.next() {
                    Some(wait) => tokio::time::sleep(*wait).await,
                    None => return Err(e),
                },
                answer => return answer.map(heartbeat),
            }
        }
    }

    /// `GET /api/v1/heartbeats`, every text made inert.
    pub async fn heartbeats(&self) -> Result<HeartbeatList, FeedError> {
        let mut list: HeartbeatList = self.get_json("/api/v1/heartbeats").await?;
        list.heartbeats = list.heartbeats.into_iter().map(heartbeat).collect();
        Ok(list)
    }
}

/// A heartbeat as the hub sent it, its texts on one line and inert.
fn heartbeat(mut h: Heartbeat) -> Heartbeat {
    for text in [&mut h.name, &mut h.service, &mut h.schedule, &mut h.grace] {
        *text = sanitize::line(text);
    }
    h.runbook = h.runbook.as_deref().map(sanitize::line);
    h
}
