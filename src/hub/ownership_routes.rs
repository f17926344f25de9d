//! The routes of ownership and roles (docs/api.md): reassign or take over
//! (`assign`), give back (`unacknowledge`), `snooze`, ask for help
//! (`helpers`), name a major incident's manager (`roles`) and tell
//! stakeholders how it goes (`updates`). Each checks
//! its request (the names it carries are people of this hub) and hands an
//! [`OwnershipChange`] to `HubState::apply`; the rules are
//! `rules::ownership`. Integrations never get here (`auth`).
use axum::extract::State;

use crate::config::Role;
use crate::incident::limits::MAX_SNOOZE_SECS;
use crate::incident::{
    AssignRequest, HelpRequest, INCIDENT_MANAGER, RoleRequest, SnoozeRequest, StatusUpdateRequest,
    UnacknowledgeRequest,
};

use super::HubState;
use super::auth::{Responder, Responders};
use super::change::{Change, OwnershipChange};
use super::error::ApiError;
use super::extract::{IncidentId, Json, OptionalJson};
use super::idempotency::IdempotencyKey;
use super::routes::Changed;
use super::taken_at::TakenAt;
use super::validate;

pub async fn assign(
    State(state): State<HubState>,
    Responder(who): Responder,
    IncidentId(id): IncidentId,
    key: IdempotencyKey,
    taken: TakenAt,
    Json(req): Json<AssignRequest>,
) -> Changed {
    validate::optional_note(req.note.as_deref())?;
    let req = AssignRequest {
        to: person(&state.responders(), "to", &req.to, "own an incident")?,
        ..req
    };
    let change = OwnershipChange::Assign(req);
    made(&state, who, (key, taken), id, change).await
}

pub async fn unacknowledge(
    State(state): State<HubState>,
    Responder(who): Responder,
    IncidentId(id): IncidentId,
    key: IdempotencyKey,
    taken: TakenAt,
    OptionalJson(req): OptionalJson<UnacknowledgeRequest>,
) -> Changed {
    validate::optional_note(req.note.as_deref())?;
    let change = OwnershipChange::Unacknowledge(req);
    made(&state, who, (key, taken), id, change).await
}

pub async fn snooze(
    State(state): State<HubState>,
    Responder(who): Responder,
    IncidentId(id): IncidentId,
    key: IdempotencyKey,
    taken: TakenAt,
    Json(req): Json<SnoozeRequest>,
) -> Changed {
    let length = req.length.duration().map_err(ApiError::bad_request)?;
    if length.as_secs() > MAX_SNOOZE_SECS {
        return Err(ApiError::bad_request(format!(
            "for: a snooze lasts at most {}h; resolve the incident, or squash its alert for longer",
            MAX_SNOOZE_SECS / 3600
        )));
    }
    let change = OwnershipChange::Snooze(req);
    made(&state, who, (key, taken), id, change).await
}

pub async fn ask_help(
    State(state): State<HubState>,
    Responder(who): Responder,
    IncidentId(id): IncidentId,
    key: IdempotencyKey,
    taken: TakenAt,
    Json(req): Json<HelpRequest>,
) -> Changed {
    validate::optional_note(req.note.as_deref())?;
    let req = HelpRequest {
        who: person(&state.responders(), "who", &req.who, "help")?,
        ..req
    };
    let change = OwnershipChange::Help(req);
    made(&state, who, (key, taken), id, change).await
}

pub async fn set_role(
    State(state): State<HubState>,
    Responder(who): Responder,
    IncidentId(id): IncidentId,
    key: IdempotencyKey,
    taken: TakenAt,
    Json(req): Json<RoleRequest>,
) -> Changed {
    let role = req.role.trim();
    if role != INCIDENT_MANAGER {
        validate::identifier("role", role)?;
        return Err(ApiError::bad_request(format!(
            "role: '{role}' is not a role the hub knows; the roles are: {INCIDENT_MANAGER}"
        )));
    }
    let req = RoleRequest {
        role: INCIDENT_MANAGER.to_string(),
        who: person(&state.responders(), "who", &req.who, "run an incident")?,
        ..req
    };
    let change = OwnershipChange::Role(req);
    made(&state, who, (key, taken), id, change).await
}

/// A status update: the same limits as a note; the rule refuses one with
/// nothing to say.
pub async fn status_update(
    State(state): State<HubState>,
    Responder(who): Responder,
    IncidentId(id): IncidentId,
    key: IdempotencyKey,
    taken: TakenAt,
    Json(req): Json<StatusUpdateRequest>,
) -> Changed {
    let text = req.text.trim();
    if text.is_empty() {
        return Err(ApiError::bad_request(
            "text: a status update says what stakeholders should know; it is empty",
        ));
    }
    validate::optional_note(Some(text))?;
    let req = StatusUpdateRequest {
        text: text.to_string(),
    };
    let change = OwnershipChange::StatusUpdate(req);
    made(&state, who, (key, taken), id, change).await
}

async fn made(
    state: &HubState,
    who: String,
    (key, taken): (IdempotencyKey, TakenAt),
    id: u64,
    change: OwnershipChange,
) -> Changed {
    let change = Change::Ownership { id, change };
    state.apply(who, key, taken, change).await?.answer()
}

/// `name` (from `field`), trimmed: a person of this hub. An unknown name is
/// 400, naming who may `what`; an integration, which never does, is 403.
pub(super) fn person(
    responders: &Responders,
    field: &str,
    name: &str,
    what: &str,
) -> Result<String, ApiError> {
    let people = || responders.people().join(", ");
    let Some(name) = validate::name(field, Some(name))? else {
        return Err(ApiError::bad_request(format!(
            "{field} must name a person of this hub: one of {}",
            people()
        )));
    };
    match responders.role(&name) {
        None => Err(ApiError::bad_request(format!(
            "{field}: '{name}' is not a responder of this hub; one of {} may {what}",
            people()
        ))),
        Some(Role::Integration) => Err(ApiError::Forbidden(format!(
            "{field}: '{name}' is an integration, which never may {what}; one of {} may",
            people()
        ))),
        Some(Role::Responder | Role::Lead) => Ok(name),
    }
}
