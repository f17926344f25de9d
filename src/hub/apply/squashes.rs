//! Where squashes meet changes, inside the change's own transaction: a
//! squash made or removed, an incident opened or folded, and the timers'
//! pass each settle open incidents against the squashes in force
//! (`rules::settle`), and what changed is written with its pages: none
//! while an incident is squashed, a new round when it is released.
use chrono::{DateTime, Utc};

use crate::hub::rules::{self, Actor, Opening, Refusal, Transition};
use crate::hub::store::{StoreError, Transaction};
use crate::incident::{Incident, NewSquash, Squash};

use super::{Failed, Work, write};

/// Records the squash `req` asks for, and squashes the open incidents it
/// matches if it is in force now.
pub(super) async fn make<T: Transaction>(
    tx: &mut T,
    by: Actor<'_>,
    req: &NewSquash,
    work: &Work,
) -> Result<Squash, Failed> {
    let record = rules::plan_squash(req, by.now)?;
    let squash = tx.insert_squash(&by, &record).await?;
    settle_open(tx, by, work).await?;
    Ok(squash)
}

/// Removes squash `id` and releases the open incidents it kept quiet (unless
/// another squash in force takes them). One over already is refused, saying
/// when it ended.
pub(super) async fn remove<T: Transaction>(
    tx: &mut T,
    by: Actor<'_>,
    id: u64,
    work: &Work,
) -> Result<Squash, Failed> {
    let squash = tx.squash(id).await?.ok_or(Refusal::NoSquash(id))?;
    if let (Some(who), Some(at)) = (&squash.removed_by, squash.removed_at) {
        return Err(Refusal::SquashOver(format!(
            "squash #{id} was already removed by {who} at {}",
            at.format("%Y-%m-%d %H:%M UTC")
        ))
        .into());
    }
    if squash.until <= by.now {
        return Err(Refusal::SquashOver(format!(
            "squash #{id} already ended at {}",
            squash.until.format("%Y-%m-%d %H:%M UTC")
        ))
        .into());
    }
    tx.remove_squash(&by, id).await?;
    settle_open(tx, by, work).await?;
    Ok(tx.squash(id).await?.ok_or(Refusal::NoSquash(id))?)
}

/// Marks `opening` squashed when a squash in force at `now` matches it, and
/// says so in its first timeline entry.
pub(super) async fn mark_opening<T: Transaction>(
    tx: &mut T,
    now: DateTime<Utc>,
    opening: &mut Opening,
) -> Result<(), StoreError> {
    let live = tx.squashes(Some(now)).await?;
    let new = &opening.new;
    let found = live
        .iter()
        .filter(|s| s.in_force(now))
        .find(|s| s.matches_labels(&new.service, |n| new.labels.get(n).map(String::as_str)));
    if let Some(squash) = found {
        opening.squashed_by = Some(squash.id);
        opening.text = format!("{}; {}", opening.text, rules::squashed_text(squash));
    }
    Ok(())
}

/// Settles incident `id` (just folded into) against the squashes in force.
pub(super) async fn settle_one<T: Transaction>(
    tx: &mut T,
    by: Actor<'_>,
    id: u64,
    work: &Work,
) -> Result<(), StoreError> {
    let Some(incident) = tx.incident(id).await? else {
        return Ok(());
    };
    let live = tx.squashes(Some(by.now)).await?;
    if let Some(update) = rules::settle(&incident, &live, by.now) {
        write(tx, by, &Transition::Update(update), work).await?;
    }
    Ok(())
}

/// What settling the open incidents did, by incident id.
#[derive(Debug, Default)]
pub(super) struct Settled {
    pub squashed: Vec<u64>,
    pub released: Vec<u64>,
}

/// Settles every open incident against the squashes in force: when none is
/// in force or scheduled, only those still marked squashed need looking at.
pub(super) async fn settle_open<T: Transaction>(
    tx: &mut T,
    by: Actor<'_>,
    work: &Work,
) -> Result<Settled, StoreError> {
    let live = tx.squashes(Some(by.now)).await?;
    let open: Vec<Incident> = if live.iter().any(|s| s.in_force(by.now)) {
        tx.unanswered()
            .await?
            .into_iter()
            .map(|u| u.incident)
            .collect()
    } else {
        tx.squashed_open().await?
    };
    let mut settled = Settled::default();
    for incident in &open {
        let Some(update) = rules::settle(incident, &live, by.now) else {
            continue;
        };
        match update.squashed_by {
            Some(Some(_)) => settled.squashed.push(update.id),
            _ => settled.released.push(update.id),
        }
        write(tx, by, &Transition::Update(update), work).await?;
    }
    Ok(settled)
}
