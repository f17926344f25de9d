//! `oncall --demo`: a hub started in-process on a temporary database, a
//! stream of realistic incidents and teammates working them, and the console
//! against it, so a newcomer sees everything at once with nothing to set up.
mod noise;
mod phone;
mod scenario;
mod storm;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, Utc};

use crate::config::{
    HubConfig, HumanDuration, LevelConfig, PolicyConfig, ResponderConfig, Role, RotaConfig,
    Sha256Hex, Timestamp,
};
use crate::console;
use crate::feed::{Action, HubClient};
use crate::hub::{self, Clock, HubSettings};
use crate::incident::Targets;
use crate::runbook::Library;
use scenario::{ARRIVALS, MONITORING, NOTES, OPENING, Scene, TEAMMATES, YOU};

/// The demo's clock runs `offset` seconds in the past while the opening
/// incidents are seeded, so their ages look like a real night, then real time.
#[derive(Default)]
struct DemoClock {
    offset_secs: AtomicI64,
}

impl Clock for DemoClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() - chrono::Duration::seconds(self.offset_secs.load(Ordering::Relaxed))
    }
}

/// A running demo hub and a client per person in it.
pub struct DemoHub {
    pub hub: hub::RunningHub,
    pub url: String,
    pub tokens: BTreeMap<String, String>,
    _dir: tempfile::TempDir,
}

impl DemoHub {
    /// The demo's temporary folder: its database, and the hand-off notes
    /// written during the demo.
    pub fn dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    pub fn client(&self, who: &str) -> anyhow::Result<HubClient> {
        let token = self
            .tokens
            .get(who)
            .cloned()
            .with_context(|| format!("no demo responder {who}"))?;
        Ok(HubClient::new(
            &self.url,
            token,
            "ONCALL_TOKEN",
            Duration::from_secs(10),
        )?)
    }
}

/// Starts the hub on 127.0.0.1 with a temporary database and the opening
/// incidents in it.
pub async fn start_hub() -> anyhow::Result<DemoHub> {
    let dir = tempfile::Builder::new()
        .prefix("oncall-demo-")
        .tempdir()
        .context("cannot create a temporary directory for the demo")?;
    let mut tokens = BTreeMap::new();
    let mut responders = Vec::new();
    for name in [YOU, MONITORING].iter().chain(TEAMMATES) {
        let token = hub::token::new_token()
            .context("no random bytes from the operating system for a token")?;
        let role = if *name == MONITORING {
            Role::Integration
        } else {
            Role::Responder
        };
        responders.push(ResponderConfig {
            role,
            ..ResponderConfig::new(*name, Sha256Hex::of(&token))
        });
        tokens.insert(name.to_string(), token);
    }
    let clock = Arc::new(DemoClock::default());
    // The hub's address is in the acknowledge links its pages carry, so it
    // is chosen before the hub starts.
    let addr = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
    let phone = phone::start().await?;
    let (config, notify) = phone::paging(
        HubConfig {
            responders,
            rota: Some(rota(Utc::now())),
            policies: vec![policy()],
            heartbeats: vec![noise::nightly_backup()],
            ..HubConfig::default()
        },
        YOU,
        phone,
        &format!("http://{addr}"),
    )?;
    let library = Arc::new(crate::runbook::Library::shipped());
    let sender =
        hub::deliveries::notify_sender::NotifySender::new(notify.clone(), library, clock.clone())
            .map_err(anyhow::Error::msg)?;
    let settings = HubSettings {
        db: dir.path().join("demo.db").into(),
        config,
        clock: clock.clone(),
        escalation_tick: Some(hub::ESCALATION_TICK),
        pages: hub::Pages::new(notify, Arc::new(sender)),
    };
    let hub = hub::start(addr, settings).await?;
    let demo = DemoHub {
        url: format!("http://{}", hub.addr),
        hub,
        tokens,
        _dir: dir,
    };
    seed(&demo, &clock).await?;
    Ok(demo)
}

