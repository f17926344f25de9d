//! The last built full list of each kind, and when to build the next one.
//!
//! A full list of 10,000 incidents takes tens of milliseconds to build. On a
//! quiet hub the poll that finds the list out of date builds it and waits, so
//! whoever just wrote reads their own write. Under a stream of writes that
//! would make every poll wait for a rebuild of its own, queued behind the
//! others (seconds at the 99th percentile), so while one build is under way a
//! poll is answered at once with the last list built. Its ETag and cursor
//! name the change it is as of, so nothing is lost: the next poll, or a poll
//! `since` its cursor, brings the rest. When polls were answered that way,
//! the build goes round again as soon as it ends, in the background, until
//! the list has caught up with the writes.
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use tokio::sync::{Notify, OwnedMutexGuard};

use super::HubState;
use super::list::Filter;
use super::list_body::{ListBody, PLAIN_KEEP, build};
use super::store::StoreError;

#[derive(Default)]
struct Slot {
    body: Mutex<Option<Arc<ListBody>>>,
    /// Held by the one build under way, if any.
    building: Arc<tokio::sync::Mutex<()>>,
    /// A poll was answered with an older list while a build ran.
    wanted: AtomicBool,
    /// Told each time a list is put in place.
    built: Notify,
}

impl Slot {
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
    let want = state.store().current_seq();
    let cached = slot.latest();
    if let Some(body) = cached.as_ref().filter(|b| b.seq >= want) {
        return Ok(body.clone());
    }
    match slot.building.clone().try_lock_owned() {
        Ok(building) => {
            let body = rebuild(state, filter).await?;
            keep_up(state, filter, &body, building);
            Ok(body)
        }
        Err(_) => {
            if let Some(body) = cached {
                slot.wanted.store(true, Ordering::Release);
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
    slot.wanted.store(false, Ordering::Release);
    let started = std::time::Instant::now();
    let body = Arc::new(
        state
            .blocking(move |s| build(s.store(), filter, PLAIN_KEEP))
            .await?,
    );
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

/// After a build that polls were kept waiting on (answered an older list),
/// builds again in the background while writes keep landing, holding
/// `building` so those polls keep being answered at once.
fn keep_up(state: &HubState, filter: Filter, body: &ListBody, building: OwnedMutexGuard<()>) {
    let behind = |seq: u64| state.store().current_seq() > seq;
    let slot = state.lists().slot(filter);
    if !(slot.wanted.load(Ordering::Acquire) && behind(body.seq)) {
        return;
    }
    let state = state.clone();
    tokio::spawn(async move {
        let _building = building;
        loop {
            match rebuild(&state, filter).await {
                Ok(body) => {
                    let slot = state.lists().slot(filter);
                    if !(slot.wanted.load(Ordering::Acquire)
                        && state.store().current_seq() > body.seq)
                    {
                        return;
                    }
                }
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
