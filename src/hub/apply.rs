//! How a change is made, whatever the store: inside one of the store's
//! transactions, a key already used brings its remembered answer back and
//! nothing runs; otherwise what the change needs is read, its rule decides,
//! what the rule decided is written, and the answer (or the refusal) is
//! remembered under the key, in the same transaction as the change, so the
//! two cannot disagree. A refusal is decided before anything is written, so
//! it leaves nothing behind but its record.
//!
//! Every store runs this same code in its own transaction
//! (`Store::apply`); it only ever talks to the store through
//! [`Transaction`].
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use crate::incident::{HUB_ACTOR, Incident, NewIncident, Opened, WebhookAnswer};

use super::change::{Change, Outcome};
use super::clock::Clock;
use super::deliveries::PageRules;
use super::error::ApiError;
use super::heartbeat::Heartbeats;
use super::idempotency::Answer;
use super::policy::Paging;
use super::rota::Cover;
use super::rules::pages::Trigger;
use super::rules::{self, Actor, AlertChange, AlertStep, Refusal, Transition};
use super::store::{Remembered, StoreError, Transaction};
use super::taken_at::TakenAt;

mod followups;
mod heartbeats;
mod ownership;
mod pages;
mod squashes;

/// How long an answer is remembered under its key; a retry comes within
/// minutes, an outbox replay within a shift.
const KEEP: Duration = Duration::hours(48);

/// A change on its way to the store: who asks, under which key, and what the
/// hub needs to decide it.
pub struct Work {
    pub who: String,
    pub key: Option<String>,
    pub taken: TakenAt,
    pub change: Change,
    /// Decide and answer what the change would do; write nothing.
    pub dry_run: bool,
    pub paging: Arc<Paging>,
    /// Whom the change pages, and how deliveries are retried.
    pub pages: Arc<PageRules>,
    /// The configured heartbeats: what a ping or the timers' pass checks.
    pub heartbeats: Arc<Heartbeats>,
    pub clock: Arc<dyn Clock>,
}

/// What became of a change.
#[derive(Debug)]
// Made once per change and moved once or twice: a box would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum Applied {
    /// Made, or refused, now; `remembered` is the answer kept under the key,
    /// when the change had one; `paged`, whether it queued deliveries.
    Now {
        result: Result<Outcome, ApiError>,
        remembered: Option<Answer>,
        paged: bool,
    },
    /// The remembered answer to an earlier request with the same key.
    Replayed(Answer),
}

impl Applied {
    /// The answer as it goes out.
    pub fn answer(self) -> Result<Answer, ApiError> {
        match self {
            Applied::Replayed(answer)
            | Applied::Now {
                remembered: Some(answer),
                ..
            } => Ok(answer),
            Applied::Now {
                result: Ok(outcome),
                ..
            } => Ok(outcome.answer()?),
            Applied::Now { result: Err(e), .. } => Err(e),
        }
    }
}

/// Makes `work`'s change in `tx`. An `Err` is a failure of the store (not
/// remembered, so a retry can still succeed); a refusal is an answer.
pub async fn run<T: Transaction>(tx: &mut T, work: &Work) -> Result<Applied, StoreError> {
    // The time of the change is when it is made, not queued.
    let now = work.clock.now();
    let by = Actor {
        who: &work.who,
        now,
        taken: work.taken.worth_showing(now),
    };
    let key = work.key.as_deref().filter(|_| !work.dry_run);
    let fingerprint = key.map(|_| work.change.fingerprint());
    if let (Some(key), Some(fingerprint)) = (key, &fingerprint)
        && let Some(stored) = tx.recall(&work.who, key).await?
    {
        if stored.fingerprint != *fingerprint {
            return Ok(Applied::Now {
                result: Err(ApiError::bad_request(format!(
                    "Idempotency-Key '{key}' was already used for another request; use a new key for a new request"
                ))),
                remembered: None,
                paged: false,
            });
        }
        return Ok(Applied::Replayed(Answer::stored(
            stored.status,
            stored.body,
        )?));
    }
    let result = match make(tx, work, by).await {
        Ok(outcome) => Ok(outcome),
        Err(Failed::Refused(refusal)) => Err(refused(tx, refusal).await?),
        Err(Failed::Store(e)) => return Err(e),
    };
    let remembered = match (key, fingerprint) {
        (Some(key), Some(fingerprint)) => {
            let answer = match &result {
                Ok(outcome) => outcome.answer()?,
                Err(e) => Answer::error(e)?,
            };
            let record = Remembered {
                fingerprint,
                status: answer.status.as_u16(),
                body: answer.body.clone(),
            };
            tx.remember(&work.who, key, &record, now, now - KEEP)
                .await?;
            Some(answer)
        }
        _ => None,
    };
    Ok(Applied::Now {
        result,
        remembered,
        paged: tx.queued() > 0,
    })
}