async fn seed(demo: &DemoHub, clock: &DemoClock) -> anyhow::Result<()> {
    let monitoring = demo.client(MONITORING)?;
    let sam = demo.client(TEAMMATES[0])?;
    let priya = demo.client(TEAMMATES[1])?;
    let mut order: Vec<&Scene> = OPENING.iter().collect();
    order.sort_by_key(|s| std::cmp::Reverse(s.minutes_ago));
    let mut ids = BTreeMap::new();
    for scene in order {
        clock
            .offset_secs
            .store(scene.minutes_ago * 60, Ordering::Relaxed);
        let opened = monitoring.open(&scene.to_new()).await?;
        ids.insert(scene.key, opened.incident.id);
    }
    // The storm: one alert on a dozen hosts at once (`=` groups it).
    clock
        .offset_secs
        .store(storm::MINUTES_AGO * 60, Ordering::Relaxed);
    for n in 1..=storm::HOSTS {
        monitoring.open(&storm::page(n)).await?;
    }
    // Some history, as a team in the middle of a night would have.
    clock.offset_secs.store(60 * 60, Ordering::Relaxed);
    let id = |key: &str| ids.get(key).copied().unwrap_or(0);
    sam.act(id("raid-db2"), &Action::Acknowledge { version: None })
        .await?;
    sam.act(
        id("raid-db2"),
        &Action::Note {
            text: "Spare disk ordered; hot-swap booked for 09:00 with the DC.".into(),
        },
    )
    .await?;
    priya
        .act(id("cert-api"), &Action::Acknowledge { version: None })
        .await?;
    priya
        .act(
            id("cert-api"),
            &Action::Escalate {
                note: Some("DNS API credentials expired; needs the platform team".into()),
            },
        )
        .await?;
    sam.act(id("ecc-hv4"), &Action::Acknowledge { version: None })
        .await?;
    // Follow-ups left for you: one due half an hour ago, one in three days.
    let now = crate::hub::Clock::now(clock);
    let firmware = Action::AddFollowup {
        text: "Check the RAID controller firmware on db-2 before the swap".into(),
        owner: YOU.into(),
        due: Some(now + chrono::Duration::minutes(30)),
    };
    sam.act(id("raid-db2"), &firmware).await?;
    clock.offset_secs.store(10 * 60, Ordering::Relaxed);
    priya
        .act(id("invoice-export"), &Action::Acknowledge { version: None })
        .await?;
    priya
        .act(
            id("clock-worker7"),
            &Action::Resolve {
                note: Some("chrony restarted, sources back.".into()),
            },
        )
        .await?;
    let chrony = Action::AddFollowup {
        text: "Alert on chrony's source count, not only its offset".into(),
        owner: YOU.into(),
        due: Some(crate::hub::Clock::now(clock) + chrono::Duration::days(3)),
    };
    priya.act(id("clock-worker7"), &chrony).await?;
    // priya covers tomorrow's early hours herself (the rota view, `w`).
    let early = crate::hub::Clock::now(clock) + chrono::Duration::hours(10);
    let cover = crate::incident::NewOverride {
        responder: TEAMMATES[1].to_string(),
        start: early,
        end: early + chrono::Duration::hours(4),
    };
    priya.make_override(&cover, None).await?;
    clock.offset_secs.store(2 * 60, Ordering::Relaxed);
    major_incident(&sam, &priya, id("k8s-crashloop-checkout")).await?;
    for _ in 0..5 {
        monitoring
            .open(&scene_by_key("5xx-checkout").to_new())
            .await?;
    }
    noise::seed(demo, clock).await?;
    clock.offset_secs.store(0, Ordering::Relaxed);
    Ok(())
}

/// A major incident as a team runs one: sam fixes it and asks you to help,
/// priya runs it (not fixing it) and tells stakeholders how it goes.
async fn major_incident(sam: &HubClient, priya: &HubClient, id: u64) -> anyhow::Result<()> {
    sam.act(id, &Action::Acknowledge { version: None }).await?;
    let help = Action::AskHelp {
        who: YOU.to_string(),
        note: Some("you know the checkout deploy".into()),
    };
    sam.act(id, &help).await?;
    let manager = Action::SetManager {
        who: TEAMMATES[1].to_string(),
        force: false,
    };
    priya.act(id, &manager).await?;
    let update = Action::StatusUpdate {
        text: "Checkout pods crash-looping since the 02:10 deploy; rolling it back. Next update in 30 minutes."
            .into(),
    };
    priya.act(id, &update).await?;
    Ok(())
}

