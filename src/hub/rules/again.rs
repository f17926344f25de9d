//! Paging again, in the timers' pass beside `overdue`: an incident still
//! triggered `repeat` after its owner's last round of pages started is paged
//! again, contacts from the start; one acknowledged and not resolved for
//! `ack_timeout` goes back to triggered (its timeline says why), its level's
//! timer starts over, and its owner is paged again.
use chrono::{DateTime, TimeDelta, Utc};

use crate::config::{HumanDuration, NotifySettings};
use crate::incident::{EventKind, Incident, Status};

use super::Update;

/// An open incident, with what paging again depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unanswered {
    pub incident: Incident,
    /// When the last round of pages to a person started; `None` when nobody
    /// was ever paged for it.
    pub round_started: Option<DateTime<Utc>>,
    /// When it was last acknowledged.
    pub acknowledged_at: Option<DateTime<Utc>>,
}

/// What the timers do to one incident.
// A few per timers' pass, each moved once: a box would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Again {
    /// Page its owner again: a new round.
    Repeat(u64),
    /// Back to triggered, and a new round (the update's entry says why).
    AckTimeout(Update),
}

/// What is due at `now` among `open`, lowest id first as given. Incidents
/// the same pass escalates (`escalated`) have just been paged anew; squashed
/// ones page nobody, and their ack timeout waits for the squash to end.
pub fn again(
    open: &[Unanswered],
    escalated: &[u64],
    notify: &NotifySettings,
    now: DateTime<Utc>,
) -> Vec<Again> {
    open.iter()
        .filter(|u| !escalated.contains(&u.incident.id) && u.incident.squashed_by.is_none())
        .filter_map(|u| {
            let incident = &u.incident;
            match incident.status {
                Status::Triggered => {
                    let every = notify.repeat?;
                    let since = u.round_started?;
                    passed(since, every, now).then_some(Again::Repeat(incident.id))
                }
                // A snooze says when it is due again: its end, not this.
                Status::Acknowledged if incident.snoozed_until.is_some() => None,
                Status::Acknowledged => {
                    let limit = notify.ack_timeout?;
                    let since = u.acknowledged_at?;
                    if !passed(since, limit, now) {
                        return None;
                    }
                    let text = format!(
                        "retriggered: still not resolved {} after it was acknowledged",
                        HumanDuration(limit)
                    );
                    Some(Again::AckTimeout(Update {
                        status: Some(Status::Triggered),
                        // The same level, reached afresh: its timer starts over.
                        level: Some(incident.escalation_level),
                        ..Update::entry(incident.id, EventKind::Retriggered, text)
                    }))
                }
                Status::Resolved => None,
            }
        })
        .collect()
}

/// Whether `wait` has passed since `since` at `now`.
fn passed(since: DateTime<Utc>, wait: std::time::Duration, now: DateTime<Utc>) -> bool {
    TimeDelta::from_std(wait)
        .ok()
        .and_then(|w| since.checked_add_signed(w))
        .is_some_and(|due| now >= due)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn t0() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-23T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn notify() -> NotifySettings {
        let mut notify = NotifySettings::default();
        notify.repeat = Some(Duration::from_secs(600));
        notify.ack_timeout = Some(Duration::from_secs(4 * 3600));
        notify
    }

    fn open(id: u64, status: Status, paged: Option<i64>, acked: Option<i64>) -> Unanswered {
        let minutes = |m: i64| t0() + TimeDelta::minutes(m);
        Unanswered {
            incident: Incident::builder(id, "disk full", t0())
                .status(status)
                .owner(Some("alice"))
                .level(2)
                .build(),
            round_started: paged.map(minutes),
            acknowledged_at: acked.map(minutes),
        }
    }

    #[test]
    fn a_triggered_incident_is_paged_again_repeat_after_its_last_round() {
        let waiting = [
            open(1, Status::Triggered, Some(0), None),
            open(2, Status::Triggered, Some(1), None),
            open(3, Status::Triggered, None, None),
        ];
        let at = |m| t0() + TimeDelta::minutes(m);
        assert_eq!(again(&waiting, &[], &notify(), at(9)), []);
        assert_eq!(
            again(&waiting, &[], &notify(), at(10)),
            [Again::Repeat(1)],
            "#3 was never paged, so there is nothing to repeat"
        );
        assert_eq!(
            again(&waiting, &[1], &notify(), at(11)),
            [Again::Repeat(2)],
            "#1 was escalated in this pass: paged anew already"
        );
        let without = NotifySettings::default();
        assert_eq!(again(&waiting, &[], &without, at(60)), []);
    }

    #[test]
    fn an_acknowledgement_left_unresolved_too_long_goes_back_to_triggered() {
        let acked = [open(4, Status::Acknowledged, Some(0), Some(5))];
        let at = |m| t0() + TimeDelta::minutes(m);
        assert_eq!(again(&acked, &[], &notify(), at(4 * 60 + 4)), []);
        let due = again(&acked, &[], &notify(), at(4 * 60 + 5));
        let [Again::AckTimeout(update)] = due.as_slice() else {
            panic!("{due:?}");
        };
        assert_eq!(update.id, 4);
        assert_eq!(update.status, Some(Status::Triggered));
        assert_eq!(
            update.level,
            Some(2),
            "the same level, its timer started over"
        );
        assert_eq!(update.owner, None, "the owner stays, and is paged again");
        assert_eq!(update.entry.kind, EventKind::Retriggered);
        assert_eq!(
            update.entry.text,
            "retriggered: still not resolved 4h after it was acknowledged"
        );
        let resolved = [open(5, Status::Resolved, Some(0), Some(0))];
        assert_eq!(again(&resolved, &[], &notify(), at(600)), []);
    }
}
