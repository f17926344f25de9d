//! The overrides' routes (docs/api.md): put someone on call for a window
//! (`POST /api/v1/overrides`), list those in force and upcoming (`GET`), and
//! remove one (`DELETE /api/v1/overrides/{id}`). Making and removing are
//! changes like any other: checked here, decided by `rules::cover` in one
//! transaction with the covers recorded so far and the pages to whoever is
//! displaced, and remembered under their Idempotency-Key. Integrations are
//! refused by the auth layer (they only send events).
use axum::Json as JsonResponse;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::config::Role;
use crate::incident::{NewOverride, OverrideList};

use super::HubState;
use super::auth::Responder;
use super::change::Change;
use super::error::ApiError;
use super::extract::Json;
use super::idempotency::IdempotencyKey;
use super::oncall_routes::check_person;
use super::routes::Changed;
use super::store::Store;
use super::taken_at::TakenAt;

pub async fn make(
    State(state): State<HubState>,
    Responder(who): Responder,
    key: IdempotencyKey,
    taken: TakenAt,
    Json(req): Json<NewOverride>,
) -> Changed {
    let responder = req.responder.trim();
    if responder.is_empty() {
        return Err(ApiError::bad_request(
            "say who is on call, like {\"responder\": \"bob\", \"start\": \"...\", \"end\": \"...\"}",
        ));
    }
    check_person(&state.responders(), responder, "name")?;
    let req = NewOverride {
        responder: responder.to_string(),
        ..req
    };
    let lead = state.responders().role(&who) == Some(Role::Lead);
    let applied = state
        .apply(who, key, taken, Change::Override { req, lead })
        .await?;
    applied.answer()
}

pub async fn remove(
    State(state): State<HubState>,
    Responder(who): Responder,
    Path(raw): Path<String>,
    key: IdempotencyKey,
    taken: TakenAt,
) -> Changed {
    let id = raw.parse::<u64>().map_err(|_| {
        ApiError::bad_request("override ids are numbers, like /api/v1/overrides/3".to_string())
    })?;
    let lead = state.responders().role(&who) == Some(Role::Lead);
    let applied = state
        .apply(who, key, taken, Change::Unoverride { id, lead })
        .await?;
    applied.answer()
}

/// Those in force and upcoming, soonest first.
pub async fn list(
    State(state): State<HubState>,
    _who: Responder,
) -> Result<(StatusCode, JsonResponse<OverrideList>), ApiError> {
    let overrides = state.store().overrides(state.now()).await?;
    Ok((StatusCode::OK, JsonResponse(OverrideList { overrides })))
}
