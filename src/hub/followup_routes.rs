//! The follow-ups' routes (docs/api.md): add one to an incident (`POST
//! /api/v1/incidents/{id}/followups`), list them (`GET /api/v1/followups`)
//! and close one as done or dropped (`POST /api/v1/followups/{id}`).
//! Adding and closing are changes like any other (checked here, decided by
//! `rules::followup`, remembered under their Idempotency-Key); a list is
//! read, and each follow-up in it marked overdue by the hub's clock.
//! Integrations are refused by the auth layer.
use axum::Json as JsonResponse;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;

use crate::config::Role;
use crate::incident::{CloseFollowup, FollowupList, NewFollowup, sort_followups};

use super::HubState;
use super::auth::Responder;
use super::change::Change;
use super::error::ApiError;
use super::extract::{IncidentId, Json};
use super::idempotency::IdempotencyKey;
use super::ownership_routes::person;
use super::routes::Changed;
use super::store::Store;
use super::taken_at::TakenAt;
use super::validate;

pub async fn add(
    State(state): State<HubState>,
    Responder(who): Responder,
    IncidentId(id): IncidentId,
    key: IdempotencyKey,
    taken: TakenAt,
    Json(req): Json<NewFollowup>,
) -> Changed {
    let text = validate::followup_text(&req.text)?.to_string();
    let owner = person(&state.responders(), "owner", &req.owner, "own a follow-up")?;
    let req = NewFollowup { text, owner, ..req };
    let change = Change::AddFollowup { id, req };
    state.apply(who, key, taken, change).await?.answer()
}

pub async fn close(
    State(state): State<HubState>,
    Responder(who): Responder,
    Path(raw): Path<String>,
    key: IdempotencyKey,
    taken: TakenAt,
    Json(req): Json<CloseFollowup>,
) -> Changed {
    let id = raw.parse::<u64>().map_err(|_| {
        ApiError::bad_request("follow-up ids are numbers, like /api/v1/followups/3".to_string())
    })?;
    validate::optional_note(req.note.as_deref())?;
    let lead = state.responders().role(&who) == Some(Role::Lead);
    let change = Change::CloseFollowup { id, req, lead };
    state.apply(who, key, taken, change).await?.answer()
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Only this person's.
    owner: Option<String>,
    /// Only the open ones.
    #[serde(default)]
    open: bool,
}

pub async fn list(
    State(state): State<HubState>,
    _who: Responder,
    query: Result<Query<ListParams>, QueryRejection>,
) -> Result<(StatusCode, JsonResponse<FollowupList>), ApiError> {
    let Query(params) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let owner = match params.owner.as_deref() {
        Some(name) => Some(person(
            &state.responders(),
            "owner",
            name,
            "own a follow-up",
        )?),
        None => None,
    };
    let mut followups = state.store().followups(owner, params.open).await?;
    let now = state.now();
    for f in &mut followups {
        f.overdue = f.overdue_at(now);
    }
    sort_followups(&mut followups);
    Ok((StatusCode::OK, JsonResponse(FollowupList { followups })))
}
