//! Where a change meets the delivery queue, inside the change's own
//! transaction: what a written transition pages is queued (and what it
//! stops is cancelled) as it is written, so a change answered is a page
//! queued and a hub killed after the answer loses no page; the timers' pass
//! escalates, repeats and times acknowledgements out; and what the worker
//! reports of an attempt is recorded with its timeline entry.
use chrono::{DateTime, Utc};

use crate::config::NotifySettings;
use crate::hub::change::{Settled, TimersDone};
use crate::hub::rules::pages::{self, PagePlan, Trigger};
use crate::hub::rules::{self, Actor, Again, Attempted, Transition, Update};
use crate::hub::store::{StoreError, Transaction};
use crate::incident::{Handoff, Incident, Override};

use super::{Work, covers, write};

/// Queues what `trigger` on incident `id` (as just written) pages.
pub(super) async fn after<T: Transaction>(
    tx: &mut T,
    by: Actor<'_>,
    id: u64,
    trigger: Trigger,
    work: &Work,
) -> Result<(), StoreError> {
    paged(tx, by.now, id, work, |incident, notify| {
        pages::for_incident(trigger, incident, notify, &work.paging, by.now)
    })
    .await
}

/// Pages `helper`, asked by `by` to help with incident `id` (as just
/// written), saying who asks and why.
pub(super) async fn after_help<T: Transaction>(
    tx: &mut T,
    by: Actor<'_>,
    id: u64,
    helper: &str,
    note: Option<&str>,
    work: &Work,
) -> Result<(), StoreError> {
    let mut detail = format!("{} asks you to help with incident #{id}", by.who);
    if let Some(note) = note.map(str::trim).filter(|n| !n.is_empty()) {
        detail.push_str(&format!(": {note}"));
    }
    paged(tx, by.now, id, work, |incident, notify| {
        pages::for_helper(incident, helper, detail, notify, &work.paging, by.now)
    })
    .await
}

/// Sends the status update `by` just gave on incident `id` to the channels
/// that hear of status updates.
pub(super) async fn after_status_update<T: Transaction>(
    tx: &mut T,
    by: Actor<'_>,
    id: u64,
    text: &str,
    work: &Work,
) -> Result<(), StoreError> {
    let detail = format!("{}: {}", by.who, text.trim());
    paged(tx, by.now, id, work, |incident, notify| {
        pages::for_status_update(incident, &detail, notify, by.now)
    })
    .await
}

/// Queues what `plan` makes of incident `id` as it is now, when anyone
/// could be paged at all.
async fn paged<T: Transaction>(
    tx: &mut T,
    now: DateTime<Utc>,
    id: u64,
    work: &Work,
    plan: impl FnOnce(&Incident, &NotifySettings) -> PagePlan,
) -> Result<(), StoreError> {
    let rules = &*work.pages;
    if !rules.anyone {
        return Ok(());
    }
    let Some(incident) = tx.incident(id).await? else {
        return Ok(());
    };
    let plan = plan(&incident, &rules.notify);
    carry_out(tx, now, Some(id), plan).await
}

/// Queues what a hand-off pages. The pages still waiting for the incidents
/// it moved were for the person who handed them off: they would wake
/// someone off shift, so they go; the incoming responder is told by the
/// hand-off's own page, and `repeat` pages them for what stays unanswered.
pub(super) async fn after_handoff<T: Transaction>(
    tx: &mut T,
    by: Actor<'_>,
    handoff: &Handoff,
    work: &Work,
) -> Result<(), StoreError> {
    let rules = &*work.pages;
    if !rules.anyone {
        return Ok(());
    }
    for &id in &handoff.moved {
        tx.cancel_waiting(id).await?;
    }
    let plan = pages::for_handoff(handoff, &rules.notify, &work.paging, by.now);
    carry_out(tx, by.now, None, plan).await
}