fn scene_by_key(key: &str) -> &'static Scene {
    OPENING
        .iter()
        .chain(ARRIVALS)
        .find(|s| s.key == key)
        .unwrap_or(&OPENING[0])
}

/// Keeps the night going: every few seconds an alert repeats (and folds), a
/// new one arrives, or a teammate acknowledges, notes or resolves something.
pub async fn keep_going(demo: &DemoHub, every: Duration) -> anyhow::Result<()> {
    let monitoring = demo.client(MONITORING)?;
    let mates: Vec<HubClient> = TEAMMATES
        .iter()
        .map(|t| demo.client(t))
        .collect::<anyhow::Result<_>>()?;
    let mut tick = tokio::time::interval(every);
    tick.tick().await;
    let mut step = 0usize;
    loop {
        tick.tick().await;
        step += 1;
        // A failed step is only a missed beat of the demo; carry on.
        if let Err(e) = demo_step(&monitoring, &mates, step).await {
            tracing::warn!("demo step {step}: {e}");
        }
    }
}

async fn demo_step(monitoring: &HubClient, mates: &[HubClient], step: usize) -> anyhow::Result<()> {
    let mate = &mates[step % mates.len()];
    match step % 4 {
        // Noise: the same alerts again, folded into their incidents.
        0 | 2 => {
            let key = [
                "5xx-checkout",
                "net-loss-edge1",
                "pg-conn-db1",
                "nginx-web2-loop",
            ][(step / 2) % 4];
            monitoring.open(&scene_by_key(key).to_new()).await?;
        }
        1 => {
            let scene = &ARRIVALS[(step / 4) % ARRIVALS.len()];
            monitoring.open(&scene.to_new()).await?;
        }
        _ => teammate_acts(mate, step).await?,
    }
    Ok(())
}

/// A teammate picks up an unowned incident, leaves a note, or resolves one
/// of theirs, so the feed shows other people working too.
async fn teammate_acts(mate: &HubClient, step: usize) -> anyhow::Result<()> {
    // Monitoring is an integration: it may only send events, not read them.
    let list = match mate.list(None, None).await? {
        crate::feed::ListOutcome::Changed { list, .. } => list.incidents,
        crate::feed::ListOutcome::Unchanged => return Ok(()),
    };
    let open = list.len();
    // Leave the critical ones to the responder watching the demo, and the
    // squashed one to show what a squash looks like.
    let unowned = list
        .iter()
        .filter(|i| {
            i.status == crate::incident::Status::Triggered
                && i.severity != crate::incident::Severity::Critical
                && i.squashed_by.is_none()
        })
        .nth(step % 3);
    let owned = list
        .iter()
        .filter(|i| i.owner.as_deref().is_some_and(|o| TEAMMATES.contains(&o)))
        .nth(step % 2);
    match (step / 4) % 3 {
        0 if open > 14 => {
            if let Some(inc) = owned.or(unowned) {
                mate.act(
                    inc.id,
                    &Action::Resolve {
                        note: Some("Fixed; monitoring for recurrence.".into()),
                    },
                )
                .await?;
            }
        }
        1 => {
            if let Some(inc) = owned.or(list.first()) {
                mate.act(
                    inc.id,
                    &Action::Note {
                        text: NOTES[step % NOTES.len()].into(),
                    },
                )
                .await?;
            }
        }
        _ => {
            if let Some(inc) = unowned {
                mate.act(
                    inc.id,
                    &Action::Acknowledge {
                        version: Some(inc.version),
                    },
                )
                .await?;
            }
        }
    }
    Ok(())
}

/// The demo's rota: the demo responder is on call, with two hours of the
/// shift left, then the teammates in turn.
fn rota(now: DateTime<Utc>) -> RotaConfig {
    let mut people = vec![YOU.to_string()];
    people.extend(TEAMMATES.iter().map(|t| t.to_string()));
    RotaConfig {
        responders: people,
        shift: HumanDuration::from_secs(8 * 3600),
        start: Timestamp(now - chrono::Duration::hours(6)),
        overrides: Vec::new(),
    }
}

