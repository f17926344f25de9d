//! A change is a value: what a request (or the hub itself) asks to change,
//! built by its handler after the request is checked and handed to
//! `HubState::apply`. Its fingerprint, which tells a repeat of a request
//! (same Idempotency-Key, same request) from a key reused for another one,
//! is derived from the value here, in one place. What a change did comes
//! back as an [`Outcome`], which is also how its answer looks on the wire.
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::incident::{
    AckRequest, AssignRequest, CloseFollowup, EscalateRequest, Followup, Handoff, HandoffPlan,
    HandoffRequest, Heartbeat, HelpRequest, Incident, NewFollowup, NewIncident, NewOverride,
    NewSquash, NoteRequest, Opened, Override, PingRequest, ResolveRequest, RoleRequest,
    SnoozeRequest, Squash, StatusUpdateRequest, StepRequest, UnacknowledgeRequest, WebhookAnswer,
    WebhookPayload,
};

use super::deliveries::DeliveryState;
use super::idempotency::Answer;
use super::rules::{AlertChange, Attempted};
use super::store::StoreError;

/// Everything that changes the hub's incidents or rota. The requests are
/// kept as the client sent them (after their checks), so the fingerprint
/// names the request, not what the hub made of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// `POST /incidents`: open, or fold into the open incident with its key.
    Open(NewIncident),
    Acknowledge {
        id: u64,
        req: AckRequest,
    },
    Escalate {
        id: u64,
        req: EscalateRequest,
    },
    Resolve {
        id: u64,
        req: ResolveRequest,
    },
    Note {
        id: u64,
        req: NoteRequest,
    },
    Step {
        id: u64,
        req: StepRequest,
    },
    /// Who holds incident `id`, and who else is on it.
    Ownership {
        id: u64,
        change: OwnershipChange,
    },
    /// The end of a shift. `lead` is the sender's role in the hub's config:
    /// it decides whose shift may be handed off, but is not part of the
    /// request.
    Handoff {
        req: HandoffRequest,
        lead: bool,
    },
    /// An Alertmanager webhook: every alert of one payload, one commit.
    WebhookBatch(WebhookBatch),
    /// Many incidents opened (or folded) in one commit, without a request
    /// each: for filling a hub in bulk (the demo, benchmarks).
    OpenMany(Vec<NewIncident>),
    /// One pass of the timers, by the hub: escalations, repeats and ack
    /// timeouts.
    EscalateOverdue,
    /// What one attempt at a delivery came to, by the hub.
    Delivery(Attempted),
    /// `POST /heartbeats/{name}`: a job's ping.
    Heartbeat {
        name: String,
        req: PingRequest,
    },
    /// `POST /squashes`: quiet the incidents that match, for a while.
    Squash(NewSquash),
    /// `DELETE /squashes/{id}`.
    Unsquash {
        id: u64,
    },
    /// `POST /overrides`: someone on call in a window. `lead` is the
    /// sender's role, which decides whom they may put on call.
    Override {
        req: NewOverride,
        lead: bool,
    },
    /// `DELETE /overrides/{id}`.
    Unoverride {
        id: u64,
        lead: bool,
    },
    /// `POST /incidents/{id}/followups`.
    AddFollowup {
        id: u64,
        req: NewFollowup,
    },
    /// `POST /followups/{id}`. `lead` is the sender's role in the hub's
    /// config: a lead may close anyone's follow-up.
    CloseFollowup {
        id: u64,
        req: CloseFollowup,
        lead: bool,
    },
}

/// The changes of who holds an incident and who else is on it, each named
/// by its route (`POST /incidents/{id}/ROUTE`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OwnershipChange {
    Assign(AssignRequest),
    Unacknowledge(UnacknowledgeRequest),
    Snooze(SnoozeRequest),
    Help(HelpRequest),
    Role(RoleRequest),
    StatusUpdate(StatusUpdateRequest),
}

impl OwnershipChange {
    /// The fingerprint of this change to incident `id`: its route and body.
    fn fingerprint(&self, id: u64) -> String {
        let id = Some(id);
        match self {
            OwnershipChange::Assign(req) => named("assign", id, req),
            OwnershipChange::Unacknowledge(req) => named("unacknowledge", id, req),
            OwnershipChange::Snooze(req) => named("snooze", id, req),
            OwnershipChange::Help(req) => named("helpers", id, req),
            OwnershipChange::Role(req) => named("roles", id, req),
            OwnershipChange::StatusUpdate(req) => named("updates", id, req),
        }
    }
}

