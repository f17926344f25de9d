//! The rota's routes: who is on call (`GET /api/v1/oncall`), the end of a
//! shift (`POST /api/v1/handoff`, or only its check with `?dry_run=true`) and
//! the note the incoming responder reads (`GET /api/v1/handoffs/latest`).
//! Overrides made through the API have their own routes (`override_routes`).
use axum::Json as JsonResponse;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::config::Role;
use crate::incident::{Handoff, HandoffRequest, OnCall};

use super::HubState;
use super::apply::Applied;
use super::auth::{Responder, Responders};
use super::change::{Change, Outcome};
use super::error::ApiError;
use super::extract::Json;
use super::idempotency::IdempotencyKey;
use super::rules;
use super::store::Store;
use super::taken_at::TakenAt;
use super::validate;

type Answer<T> = Result<(StatusCode, JsonResponse<T>), ApiError>;

pub async fn oncall(State(state): State<HubState>, _who: Responder) -> Answer<OnCall> {
    let now = state.now();
    let paging = &*state.paging();
    let handoffs = match rules::covers_since(paging, now) {
        Some(since) => rules::in_force(paging, state.store().covers(since).await?),
        None => Vec::new(),
    };
    Ok((StatusCode::OK, JsonResponse(paging.view(now, &handoffs))))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HandoffParams {
    /// Only check: answer what the hand-off would do, or why it would be
    /// refused, and record nothing.
    #[serde(default)]
    dry_run: bool,
}

pub async fn hand_off(
    State(state): State<HubState>,
    Responder(who): Responder,
    key: IdempotencyKey,
    taken: TakenAt,
    query: Result<Query<HandoffParams>, QueryRejection>,
    Json(req): Json<HandoffRequest>,
) -> Result<Response, ApiError> {
    let Query(params) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let req = validate::handoff(req)?;
    if let Some(to) = &req.to {
        check_person(&state.responders(), to, "hand off to")?;
    }
    let lead = state.responders().role(&who) == Some(Role::Lead);
    let change = Change::Handoff { req, lead };
    if params.dry_run {
        return Ok(state.try_change(who, change).await?.into_response());
    }
    let applied = state.apply(who.clone(), key, taken, change).await?;
    if let Applied::Now {
        result: Ok(Outcome::HandedOff(recorded)),
        ..
    } = &applied
    {
        tracing::info!(
            from = %recorded.from,
            to = %recorded.to,
            by = %who,
            moved = recorded.moved.len(),
            "shift handed off"
        );
    }
    Ok(applied.answer()?.into_response())
}

/// Who is put on call (by a hand-off or an override) is a person of this
/// hub: never an unknown name, and never an integration, which is never on
/// call. `doing` ends the hint: "hand off to", "name".
pub(super) fn check_person(responders: &Responders, to: &str, doing: &str) -> Result<(), ApiError> {
    let people = || responders.people().join(", ");
    match responders.role(to) {
        None => Err(ApiError::bad_request(format!(
            "'{to}' is not a responder of this hub: {doing} one of {}",
            people()
        ))),
        Some(Role::Integration) => Err(ApiError::Forbidden(format!(
            "'{to}' is an integration, which is never on call: {doing} one of {}",
            people()
        ))),
        Some(Role::Responder | Role::Lead) => Ok(()),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LatestParams {
    /// Only hand-offs addressed to this responder.
    to: Option<String>,
}

pub async fn latest_handoff(
    State(state): State<HubState>,
    _who: Responder,
    query: Result<Query<LatestParams>, QueryRejection>,
) -> Answer<Handoff> {
    let Query(params) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let to = validate::name("to", params.to.as_deref())?;
    let found = state.store().latest_handoff(to.clone()).await?;
    match found {
        Some(h) => Ok((StatusCode::OK, JsonResponse(h))),
        None => Err(ApiError::NotFound(match to {
            Some(to) => format!("no hand-off to {to} has been recorded yet"),
            None => "no hand-off has been recorded yet".to_string(),
        })),
    }
}
