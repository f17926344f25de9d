//! What the feed and the worker report: merged into the model so the screen
//! keeps the last good state whatever arrives.
use std::sync::Arc;

use super::super::model::{Model, stale_for};
use super::super::msg::Command;
use super::selection;
use crate::feed::{Action, FeedError, FeedEvent, WorkerEvent};
use crate::incident::{Incident, level_name};

pub fn on_feed(model: &mut Model, event: FeedEvent) -> Vec<Command> {
    match event {
        FeedEvent::Polled {
            incidents,
            full,
            resume,
        } => {
            // What was already there when the console started rings nothing.
            let ring = if model.feed.last_ok.is_some() {
                let mut ring = page(model, &incidents);
                for cmd in super::ownership::noticed(model, &incidents) {
                    if !ring.contains(&cmd) {
                        ring.push(cmd);
                    }
                }
                ring
            } else {
                Vec::new()
            };
            answered(model);
            if full {
                replace_open(model, incidents);
            } else {
                merge(model, incidents);
            }
            // The list is now as of this cursor: the two are saved together.
            model.list.resume = resume;
            selection::rebuild(model);
            model.dirty = true;
            model.cache.due = true;
            return ring;
        }
        FeedEvent::Unchanged => {
            let before = model.feed.health(model.now);
            answered(model);
            if model.feed.health(model.now) != before {
                model.dirty = true;
            }
        }
        FeedEvent::Answering {
            hub,
            other_database,
        } => {
            if other_database {
                let before = model.feed.answering.as_deref().unwrap_or("the last hub");
                model.warn(format!(
                    "{hub} answers from another database than {before}: the list was read again from it. The feed's urls should all be hubs of one database."
                ));
            }
            if model.feed.answering.as_deref() != Some(hub.as_str()) {
                model.feed.answering = Some(hub);
                model.dirty = true;
            }
        }
        FeedEvent::Rota { oncall, handoff } => {
            if model.oncall.as_ref() != Some(&oncall) {
                model.oncall = Some(oncall);
                model.dirty = true;
                model.cache.due = true;
            }
            super::handoff::received(model, handoff);
        }
        FeedEvent::Followups(open) => super::followup::listed(model, open),
        FeedEvent::Heartbeats(heartbeats) => {
            if model.heartbeats != heartbeats {
                model.heartbeats = heartbeats;
                model.dirty = true;
            }
        }
        FeedEvent::Failed { error, retry_in } => {
            let reason = format!("{error}; retrying in {}s", retry_in.as_secs().max(1));
            if model.feed.last_error.as_deref() != Some(reason.as_str()) {
                model.feed.last_error = Some(reason);
                model.dirty = true;
            }
        }
    }
    Vec::new()
}

/// The feed answered: live again, and said so when it had been stale long
/// enough to turn red.
fn answered(model: &mut Model) {
    if model.feed.alarmed
        && let Some(last) = model.feed.last_ok
    {
        let away = stale_for((model.now - last).num_seconds().max(0));
        model.say(format!("Feed back: live again after {away} offline."));
        model.dirty = true;
    }
    model.feed.alarmed = false;
    model.feed.last_ok = Some(model.now);
    model.feed.last_error = None;
}

/// Once the feed has been stale for more than a minute: the top bar turns
/// red (the clock's face changes with it) and the bell rings, once.
pub fn watch(model: &mut Model) -> Vec<Command> {
    if model.feed.alarmed || !model.feed.health(model.now).alarming() {
        return Vec::new();
    }
    model.feed.alarmed = true;
    model.dirty = true;
    if model.setup.bell {
        vec![Command::Bell]
    } else {
        Vec::new()
    }
}

/// Whether any of `incoming` newly needs this responder: a new incident,
/// or one escalated or handed to them, or whose squash ended, that nobody
/// has acknowledged and no squash keeps quiet.
fn reaches_me<'a>(model: &Model, incoming: &'a [Incident]) -> Vec<&'a Incident> {
    let me = model.responder.as_str();
    let known: std::collections::HashMap<u64, &Incident> =
        model.list.incidents.iter().map(|i| (i.id, i)).collect();
    incoming
        .iter()
        .filter(|inc| {
            inc.owner.as_deref() == Some(me)
                && inc.status == crate::incident::Status::Triggered
                // A squashed incident pages nobody, the bell included.
                && inc.squashed_by.is_none()
                && known.get(&inc.id).is_none_or(|prev| {
                    prev.owner.as_deref() != Some(me)
                        || prev.escalation_level != inc.escalation_level
                        || prev.status != crate::incident::Status::Triggered
                        || prev.squashed_by.is_some()
                })
        })
        .collect()
}

