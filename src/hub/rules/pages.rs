//! What pages whom. From what a change did to an incident (opened it,
//! escalated it, acknowledged or resolved it; or the timers' repeat and ack
//! timeout) and the paging settings, the deliveries to queue and whether the
//! incident's pages still waiting stop:
//!
//! - a new incident at or above `min_severity` pages its owner; an
//!   escalation pages the new owner; a repeat or an ack timeout pages the
//!   owner again. Each is a new round: the owner's contacts in order, each
//!   due at the round's start plus its `after`, and what earlier rounds still
//!   had waiting is cancelled;
//! - acknowledging or resolving cancels what is still waiting;
//! - a hand-off tells the incoming responder through their first contact
//!   (not urgent, and nothing would stop the rest);
//! - a reassignment pages the new owner (unless they took it over), giving
//!   an incident back pages whom its level reaches, and a snooze that ends
//!   pages its owner: each a new round;
//! - a person asked to help is paged through their contacts (`for_helper`);
//! - team channels hear of the events they list;
//! - an integration is never paged, and an incident nobody holds pages
//!   nobody (the plan says why, for the log);
//! - a squashed incident pages nobody, people or channels, and what was
//!   waiting for it stops; when its squash is over and it still waits, its
//!   owner is paged again, a new round.
use chrono::{DateTime, TimeDelta, Utc};

use crate::config::{ChannelEvent, Contact, NotifySettings};
use crate::hub::deliveries::{PageEvent, PagedIncident, Recipient};
use crate::hub::policy::Paging;
use crate::incident::{EventKind, Handoff, Incident, Override, Status};

/// What happened to an incident, as paging sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    Opened,
    Escalated,
    Repeat,
    AckTimeout,
    Acknowledged,
    Resolved,
    /// A squash in force took it: what was waiting stops.
    Squashed,
    /// Its squash is over: its owner is paged again if it still waits.
    Released,
    /// Reassigned: its new owner is paged if it waits for them (a
    /// take-over does not), and what was waiting for the last one stops.
    Assigned,
    /// Given back: whom its level reaches now is paged.
    GivenBack,
    /// Its snooze is over: its owner is paged.
    SnoozeOver,
}

impl Trigger {
    /// What a timeline entry of `kind` means for paging, if anything.
    pub fn of(kind: EventKind) -> Option<Trigger> {
        match kind {
            EventKind::Opened => Some(Trigger::Opened),
            EventKind::Escalated => Some(Trigger::Escalated),
            EventKind::Retriggered => Some(Trigger::AckTimeout),
            EventKind::Acknowledged => Some(Trigger::Acknowledged),
            EventKind::Resolved => Some(Trigger::Resolved),
            EventKind::Squashed => Some(Trigger::Squashed),
            EventKind::Unsquashed => Some(Trigger::Released),
            EventKind::Assigned => Some(Trigger::Assigned),
            EventKind::Unacknowledged => Some(Trigger::GivenBack),
            EventKind::Unsnoozed => Some(Trigger::SnoozeOver),
            // A helper is paged by `for_helper`, with what they are asked.
            EventKind::Help
            | EventKind::Snoozed
            | EventKind::Role
            // Sent by `for_status_update`, with what it says.
            | EventKind::StatusUpdate
            | EventKind::Followup
            | EventKind::Repeated
            | EventKind::Note
            | EventKind::Step
            | EventKind::Reassigned
            | EventKind::Paged
            | EventKind::Other => None,
        }
    }

    /// What the owner is paged for.
    fn person_event(self) -> Option<PageEvent> {
        match self {
            Trigger::Opened => Some(PageEvent::Opened),
            Trigger::Escalated => Some(PageEvent::Escalated),
            Trigger::Repeat => Some(PageEvent::Repeat),
            Trigger::AckTimeout => Some(PageEvent::AckTimeout),
            Trigger::Released => Some(PageEvent::Repeat),
            Trigger::Assigned => Some(PageEvent::Assigned),
            Trigger::GivenBack => Some(PageEvent::Unacknowledged),
            Trigger::SnoozeOver => Some(PageEvent::SnoozeOver),
            Trigger::Acknowledged | Trigger::Resolved | Trigger::Squashed => None,
        }
    }

