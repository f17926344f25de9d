//! Rows as every store keeps them, whatever its SQL: times, statuses and
//! timeline kinds as text, and a delivery or hand-off row as it was read,
//! before its values are checked. SQLite and PostgreSQL read their rows into
//! these and share how they become the hub's types, so both stores agree on
//! what a row means (and `oncall migrate` can copy one into the other as it
//! is).
use chrono::{DateTime, SecondsFormat, Utc};

use crate::config::{Contact, Via};
use crate::hub::deliveries::{Delivery, DeliveryRecord, PagedIncident, Recipient, new_delivery_id};
use crate::hub::heartbeat::Beat;
use crate::hub::rules::pages::NewDelivery;
use crate::hub::rules::{NewSquashRecord, Update};
use crate::incident::{EventKind, Handoff, Squash, Status};

use super::StoreError;

/// An incident's columns, in the order both stores read them.
pub const INCIDENT_COLUMNS: &str = "id, dedup_key, title, service, severity, status, labels, \
     description, runbook, runbook_url, source, created_at, updated_at, owner, \
     escalation_level, occurrences, version, squashed_by, \
     helpers, major, incident_manager, snoozed_until, previous_owner, assigned_by, status_update";

/// How many columns [`INCIDENT_COLUMNS`] names: a query that selects more
/// after them finds its own from this index on.
pub const INCIDENT_COLUMN_COUNT: usize = 25;

/// The acknowledged incidents whose snooze ends by the time in parameter
/// `param` (`?1`, `$1`), lowest id first: both stores' SQL. Snooze ends
/// are queue times ([`queue_time`]), so they compare as text exactly.
pub fn snoozed_sql(param: &str) -> String {
    format!(
        "SELECT {INCIDENT_COLUMNS} FROM incidents \
          WHERE status = 'acknowledged' AND snoozed_until IS NOT NULL AND snoozed_until <= {param} \
          ORDER BY id"
    )
}

/// What an update sets of ownership and roles, as both stores' SQL takes
/// it: the helpers as JSON, the snooze's end as a queue time, each with
/// whether it is set at all.
pub struct RolesParams<'a> {
    pub helpers: Option<String>,
    pub set_snooze: bool,
    pub snoozed_until: Option<String>,
    pub set_assigned: bool,
    pub previous_owner: Option<&'a str>,
    pub assigned_by: Option<&'a str>,
    /// The latest status update as JSON, when the update sets one.
    pub status_update: Option<String>,
}

impl<'a> RolesParams<'a> {
    pub fn of(update: &'a Update) -> Result<RolesParams<'a>, StoreError> {
        let helpers = update
            .helpers
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("helpers do not serialise: {e}")))?;
        let status_update = update
            .status_update
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("a status update does not serialise: {e}")))?;
        let assigned = update.assigned.as_ref();
        Ok(RolesParams {
            helpers,
            set_snooze: update.snoozed_until.is_some(),
            snoozed_until: update.snoozed_until.flatten().map(queue_time),
            set_assigned: assigned.is_some(),
            previous_owner: assigned.and_then(|a| a.from.as_deref()),
            assigned_by: assigned.map(|a| a.by.as_str()),
            status_update,
        })
    }
}

/// A delivery's columns, in the order of [`StoredDelivery`]'s fields (with
/// `incident_id` second, which the record takes from `paged`).
pub const DELIVERY_COLUMNS: &str = "id, incident_id, recipient_kind, recipient, contact_index, \
     via, contact_to, event, paged, detail, round, started_at, due_at, state, attempts, \
     next_attempt_at, lease_until, last_error, answered_at, stopped";

/// A time as incidents, timelines and hand-offs keep it: RFC 3339 in UTC
/// with 0, 3, 6 or 9 fraction digits.
pub fn time_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// A time as the delivery queue keeps it: UTC with nine fraction digits
/// always, so that queue times compare as text exactly (what is due is
/// found by comparing them).
pub fn queue_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

pub fn parse_time(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("bad time '{s}': {e}"))
}

pub fn parse_status(s: &str) -> Result<Status, String> {
    match s {
        "triggered" => Ok(Status::Triggered),
        "acknowledged" => Ok(Status::Acknowledged),
        "resolved" => Ok(Status::Resolved),
        other => Err(format!("unknown status '{other}'")),
    }
}

