//! Who holds an incident and who else is on it: reassigning it (or taking
//! it over), giving it back, snoozing it, asking someone to help, and
//! naming the incident manager of a major incident. The person fixing an
//! incident must not also run it: naming its owner or a helper manager is
//! refused unless forced. Status updates, which tell the people waiting on
//! an incident how it goes, are here too.
use chrono::{DateTime, TimeDelta, Utc};

use crate::hub::policy::Paging;
use crate::hub::rota::Cover;
use crate::incident::{
    AckRequest, AssignRequest, EventKind, HelpRequest, Incident, RoleRequest, Status, StatusUpdate,
    StatusUpdateRequest,
};

use super::incident::{acknowledge, resolved};
use super::{Assigned, Refusal, Transition, Update, trimmed};

/// The most people one incident may have helping.
pub const MAX_HELPERS: usize = 20;

/// `by` gives `current` to `req.to`: to someone else, it waits for them to
/// acknowledge (triggered, its level's timer started over) and pages them;
/// to `by` themselves, it is theirs, acknowledged (a take-over). Either way
/// a snooze ends and the new owner stops being a helper. Giving it to whom
/// holds it already changes nothing.
pub fn assign(current: &Incident, by: &str, req: &AssignRequest) -> Result<Transition, Refusal> {
    let id = current.id;
    if current.status == Status::Resolved {
        return Err(resolved(id, "it cannot be reassigned"));
    }
    let to = req.to.as_str();
    if current.owner.as_deref() == Some(to) {
        if to != by {
            return Ok(Transition::Unchanged);
        }
        // Taking over what one holds is acknowledging it.
        let ack = AckRequest {
            version: None,
            note: req.note.clone(),
        };
        return acknowledge(current, by, &ack);
    }
    let from = current.owner.clone();
    let mut text = match (&from, to == by) {
        (Some(from), true) => format!("took it over from {from}"),
        (None, true) => "took it over".to_string(),
        (Some(from), false) => format!("reassigned from {from} to {to}"),
        (None, false) => format!("assigned to {to}"),
    };
    with_note(&mut text, req.note.as_deref());
    let (status, level) = if to == by {
        (Status::Acknowledged, None)
    } else {
        (Status::Triggered, Some(current.escalation_level))
    };
    Ok(Transition::Update(Update {
        status: Some(status),
        owner: Some(Some(to.to_string())),
        level,
        helpers: without(&current.helpers, to),
        snoozed_until: Some(None),
        assigned: Some(Assigned {
            from,
            by: by.to_string(),
        }),
        ..Update::entry(id, EventKind::Assigned, text)
    }))
}

/// `by` gives `current` back: triggered again, held by whom its level
/// reaches now (`covers`: the hand-offs in force) and paged; when its
/// policy reaches nobody, its owner keeps it and is paged again.
pub fn unacknowledge(
    current: &Incident,
    by: &str,
    note: Option<&str>,
    paging: &Paging,
    now: DateTime<Utc>,
    covers: &[Cover],
) -> Result<Transition, Refusal> {
    let id = current.id;
    match current.status {
        Status::Resolved => return Err(resolved(id, "there is nothing to give back")),
        Status::Triggered => {
            return Err(not_acknowledged(
                id,
                "nobody has acknowledged it, so there is nothing to give back",
            ));
        }
        Status::Acknowledged => {}
    }
    let level = current.escalation_level;
    let reached = paging.owner(&current.service, level, now, covers);
    let held = current.owner.as_deref();
    let mut text = match held {
        Some(owner) if owner != by => format!("took back {owner}'s acknowledgement"),
        _ => "gave it back".to_string(),
    };
    match reached.as_deref().or(held) {
        Some(next) => text.push_str(&format!(
            ": paging {next} ({})",
            paging.level_name(&current.service, level)
        )),
        None => text.push_str(": nobody is on call to page"),
    }
    with_note(&mut text, note);
    Ok(Transition::Update(Update {
        status: Some(Status::Triggered),
        owner: reached.map(Some),
        level: Some(level),
        snoozed_until: Some(None),
        ..Update::entry(id, EventKind::Unacknowledged, text)
    }))
}

/// Snoozes `current` (acknowledged) for `length` from `now`: quiet until
/// then, when it is triggered again and its owner paged. Snoozing again
/// sets the new end.
pub fn snooze(
    current: &Incident,
    length: std::time::Duration,
    written: &str,
    now: DateTime<Utc>,
) -> Result<Transition, Refusal> {
    let id = current.id;
    match current.status {
        Status::Resolved => return Err(resolved(id, "there is nothing to snooze")),
        Status::Triggered => {
            return Err(not_acknowledged(
                id,
                "acknowledge it first: only an acknowledged incident can be snoozed",
            ));
        }
        Status::Acknowledged => {}
    }
    let until = TimeDelta::from_std(length)
        .ok()
        .and_then(|d| now.checked_add_signed(d))
        .ok_or_else(|| Refusal::Invalid(format!("a snooze of {written} is too long")))?;
    let text = format!(
        "snoozed for {written}, until {}",
        until.format("%H:%M:%S UTC")
    );
    Ok(Transition::Update(Update {
        snoozed_until: Some(Some(until)),
        ..Update::entry(id, EventKind::Snoozed, text)
    }))
}

