//! The squashes' routes (docs/api.md): make one (`POST /api/v1/squashes`),
//! list those in force and scheduled, or the history (`GET`), and remove one
//! before its end (`DELETE /api/v1/squashes/{id}`). Making and removing are
//! changes like any other: checked here, decided by `rules::squash` in one
//! transaction with the incidents they quiet or release, and remembered
//! under their Idempotency-Key. Integrations are refused by the auth layer
//! (they only send events).
use axum::Json as JsonResponse;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::incident::{NewSquash, SquashList};

use super::HubState;
use super::auth::Responder;
use super::change::Change;
use super::error::ApiError;
use super::extract::Json;
use super::idempotency::IdempotencyKey;
use super::routes::Changed;
use super::store::Store;
use super::taken_at::TakenAt;
use super::validate;

pub async fn make(
    State(state): State<HubState>,
    Responder(who): Responder,
    key: IdempotencyKey,
    taken: TakenAt,
    Json(req): Json<NewSquash>,
) -> Changed {
    let req = validate::squash(req)?;
    let applied = state.apply(who, key, taken, Change::Squash(req)).await?;
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
        ApiError::bad_request("squash ids are numbers, like /api/v1/squashes/3".to_string())
    })?;
    let applied = state
        .apply(who, key, taken, Change::Unsquash { id })
        .await?;
    applied.answer()
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Every squash ever made, over ones too.
    #[serde(default)]
    all: bool,
    /// The squashes in force or scheduled at this time, or that ended since
    /// (a shift's squashes, for its hand-off).
    since: Option<DateTime<Utc>>,
}

pub async fn list(
    State(state): State<HubState>,
    _who: Responder,
    query: Result<Query<ListParams>, QueryRejection>,
) -> Result<(StatusCode, JsonResponse<SquashList>), ApiError> {
    let Query(params) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let after = match (params.all, params.since) {
        (true, Some(_)) => {
            return Err(ApiError::bad_request(
                "ask for all=true or for since=T, not both",
            ));
        }
        (true, None) => None,
        (false, since) => Some(since.unwrap_or_else(|| state.now())),
    };
    let squashes = state.store().squashes(after).await?;
    Ok((StatusCode::OK, JsonResponse(SquashList { squashes })))
}