/// Why a change stopped: refused by its rule, or the store failed.
enum Failed {
    Refused(Refusal),
    Store(StoreError),
}

impl From<Refusal> for Failed {
    fn from(r: Refusal) -> Self {
        Failed::Refused(r)
    }
}

impl From<StoreError> for Failed {
    fn from(e: StoreError) -> Self {
        Failed::Store(e)
    }
}

async fn make<T: Transaction>(tx: &mut T, work: &Work, by: Actor<'_>) -> Result<Outcome, Failed> {
    let paging = &*work.paging;
    let now = by.now;
    if work.dry_run && !matches!(work.change, Change::Handoff { .. }) {
        return Err(
            Refusal::Invalid("only a hand-off can be tried without making it".into()).into(),
        );
    }
    Ok(match &work.change {
        Change::Open(new) => Outcome::Opened(open(tx, by, new, work).await?),
        Change::OpenMany(news) => {
            let mut opened = Vec::with_capacity(news.len());
            for new in news {
                opened.push(open(tx, by, new, work).await?);
            }
            Outcome::OpenedMany(opened)
        }
        Change::Acknowledge { id, req } => {
            let current = tx.history(*id).await?.ok_or(Refusal::NotFound(*id))?;
            let decided = rules::acknowledge(&current, by.who, req)?;
            Outcome::Changed(changed(tx, by, *id, &decided, work).await?)
        }
        Change::Escalate { id, req } => {
            let current = found(tx, *id).await?;
            let covers = covers(tx, paging, now).await?;
            let decided = rules::escalate(&current, req.note.as_deref(), paging, now, &covers)?;
            Outcome::Changed(changed(tx, by, *id, &decided, work).await?)
        }
        Change::Resolve { id, req } => {
            let current = found(tx, *id).await?;
            let decided = rules::resolve(&current, req.note.as_deref())?;
            Outcome::Changed(changed(tx, by, *id, &decided, work).await?)
        }
        Change::Note { id, req } => {
            let current = found(tx, *id).await?;
            let decided = rules::add_note(&current, &req.text);
            Outcome::Noted(changed(tx, by, *id, &decided, work).await?)
        }
        Change::Step { id, req } => {
            let current = tx.history(*id).await?.ok_or(Refusal::NotFound(*id))?;
            match rules::set_step(&current, req) {
                Transition::Unchanged => Outcome::Changed(current),
                decided => Outcome::Changed(changed(tx, by, *id, &decided, work).await?),
            }
        }
        Change::Ownership { id, change } => {
            Outcome::Changed(ownership::make(tx, by, *id, change, work).await?)
        }
        Change::Handoff { req, lead } => {
            let covers = covers(tx, paging, now).await?;
            let parties = rules::parties(by.who, *lead, req.to.as_deref(), paging, now, &covers)?;
            let moves = tx.open_owned_by(&parties.0).await?;
            let plan = rules::plan(parties, moves, paging, now);
            if work.dry_run {
                return Ok(Outcome::Planned(plan));
            }
            let record = rules::record(plan, by.who, &req.note);
            let handoff = tx.record_handoff(&by, &record).await?;
            pages::after_handoff(tx, by, &handoff, work).await?;
            Outcome::HandedOff(handoff)
        }
        Change::Squash(req) => Outcome::Squash(squashes::make(tx, by, req, work).await?),
        Change::Unsquash { id } => Outcome::Unsquashed(squashes::remove(tx, by, *id, work).await?),
        Change::Override { req, lead } => {
            let covers = covers(tx, paging, now).await?;
            let displaced = rules::plan_override(by.who, *lead, req, paging, now, &covers)?;
            let mut made = tx.insert_override(&by, req).await?;
            made.displaced = displaced;
            pages::after_cover(tx, by, &made, work).await?;
            Outcome::Override(made)
        }
        Change::Unoverride { id, lead } => {
            let found = tx.rota_override(*id).await?;
            rules::may_remove_override(by.who, *lead, *id, found.as_ref())?;
            tx.remove_override(&by, *id).await?;
            let removed = tx.rota_override(*id).await?;
            Outcome::Unoverridden(removed.ok_or_else(|| {
                StoreError::Corrupt(format!("override #{id} is gone after its removal"))
            })?)
        }
        Change::AddFollowup { id, req } => {
            Outcome::FollowupAdded(followups::add(tx, by, *id, req, work).await?)
        }
        Change::CloseFollowup { id, req, lead } => {
            Outcome::FollowupClosed(followups::close(tx, by, *id, req, *lead, work).await?)
        }
        Change::WebhookBatch(batch) => {
            Outcome::Webhook(webhook(tx, by, &batch.alerts, work).await?)
        }
        Change::EscalateOverdue => {
            let by = Actor {
                who: HUB_ACTOR,
                ..by
            };
            let mut done = pages::timers(tx, by, work).await?;
            done.heartbeats_down = heartbeats::overdue(tx, by, work).await?;
            Outcome::Timers(done)
        }
        Change::Delivery(attempted) => {
            let by = Actor {
                who: HUB_ACTOR,
                ..by
            };
            Outcome::Delivery(pages::record(tx, by, attempted, work).await?)
        }
        Change::Heartbeat { name, req } => {
            Outcome::Heartbeat(heartbeats::ping(tx, by, name, req, work).await?)
        }
    })
}

