//! `GET` and `POST /ack/{token}`: acknowledging from the page itself, at 3
//! a.m., from a phone. The token in the link is signed with the hub's
//! secret and names the incident and the person; it expires an hour after
//! the page went out and works once. `GET` only shows a page with one button
//! (chat apps fetch links to preview them, and that must change nothing);
//! the button POSTs to the same URL, which acknowledges as that person
//! through the same `apply` as the console's `a`, under an Idempotency-Key
//! made of the token's nonce: a second use finds the first one's record and
//! is refused as used. Someone else first: 409 and where the incident
//! stands. The answers are small HTML pages (`notify::ack_page`).
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::HubState;
use super::apply::Applied;
use super::change::{Change, Outcome};
use super::error::ApiError;
use super::idempotency::IdempotencyKey;
use super::store::Store;
use super::taken_at::TakenAt;
use crate::config::Role;
use crate::incident::AckRequest;
use crate::notify::ack_page;
use crate::notify::{AckClaims, PagedIncident, Refusal, ack_token};

/// `GET /ack/{token}`: the incident and one button; nothing changes.
pub async fn confirm(State(state): State<HubState>, Path(token): Path<String>) -> Response {
    let claims = match claims(&state, &token) {
        Ok(claims) => claims,
        Err(why) => return refused(why),
    };
    let incident = state.store().get(claims.incident).await.ok();
    let shown = incident.as_ref().map(PagedIncident::of);
    html(
        StatusCode::OK,
        ack_page::confirm(shown.as_ref(), &claims.person),
    )
}

/// `POST /ack/{token}`: acknowledges as the person the link names.
pub async fn acknowledge(State(state): State<HubState>, Path(token): Path<String>) -> Response {
    let claims = match claims(&state, &token) {
        Ok(claims) => claims,
        Err(why) => return refused(why),
    };
    let change = Change::Acknowledge {
        id: claims.incident,
        req: AckRequest {
            version: None,
            note: Some("from the page's acknowledge link".to_string()),
        },
    };
    let key = IdempotencyKey(Some(format!("ack-link-{}", claims.nonce)));
    let applied = state
        .apply(claims.person.clone(), key, TakenAt::default(), change)
        .await;
    match applied {
        Ok(Applied::Now {
            result: Ok(Outcome::Changed(incident)),
            ..
        }) => html(
            StatusCode::OK,
            ack_page::acknowledged(&PagedIncident::of(&incident), &claims.person),
        ),
        Ok(Applied::Replayed(_)) => refused(Refusal::Used),
        Ok(Applied::Now { result: Err(e), .. }) | Err(e) => {
            match state.store().get(claims.incident).await {
                Ok(now) if matches!(e, ApiError::Refused { .. }) => html(
                    StatusCode::CONFLICT,
                    ack_page::taken(&PagedIncident::of(&now)),
                ),
                Ok(_) | Err(_) => {
                    tracing::warn!(incident = claims.incident, error = %e, "an acknowledge link could not be used");
                    let status = e.status();
                    html(status, ack_page::failed(&e.to_string()))
                }
            }
        }
        Ok(Applied::Now { result: Ok(_), .. }) => html(
            StatusCode::OK,
            ack_page::failed("the hub did something other than acknowledge"),
        ),
    }
}

/// The claims of a token this hub signed for one of its people, still in
/// time; or why the link is refused.
fn claims(state: &HubState, token: &str) -> Result<AckClaims, Refusal> {
    let pages = state.pages();
    let secret = pages.notify.secret.as_ref().ok_or(Refusal::Tampered)?;
    let claims = ack_token::verify(secret, token, state.now())?;
    match state.responders().role(&claims.person) {
        Some(Role::Responder | Role::Lead) => Ok(claims),
        // Signed for a name the hub no longer pages as a person.
        Some(Role::Integration) | None => Err(Refusal::Tampered),
    }
}

fn refused(why: Refusal) -> Response {
    let status = StatusCode::from_u16(why.status()).unwrap_or(StatusCode::FORBIDDEN);
    html(status, ack_page::refused(why))
}

fn html(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    for (name, value) in ack_page::HEADERS {
        if let (Ok(name), Ok(value)) = (
            axum::http::HeaderName::from_bytes(name.as_bytes()),
            axum::http::HeaderValue::from_str(value),
        ) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}