pub fn parse_kind(s: &str) -> Result<EventKind, String> {
    serde_json::from_value(serde_json::Value::String(s.to_string()))
        .map_err(|_| format!("unknown timeline kind '{s}'"))
}

/// What a store writes for a delivery it queues, beside the delivery's own
/// values: its new id, its recipient's kind and name, and the incident as
/// paged (JSON).
pub struct QueuedRow<'a> {
    pub id: String,
    pub kind: &'static str,
    pub recipient: &'a str,
    pub paged: Option<String>,
}

impl<'a> QueuedRow<'a> {
    pub fn of(d: &'a NewDelivery) -> Result<QueuedRow<'a>, StoreError> {
        let id = new_delivery_id()
            .map_err(|e| StoreError::Worker(format!("no random bytes for a delivery id: {e}")))?;
        let (kind, recipient) = match &d.recipient {
            Recipient::Person(n) => ("person", n),
            Recipient::Channel(n) => ("channel", n),
        };
        let paged = d
            .incident
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| {
                StoreError::Corrupt(format!("a paged incident does not serialise: {e}"))
            })?;
        Ok(QueuedRow {
            id,
            kind,
            recipient,
            paged,
        })
    }
}

/// A delivery row as stored, before its values are read.
pub struct StoredDelivery {
    pub id: String,
    pub recipient_kind: String,
    pub recipient: String,
    pub contact_index: i64,
    pub via: String,
    pub contact_to: String,
    pub event: String,
    pub paged: Option<String>,
    pub detail: Option<String>,
    pub round: i64,
    pub started_at: String,
    pub due_at: String,
    pub state: String,
    pub attempts: i64,
    pub next_attempt_at: String,
    pub lease_until: Option<String>,
    pub last_error: Option<String>,
    pub answered_at: Option<String>,
    pub stopped: bool,
}

impl StoredDelivery {
    pub fn decode(self) -> Result<DeliveryRecord, String> {
        let id = self.id;
        let number = |v: i64, what: &str| {
            u32::try_from(v).map_err(|_| format!("delivery {id}: {what} {v} is out of range"))
        };
        let recipient = match self.recipient_kind.as_str() {
            "person" => Recipient::Person(self.recipient),
            "channel" => Recipient::Channel(self.recipient),
            other => return Err(format!("delivery {id}: unknown recipient kind '{other}'")),
        };
        let via: Via = serde_json::from_value(serde_json::Value::String(self.via.clone()))
            .map_err(|_| format!("delivery {id}: unknown via '{}'", self.via))?;
        let incident: Option<PagedIncident> = self
            .paged
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(|e| format!("delivery {id}: unreadable incident: {e}"))?;
        let started_at = parse_time(&self.started_at)?;
        let due_at = parse_time(&self.due_at)?;
        let after = (due_at - started_at).to_std().unwrap_or_default();
        let time = |t: Option<String>| t.as_deref().map(parse_time).transpose();
        let delivery = Delivery {
            event: self.event.parse()?,
            incident,
            recipient,
            contact: Contact {
                via,
                to: self.contact_to,
                after,
            },
            contact_index: number(self.contact_index, "contact index")?,
            round: number(self.round, "round")?,
            attempt: number(self.attempts, "attempts")?,
            detail: self.detail,
            id: id.clone(),
        };
        Ok(DeliveryRecord {
            delivery,
            state: self.state.parse()?,
            started_at,
            due_at,
            next_attempt_at: parse_time(&self.next_attempt_at)?,
            lease_until: time(self.lease_until)?,
            last_error: self.last_error,
            answered_at: time(self.answered_at)?,
            stopped: self.stopped,
        })
    }
}

/// A hand-off row as stored, before its times and ids are read.
pub struct StoredHandoff {
    pub id: i64,
    pub from: String,
    pub to: String,
    pub at: String,
    pub until: Option<String>,
    pub note: String,
    pub moved: String,
}

impl StoredHandoff {
    pub fn decode(self) -> Result<Handoff, String> {
        let id = self.id;
        Ok(Handoff {
            id: u64::try_from(id).map_err(|_| format!("hand-off id {id} is negative"))?,
            from: self.from,
            to: self.to,
            at: parse_time(&self.at)?,
            note: self.note,
            moved: serde_json::from_str(&self.moved)
                .map_err(|e| format!("hand-off #{id} has unreadable moved ids: {e}"))?,
            until: self.until.as_deref().map(parse_time).transpose()?,
        })
    }
}

