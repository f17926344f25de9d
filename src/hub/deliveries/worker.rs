//! The delivery worker: a task the hub owns, like the escalation timers. It
//! wakes when a change that queued deliveries commits (the hub tells it; a
//! page never waits for a tick) and when the next delivery falls due; takes
//! what is due under a lease (recorded, so a delivery in flight when the hub
//! died is sent again, under the same id, once the lease runs out); sends
//! each in a task of its own, at most `concurrency` at once and each bounded
//! in time, so one slow or failing contact never holds up another; and
//! records each outcome as a change of the hub, with its timeline entry.
//!
//! Stopping the hub aborts the worker and its sends: what was in flight is
//! still leased, and goes again after the lease, like after a crash.
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::{Id, JoinError, JoinSet};

use crate::config::HumanDuration;
use crate::hub::HubState;
use crate::hub::rules::Attempted;
use crate::hub::store::Store;

use super::backoff::random_jitter;
use super::{Delivery, DeliverySettings, SendOutcome, Sender};

/// The longest the worker waits without looking at the queue: a safety net
/// for a wake-up missed (a database shared with another hub), never what a
/// page waits for.
const LONGEST_NAP: Duration = Duration::from_secs(60);

/// After the store failed, wait this long before trying it again.
const AFTER_STORE_ERROR: Duration = Duration::from_secs(1);

/// After finding something due that was gone when taken.
const AFTER_A_MISS: Duration = Duration::from_millis(100);

/// Sends due deliveries through `sender` until the task is aborted.
pub async fn run(state: HubState, sender: Arc<dyn Sender>, settings: DeliverySettings) {
    let slots = Arc::new(Semaphore::new(settings.concurrency.max(1)));
    let mut sending: JoinSet<()> = JoinSet::new();
    let mut in_flight = InFlight::default();
    loop {
        while let Some(done) = sending.try_join_next_with_id() {
            in_flight.ended(done);
        }
        let nap = match look(
            &state,
            &sender,
            &settings,
            &slots,
            &mut sending,
            &mut in_flight,
        )
        .await
        {
            Ok(Look::More) => continue,
            Ok(Look::Next(at)) => until(at, state.now()),
            Ok(Look::Full) => LONGEST_NAP,
            Ok(Look::Gone) => AFTER_A_MISS,
            Err(e) => {
                tracing::warn!(error = %e, "the delivery queue cannot be read; trying again");
                AFTER_STORE_ERROR
            }
        };
        tokio::select! {
            () = state.deliveries_queued() => {}
            () = tokio::time::sleep(nap) => {}
            Some(done) = sending.join_next_with_id(), if !sending.is_empty() => {
                in_flight.ended(done);
            }
        }
    }
}

/// What one look at the queue found.
enum Look {
    /// Took as many as there were free slots: more may be due.
    More,
    /// Took what was due; the next falls due then, if any waits.
    Next(Option<DateTime<Utc>>),
    /// No slot free: wait for a send to end.
    Full,
    /// Something was due and another worker took it first (a hub sharing
    /// the database): look again in a moment rather than at once.
    Gone,
}

async fn look(
    state: &HubState,
    sender: &Arc<dyn Sender>,
    settings: &DeliverySettings,
    slots: &Arc<Semaphore>,
    sending: &mut JoinSet<()>,
    in_flight: &mut InFlight,
) -> anyhow::Result<Look> {
    let free = slots.available_permits();
    if free == 0 {
        return Ok(Look::Full);
    }
    let now = state.now();
    // Read first, so a look that finds nothing due writes nothing.
    let next = state.store().next_delivery_at(in_flight.ids()).await?;
    if next.is_none_or(|at| at > now) {
        return Ok(Look::Next(next));
    }
    let lease_until = later(now, settings.lease);
    let claimed = state
        .store()
        .claim_deliveries(now, lease_until, free, in_flight.ids())
        .await?;
    if claimed.is_empty() {
        return Ok(Look::Gone);
    }
    let full = claimed.len() >= free;
    for delivery in claimed {
        // As many as there were free slots, and only this task takes them.
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            break;
        };
        let id = delivery.id.clone();
        let task = sending.spawn(send(
            state.clone(),
            sender.clone(),
            delivery,
            settings.attempt_timeout,
            slot,
        ));
        in_flight.0.insert(task.id(), id);
    }
    if full {
        return Ok(Look::More);
    }
    Ok(Look::Next(
        state.store().next_delivery_at(in_flight.ids()).await?,
    ))
}

/// The deliveries this worker is sending, by the task sending each: the
/// queue must not hand them out again while they are.
#[derive(Default)]
struct InFlight(HashMap<Id, String>);

impl InFlight {
    fn ids(&self) -> Vec<String> {
        self.0.values().cloned().collect()
    }

    fn ended(&mut self, done: Result<(Id, ()), JoinError>) {
        let task = match done {
            Ok((task, ())) => task,
            Err(e) => {
                // Still leased: it goes again when the lease runs out.
                tracing::error!(error = %e, "a delivery's task failed");
                e.id()
            }
        };
        self.0.remove(&task);
    }
}

/// One attempt at `delivery`, bounded by `timeout`, and its outcome recorded.
async fn send(
    state: HubState,
    sender: Arc<dyn Sender>,
    delivery: Delivery,
    timeout: Duration,
    _slot: OwnedSemaphorePermit,
) {
    let outcome = match tokio::time::timeout(timeout, sender.send(&delivery)).await {
        Ok(outcome) => outcome,
        Err(_) => SendOutcome::failed(format!("no answer within {}", HumanDuration(timeout)), true),
    };
    let attempted = Attempted {
        id: delivery.id.clone(),
        attempt: delivery.attempt,
        outcome,
        jitter: random_jitter(),
    };
    if let Err(e) = state.record_delivery(attempted, delivery.contact.via).await {
        // Still leased: it goes again when the lease runs out, same id.
        tracing::warn!(id = %delivery.id, error = %e, "a delivery's outcome could not be recorded");
    }
}

/// How long from `now` until `at`; [`LONGEST_NAP`] at most.
fn until(at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Duration {
    match at {
        Some(at) => (at - now)
            .to_std()
            .unwrap_or(Duration::ZERO)
            .min(LONGEST_NAP),
        None => LONGEST_NAP,
    }
}

fn later(now: DateTime<Utc>, by: Duration) -> DateTime<Utc> {
    TimeDelta::from_std(by)
        .ok()
        .and_then(|d| now.checked_add_signed(d))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}