/// Queues what making the override `made` pages: its displaced people.
pub(super) async fn after_cover<T: Transaction>(
    tx: &mut T,
    by: Actor<'_>,
    made: &Override,
    work: &Work,
) -> Result<(), StoreError> {
    let rules = &*work.pages;
    if !rules.anyone {
        return Ok(());
    }
    let plan = pages::for_cover(made, &rules.notify, &work.paging, by.now);
    carry_out(tx, by.now, None, plan).await
}

async fn carry_out<T: Transaction>(
    tx: &mut T,
    now: DateTime<Utc>,
    incident: Option<u64>,
    plan: PagePlan,
) -> Result<(), StoreError> {
    if let Some(why) = &plan.unpaged {
        tracing::info!("{why}");
    }
    if plan.cancel_waiting
        && let Some(id) = incident
    {
        tx.cancel_waiting(id).await?;
    }
    tx.queue(now, incident, &plan.queue).await
}

/// One pass of the timers, by the hub: squashes that started or ended take
/// or release their incidents; snoozes that ended trigger theirs again;
/// every unacknowledged incident that waited
/// at its level as long as the level's `after` goes up a level (and pages
/// its new owner); then repeats and ack timeouts.
pub(super) async fn timers<T: Transaction>(
    tx: &mut T,
    by: Actor<'_>,
    work: &Work,
) -> Result<TimersDone, StoreError> {
    let paging = &*work.paging;
    let mut done = TimersDone::default();
    // Squashes first: one that started keeps its incidents from climbing in
    // this same pass, and one that ended lets its incidents page again.
    let settled = super::squashes::settle_open(tx, by, work).await?;
    done.squashed = settled.squashed;
    done.released = settled.released;
    // Snoozes that ended: triggered again at their level, owners paged.
    let snoozed = tx.snoozed(by.now).await?;
    for update in rules::snoozes_over(&snoozed, by.now) {
        done.unsnoozed.push(update.id);
        write(tx, by, &Transition::Update(update), work).await?;
    }
    if paging.has_timers() {
        let waiting = tx.waiting().await?;
        let covers = covers(tx, paging, by.now).await?;
        for update in rules::overdue(&waiting, paging, by.now, &covers) {
            done.escalated.push(update.id);
            write(tx, by, &Transition::Update(update), work).await?;
        }
    }
    let rules = &*work.pages;
    if !rules.has_timers() {
        return Ok(done);
    }
    let open = tx.unanswered().await?;
    // Escalated or unsnoozed in this pass: paged anew already.
    let fresh: Vec<u64> = done
        .escalated
        .iter()
        .chain(&done.unsnoozed)
        .copied()
        .collect();
    for again in rules::again(&open, &fresh, &rules.notify, by.now) {
        match again {
            Again::Repeat(id) => {
                done.repeated.push(id);
                after(tx, by, id, Trigger::Repeat, work).await?;
            }
            Again::AckTimeout(update) => {
                done.retriggered.push(update.id);
                write(tx, by, &Transition::Update(update), work).await?;
            }
        }
    }
    Ok(done)
}

/// Records what one attempt at a delivery came to, and tells its incident's
/// timeline; the delivery's state now, or `None` when the attempt changed
/// nothing (it came late, or the delivery is gone).
pub(super) async fn record<T: Transaction>(
    tx: &mut T,
    by: Actor<'_>,
    attempted: &Attempted,
    work: &Work,
) -> Result<Option<Settled>, StoreError> {
    let Some(current) = tx.delivery(&attempted.id).await? else {
        return Ok(None);
    };
    let Some(recorded) = rules::record_attempt(&current, attempted, &work.pages.delivery, by.now)
    else {
        return Ok(None);
    };
    tx.record_delivery(&recorded).await?;
    if let Some((id, entry)) = &recorded.entry
        && tx.incident(*id).await?.is_some()
    {
        let told = Update::entry(*id, entry.kind, entry.text.clone());
        tx.update(&by, &told).await?;
    }
    Ok(Some(Settled {
        state: recorded.state,
        due_at: current.due_at,
    }))
}
