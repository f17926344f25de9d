//! `POST /api/v1/heartbeats/{name}` (a ping: by a person's token or an
//! integration's, so a job needs no person's) and `GET /api/v1/heartbeats`
//! (every configured heartbeat with its state, last ping and when the next
//! is due). A ping is a change like any other: made in one transaction,
//! remembered under its Idempotency-Key.
use axum::Json as JsonResponse;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::incident::{HeartbeatList, MAX_PING_LOG_BYTES, MAX_RUN_ID_CHARS, PingRequest};

use crate::hub::HubState;
use crate::hub::auth::Responder;
use crate::hub::change::Change;
use crate::hub::error::ApiError;
use crate::hub::extract::OptionalJson;
use crate::hub::idempotency::IdempotencyKey;
use crate::hub::routes::Changed;
use crate::hub::store::Store;
use crate::hub::taken_at::TakenAt;

pub async fn ping(
    State(state): State<HubState>,
    Responder(who): Responder,
    name: Result<Path<String>, axum::extract::rejection::PathRejection>,
    key: IdempotencyKey,
    taken: TakenAt,
    OptionalJson(req): OptionalJson<PingRequest>,
) -> Changed {
    let Path(name) = name.map_err(|e| ApiError::bad_request(e.body_text()))?;
    if state.heartbeats().get(&name).is_none() {
        return Err(ApiError::NotFound(format!(
            "there is no heartbeat named '{}': add it to [[hub.heartbeats]] in the hub's config",
            crate::sanitize::line(&name)
        )));
    }
    let req = checked(req)?;
    let change = Change::Heartbeat { name, req };
    state.apply(who, key, taken, change).await?.answer()
}

/// A ping's body within its limits; the log is the job's own text, kept
/// as sent (it is made inert where it is shown).
fn checked(req: PingRequest) -> Result<PingRequest, ApiError> {
    if let Some(log) = &req.log
        && log.len() > MAX_PING_LOG_BYTES
    {
        return Err(ApiError::bad_request(format!(
            "log is {} bytes; send at most {MAX_PING_LOG_BYTES} (the last lines of the output, not all of it)",
            log.len()
        )));
    }
    if let Some(run) = &req.run_id
        && run.chars().count() > MAX_RUN_ID_CHARS
    {
        return Err(ApiError::bad_request(format!(
            "run_id is longer than {MAX_RUN_ID_CHARS} characters"
        )));
    }
    Ok(req)
}

pub async fn list(
    State(state): State<HubState>,
    _who: Responder,
) -> Result<(StatusCode, JsonResponse<HeartbeatList>), ApiError> {
    let beats = state.store().heartbeats().await?;
    let now = state.now();
    let heartbeats = state
        .heartbeats()
        .iter()
        .map(|config| {
            let beat = beats.iter().find(|b| b.name == config.name);
            super::view(beat, config, now)
        })
        .collect();
    Ok((StatusCode::OK, JsonResponse(HeartbeatList { heartbeats })))
}
