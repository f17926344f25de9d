//! Where changes of who holds an incident meet the store, inside the
//! change's own transaction: the incident read, its rule asked
//! (`rules::ownership`), what it decided written with its pages, and a
//! person asked to help paged with what they are asked, and a status
//! update sent to the channels that hear of them.
use crate::hub::change::OwnershipChange;
use crate::hub::rules::{self, Actor, Refusal, Transition};
use crate::hub::store::{StoreError, Transaction};
use crate::incident::Incident;

use super::{Failed, Work, covers, found, pages, write};

/// Makes `change` to incident `id`; the incident as it is now, with its
/// timeline.
pub(super) async fn make<T: Transaction>(
    tx: &mut T,
    by: Actor<'_>,
    id: u64,
    change: &OwnershipChange,
    work: &Work,
) -> Result<Incident, Failed> {
    let current = found(tx, id).await?;
    let decided = match change {
        OwnershipChange::Assign(req) => rules::assign(&current, by.who, req)?,
        OwnershipChange::Unacknowledge(req) => {
            let paging = &*work.paging;
            let covers = covers(tx, paging, by.now).await?;
            let note = req.note.as_deref();
            rules::unacknowledge(&current, by.who, note, paging, by.now, &covers)?
        }
        OwnershipChange::Snooze(req) => {
            let length = req.length.duration().map_err(Refusal::Invalid)?;
            rules::snooze(&current, length, &req.length.to_string(), by.now)?
        }
        OwnershipChange::Help(req) => rules::ask_help(&current, by.who, req)?,
        OwnershipChange::Role(req) => rules::set_role(&current, req)?,
        OwnershipChange::StatusUpdate(req) => rules::status_update(&current, by.who, req, by.now)?,
    };
    let changed = !matches!(decided, Transition::Unchanged);
    write(tx, by, &decided, work).await?;
    match (changed, change) {
        (true, OwnershipChange::Help(req)) if req.who != by.who => {
            pages::after_help(tx, by, id, &req.who, req.note.as_deref(), work).await?;
        }
        (true, OwnershipChange::StatusUpdate(req)) => {
            pages::after_status_update(tx, by, id, &req.text, work).await?;
        }
        _ => {}
    }
    Ok(tx.history(id).await?.ok_or(StoreError::NotFound(id))?)
}
