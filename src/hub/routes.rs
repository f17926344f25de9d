//! The handlers of the hub's HTTP API (docs/api.md).
//! Each checks what it was sent, then builds its [`Change`] and hands it to
//! `HubState::apply`; the answer goes out only after the commit.
use axum::Json as JsonResponse;
use axum::extract::{OriginalUri, State};
use axum::http::{Method, StatusCode};
use axum::response::IntoResponse;

use crate::incident::{
    AckRequest, EscalateRequest, Incident, NewIncident, NoteRequest, ResolveRequest, StepRequest,
};

use super::HubState;
use super::apply::Applied;
use super::auth::Responder;
use super::change::{Change, Outcome};
use super::error::ApiError;
use super::extract::{IncidentId, Json, OptionalJson};
use super::idempotency::{Answer as IdemAnswer, IdempotencyKey};
use super::metrics::Escalated;
use super::store::Store;
use super::taken_at::TakenAt;
use super::validate;

type Answer<T> = Result<(StatusCode, JsonResponse<T>), ApiError>;

/// The answer to a change: the stored one, when it repeats an earlier
/// request with the same Idempotency-Key.
pub type Changed = Result<IdemAnswer, ApiError>;

pub async fn healthz() -> impl IntoResponse {
    JsonResponse(serde_json::json!({ "status": "ok" }))
}

pub async fn get_incident(
    State(state): State<HubState>,
    _who: Responder,
    IncidentId(id): IncidentId,
) -> Answer<Incident> {
    let incident = state.store().get(id).await?;
    Ok((StatusCode::OK, JsonResponse(incident)))
}

pub async fn open_incident(
    State(state): State<HubState>,
    Responder(who): Responder,
    key: IdempotencyKey,
    taken: TakenAt,
    Json(new): Json<NewIncident>,
) -> Changed {
    let new = validate::new_incident(new)?;
    let applied = state.apply(who, key, taken, Change::Open(new)).await?;
    if let Applied::Now {
        result: Ok(Outcome::Opened(opened)),
        ..
    } = &applied
    {
        tracing::debug!(
            id = opened.incident.id,
            folded = opened.folded,
            "incident opened"
        );
    }
    applied.answer()
}

pub async fn acknowledge(
    State(state): State<HubState>,
    Responder(who): Responder,
    IncidentId(id): IncidentId,
    key: IdempotencyKey,
    taken: TakenAt,
    OptionalJson(req): OptionalJson<AckRequest>,
) -> Changed {
    validate::optional_note(req.note.as_deref())?;
    let change = Change::Acknowledge { id, req };
    state.apply(who, key, taken, change).await?.answer()
}

pub async fn escalate(
    State(state): State<HubState>,
    Responder(who): Responder,
    IncidentId(id): IncidentId,
    key: IdempotencyKey,
    taken: TakenAt,
    OptionalJson(req): OptionalJson<EscalateRequest>,
) -> Changed {
    validate::optional_note(req.note.as_deref())?;
    let change = Change::Escalate { id, req };
    let applied = state.apply(who, key, taken, change).await?;
    if let Applied::Now { result: Ok(_), .. } = &applied {
        state.metrics().escalated(Escalated::Manual, 1);
    }
    applied.answer()
}

pub async fn resolve(
    State(state): State<HubState>,
    Responder(who): Responder,
    IncidentId(id): IncidentId,
    key: IdempotencyKey,
    taken: TakenAt,
    OptionalJson(req): OptionalJson<ResolveRequest>,
) -> Changed {
    validate::optional_note(req.note.as_deref())?;
    let change = Change::Resolve { id, req };
    state.apply(who, key, taken, change).await?.answer()
}

pub async fn add_note(
    State(state): State<HubState>,
    Responder(who): Responder,
    IncidentId(id): IncidentId,
    key: IdempotencyKey,
    taken: TakenAt,
    Json(req): Json<NoteRequest>,
) -> Changed {
    validate::note_text(&req.text)?;
    let change = Change::Note { id, req };
    state.apply(who, key, taken, change).await?.answer()
}

pub async fn set_step(
    State(state): State<HubState>,
    Responder(who): Responder,
    IncidentId(id): IncidentId,
    key: IdempotencyKey,
    taken: TakenAt,
    Json(req): Json<StepRequest>,
) -> Changed {
    let req = validate::step(req)?;
    let change = Change::Step { id, req };
    state.apply(who, key, taken, change).await?.answer()
}

pub async fn not_found(OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::NotFound(format!("there is nothing at {}", uri.path()))
}

pub async fn method_not_allowed(method: Method, OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::MethodNotAllowed(format!("{} does not take {method}", uri.path()))
}
