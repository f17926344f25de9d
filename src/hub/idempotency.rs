//! `Idempotency-Key` on every change: a client that did not hear the answer
//! (a dropped connection, a console replaying its outbox) sends the same
//! request with the same key, and gets the first answer back while nothing
//! changes a second time (`apply` keeps the answer with the change). Here:
//! the header as a request carries it, and the answer as it went out.
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::error::ApiError;
use super::store::StoreError;
use crate::incident::limits::MAX_IDEMPOTENCY_KEY as MAX_KEY;

pub const HEADER: &str = "idempotency-key";

/// The request's `Idempotency-Key`, when it has one.
#[derive(Debug, Clone, Default)]
pub struct IdempotencyKey(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get(HEADER) else {
            return Ok(IdempotencyKey(None));
        };
        let key = value
            .to_str()
            .ok()
            .map(str::trim)
            .filter(|k| {
                !k.is_empty() && k.len() <= MAX_KEY && k.bytes().all(|b| b.is_ascii_graphic())
            })
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "Idempotency-Key must be 1 to {MAX_KEY} visible ASCII characters, like a UUID"
                ))
            })?;
        Ok(IdempotencyKey(Some(key.to_string())))
    }
}

/// A JSON answer as it went out, so it can go out again the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: StatusCode,
    pub body: Vec<u8>,
    /// This is the stored answer to an earlier request with the same key.
    pub replayed: bool,
}

impl Answer {
    pub fn json<T: Serialize>(status: StatusCode, value: &T) -> Result<Answer, StoreError> {
        let body = serde_json::to_vec(value)
            .map_err(|e| StoreError::Corrupt(format!("answer does not serialise: {e}")))?;
        Ok(Answer {
            status,
            body,
            replayed: false,
        })
    }

    /// The answer of a refusal: the error's JSON, as `ApiError` sends it.
    pub fn error(e: &ApiError) -> Result<Answer, StoreError> {
        Answer::json(e.status(), &e.body())
    }

    /// An answer remembered under a key, going out again.
    pub fn stored(status: u16, body: Vec<u8>) -> Result<Answer, StoreError> {
        let status = StatusCode::from_u16(status)
            .map_err(|_| StoreError::Corrupt(format!("stored status {status}")))?;
        Ok(Answer {
            status,
            body,
            replayed: true,
        })
    }
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            [(header::CONTENT_TYPE, "application/json")],
            self.body,
        )
            .into_response();
        if self.replayed {
            response
                .headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
        }
        response
    }
}
