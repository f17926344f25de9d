//! Hand-offs: the end of a shift. Only the responder on call now may hand
//! off, or a lead, who hands off the shift of whoever holds it; every open
//! incident the outgoing responder holds passes to the incoming one, who is
//! on call by it to the end of the shift (the recorded hand-off is read back
//! as a cover of the rota). A dry run answers the [`plan`] and records
//! nothing.
use chrono::{DateTime, TimeDelta, Utc};

use crate::hub::policy::Paging;
use crate::hub::rota::Cover;
use crate::incident::{EventKind, HandoffPlan};

use super::{Refusal, Update};

/// A hand-off to record: the plan carried out, the note, and the incidents
/// that pass with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoffRecord {
    pub plan: HandoffPlan,
    pub note: String,
    pub moves: Vec<Update>,
}

/// From when recorded hand-offs can decide who is on call around `now`:
/// those whose window ends after the shift before last. `None` without a
/// rota, where a hand-off covers nothing.
pub fn covers_since(paging: &Paging, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let rota = paging.rota()?;
    // Stored times differ in their fraction digits, so a store comparing
    // them as text is right only to the second; a day's margin makes that
    // harmless.
    Some(
        rota.shift()
            .checked_mul(2)
            .and_then(|d| d.checked_add(&TimeDelta::days(1)))
            .and_then(|back| now.checked_sub_signed(back))
            .unwrap_or(DateTime::<Utc>::MIN_UTC),
    )
}

/// The recorded hand-offs that still count: an integration is never on
/// call, even if a hand-off recorded before it was one says so.
pub fn in_force(paging: &Paging, recorded: Vec<Cover>) -> Vec<Cover> {
    recorded
        .into_iter()
        .filter(|c| !paging.is_integration(&c.who))
        .collect()
}

/// Whose shift a hand-off by `by` passes on, and to whom (the rota's next
/// person when `to` is `None`), or why it may not. `to`, when given, is a
/// person of this hub already. Without a rota nobody holds the pager: the
/// sender passes on only what they hold.
pub fn parties(
    by: &str,
    lead: bool,
    to: Option<&str>,
    paging: &Paging,
    now: DateTime<Utc>,
    covers: &[Cover],
) -> Result<(String, String), Refusal> {
    let from = outgoing(by, lead, paging, now, covers)?;
    let named = to.is_some();
    let to = match to {
        Some(to) => to.to_string(),
        None => paging.next_on_call(now, covers).ok_or_else(|| {
            Refusal::Invalid(
                "no rota: say who takes over, like {\"to\": \"bob\", \"note\": \"...\"}"
                    .to_string(),
            )
        })?,
    };
    if to == from {
        let why = match (named, from == by) {
            (true, true) => format!("{to} cannot hand off to themselves"),
            (true, false) => format!("{to} is on call already"),
            (false, true) => format!("the rota's next person is {to}, who is handing off"),
            (false, false) => format!("the rota's next person is {to}, who is on call already"),
        };
        return Err(Refusal::Invalid(format!(
            "{why}: say who takes over with \"to\""
        )));
    }
    Ok((from, to))
}

/// What handing `from`'s shift to `to` at `now` does: `moves` (the open
/// incidents `from` holds) pass on, and `to` is on call to the end of the
/// shift.
pub fn plan(
    (from, to): (String, String),
    moves: Vec<u64>,
    paging: &Paging,
    now: DateTime<Utc>,
) -> HandoffPlan {
    HandoffPlan {
        from,
        to,
        until: paging.rota().map(|r| r.shift_end(now)),
        moves,
    }
}

/// Carries `plan` out as `by`, with `note`.
pub fn record(plan: HandoffPlan, by: &str, note: &str) -> HandoffRecord {
    let mut text = format!("handed over from {} to {}", plan.from, plan.to);
    if plan.from != by {
        text.push_str(&format!(" by {by}"));
    }
    let moves = plan
        .moves
        .iter()
        .map(|&id| Update {
            owner: Some(Some(plan.to.clone())),
            ..Update::entry(id, EventKind::Reassigned, text.clone())
        })
        .collect();
    HandoffRecord {
        plan,
        note: note.to_string(),
        moves,
    }
}

/// Whose shift `by` may hand off, or the refusal naming who is on call.
fn outgoing(
    by: &str,
    lead: bool,
    paging: &Paging,
    now: DateTime<Utc>,
    covers: &[Cover],
) -> Result<String, Refusal> {
    let Some(rota) = paging.rota() else {
        return Ok(by.to_string());
    };
    match rota.who_at(now, covers) {
        Some(on_call) if on_call == by || lead => Ok(on_call.to_string()),
        Some(on_call) => Err(Refusal::Forbidden(format!(
            "{on_call} is on call now: only {on_call} or a lead may hand off the shift"
        ))),
        None if lead => Ok(by.to_string()),
        None => Err(Refusal::Forbidden(
            "nobody is on call now: only a lead may hand off the shift".to_string(),
        )),
    }
}
