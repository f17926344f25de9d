//! The rota's routes: who is on call (`GET /api/v1/oncall`), the end of a
//! shift (`POST /api/v1/handoff`) and the note the incoming responder reads
//! (`GET /api/v1/handoffs/latest`).
use axum::Json as JsonResponse;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Deserialize;

use crate::incident::{Handoff, HandoffRequest, OnCall};

use super::HubState;
use super::auth::Responder;
use super::error::ApiError;
use super::extract::Json;
use super::handoff;
use super::idempotency::IdempotencyKey;
use super::routes::{Changed, request_name};
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

pub async fn hand_off(
    State(state): State<HubState>,
    Responder(who): Responder,
    key: IdempotencyKey,
    Json(req): Json<HandoffRequest>,
) -> Changed {
    let req = validate::handoff(req)?;
    if let Some(to) = &req.to
        && !state.responders().contains(to)
    {
        return Err(ApiError::bad_request(format!(
            "'{to}' is not a responder of this hub: hand off to one of {}",
            state.responders().names().join(", ")
        )));
    }
    let request = request_name("handoff", None, &req);
    state
        .change(who, key, request, move |tx, by, paging| {
            let recorded = handoff::record(tx, by, req.to.as_deref(), &req.note, paging)?;
            tracing::info!(
                from = %recorded.from,
                to = %recorded.to,
                moved = recorded.moved.len(),
                "shift handed off"
            );
            Ok((StatusCode::CREATED, recorded))
        })
        .await
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