    /// What the channels hear of.
    fn channel_event(self) -> Option<ChannelEvent> {
        match self {
            Trigger::Opened => Some(ChannelEvent::Opened),
            Trigger::Escalated => Some(ChannelEvent::Escalated),
            Trigger::Resolved => Some(ChannelEvent::Resolved),
            Trigger::Repeat
            | Trigger::AckTimeout
            | Trigger::Acknowledged
            | Trigger::Squashed
            | Trigger::Released
            | Trigger::Assigned
            | Trigger::GivenBack
            | Trigger::SnoozeOver => None,
        }
    }
}

/// One delivery to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDelivery {
    pub event: PageEvent,
    pub incident: Option<PagedIncident>,
    pub recipient: Recipient,
    pub contact: Contact,
    pub contact_index: u32,
    pub detail: Option<String>,
    pub due_at: DateTime<Utc>,
}

/// What a change does to the queue.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PagePlan {
    /// Cancel the incident's pages to people still waiting for their time.
    pub cancel_waiting: bool,
    /// Queued in this order, as one round.
    pub queue: Vec<NewDelivery>,
    /// Why the owner was not paged when they would have been: for the log.
    pub unpaged: Option<String>,
}

/// What `trigger` on `incident` (as the change left it) pages at `now`.
pub fn for_incident(
    trigger: Trigger,
    incident: &Incident,
    notify: &NotifySettings,
    paging: &Paging,
    now: DateTime<Utc>,
) -> PagePlan {
    let mut plan = PagePlan {
        // Acknowledged, resolved or paged anew: what earlier rounds still
        // had waiting is for a page that is over.
        cancel_waiting: true,
        ..PagePlan::default()
    };
    if !notify.pages(incident.severity) {
        return plan;
    }
    if let Some(squash) = incident.squashed_by {
        plan.unpaged = Some(format!(
            "incident #{} is squashed by #{squash}: nobody is paged",
            incident.id
        ));
        return plan;
    }
    if matches!(trigger, Trigger::Released | Trigger::Assigned)
        && incident.status != Status::Triggered
    {
        // Someone holds it (took it over): nothing to page for.
        return plan;
    }
    let paged = PagedIncident::of(incident);
    if let Some(event) = trigger.person_event() {
        let owner = incident
            .owner
            .as_deref()
            .filter(|o| !paging.is_integration(o));
        match owner {
            None => {
                plan.unpaged = Some(format!(
                    "incident #{} belongs to nobody (nobody is on call): nobody is paged",
                    incident.id
                ));
            }
            Some(owner) => {
                let contacts = notify.contacts_of(owner);
                if contacts.is_empty() {
                    plan.unpaged = Some(format!(
                        "incident #{}: {owner} has no contacts, so only their console is told",
                        incident.id
                    ));
                }
                for (i, contact) in contacts.iter().enumerate() {
                    plan.queue.push(NewDelivery {
                        event,
                        incident: Some(paged.clone()),
                        recipient: Recipient::Person(owner.to_string()),
                        contact: contact.clone(),
                        contact_index: u32::try_from(i).unwrap_or(u32::MAX),
                        detail: None,
                        due_at: after(now, contact),
                    });
                }
            }
        }
    }
    if let Some(event) = trigger.channel_event() {
        plan.queue
            .extend(channels(notify, event, Some(&paged), None, now));
    }
    plan
}

/// What handing the shift over as `handoff` says pages at `now`.
pub fn for_handoff(
    handoff: &Handoff,
    notify: &NotifySettings,
    paging: &Paging,
    now: DateTime<Utc>,
) -> PagePlan {
    let mut detail = format!("{} handed the shift to {}", handoff.from, handoff.to);
    if let Some(until) = handoff.until {
        detail.push_str(&format!(
            ", on call until {}",
            until.format("%Y-%m-%d %H:%M UTC")
        ));
    }
    if !handoff.moved.is_empty() {
        let ids: Vec<String> = handoff.moved.iter().map(|id| format!("#{id}")).collect();
        detail.push_str(&format!("; passed on: {}", ids.join(", ")));
    }
    let note = handoff.note.trim();
    if !note.is_empty() {
        detail.push_str(&format!("; note: {note}"));
    }
    let mut plan = PagePlan::default();
    let to = &handoff.to;
    if !paging.is_integration(to)
        && let Some(first) = notify.contacts_of(to).first()
    {
        plan.queue.push(NewDelivery {
            event: PageEvent::Handoff,
            incident: None,
            recipient: Recipient::Person(to.clone()),
            contact: first.clone(),
            contact_index: 0,
            detail: Some(detail.clone()),
            due_at: now,
        });
    }
    plan.queue.extend(channels(
        notify,
        ChannelEvent::Handoff,
        None,
        Some(&detail),
        now,
    ));
    plan
}