/// One policy for every service: the person on call, then sam, then priya;
/// left unacknowledged for 20 minutes, an incident climbs by itself.
fn policy() -> PolicyConfig {
    let level = |name: &str, who: Targets, after: Option<u64>| LevelConfig {
        name: Some(name.to_string()),
        who,
        after: after.map(HumanDuration::from_secs),
    };
    PolicyConfig {
        services: vec![crate::config::ANY_SERVICE.to_string()],
        levels: vec![
            level("1st line", Targets::OnCall, Some(20 * 60)),
            level(
                "2nd line",
                Targets::Named(vec![TEAMMATES[0].to_string()]),
                Some(30 * 60),
            ),
            level(
                "3rd line",
                Targets::Named(vec![TEAMMATES[1].to_string()]),
                None,
            ),
        ],
    }
}

/// Runs the demo: hub, arrivals, and the console as the demo responder.
pub async fn run() -> anyhow::Result<()> {
    let demo = start_hub().await?;
    let client = demo.client(YOU)?;
    let every = std::env::var("ONCALL_DEMO_INTERVAL_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map_or(Duration::from_secs(4), Duration::from_millis);
    let settings = console::Settings {
        responder: YOU.to_string(),
        bell: true,
        notify: true,
        hyperlinks: true,
        monochrome: crate::cli::no_color(),
        data_dir: demo.dir().to_path_buf(),
        feed_name: "demo hub".to_string(),
        client: Ok(client.into()),
        poll_interval: Duration::from_secs(2),
        library: Arc::new(Library::shipped()),
    };
    let result = tokio::select! {
        r = console::run(settings) => r.map(|_| ()),
        r = keep_going(&demo, every) => r,
    };
    demo.hub.shutdown().await;
    result
}

#[cfg(test)]
mod tests {
    use super::scenario::{ARRIVALS, NOISY, OPENING};
    use crate::runbook::{Library, Query, rank};

    /// The demo hub pages "you" through the demo phone, and the page's
    /// delivery is on the incident's timeline, as on a team's hub.
    #[tokio::test]
    async fn the_demo_pages_you_and_the_delivery_shows_on_the_timeline() {
        let demo = super::start_hub().await.unwrap();
        let client = demo.client(super::YOU).unwrap();
        let state = demo.hub.state();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        // The seeded incidents are numbered from 1; those that are yours and
        // high or worse page you.
        let delivered = loop {
            let mut found = None;
            for id in 1..=OPENING.len() as u64 {
                let records = state.deliveries(Some(id)).await.unwrap();
                if records
                    .iter()
                    .any(|r| r.state == crate::hub::deliveries::DeliveryState::Delivered)
                {
                    found = Some(id);
                    break;
                }
            }
            if let Some(id) = found {
                break id;
            }
            assert!(std::time::Instant::now() < deadline, "no page delivered");
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        };
        let inc = client.get(delivered).await.unwrap();
        assert!(
            inc.timeline
                .iter()
                .any(|e| e.kind == crate::incident::EventKind::Paged
                    && e.text
                        .starts_with(&format!("paged {} by webhook: delivered", super::YOU))),
            "{:?}",
            inc.timeline
        );
    }

    #[test]
    fn every_demo_incident_has_a_runbook() {
        let lib = Library::shipped();
        let scenes = OPENING.iter().chain(ARRIVALS).chain([&NOISY]);
        let storm = (1..=super::storm::HOSTS).map(super::storm::page);
        for inc in scenes.map(|s| s.to_new()).chain(storm) {
            let q = Query {
                title: &inc.title,
                description: &inc.description,
                service: &inc.service,
                labels: Some(&inc.labels.clone().into()),
                ..Query::default()
            };
            let ranked = rank(&lib, &q);
            assert!(
                ranked
                    .first()
                    .is_some_and(|m| m.reasons[0].starts_with("alert ")),
                "{}: {ranked:?}",
                inc.title
            );
        }
    }
}