/// Opens `new` (checked already), or folds it into the open incident with
/// its dedup key.
async fn open<T: Transaction>(
    tx: &mut T,
    by: Actor<'_>,
    new: &NewIncident,
    work: &Work,
) -> Result<Opened, StoreError> {
    let paging = &*work.paging;
    let existing = match &new.dedup_key {
        Some(key) => tx.open_with_key(key).await?,
        None => None,
    };
    // Only an incident that opens needs to know who is on call.
    let covers = match existing {
        Some(_) => Vec::new(),
        None => covers(tx, paging, by.now).await?,
    };
    let mut decided = rules::open_or_fold(new, existing.as_ref(), paging, by.now, &covers);
    if let Transition::Open(opening) = &mut decided {
        squashes::mark_opening(tx, by.now, opening).await?;
    }
    let id = write(tx, by, &decided, work).await?;
    if let (Some(id), Some(_)) = (id, &existing) {
        squashes::settle_one(tx, by, id, work).await?;
    }
    let incident = match id {
        Some(id) => tx.history(id).await?.ok_or(StoreError::NotFound(id))?,
        None => {
            return Err(StoreError::Corrupt(
                "an incident opened without an id".into(),
            ));
        }
    };
    Ok(Opened {
        folded: existing.is_some(),
        incident,
    })
}