/// What the console does when incidents reach this responder (new to them,
/// escalated to them, or back to triggered after an acknowledgement ran
/// out): the bell, and a desktop notification unless the terminal says it
/// has the responder's attention already. The notification's text is
/// cleaned like everything else shown.
fn page(model: &Model, incoming: &[Incident]) -> Vec<Command> {
    let reached = reaches_me(model, incoming);
    let Some(first) = reached
        .iter()
        .min_by_key(|i| (i.severity, std::cmp::Reverse(i.id)))
    else {
        return Vec::new();
    };
    let mut cmds = Vec::new();
    if model.setup.bell {
        cmds.push(Command::Bell);
    }
    if model.setup.notify && model.setup.focused != Some(true) {
        let title = format!(
            "oncall: #{} {} · {}",
            first.id,
            first.severity.as_str(),
            crate::sanitize::line(&first.service)
        );
        let mut body = crate::sanitize::line(&first.title);
        if reached.len() > 1 {
            body.push_str(&format!(" (and {} more)", reached.len() - 1));
        }
        cmds.push(Command::Notify { title, body });
    }
    cmds
}

/// A full list: every open incident. Resolved ones we already know stay (the
/// responder saw them resolve this shift); open ones missing from the list
/// were resolved or removed while we were not looking, so they go.
fn replace_open(model: &mut Model, incidents: Vec<Incident>) {
    if model.list.incidents.is_empty() {
        model.list.incidents = Arc::new(incidents);
        return;
    }
    let fresh: std::collections::HashSet<u64> = incidents.iter().map(|i| i.id).collect();
    // Only what stays is copied: the old list may be shared with a cache
    // write still under way, which keeps it as it was.
    let kept = model
        .list
        .incidents
        .iter()
        .filter(|i| !i.status.is_open() && !fresh.contains(&i.id))
        .cloned();
    // The few kept join the many arrived, not the other way round: the new
    // list is the one just parsed, never a copy of it.
    let mut list = incidents;
    list.extend(kept);
    model.list.incidents = Arc::new(list);
}

/// Takes each changed incident unless we already hold a newer version of it.
/// One index of the list serves the whole batch, so a busy feed stays cheap.
fn merge(model: &mut Model, changed: Vec<Incident>) {
    let list = Arc::make_mut(&mut model.list.incidents);
    let mut index: std::collections::HashMap<u64, usize> = list
        .iter()
        .enumerate()
        .map(|(i, inc)| (inc.id, i))
        .collect();
    for inc in changed {
        match index.get(&inc.id) {
            Some(&i) if list[i].version > inc.version => {}
            Some(&i) => list[i] = inc,
            None => {
                index.insert(inc.id, list.len());
                list.push(inc);
            }
        }
    }
}

/// An incident with its timeline, from an action's answer or a fetch.
fn store_detail(model: &mut Model, inc: Incident) {
    if model
        .detail
        .fetched
        .get(&inc.id)
        .is_none_or(|d| d.version <= inc.version)
    {
        model.detail.fetched.insert(inc.id, inc.clone());
    }
    let mut listed = inc;
    listed.timeline.clear();
    merge(model, vec![listed]);
    selection::rebuild(model);
}

