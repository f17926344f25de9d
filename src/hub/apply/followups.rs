//! Where follow-ups meet the store, inside the change's own transaction:
//! the follow-up written, and its incident's timeline told (an update like
//! any other, so consoles see it as a change), for adding one and for
//! closing one.
use crate::hub::rules::{self, Actor, Refusal, Transition};
use crate::hub::store::Transaction;
use crate::incident::{CloseFollowup, Followup, NewFollowup};

use super::{Failed, Work, found, write};

/// Adds the follow-up `req` asks for to incident `id` (open or resolved).
pub(super) async fn add<T: Transaction>(
    tx: &mut T,
    by: Actor<'_>,
    id: u64,
    req: &NewFollowup,
    work: &Work,
) -> Result<Followup, Failed> {
    found(tx, id).await?;
    let record = rules::plan_followup(id, req, by.now)?;
    let mut followup = tx.insert_followup(&by, &record).await?;
    let entry = rules::followup_added(&followup);
    write(tx, by, &Transition::Update(entry), work).await?;
    followup.overdue = followup.overdue_at(by.now);
    Ok(followup)
}

/// Closes follow-up `id` as `req` says, if `by` (a lead or not) may.
pub(super) async fn close<T: Transaction>(
    tx: &mut T,
    by: Actor<'_>,
    id: u64,
    req: &CloseFollowup,
    lead: bool,
    work: &Work,
) -> Result<Followup, Failed> {
    let followup = tx.followup(id).await?.ok_or(Refusal::NoFollowup(id))?;
    let incident = tx.incident(followup.incident_id).await?;
    let holder = incident.as_ref().and_then(|i| i.owner.as_deref());
    let entry = rules::close_followup(&followup, holder, by.who, lead, req)?;
    tx.close_followup(&by, id, req).await?;
    if incident.is_some() {
        write(tx, by, &Transition::Update(entry), work).await?;
    }
    Ok(tx.followup(id).await?.ok_or(Refusal::NoFollowup(id))?)
}