/// Every alert of one webhook payload, in order.
async fn webhook<T: Transaction>(
    tx: &mut T,
    by: Actor<'_>,
    alerts: &[AlertChange],
    work: &Work,
) -> Result<WebhookAnswer, StoreError> {
    let paging = &*work.paging;
    let mut answer = WebhookAnswer::default();
    // Read once, when an alert first opens an incident.
    let mut in_force: Option<Vec<Cover>> = None;
    for alert in alerts {
        let open = match alert.dedup_key() {
            Some(key) => tx.open_with_key(key).await?,
            None => None,
        };
        if open.is_none() && in_force.is_none() && matches!(alert, AlertChange::Fire(_)) {
            in_force = Some(covers(tx, paging, by.now).await?);
        }
        let covers = in_force.as_deref().unwrap_or_default();
        let (ids, decided) = match rules::alert_step(alert, open.as_ref(), paging, by.now, covers) {
            AlertStep::Open(mut opening) => {
                squashes::mark_opening(tx, by.now, &mut opening).await?;
                (&mut answer.opened, Transition::Open(opening))
            }
            AlertStep::Fold(fold) => (&mut answer.folded, Transition::Update(fold)),
            AlertStep::Resolve(done) => (&mut answer.resolved, Transition::Update(done)),
            AlertStep::Nothing => continue,
        };
        let folded = matches!(alert, AlertChange::Fire(_)) && open.is_some();
        if let Some(id) = write(tx, by, &decided, work).await? {
            ids.push(id);
            if folded {
                squashes::settle_one(tx, by, id, work).await?;
            }
        }
    }
    Ok(answer)
}

/// The covers recorded on the hub (hand-offs and overrides made through the
/// API) in force around `now` (see `rules::covers_since`).
async fn covers<T: Transaction>(
    tx: &mut T,
    paging: &Paging,
    now: DateTime<Utc>,
) -> Result<Vec<Cover>, StoreError> {
    match rules::covers_since(paging, now) {
        Some(since) => Ok(rules::in_force(paging, tx.covers(since).await?)),
        None => Ok(Vec::new()),
    }
}

/// Incident `id`, without its timeline; not there is a refusal.
async fn found<T: Transaction>(tx: &mut T, id: u64) -> Result<Incident, Failed> {
    Ok(tx.incident(id).await?.ok_or(Refusal::NotFound(id))?)
}

/// Writes `decided` and reads incident `id` back, with its timeline.
async fn changed<T: Transaction>(
    tx: &mut T,
    by: Actor<'_>,
    id: u64,
    decided: &Transition,
    work: &Work,
) -> Result<Incident, StoreError> {
    write(tx, by, decided, work).await?;
    tx.history(id).await?.ok_or(StoreError::NotFound(id))
}

/// Writes what a rule decided, and queues what that pages; the id of the
/// incident opened or changed.
async fn write<T: Transaction>(
    tx: &mut T,
    by: Actor<'_>,
    decided: &Transition,
    work: &Work,
) -> Result<Option<u64>, StoreError> {
    let (id, trigger) = match decided {
        Transition::Unchanged => return Ok(None),
        Transition::Open(opening) => (tx.insert(&by, opening).await?, Some(Trigger::Opened)),
        Transition::Update(update) => {
            tx.update(&by, update).await?;
            (update.id, Trigger::of(update.entry.kind))
        }
    };
    if let Some(trigger) = trigger {
        pages::after(tx, by, id, trigger, work).await?;
    }
    Ok(Some(id))
}

/// The refusal as the client reads it; a refusal for the incident's state
/// carries the incident as it is now.
async fn refused<T: Transaction>(tx: &mut T, refusal: Refusal) -> Result<ApiError, StoreError> {
    Ok(match refusal {
        Refusal::NotFound(id) => ApiError::no_incident(id),
        Refusal::NoSquash(id) => ApiError::NotFound(format!("there is no squash #{id}")),
        Refusal::NoOverride(message) => ApiError::NotFound(message),
        Refusal::SquashOver(message) => ApiError::Conflict {
            code: "over",
            message,
        },
        Refusal::NoFollowup(id) => ApiError::NotFound(format!("there is no follow-up #{id}")),
        Refusal::FollowupClosed(message) => ApiError::Conflict {
            code: "closed",
            message,
        },
        Refusal::Invalid(message) => ApiError::BadRequest(message),
        Refusal::Forbidden(message) => ApiError::Forbidden(message),
        Refusal::State { id, code, message } => ApiError::Refused {
            code,
            message,
            incident: Box::new(tx.history(id).await?.ok_or(StoreError::NotFound(id))?),
        },
    })
}

#[cfg(test)]
mod tests;