/// What the timers do at `now` to `snoozed` (acknowledged incidents with a
/// snooze): each whose snooze has ended is triggered again, its level's
/// timer started over, and its owner paged.
pub fn snoozes_over(snoozed: &[Incident], now: DateTime<Utc>) -> Vec<Update> {
    snoozed
        .iter()
        .filter(|i| i.status == Status::Acknowledged)
        .filter(|i| i.snoozed_until.is_some_and(|until| until <= now))
        .map(|i| {
            let text = match &i.owner {
                Some(owner) => format!("the snooze is over: triggered again, paging {owner}"),
                None => "the snooze is over: triggered again".to_string(),
            };
            Update {
                status: Some(Status::Triggered),
                level: Some(i.escalation_level),
                snoozed_until: Some(None),
                ..Update::entry(i.id, EventKind::Unsnoozed, text)
            }
        })
        .collect()
}

/// `by` asks `req.who` to help with `current`: listed as a helper (and
/// paged, by `apply`), the owner staying the owner. Asking one who helps
/// already changes nothing; asking oneself is joining.
pub fn ask_help(current: &Incident, by: &str, req: &HelpRequest) -> Result<Transition, Refusal> {
    let id = current.id;
    let who = req.who.as_str();
    if current.status == Status::Resolved {
        return Err(resolved(id, "it needs no more help"));
    }
    if current.owner.as_deref() == Some(who) {
        return Err(Refusal::State {
            id,
            code: "conflict",
            message: format!("{who} holds incident #{id} already: ask someone else to help"),
        });
    }
    if current.helpers.iter().any(|h| h == who) {
        return Ok(Transition::Unchanged);
    }
    if current.helpers.len() >= MAX_HELPERS {
        return Err(Refusal::Invalid(format!(
            "incident #{id} has {MAX_HELPERS} people helping already, the most it may have"
        )));
    }
    let mut text = if who == by {
        "joined to help".to_string()
    } else {
        format!("asked {who} to help")
    };
    with_note(&mut text, req.note.as_deref());
    let mut helpers = current.helpers.clone();
    helpers.push(who.to_string());
    Ok(Transition::Update(Update {
        helpers: Some(helpers),
        ..Update::entry(id, EventKind::Help, text)
    }))
}

/// Declares `current` major with `req.who` as its incident manager (the
/// role is checked by the handler). Refused, with the reason, when they own
/// or help fix it, unless `req.force`: the person fixing must not also run
/// the incident.
pub fn set_role(current: &Incident, req: &RoleRequest) -> Result<Transition, Refusal> {
    let id = current.id;
    let who = req.who.as_str();
    if current.status == Status::Resolved {
        return Err(resolved(id, "it needs nobody to run it"));
    }
    if current.major && current.incident_manager.as_deref() == Some(who) {
        return Ok(Transition::Unchanged);
    }
    let fixing = if current.owner.as_deref() == Some(who) {
        Some(format!("{who} owns incident #{id}"))
    } else if current.helpers.iter().any(|h| h == who) {
        Some(format!("{who} is helping fix incident #{id}"))
    } else {
        None
    };
    if let Some(why) = &fixing
        && !req.force
    {
        return Err(Refusal::State {
            id,
            code: "role_conflict",
            message: format!(
                "{why}: the person fixing an incident must not also run it. Name someone else as incident manager, or send \"force\": true to name {who} anyway"
            ),
        });
    }
    let mut text = match (&current.incident_manager, current.major) {
        (Some(was), true) => format!("incident manager: {who} (was {was})"),
        _ => format!("declared a major incident; incident manager: {who}"),
    };
    if let Some(why) = fixing {
        text.push_str(&format!(" (forced: {why})"));
    }
    Ok(Transition::Update(Update {
        manager: Some(who.to_string()),
        ..Update::entry(id, EventKind::Role, text)
    }))
}

/// `by` tells the incident's stakeholders how it goes: the incident's
/// latest status update from now, and on its timeline. A resolved incident
/// takes one too (the all-clear, or what the review found).
pub fn status_update(
    current: &Incident,
    by: &str,
    req: &StatusUpdateRequest,
    now: DateTime<Utc>,
) -> Result<Transition, Refusal> {
    let text = trimmed(Some(&req.text));
    if text.is_empty() {
        return Err(Refusal::Invalid(
            "text: a status update says something; write what stakeholders should know".into(),
        ));
    }
    let latest = current.status_update.as_ref();
    if latest.is_some_and(|u| u.text == text && u.by == by) {
        // The same words again from the same person: said already.
        return Ok(Transition::Unchanged);
    }
    Ok(Transition::Update(Update {
        status_update: Some(StatusUpdate {
            text: text.to_string(),
            by: by.to_string(),
            at: now,
        }),
        ..Update::entry(current.id, EventKind::StatusUpdate, text)
    }))
}

/// The refusal of a change only an acknowledged incident takes.
fn not_acknowledged(id: u64, what: &str) -> Refusal {
    Refusal::State {
        id,
        code: "not_acknowledged",
        message: format!("incident #{id} is not acknowledged: {what}"),
    }
}

/// `helpers` without `who`, if they were among them.
fn without(helpers: &[String], who: &str) -> Option<Vec<String>> {
    helpers
        .iter()
        .any(|h| h == who)
        .then(|| helpers.iter().filter(|h| *h != who).cloned().collect())
}

/// `text`, then `: note` when there is one.
fn with_note(text: &mut String, note: Option<&str>) {
    let note = trimmed(note);
    if !note.is_empty() {
        text.push_str(": ");
        text.push_str(note);
    }
}

#[cfg(test)]
mod tests;