/// A webhook payload as sent, and the change each of its alerts asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookBatch {
    pub payload: WebhookPayload,
    pub alerts: Vec<AlertChange>,
}

impl Change {
    /// What the request asked for: its route, its target and its body. The
    /// text is the one older hubs stored beside their answers, so a key used
    /// before an upgrade and sent again after it still finds its answer.
    pub fn fingerprint(&self) -> String {
        match self {
            Change::Open(new) => named("open", None, new),
            Change::Acknowledge { id, req } => named("acknowledge", Some(*id), req),
            Change::Escalate { id, req } => named("escalate", Some(*id), req),
            Change::Resolve { id, req } => named("resolve", Some(*id), req),
            Change::Note { id, req } => named("note", Some(*id), req),
            Change::Step { id, req } => named("step", Some(*id), req),
            Change::Ownership { id, change } => change.fingerprint(*id),
            Change::Handoff { req, .. } => named("handoff", None, req),
            Change::WebhookBatch(batch) => named("alertmanager", None, &batch.payload),
            Change::OpenMany(news) => named("open many", None, news),
            Change::EscalateOverdue => "escalate overdue".to_string(),
            Change::Delivery(a) => format!("delivery {} attempt {}", a.id, a.attempt),
            Change::Heartbeat { name, req } => format!("heartbeat {}", named(name, None, req)),
            Change::Squash(req) => named("squash", None, req),
            Change::Unsquash { id } => format!("unsquash #{id}"),
            Change::Override { req, .. } => named("override", None, req),
            Change::Unoverride { id, .. } => format!("remove override #{id}"),
            Change::AddFollowup { id, req } => named("followup", Some(*id), req),
            Change::CloseFollowup { id, req, .. } => named("close followup", Some(*id), req),
        }
    }
}

fn named<B: Serialize>(what: &str, id: Option<u64>, body: &B) -> String {
    let body = serde_json::to_string(body).unwrap_or_default();
    match id {
        Some(id) => format!("{what} #{id} {body}"),
        None => format!("{what} {body}"),
    }
}

/// What a change did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Opened (201) or folded into the open incident (200).
    Opened(Opened),
    /// The incident as the change left it.
    Changed(Incident),
    /// The incident with the note added (201: the note is new).
    Noted(Incident),
    HandedOff(Handoff),
    /// What a hand-off would do: the answer of a dry run.
    Planned(HandoffPlan),
    Webhook(WebhookAnswer),
    OpenedMany(Vec<Opened>),
    /// What the timers did.
    Timers(TimersDone),
    /// A delivery's state after an attempt; `None` when the attempt changed
    /// nothing (it came late).
    Delivery(Option<Settled>),
    /// A heartbeat after its ping.
    Heartbeat(Heartbeat),
    /// The squash made (201).
    Squash(Squash),
    /// The squash removed, with who removed it and when.
    Unsquashed(Squash),
    /// The override made, with whom it displaced (201).
    Override(Override),
    /// The override removed, with who removed it and when.
    Unoverridden(Override),
    /// The follow-up added (201).
    FollowupAdded(Followup),
    /// The follow-up closed, with who closed it and when.
    FollowupClosed(Followup),
}

/// A delivery after an attempt was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Settled {
    pub state: DeliveryState,
    /// When its contact fell due, retries or not: how late it went out.
    pub due_at: DateTime<Utc>,
}

/// What one pass of the timers did, by incident id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TimersDone {
    /// Went up a level, unacknowledged too long.
    pub escalated: Vec<u64>,
    /// Still unacknowledged after `repeat`: paged again.
    pub repeated: Vec<u64>,
    /// Acknowledged and not resolved within `ack_timeout`: triggered again.
    pub retriggered: Vec<u64>,
    /// Heartbeats that went down (missed, or a run that never ended), by name.
    pub heartbeats_down: Vec<String>,
    /// Taken by a squash that started (a maintenance window).
    pub squashed: Vec<u64>,
    /// Released by a squash that ended: paging again.
    pub released: Vec<u64>,
    /// Snoozed until now: triggered again, their owners paged.
    pub unsnoozed: Vec<u64>,
}

