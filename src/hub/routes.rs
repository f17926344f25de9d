//! The handlers of the hub's HTTP API (PRODUCT.md, "The hub's HTTP API").
//! Each checks what it was sent, then makes its change in one transaction on
//! a blocking thread; the answer goes out only after the commit.
use axum::Json as JsonResponse;
use axum::extract::{OriginalUri, State};
use axum::http::{Method, StatusCode};
use axum::response::IntoResponse;

use crate::incident::{
    AckRequest, EscalateRequest, Incident, NewIncident, NoteRequest, Opened, ResolveRequest,
    StepRequest,
};

use super::HubState;
use super::auth::Responder;
use super::changes::{self, Actor};
use super::error::ApiError;
use super::escalation;
use super::extract::{IncidentId, Json, OptionalJson};
use super::validate;

type Answer<T> = Result<(StatusCode, JsonResponse<T>), ApiError>;

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
    Json(new): Json<NewIncident>,
) -> Answer<Opened> {
    let new = validate::new_incident(new)?;
    let opened = state
        .blocking(move |s| {
            let by = Actor {
                who: &who,
                now: s.now(),
            };
            s.store()
                .write(|tx| changes::open_or_fold(tx, by, &new, s.paging()))
        })
        .await?;
    let status = if opened.folded {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    tracing::debug!(
        id = opened.incident.id,
        folded = opened.folded,
        "incident opened"
    );
    Ok((status, JsonResponse(opened)))
}

pub async fn acknowledge(
    State(state): State<HubState>,
    Responder(who): Responder,
    IncidentId(id): IncidentId,
    OptionalJson(req): OptionalJson<AckRequest>,
) -> Answer<Incident> {
    validate::optional_note(req.note.as_deref())?;
    let incident = state
        .blocking(move |s| {
            let by = Actor {
                who: &who,
                now: s.now(),
            };
            s.store().write(|tx| changes::acknowledge(tx, by, id, &req))
        })
        .await?;
    Ok((StatusCode::OK, JsonResponse(incident)))
}

pub async fn escalate(
    State(state): State<HubState>,
    Responder(who): Responder,
    IncidentId(id): IncidentId,
    OptionalJson(req): OptionalJson<EscalateRequest>,
) -> Answer<Incident> {
    validate::optional_note(req.note.as_deref())?;
    let incident = state
        .blocking(move |s| {
            let by = Actor {
                who: &who,
                now: s.now(),
            };
            s.store()
                .write(|tx| escalation::escalate(tx, by, id, req.note.as_deref(), s.paging()))
        })
        .await?;
    Ok((StatusCode::OK, JsonResponse(incident)))
}

pub async fn resolve(
    State(state): State<HubState>,
    Responder(who): Responder,
    IncidentId(id): IncidentId,
    OptionalJson(req): OptionalJson<ResolveRequest>,
) -> Answer<Incident> {
    validate::optional_note(req.note.as_deref())?;
    let incident = state
        .blocking(move |s| {
            let by = Actor {
                who: &who,
                now: s.now(),
            };
            s.store()
                .write(|tx| changes::resolve(tx, by, id, req.note.as_deref()))
        })
        .await?;
    Ok((StatusCode::OK, JsonResponse(incident)))
}

pub async fn add_note(
    State(state): State<HubState>,
    Responder(who): Responder,
    IncidentId(id): IncidentId,
    Json(req): Json<NoteRequest>,
) -> Answer<Incident> {
    let text = validate::note_text(&req.text)?.to_string();
    let incident = state
        .blocking(move |s| {
            let by = Actor {
                who: &who,
                now: s.now(),
            };
            s.store().write(|tx| changes::add_note(tx, by, id, &text))
        })
        .await?;
    Ok((StatusCode::CREATED, JsonResponse(incident)))
}

pub async fn set_step(
    State(state): State<HubState>,
    Responder(who): Responder,
    IncidentId(id): IncidentId,
    Json(req): Json<StepRequest>,
) -> Answer<Incident> {
    let req = validate::step(req)?;
    let incident = state
        .blocking(move |s| {
            let by = Actor {
                who: &who,
                now: s.now(),
            };
            s.store().write(|tx| changes::set_step(tx, by, id, &req))
        })
        .await?;
    Ok((StatusCode::OK, JsonResponse(incident)))
}

pub async fn not_found(OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::NotFound(format!("there is nothing at {}", uri.path()))
}

pub async fn method_not_allowed(method: Method, OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::MethodNotAllowed(format!("{} does not take {method}", uri.path()))
}
