//! What each alert of an Alertmanager webhook does: a firing alert opens an
//! incident or folds into the open one with its fingerprint; a resolved one
//! resolves that incident, and is nothing to do when none is open (resolved
//! by a responder already, or never seen): no error, or Alertmanager would
//! retry the whole group.
use chrono::{DateTime, Utc};

use crate::hub::policy::Paging;
use crate::hub::rota::Cover;
use crate::incident::{Incident, NewIncident, RESOLVED_TEXT};

use super::{Opening, Transition, Update, open_or_fold, resolve};

/// What one alert asks of the hub, once checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlertChange {
    /// Open, or fold into the open incident with the same dedup key.
    Fire(NewIncident),
    /// Resolve the open incident with this dedup key, if there is one.
    Resolve { dedup_key: String },
}

impl AlertChange {
    /// The dedup key of the open incident this alert is about.
    pub fn dedup_key(&self) -> Option<&str> {
        match self {
            AlertChange::Fire(new) => new.dedup_key.as_deref(),
            AlertChange::Resolve { dedup_key } => Some(dedup_key),
        }
    }
}

/// What one alert does, by the list of the answer it goes in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlertStep {
    Open(Opening),
    Fold(Update),
    Resolve(Update),
    /// Resolved, and nothing open to resolve.
    Nothing,
}

/// What `alert` does, given `open`, the open incident with its dedup key.
pub fn alert_step(
    alert: &AlertChange,
    open: Option<&Incident>,
    paging: &Paging,
    now: DateTime<Utc>,
    covers: &[Cover],
) -> AlertStep {
    match alert {
        AlertChange::Fire(new) => match open_or_fold(new, open, paging, now, covers) {
            Transition::Open(opening) => AlertStep::Open(opening),
            Transition::Update(fold) => AlertStep::Fold(fold),
            Transition::Unchanged => AlertStep::Nothing,
        },
        AlertChange::Resolve { .. } => match open.map(|i| resolve(i, Some(RESOLVED_TEXT))) {
            Some(Ok(Transition::Update(done))) => AlertStep::Resolve(done),
            _ => AlertStep::Nothing,
        },
    }
}