/// What making the override `made` pages at `now`: each person it displaces
/// (`made.displaced`) but its maker, through their first contact, told who
/// covers for them and when. Not urgent: it asks nothing of them.
pub fn for_cover(
    made: &Override,
    notify: &NotifySettings,
    paging: &Paging,
    now: DateTime<Utc>,
) -> PagePlan {
    let time = |t: DateTime<Utc>| t.format("%Y-%m-%d %H:%M UTC").to_string();
    let mut detail = format!(
        "{} is on call for you from {} to {}",
        made.responder,
        time(made.start.max(now)),
        time(made.end)
    );
    if made.created_by != made.responder {
        detail.push_str(&format!(" (put on call by {})", made.created_by));
    }
    detail.push_str(&format!("; override #{}", made.id));
    let mut plan = PagePlan::default();
    for who in &made.displaced {
        // Who made it knows already.
        if paging.is_integration(who) || *who == made.created_by {
            continue;
        }
        if let Some(first) = notify.contacts_of(who).first() {
            plan.queue.push(NewDelivery {
                event: PageEvent::Covered,
                incident: None,
                recipient: Recipient::Person(who.clone()),
                contact: first.clone(),
                contact_index: 0,
                detail: Some(detail.clone()),
                due_at: now,
            });
        }
    }
    plan
}

/// What asking `helper` to help with `incident` pages at `now`: each of
/// their contacts in order, as a round of its own, whatever the incident's
/// severity or squash (a person asked for this help), with `detail` saying
/// who asks and why. Nothing waiting for the owner stops.
pub fn for_helper(
    incident: &Incident,
    helper: &str,
    detail: String,
    notify: &NotifySettings,
    paging: &Paging,
    now: DateTime<Utc>,
) -> PagePlan {
    let mut plan = PagePlan::default();
    if paging.is_integration(helper) {
        return plan;
    }
    let contacts = notify.contacts_of(helper);
    if contacts.is_empty() {
        plan.unpaged = Some(format!(
            "incident #{}: {helper} has no contacts, so only their console is told they are asked to help",
            incident.id
        ));
    }
    let paged = PagedIncident::of(incident);
    for (i, contact) in contacts.iter().enumerate() {
        plan.queue.push(NewDelivery {
            event: PageEvent::Help,
            incident: Some(paged.clone()),
            recipient: Recipient::Person(helper.to_string()),
            contact: contact.clone(),
            contact_index: u32::try_from(i).unwrap_or(u32::MAX),
            detail: Some(detail.clone()),
            due_at: after(now, contact),
        });
    }
    plan
}

/// What a status update on `incident` sends at `now`: each channel that
/// hears of `status` gets `detail` (who says what), whatever the incident's
/// severity or squash: a person wrote it for the people waiting. Nobody is
/// paged and nothing waiting stops.
pub fn for_status_update(
    incident: &Incident,
    detail: &str,
    notify: &NotifySettings,
    now: DateTime<Utc>,
) -> PagePlan {
    let paged = PagedIncident::of(incident);
    PagePlan {
        queue: channels(
            notify,
            ChannelEvent::Status,
            Some(&paged),
            Some(detail),
            now,
        ),
        ..PagePlan::default()
    }
}

/// A delivery to each channel that hears of `event`, at once.
fn channels(
    notify: &NotifySettings,
    event: ChannelEvent,
    incident: Option<&PagedIncident>,
    detail: Option<&str>,
    now: DateTime<Utc>,
) -> Vec<NewDelivery> {
    notify
        .channels_for(event)
        .map(|channel| NewDelivery {
            event: PageEvent::from(event),
            incident: incident.cloned(),
            recipient: Recipient::Channel(channel.name.clone()),
            contact: channel.contact(),
            contact_index: 0,
            detail: detail.map(str::to_string),
            due_at: now,
        })
        .collect()
}

/// When `contact` is due in a round that starts at `start`.
fn after(start: DateTime<Utc>, contact: &Contact) -> DateTime<Utc> {
    TimeDelta::from_std(contact.after)
        .ok()
        .and_then(|d| start.checked_add_signed(d))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

#[cfg(test)]
mod tests;