impl Outcome {
    /// The answer as it goes out (and is remembered under a key).
    pub fn answer(&self) -> Result<Answer, StoreError> {
        match self {
            Outcome::Opened(opened) if opened.folded => Answer::json(StatusCode::OK, opened),
            Outcome::Opened(opened) => Answer::json(StatusCode::CREATED, opened),
            Outcome::Changed(incident) => Answer::json(StatusCode::OK, incident),
            Outcome::Noted(incident) => Answer::json(StatusCode::CREATED, incident),
            Outcome::HandedOff(handoff) => Answer::json(StatusCode::CREATED, handoff),
            Outcome::Planned(plan) => Answer::json(StatusCode::OK, plan),
            Outcome::Webhook(answer) => Answer::json(StatusCode::OK, answer),
            Outcome::OpenedMany(opened) => Answer::json(StatusCode::OK, opened),
            Outcome::Timers(done) => Answer::json(StatusCode::OK, done),
            Outcome::Delivery(state) => Answer::json(StatusCode::OK, state),
            Outcome::Heartbeat(heartbeat) => Answer::json(StatusCode::OK, heartbeat),
            Outcome::Squash(squash) => Answer::json(StatusCode::CREATED, squash),
            Outcome::Unsquashed(squash) => Answer::json(StatusCode::OK, squash),
            Outcome::Override(made) => Answer::json(StatusCode::CREATED, made),
            Outcome::Unoverridden(removed) => Answer::json(StatusCode::OK, removed),
            Outcome::FollowupAdded(f) => Answer::json(StatusCode::CREATED, f),
            Outcome::FollowupClosed(f) => Answer::json(StatusCode::OK, f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fingerprints older hubs stored, byte for byte: a change of form
    /// here would refuse every key sent again after an upgrade as "used for
    /// another request".
    #[test]
    fn fingerprints_are_what_older_hubs_stored() {
        let ack = Change::Acknowledge {
            id: 7,
            req: AckRequest {
                version: Some(3),
                note: Some(" on it ".into()),
            },
        };
        assert_eq!(
            ack.fingerprint(),
            r#"acknowledge #7 {"version":3,"note":" on it "}"#
        );
        let note = Change::Note {
            id: 7,
            req: NoteRequest {
                text: " looking ".into(),
            },
        };
        assert_eq!(note.fingerprint(), r#"note #7 {"text":" looking "}"#);
        let open = Change::Open(NewIncident {
            title: "disk full".into(),
            service: "db".into(),
            ..NewIncident::default()
        });
        assert_eq!(
            open.fingerprint(),
            r#"open {"title":"disk full","service":"db","severity":"warning"}"#
        );
        let handoff = Change::Handoff {
            req: HandoffRequest {
                to: Some("bob".into()),
                note: "quiet".into(),
            },
            lead: true,
        };
        assert_eq!(
            handoff.fingerprint(),
            r#"handoff {"to":"bob","note":"quiet"}"#,
            "the sender's role is not the request's"
        );
        let step = Change::Step {
            id: 2,
            req: StepRequest {
                runbook: "disk".into(),
                step: 0,
                done: true,
                text: None,
            },
        };
        assert_eq!(
            step.fingerprint(),
            r#"step #2 {"runbook":"disk","step":0,"done":true}"#
        );
        let escalate = Change::Escalate {
            id: 2,
            req: EscalateRequest::default(),
        };
        assert_eq!(escalate.fingerprint(), "escalate #2 {}");
        let resolve = Change::Resolve {
            id: 2,
            req: ResolveRequest { note: None },
        };
        assert_eq!(resolve.fingerprint(), "resolve #2 {}");
        let webhook = Change::WebhookBatch(WebhookBatch {
            payload: WebhookPayload {
                version: Some("4".into()),
                ..WebhookPayload::default()
            },
            alerts: Vec::new(),
        });
        let assign = Change::Ownership {
            id: 4,
            change: OwnershipChange::Assign(AssignRequest {
                to: "bob".into(),
                note: None,
            }),
        };
        assert_eq!(assign.fingerprint(), r#"assign #4 {"to":"bob"}"#);
        let snooze = Change::Ownership {
            id: 4,
            change: OwnershipChange::Snooze(SnoozeRequest {
                length: crate::incident::SnoozeLength::Written("30m".into()),
            }),
        };
        assert_eq!(snooze.fingerprint(), r#"snooze #4 {"for":"30m"}"#);
        assert_eq!(
            webhook.fingerprint(),
            r#"alertmanager {"version":"4","status":null,"receiver":null,"groupLabels":{},"commonLabels":{},"commonAnnotations":{},"externalURL":null,"alerts":null}"#
        );
    }
}
