//! The rules of an incident's own life: opening (or folding a repeat into
//! the open one), acknowledging, resolving, notes and runbook steps.
use chrono::{DateTime, Utc};

use crate::hub::policy::Paging;
use crate::hub::rota::Cover;
use crate::incident::{AckRequest, EventKind, Incident, NewIncident, Status, StepRequest};

use super::{Opening, Refusal, StepMark, Transition, Update, trimmed};

/// Opens `new` (checked already), or folds it into `existing`, the open
/// incident with the same dedup key. A new incident belongs to whom level 1
/// of its service's policy reaches at `now` (`covers`: the hand-offs in
/// force); a repeat keeps its owner.
pub fn open_or_fold(
    new: &NewIncident,
    existing: Option<&Incident>,
    paging: &Paging,
    now: DateTime<Utc>,
    covers: &[Cover],
) -> Transition {
    if let Some(open) = existing {
        let occurrences = open.occurrences.saturating_add(1);
        return Transition::Update(Update {
            occurrences: Some(occurrences),
            ..Update::entry(
                open.id,
                EventKind::Repeated,
                format!("repeated ({occurrences} times)"),
            )
        });
    }
    let source = new.source.as_deref().unwrap_or("api").to_string();
    let owner = paging.owner(&new.service, 1, now, covers);
    let mut text = format!("opened via {source}");
    if let Some(owner) = &owner {
        text.push_str(&format!(
            ", owned by {owner} ({})",
            paging.level_name(&new.service, 1)
        ));
    }
    Transition::Open(Opening {
        new: new.clone(),
        source,
        owner,
        text,
        squashed_by: None,
    })
}

/// `who` takes the incident (read with its timeline). Acknowledging again
/// what one already holds changes nothing, so a retried request is
/// harmless, unless it is snoozed: that ends the snooze. A `version` seen before the hub's page entries alone is not a
/// conflict: how a page went changes nothing one decides on.
pub fn acknowledge(current: &Incident, who: &str, req: &AckRequest) -> Result<Transition, Refusal> {
    let id = current.id;
    if current.status == Status::Resolved {
        return Err(resolved(id, "it cannot be acknowledged"));
    }
    if let Some(seen) = req.version
        && seen != current.version
        && !only_pages_since(current, seen)
    {
        return Err(conflict(
            id,
            format!(
                "incident #{id} changed since you saw it (version {seen}, now {}): look again before acknowledging",
                current.version
            ),
        ));
    }
    if current.status == Status::Acknowledged {
        match current.owner.as_deref() {
            // Acknowledging a snoozed incident again ends the snooze.
            Some(owner) if owner == who && current.snoozed_until.is_some() => {
                let mut text = "acknowledged again: the snooze is over".to_string();
                let note = trimmed(req.note.as_deref());
                if !note.is_empty() {
                    text = format!("{text}; {note}");
                }
                return Ok(Transition::Update(Update {
                    snoozed_until: Some(None),
                    ..Update::entry(id, EventKind::Acknowledged, text)
                }));
            }
            Some(owner) if owner == who => return Ok(Transition::Unchanged),
            Some(owner) => {
                return Err(conflict(
                    id,
                    format!("incident #{id} is already acknowledged by {owner}"),
                ));
            }
            None => {}
        }
    }
    Ok(Transition::Update(Update {
        status: Some(Status::Acknowledged),
        owner: Some(Some(who.to_string())),
        ..Update::entry(id, EventKind::Acknowledged, trimmed(req.note.as_deref()))
    }))
}

/// Whether all that changed on `current` (read with its timeline) since
/// version `seen` is the hub telling how its pages went: nothing the one
/// acknowledging needs to look at again. Every change adds one version and
/// one timeline entry, so the entries after the `seen`th are those changes;
/// a timeline that does not add up is taken as a change.
fn only_pages_since(current: &Incident, seen: u64) -> bool {
    let entries = u64::try_from(current.timeline.len()).unwrap_or(u64::MAX);
    let since = usize::try_from(seen).unwrap_or(usize::MAX);
    seen < current.version
        && entries == current.version
        && current
            .timeline
            .get(since..)
            .is_some_and(|after| after.iter().all(|e| e.kind == EventKind::Paged))
}

pub fn resolve(current: &Incident, note: Option<&str>) -> Result<Transition, Refusal> {
    if current.status == Status::Resolved {
        return Err(resolved(current.id, "nothing to do"));
    }
    Ok(Transition::Update(Update {
        status: Some(Status::Resolved),
        ..Update::entry(current.id, EventKind::Resolved, trimmed(note))
    }))
}

/// Notes are history, so they are welcome on resolved incidents too.
pub fn add_note(current: &Incident, text: &str) -> Transition {
    Transition::Update(Update::entry(current.id, EventKind::Note, text.trim()))
}

/// Ticks or unticks a runbook step of `current` (read with its steps).
/// Asking for the state it already has changes nothing, so a retried
/// request is harmless.
pub fn set_step(current: &Incident, req: &StepRequest) -> Transition {
    let done_now = current
        .steps
        .get(&req.runbook)
        .is_some_and(|s| s.contains(&req.step));
    if done_now == req.done {
        return Transition::Unchanged;
    }
    let verb = if req.done { "ticked" } else { "unticked" };
    let number = u64::from(req.step) + 1;
    let what = match req.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => format!("{verb} '{t}' (step {number} of {})", req.runbook),
        None => format!("{verb} step {number} of {}", req.runbook),
    };
    Transition::Update(Update {
        step: Some(StepMark {
            runbook: req.runbook.clone(),
            step: req.step,
            done: req.done,
        }),
        ..Update::entry(current.id, EventKind::Step, what)
    })
}

pub(super) fn conflict(id: u64, message: String) -> Refusal {
    Refusal::State {
        id,
        code: "conflict",
        message,
    }
}

pub(super) fn resolved(id: u64, consequence: &str) -> Refusal {
    Refusal::State {
        id,
        code: "resolved",
        message: format!(
            "incident #{id} is already resolved, {consequence}; if the problem is back, open a new incident"
        ),
    }
}
