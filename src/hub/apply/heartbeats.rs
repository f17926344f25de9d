//! Heartbeats inside a change's transaction: a ping, and the timers' look
//! at every heartbeat, each read from the store, stepped by the pure rules
//! (`hub::heartbeat::rules`), and written back with what the step asks of
//! the heartbeat's incident (opened or folded by its dedup key, or
//! resolved), paged like any other incident. On PostgreSQL this runs under
//! the writes lock like every change, so across hubs a heartbeat goes down
//! once.
use crate::config::HeartbeatConfig;
use crate::hub::heartbeat::{self, Action, Beat, HEARTBEAT_BACK, Input};
use crate::hub::rules::{self, Actor, Refusal, Transition};
use crate::hub::store::{StoreError, Transaction};
use crate::incident::{Heartbeat, PingRequest};

use super::{Failed, Work, open, write};

/// A ping of heartbeat `name`; the heartbeat after it.
pub(super) async fn ping<T: Transaction>(
    tx: &mut T,
    by: Actor<'_>,
    name: &str,
    req: &PingRequest,
    work: &Work,
) -> Result<Heartbeat, Failed> {
    let Some(config) = work.heartbeats.get(name) else {
        return Err(Refusal::Invalid(format!("there is no heartbeat named '{name}'")).into());
    };
    let beat = tx
        .heartbeat(name)
        .await?
        .unwrap_or_else(|| Beat::new(name, by.now));
    let stepped = heartbeat::step(&beat, config, Input::Ping(req), by.now);
    carry_out(tx, by, config, stepped.action, work).await?;
    tx.put_heartbeat(&stepped.beat).await?;
    Ok(heartbeat::view(Some(&stepped.beat), config, by.now))
}

/// The timers' look: every heartbeat pinged so far, stepped by the clock;
/// the names of those that went down.
pub(super) async fn overdue<T: Transaction>(
    tx: &mut T,
    by: Actor<'_>,
    work: &Work,
) -> Result<Vec<String>, StoreError> {
    let mut down = Vec::new();
    if work.heartbeats.is_empty() {
        return Ok(down);
    }
    for beat in tx.heartbeats().await? {
        // A heartbeat taken out of the config is left as it was.
        let Some(config) = work.heartbeats.get(&beat.name) else {
            continue;
        };
        let stepped = heartbeat::step(&beat, config, Input::Clock, by.now);
        if stepped.beat == beat {
            continue;
        }
        if matches!(stepped.action, Some(Action::Open { .. })) {
            down.push(beat.name.clone());
        }
        carry_out(tx, by, config, stepped.action, work).await?;
        tx.put_heartbeat(&stepped.beat).await?;
    }
    Ok(down)
}

/// Opens (or folds into) the heartbeat's incident, or resolves the open one.
async fn carry_out<T: Transaction>(
    tx: &mut T,
    by: Actor<'_>,
    config: &HeartbeatConfig,
    action: Option<Action>,
    work: &Work,
) -> Result<(), StoreError> {
    match action {
        None => Ok(()),
        Some(Action::Open { title, description }) => {
            let new = heartbeat::incident(config, title, description);
            open(tx, by, &new, work).await.map(|_| ())
        }
        Some(Action::Resolve) => {
            let Some(open) = tx
                .open_with_key(&heartbeat::dedup_key(&config.name))
                .await?
            else {
                // Resolved by a responder already.
                return Ok(());
            };
            match rules::resolve(&open, Some(HEARTBEAT_BACK)) {
                Ok(decided @ Transition::Update(_)) => {
                    write(tx, by, &decided, work).await.map(|_| ())
                }
                _ => Ok(()),
            }
        }
    }
}
