//! The last built full list of each kind, and when to build the next one.
//!
//! A full list of 10,000 incidents takes tens of milliseconds to build. On a
//! quiet hub the poll that finds the list out of date builds it and waits, so
//! whoever just wrote reads their own write. Under a stream of writes that
//! would make every poll wait for a rebuild of its own, queued behind the
//! others (seconds at the 99th percentile), so while one build is under way a
//! poll is answered at once with the last list built. Its ETag and cursor
//! name the change it is as of, so nothing is lost: the next poll, or a poll
//! `since` its cursor, brings the rest. While writes land and the list is
//! read, the build goes round again in the background as soon as it ends,
//! so polls keep finding a build under way rather than one to wait for.
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use tokio::sync::{Notify, OwnedMutexGuard};

use super::HubState;
use super::list::Filter;
use super::list_body::{ListBody, PLAIN_KEEP, build};
use super::store::{Store, StoreError};

#[derive(Default)]
struct Slot {
    body: Mutex<Option<Arc<ListBody>>>,
    /// Held by the one build under way, if any.
    building: Arc<tokio::sync::Mutex<()>>,
    /// When this list was last asked for: it is kept current in the
    /// background only while somebody reads it.
    last_poll: Mutex<Option<Instant>>,
    /// Told each time a list is put in place.
    built: Notify,
}

/// How long after the last poll the list is still rebuilt in the background
/// as writes land: longer than the usual poll interval (a second or two), so
/// that a poller finds the list being kept current rather than a build to
/// wait for.
const KEEP_CURRENT_FOR: Duration = Duration::from_secs(3);

/// Whether to build again in the background: the list is behind the writes,
/// and was read lately.
fn keep_building(behind: bool, since_last_poll: Option<Duration>) -> bool {
    behind && since_last_poll.is_some_and(|d| d < KEEP_CURRENT_FOR)
}

impl Slot {
    fn polled(&self) {
        *self.last_poll.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
    }

    fn since_last_poll(&self) -> Option<Duration> {
        self.last_poll
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .map(|at| at.elapsed())
    }

    fn latest(&self) -> Option<Arc<ListBody>> {
        self.body.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn fresh(&self, seq: u64) -> Option<Arc<ListBody>> {
        self.latest().filter(|b| b.seq >= seq)
    }
}

/// The last built body of each full list.
#[derive(Default)]
pub struct ListCache {
    open: Slot,
    all: Slot,
}

impl ListCache {
    fn slot(&self, filter: Filter) -> &Slot {
        match filter {
            Filter::Open => &self.open,
            Filter::All => &self.all,
        }
    }

    /// Ready when the next list for `filter` is put in place (for tests of
    /// the background builds; polls never wait for this). Enable it before
    /// the build it waits for can end.
    #[cfg(test)]
    fn next_built(&self, filter: Filter) -> tokio::sync::futures::Notified<'_> {
        self.slot(filter).built.notified()
    }
}

/// The full list for `filter`: current when no build is under way (the poll
/// waits for one), else the last one built.
pub async fn full_list(state: &HubState, filter: Filter) -> Result<Arc<ListBody>, StoreError> {
    let slot = state.lists().slot(filter);
    slot.polled();
    let want = state.store().current_seq().await?;
    let cached = slot.latest();
    if let Some(body) = cached.as_ref().filter(|b| b.seq >= want) {
        return Ok(body.clone());
    }
    match slot.building.clone().try_lock_owned() {
        Ok(building) => {
            let body = rebuild(state, filter).await?;
            keep_up(state, filter, &body, building).await;
            Ok(body)
        }
        Err(_) => {
            if let Some(body) = cached {
                return Ok(body);
            }
            // Nothing built yet to answer with: wait for the build under way.
            let building = slot.building.clone().lock_owned().await;
            let body = match slot.fresh(want) {
                Some(body) => body,
                None => rebuild(state, filter).await?,
            };
            drop(building);
            Ok(body)
        }
    }
}

/// Builds the list from one snapshot of the database and puts it in place.
async fn rebuild(state: &HubState, filter: Filter) -> Result<Arc<ListBody>, StoreError> {
    let slot = state.lists().slot(filter);
    let started = std::time::Instant::now();
    let body = Arc::new(build(state.store(), filter, PLAIN_KEEP).await?);
    tracing::debug!(
        ?filter,
        seq = body.seq,
        plain = body.plain.as_ref().map(Bytes::len),
        gzip = body.gzip.len(),
        millis = started.elapsed().as_millis(),
        "list rebuilt"
    );
    *slot.body.lock().unwrap_or_else(|e| e.into_inner()) = Some(body.clone());
    slot.built.notify_waiters();
    Ok(body)
}

/// Whether the list built as of change `seq` is to be built again now.
async fn go_on(state: &HubState, filter: Filter, seq: u64) -> bool {
    // A store that cannot say is not worth a build that would fail too.
    let behind = state.store().current_seq().await.is_ok_and(|now| now > seq);
    keep_building(behind, state.lists().slot(filter).since_last_poll())
}

/// After a build a poll waited for, builds again in the background while
/// writes keep landing and the list is read, holding `building` so that
/// polls meanwhile are answered at once with the last list built.
async fn keep_up(state: &HubState, filter: Filter, body: &ListBody, building: OwnedMutexGuard<()>) {
    if !go_on(state, filter, body.seq).await {
        return;
    }
    let state = state.clone();
    tokio::spawn(async move {
        let _building = building;
        loop {
            match rebuild(&state, filter).await {
                Ok(body) if go_on(&state, filter, body.seq).await => {}
                Ok(_) => return,
                Err(e) => {
                    // The next poll finds nobody building and tries itself.
                    tracing::warn!(error = %e, ?filter, "cannot rebuild the list");
                    return;
                }
            }
        }
    });
}

#[cfg(test)]
mod tests;
