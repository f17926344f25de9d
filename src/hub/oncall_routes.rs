//! The rota's routes: who is on call (`GET /api/v1/oncall`), the end of a
//! shift (`POST /api/v1/handoff`, or only its check with `?dry_run=true`) and
//! the note the incoming responder reads (`GET /api/v1/handoffs/latest`).
use axum::Json as JsonResponse;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::config::Role;
use crate::incident::{Handoff, HandoffRequest, OnCall};

use super::HubState;
use super::auth::{Responder, Responders};
use super::changes::Actor;
use super::error::ApiError;
use super::extract::Json;
use super::handoff;
use super::idempotency::IdempotencyKey;
use super::routes::request_name;
use super::taken_at::TakenAt;
use super::validate;

type Answer<T> = Result<(StatusCode, JsonResponse<T>), ApiError>;

pub async fn oncall(State(state): State<HubState>, _who: Responder) -> Answer<OnCall> {
    let view = state
        .blocking(|s| {
            let now = s.now();
            let handoffs = s.store().read(|tx| handoff::covers(tx, now, s.paging()))?;
            Ok(s.paging().view(now, &handoffs))
        })
        .await?;
    Ok((StatusCode::OK, JsonResponse(view)))
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
        check_target(state.responders(), to)?;
    }
    let lead = state.responders().role(&who) == Some(Role::Lead);
    if params.dry_run {
        let plan = state
            .blocking(move |s| {
                let by = Actor {
                    who: &who,
                    now: s.now(),
                    taken: None,
                };
                let to = req.to.as_deref();
                s.store()
                    .read(|tx| handoff::plan(tx, by, lead, to, s.paging()))
            })
            .await?;
        return Ok((StatusCode::OK, JsonResponse(plan)).into_response());
    }
    let request = request_name("handoff", None, &req);
    let answer = state
        .change(who, key, taken, request, move |tx, by, paging| {
            let recorded = handoff::record(tx, by, lead, req.to.as_deref(), &req.note, paging)?;
            tracing::info!(
                from = %recorded.from,
                to = %recorded.to,
                by = %by.who,
                moved = recorded.moved.len(),
                "shift handed off"
            );
            Ok((StatusCode::CREATED, recorded))
        })
        .await?;
    Ok(answer.into_response())
}

/// A hand-off goes to a person of this hub: never to an unknown name, and
/// never to an integration, which is never on call.
fn check_target(responders: &Responders, to: &str) -> Result<(), ApiError> {
    let people = || responders.people().join(", ");
    match responders.role(to) {
        None => Err(ApiError::bad_request(format!(
            "'{to}' is not a responder of this hub: hand off to one of {}",
            people()
        ))),
        Some(Role::Integration) => Err(ApiError::Forbidden(format!(
            "'{to}' is an integration, which is never on call: hand off to one of {}",
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
    let wanted = to.clone();
    let found = state
        .blocking(move |s| s.store().read(|tx| handoff::latest(tx, wanted.as_deref())))
        .await?;
    match found {
        Some(h) => Ok((StatusCode::OK, JsonResponse(h))),
        None => Err(ApiError::NotFound(match to {
            Some(to) => format!("no hand-off to {to} has been recorded yet"),
            None => "no hand-off has been recorded yet".to_string(),
        })),
    }
}
