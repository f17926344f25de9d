//! The demo's noise, and what the console does about it, there on the
//! first screen for a newcomer: an alert that paged through the shift and
//! cleared by itself each time (first in the noise report, `N`), the squash
//! a teammate made for it (its latest incident marked squashed in the list,
//! the squash under `S`), and a nightly backup that has not checked in
//! (late in the top bar and under `h`). Seeded at the demo's own scripted
//! times, as the rest of the night is.
use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::config::{HeartbeatConfig, HumanDuration};
use crate::feed::HubClient;
use crate::hub::deliveries::{DeliveryRecord, DeliveryState};
use crate::incident::{
    NewSquash, PAYLOAD_VERSION, PingRequest, Severity, Squash, WebhookAlert, WebhookAnswer,
    WebhookPayload,
};

use super::scenario::{MONITORING, NOISY, Scene, TEAMMATES};
use super::{DemoClock, DemoHub};

/// The job the demo's hub expects a ping from each night.
pub const BACKUP: &str = "nightly-backup";

/// Its schedule: every 24 hours, an hour's grace.
pub fn nightly_backup() -> HeartbeatConfig {
    HeartbeatConfig {
        name: BACKUP.to_string(),
        service: "backups".to_string(),
        severity: Severity::High,
        every: Some(HumanDuration::from_secs(24 * 3600)),
        cron: None,
        timezone: None,
        grace: HumanDuration::from_secs(3600),
        runbook: None,
    }
}

/// When the noisy alert fired, in minutes ago: every 45 minutes of alex's
/// shift (which began 6 hours ago: before it, nobody was on call), each
/// time clearing by itself 3 minutes later (so each but the first reopened
/// within the hour: it flaps).
const FLAPS: [i64; 7] = [345, 300, 255, 210, 165, 120, 75];
/// How long each of those lasted.
const CLEARED_AFTER: i64 = 3;
/// When sam squashed it, and for how long.
const SQUASHED_AGO: i64 = 65;
const SQUASH_HOURS: i64 = 6;
/// When it fired again, squashed: it pages nobody, and stays open.
const QUIET_AGO: i64 = 25;
/// When the backup last checked in: a day and half an hour ago, so it is
/// half an hour late (within its hour of grace, so no incident yet).
const BACKUP_PINGED_AGO: i64 = 24 * 60 + 30;

/// Seeds the noise: the backup's last ping, the noisy alert's night, and
/// its squash. Leaves the clock where it found it.
pub async fn seed(demo: &DemoHub, clock: &DemoClock) -> anyhow::Result<()> {
    let at = |minutes_ago: i64| clock.offset_secs.store(minutes_ago * 60, Ordering::Relaxed);
    let before = clock.offset_secs.load(Ordering::Relaxed);
    let monitoring = demo.client(MONITORING)?;
    at(BACKUP_PINGED_AGO);
    monitoring.ping(BACKUP, &PingRequest::default()).await?;
    for ago in FLAPS {
        at(ago);
        let started = clock_now(clock);
        let answer = alertmanager(&monitoring, &NOISY, started, None).await?;
        // In a real night it clears minutes later, its page long delivered;
        // here the clearing comes at once, so wait for the page first.
        for id in answer.opened {
            until_paged(demo, id).await;
        }
        at(ago - CLEARED_AFTER);
        alertmanager(&monitoring, &NOISY, started, Some(clock_now(clock))).await?;
    }
    at(SQUASHED_AGO);
    let sam = demo.client(TEAMMATES[0])?;
    let squash = NewSquash {
        matchers: squash_matchers(&NOISY),
        starts: None,
        until: clock_now(clock) + chrono::Duration::hours(SQUASH_HOURS),
        reason: "steal from a noisy neighbour on hv-2; its VM moves at 09:00".to_string(),
    };
    let _: Squash = sam.post_keyed("/api/v1/squashes", &squash, None).await?;
    at(QUIET_AGO);
    alertmanager(&monitoring, &NOISY, clock_now(clock), None).await?;
    clock.offset_secs.store(before, Ordering::Relaxed);
    Ok(())
}

fn clock_now(clock: &DemoClock) -> DateTime<Utc> {
    crate::hub::Clock::now(clock)
}

/// What squashes `scene`'s alert: its `alertname` and its service.
fn squash_matchers(scene: &Scene) -> BTreeMap<String, String> {
    let mut matchers = BTreeMap::new();
    if let Some((_, name)) = scene.labels.iter().find(|(k, _)| *k == "alertname") {
        matchers.insert("alertname".to_string(), name.to_string());
    }
    matchers.insert("service".to_string(), scene.service.to_string());
    matchers
}

/// `scene` as Alertmanager's webhook says it fires since `started`, or
/// has resolved at `ended`, sent as monitoring: resolved this way, it
/// resolved by itself.
async fn alertmanager(
    monitoring: &HubClient,
    scene: &Scene,
    started: DateTime<Utc>,
    ended: Option<DateTime<Utc>>,
) -> anyhow::Result<WebhookAnswer> {
    let status = if ended.is_none() {
        "firing"
    } else {
        "resolved"
    };
    let mut labels: BTreeMap<String, String> = scene
        .labels
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    labels.insert("service".to_string(), scene.service.to_string());
    let alert = WebhookAlert {
        status: Some(status.to_string()),
        labels: Some(labels),
        annotations: BTreeMap::from([
            ("summary".to_string(), scene.title.to_string()),
            ("description".to_string(), scene.description.to_string()),
        ]),
        starts_at: Some(started.to_rfc3339()),
        ends_at: ended.map(|t| t.to_rfc3339()),
        generator_url: None,
        fingerprint: Some(scene.key.to_string()),
    };
    let payload = WebhookPayload {
        version: Some(PAYLOAD_VERSION.to_string()),
        status: Some(status.to_string()),
        receiver: Some("oncall".to_string()),
        alerts: Some(vec![alert]),
        ..WebhookPayload::default()
    };
    Ok(monitoring
        .post_keyed("/api/v1/alertmanager", &payload, None)
        .await?)
}

/// Waits, a few seconds at most, while incident `id`'s page is on its way
/// to the demo phone (in-process, so it arrives at once); after that, or
/// when nothing was queued for it, the demo goes on anyway.
async fn until_paged(demo: &DemoHub, id: u64) {
    let state = demo.hub.state();
    let on_its_way =
        |r: &DeliveryRecord| matches!(r.state, DeliveryState::Queued | DeliveryState::Sending);
    for _ in 0..500 {
        match state.deliveries(Some(id)).await {
            Ok(records) if records.iter().any(on_its_way) => {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            _ => return,
        }
    }
}
