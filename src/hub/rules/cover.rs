//! Overrides made through the API: someone on call in a window whatever the
//! rota says. Anyone may put themselves on call; putting someone else on
//! call takes a lead or a person on call at some moment of that window (by
//! the rota as it stands, hand-offs and earlier overrides included), whose
//! shift it is to give. Whoever held some of the window before is displaced
//! and told. Removing one takes its maker, the person it names, or a lead.
use chrono::{DateTime, TimeDelta, Utc};

use crate::hub::policy::Paging;
use crate::hub::rota::Cover;
use crate::incident::{NewOverride, Override};

use super::Refusal;

/// The longest window one override may hold: a quarter is a rota change,
/// which belongs in the config.
pub const LONGEST_OVERRIDE: TimeDelta = TimeDelta::days(90);

fn when(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// Whether `by` (a lead or not) may make the override `req` at `now`, the
/// covers recorded so far in `covers`; who it displaces, in the order they
/// held the window. `req.responder` is a person of this hub already.
pub fn plan_override(
    by: &str,
    lead: bool,
    req: &NewOverride,
    paging: &Paging,
    now: DateTime<Utc>,
    covers: &[Cover],
) -> Result<Vec<String>, Refusal> {
    let rota = paging.rota().ok_or_else(|| {
        Refusal::Invalid(
            "this hub has no rota, so nobody is on call to override: add [rota] to its config"
                .to_string(),
        )
    })?;
    if req.end <= req.start {
        return Err(Refusal::Invalid(format!(
            "an override ends after it starts: end {} is not after start {}",
            when(req.end),
            when(req.start)
        )));
    }
    if req.end <= now {
        return Err(Refusal::Invalid(format!(
            "this override would end at {}, which is past already",
            when(req.end)
        )));
    }
    if req.end - req.start > LONGEST_OVERRIDE {
        return Err(Refusal::Invalid(format!(
            "an override holds at most {} days; change the rota in the config for longer",
            LONGEST_OVERRIDE.num_days()
        )));
    }
    // What has gone by is not changed by covering it now.
    let start = req.start.max(now);
    let holders = rota.on_call_during(start, req.end, covers);
    if req.responder != by && !lead && !holders.iter().any(|h| h == by) {
        let held = if holders.is_empty() {
            "nobody".to_string()
        } else {
            holders.join(", ")
        };
        return Err(Refusal::Forbidden(format!(
            "{by} is not on call between {} and {} (held by {held}): only they or a lead may put {} on call then; anyone may cover a shift themselves",
            when(start),
            when(req.end),
            req.responder
        )));
    }
    Ok(holders
        .into_iter()
        .filter(|h| *h != req.responder)
        .collect())
}

/// Whether `by` (a lead or not) may remove override `id`, as found (`None`:
/// there is none).
pub fn may_remove_override(
    by: &str,
    lead: bool,
    id: u64,
    found: Option<&Override>,
) -> Result<(), Refusal> {
    let o = found.ok_or_else(|| Refusal::NoOverride(format!("there is no override #{id}")))?;
    if let (Some(who), Some(at)) = (&o.removed_by, o.removed_at) {
        return Err(Refusal::NoOverride(format!(
            "override #{id} was already removed by {who} at {}",
            when(at)
        )));
    }
    if lead || o.created_by == by || o.responder == by {
        return Ok(());
    }
    Err(Refusal::Forbidden(format!(
        "override #{id} was made by {} for {}: only they or a lead may remove it",
        o.created_by, o.responder
    )))
}

#[cfg(test)]
mod tests;
