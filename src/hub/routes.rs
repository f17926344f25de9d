//! The handlers of the hub's HTTP API (docs/api.md).
//! Each checks what it was sent, then makes its change in one transaction on
//! a blocking thread; the answer goes out only after the commit.
use axum::Json as JsonResponse;
use axum::extract::{OriginalUri, State};
use axum::http::{Method, StatusCode};
use axum::response::IntoResponse;

use crate::incident::{
    AckRequest, EscalateRequest, Incident, NewIncident, NoteRequest, ResolveRequest, StepRequest,
};

use super::HubState;
use super::auth::Responder;
use super::changes;
use super::error::ApiError;
use super::escalation;
use super::extract::{IncidentId, Json, OptionalJson};
use super::idempotency::{Answer as IdemAnswer, IdempotencyKey};
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
    let incident = state.blocking(move |s| s.store().get(id)).await?;
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
    let request = request_name("open", None, &new);
    state
        .change(who, key, taken, request, move |tx, by, paging| {
            let opened = changes::open_or_fold(tx, by, &new, paging)?;
            tracing::debug!(
                id = opened.incident.id,
                folded = opened.folded,
                "incident opened"
            );
            let status = if opened.folded {
                StatusCode::OK
            } else {
                StatusCode::CREATED
            };
            Ok((status, opened))
        })
        .await
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
    let request = request_name("acknowledge", Some(id), &req);
    state
        .change(who, key, taken, request, move |tx, by, _| {
            Ok((StatusCode::OK, changes::acknowledge(tx, by, id, &req)?))
        })
        .await
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
    let request = request_name("escalate", Some(id), &req);
    state
        .change(who, key, taken, request, move |tx, by, paging| {
            let inc = escalation::escalate(tx, by, id, req.note.as_deref(), paging)?;
            Ok((StatusCode::OK, inc))
        })
        .await
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
    let request = request_name("resolve", Some(id), &req);
    state
        .change(who, key, taken, request, move |tx, by, _| {
            Ok((
                StatusCode::OK,
                changes::resolve(tx, by, id, req.note.as_deref())?,
            ))
        })
        .await
}

pub async fn add_note(
    State(state): State<HubState>,
    Responder(who): Responder,
    IncidentId(id): IncidentId,
    key: IdempotencyKey,
    taken: TakenAt,
    Json(req): Json<NoteRequest>,
) -> Changed {
    let text = validate::note_text(&req.text)?.to_string();
    let request = request_name("note", Some(id), &req);
    state
        .change(who, key, taken, request, move |tx, by, _| {
            Ok((StatusCode::CREATED, changes::add_note(tx, by, id, &text)?))
        })
        .await
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
    let request = request_name("step", Some(id), &req);
    state
        .change(who, key, taken, request, move |tx, by, _| {
            Ok((StatusCode::OK, changes::set_step(tx, by, id, &req)?))
        })
        .await
}

/// What a request asked for, to tell a repeat (same key, same request) from
/// a key reused for something else.
pub fn request_name<B: serde::Serialize>(what: &str, id: Option<u64>, body: &B) -> String {
    let body = serde_json::to_string(body).unwrap_or_default();
    match id {
        Some(id) => format!("{what} #{id} {body}"),
        None => format!("{what} {body}"),
    }
}

pub async fn not_found(OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::NotFound(format!("there is nothing at {}", uri.path()))
}

pub async fn method_not_allowed(method: Method, OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::MethodNotAllowed(format!("{} does not take {method}", uri.path()))
}