/// A heartbeat's columns, in the order of [`StoredBeat`]'s fields.
pub const HEARTBEAT_COLUMNS: &str =
    "name, state, since, last_ping, last_status, exit_code, run_id, log, run_started, due";

/// A heartbeat row as stored, before its values are read.
pub struct StoredBeat {
    pub name: String,
    pub state: String,
    pub since: String,
    pub last_ping: Option<String>,
    pub last_status: Option<String>,
    pub exit_code: Option<i64>,
    pub run_id: Option<String>,
    pub log: Option<String>,
    pub run_started: Option<String>,
    pub due: Option<String>,
}

impl StoredBeat {
    /// The row a store writes for `beat`.
    pub fn of(beat: &Beat) -> StoredBeat {
        let time = |t: Option<DateTime<Utc>>| t.map(time_text);
        StoredBeat {
            name: beat.name.clone(),
            state: beat.state.as_str().to_string(),
            since: time_text(beat.since),
            last_ping: time(beat.last_ping),
            last_status: beat.last_status.map(|s| s.as_str().to_string()),
            exit_code: beat.exit_code.map(i64::from),
            run_id: beat.run_id.clone(),
            log: beat.log.clone(),
            run_started: time(beat.run_started),
            due: time(beat.due),
        }
    }

    pub fn decode(self) -> Result<Beat, String> {
        let name = self.name;
        let time = |t: Option<String>| t.as_deref().map(parse_time).transpose();
        let in_beat = |e: String| format!("heartbeat '{name}': {e}");
        Ok(Beat {
            state: self.state.parse().map_err(in_beat)?,
            since: parse_time(&self.since).map_err(in_beat)?,
            last_ping: time(self.last_ping).map_err(in_beat)?,
            last_status: self
                .last_status
                .as_deref()
                .map(str::parse)
                .transpose()
                .map_err(in_beat)?,
            exit_code: self
                .exit_code
                .map(i32::try_from)
                .transpose()
                .map_err(|e| in_beat(format!("exit code out of range: {e}")))?,
            run_id: self.run_id,
            log: self.log,
            run_started: time(self.run_started).map_err(in_beat)?,
            due: time(self.due).map_err(in_beat)?,
            name,
        })
    }
}
/// A squash's columns, in the order of [`StoredSquash`]'s fields.
pub const SQUASH_COLUMNS: &str =
    "id, matchers, starts, until, reason, created_by, created_at, removed_by, removed_at";

/// A squash row as stored, before its times and matchers are read. Its
/// times are queue times ([`queue_time`]), so "over after T" compares as
/// text.
pub struct StoredSquash {
    pub id: i64,
    pub matchers: String,
    pub starts: String,
    pub until: String,
    pub reason: String,
    pub created_by: String,
    pub created_at: String,
    pub removed_by: Option<String>,
    pub removed_at: Option<String>,
}

impl StoredSquash {
    pub fn decode(self) -> Result<Squash, String> {
        let id = self.id;
        Ok(Squash {
            id: u64::try_from(id).map_err(|_| format!("squash id {id} is negative"))?,
            matchers: serde_json::from_str(&self.matchers)
                .map_err(|e| format!("squash #{id} has unreadable matchers: {e}"))?,
            starts: parse_time(&self.starts)?,
            until: parse_time(&self.until)?,
            reason: self.reason,
            created_by: self.created_by,
            created_at: parse_time(&self.created_at)?,
            removed_by: self.removed_by,
            removed_at: self.removed_at.as_deref().map(parse_time).transpose()?,
        })
    }
}

/// The condition on a squash row that it is over after the time in
/// parameter `param` (`?1`, `$1`): removed after it, or not removed and
/// ending after it. Both stores' SQL, the same text comparison.
pub fn squash_over_after(param: &str) -> String {
    format!(
        "(CASE WHEN removed_at IS NOT NULL AND removed_at < until THEN removed_at ELSE until END) > {param}"
    )
}

/// A squash's matchers as stored.
pub fn matchers_json(squash: &NewSquashRecord) -> Result<String, StoreError> {
    serde_json::to_string(&squash.matchers)
        .map_err(|e| StoreError::Corrupt(format!("matchers do not serialise: {e}")))
}