pub fn on_worker(model: &mut Model, event: WorkerEvent) -> Vec<Command> {
    model.dirty = true;
    match event {
        WorkerEvent::HandoffReady(result) => super::handoff::ready(model, result),
        WorkerEvent::Report(result) => super::report::ready(model, result),
        WorkerEvent::HistoryPage { q, before, result } => {
            super::history::page(model, q, before, result)
        }
        WorkerEvent::HistoryIncident { id, result } => super::history::incident(model, id, result),
        WorkerEvent::HandedOff { saved, result } => {
            super::handoff::handed_off(model, saved, result)
        }
        WorkerEvent::Fetched { id, result } => match result {
            Ok(inc) => store_detail(model, inc),
            Err(e) => tracing::warn!("fetching #{id}: {e}"),
        },
        WorkerEvent::Queued { ticket, what } => {
            if let Some(p) = ticket.and_then(|t| model.actions.pending.get_mut(&t)) {
                p.queued = true;
            }
            model.warn(format!("Queued {what}: the hub cannot be reached; it goes out by itself, in order, once the hub answers."));
        }
        WorkerEvent::Waiting(n) => model.actions.waiting = n,
        WorkerEvent::Replayed { what, result } => match result {
            Ok(()) => model.say(format!("Sent {what}, kept from before.")),
            Err(e) => model.warn(format!("The hub refused {what}, kept from before: {e}.")),
        },
        WorkerEvent::SetAside(aside) => model.warn(aside.to_string()),
        WorkerEvent::Squashes(result) => super::squash::listed(model, result),
        WorkerEvent::Unsquashed { ticket, id, result } => {
            return super::squash::unsquashed(model, ticket, id, result);
        }
        WorkerEvent::Overrides(result) => super::rota::listed(model, result),
        WorkerEvent::Covered { ticket, result } => {
            return super::rota::covered(model, ticket, result);
        }
        WorkerEvent::Uncovered { ticket, id, result } => {
            return super::rota::uncovered(model, ticket, id, result);
        }
        WorkerEvent::Acted { ticket, id, result } => {
            if super::batch::answered(model, ticket, id, &result) {
                match result {
                    Ok(inc) => store_detail(model, inc),
                    Err(FeedError::Rejected {
                        incident: Some(current),
                        ..
                    }) => store_detail(model, *current),
                    Err(_) => {}
                }
                model.actions.pending.remove(&ticket);
                return Vec::new();
            }
            let action = model.actions.pending.get(&ticket).map(|p| p.action.clone());
            match result {
                Ok(inc) => {
                    let said = action
                        .as_ref()
                        .and_then(|a| {
                            super::ownership::done(model, a, &inc)
                                .or_else(|| super::followup::done(a, &inc))
                        })
                        .unwrap_or_else(|| done_message(action.as_ref(), &inc));
                    model.say(said);
                    // Still pending while the list moves: a resolve sent from
                    // here leaves the cursor where it was (see `rebuild`).
                    store_detail(model, inc);
                    model.actions.pending.remove(&ticket);
                }
                Err(e) => {
                    model.actions.pending.remove(&ticket);
                    if let Some(a) = &action {
                        super::followup::failed(model, a);
                    }
                    let verb = action.as_ref().map_or("change", Action::verb);
                    not_done(model, verb, id, e);
                }
            }
        }
    }
    Vec::new()
}

/// A change the hub did not make: why, and the incident as it is now when
/// the hub says.
fn not_done(model: &mut Model, verb: &str, id: u64, e: FeedError) {
    match e {
        FeedError::Rejected {
            message, incident, ..
        } => {
            model.warn(format!("Could not {verb} #{id}: {message}."));
            if let Some(current) = incident {
                store_detail(model, *current);
            }
        }
        e if e.is_transient() => model.warn(format!(
            "Could not {verb} #{id}: {e}. Nothing was changed; try again when the hub is back."
        )),
        e => model.warn(format!("Could not {verb} #{id}: {e}.")),
    }
}

fn done_message(action: Option<&Action>, inc: &Incident) -> String {
    let id = inc.id;
    match action {
        Some(Action::Acknowledge { .. }) => format!("Acknowledged #{id}: it is yours."),
        Some(Action::Escalate { .. }) => {
            format!("Escalated #{id} to {}.", level_name(inc.escalation_level))
        }
        Some(Action::Resolve { .. }) => format!("Resolved #{id}."),
        Some(Action::Note { .. }) => format!("Note added to #{id}."),
        Some(Action::StatusUpdate { .. }) => {
            format!("Status update posted on #{id}; the team's status channels hear of it.")
        }
        Some(Action::Step { done: true, .. }) => {
            format!("Step ticked on #{id}; the team sees it.")
        }
        Some(Action::Step { done: false, .. }) => format!("Step unticked on #{id}."),
        Some(Action::Squash { until, .. }) => match inc.squashed_by {
            Some(squash) => format!(
                "Squashed #{id}'s alert (squash #{squash}) until {}: it pages nobody.",
                until.format("%H:%M UTC")
            ),
            None => format!("Squash made for #{id}'s alert; #{id} itself no longer matches it."),
        },
        Some(other) => format!("Done: {} #{id}.", other.verb()),
        None => format!("Done: change #{id}."),
    }
}
