//! What the Alertmanager client remembers between calls, since Alertmanager
//! keeps no history: the alerts of the last list, the ones that left it, and
//! the version each incident was last shown with.
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, TimeDelta, Utc};

use super::api::{Alert, Silence};
use super::mapping;
use crate::config::AlertmanagerConfig;
use crate::incident::{Incident, IncidentList};

/// How long an alert that left Alertmanager's list stays available to `get`.
const ENDED_KEPT: TimeDelta = TimeDelta::hours(24);

/// What the client remembers between calls.
#[derive(Debug, Default)]
pub(super) struct Seen {
    polls: u64,
    /// The alerts of the last list, as incidents with their timelines.
    pub(super) current: HashMap<u64, Incident>,
    /// Alerts that left the list, resolved, for `get`.
    pub(super) ended: HashMap<u64, Incident>,
    /// The last version given to each id.
    versions: HashMap<u64, u64>,
}

impl Seen {
    /// Takes a fresh answer from Alertmanager as the current state and says
    /// what the console should list: every alert, and the ones that left
    /// since the last answer, resolved, this once.
    pub(super) fn absorb(
        &mut self,
        mapping: &AlertmanagerConfig,
        alerts: &[Alert],
        silences: &HashMap<String, Silence>,
        now: DateTime<Utc>,
    ) -> IncidentList {
        let mut current = HashMap::with_capacity(alerts.len());
        for alert in alerts {
            let inc = self.number(mapping::incident(mapping, alert, silences));
            current.insert(inc.id, inc);
        }
        let gone: Vec<u64> = self
            .current
            .keys()
            .filter(|id| !current.contains_key(id))
            .copied()
            .collect();
        let mut incidents = Vec::with_capacity(current.len() + gone.len());
        for id in gone {
            if let Some(inc) = self.current.remove(&id) {
                let ended = self.number(mapping::resolved(inc, now));
                incidents.push(listed(&ended));
                self.ended.insert(id, ended);
            }
        }
        self.ended
            .retain(|id, inc| !current.contains_key(id) && now - inc.updated_at < ENDED_KEPT);
        incidents.extend(current.values().map(listed));
        self.current = current;
        self.polls += 1;
        IncidentList {
            cursor: self.polls,
            incidents,
        }
    }

    /// Gives `inc` the version it last had if nothing shown changed, the next
    /// one otherwise.
    pub(super) fn number(&mut self, mut inc: Incident) -> Incident {
        let last = self.versions.get(&inc.id).copied().unwrap_or(0);
        inc.version = last;
        let unchanged = self
            .current
            .get(&inc.id)
            .or_else(|| self.ended.get(&inc.id))
            .is_some_and(|prev| prev == &inc);
        if !unchanged {
            inc.version = last + 1;
            self.versions.insert(inc.id, inc.version);
        }
        inc
    }
}

// A panic while the lock was held left at worst a stale memory of the last
// list, which the next list replaces.
pub(super) fn lock(m: &Mutex<Seen>) -> MutexGuard<'_, Seen> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The console lists incidents without their timelines, as the hub does.
fn listed(inc: &Incident) -> Incident {
    let mut out = inc.clone();
    out.timeline.clear();
    out
}
