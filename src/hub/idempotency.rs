//! `Idempotency-Key` on every change: a client that did not hear the answer
//! (a dropped connection, a console replaying its outbox) sends the same
//! request with the same key, and gets the first answer back while nothing
//! changes a second time. The key, the request and the answer are stored in
//! the same transaction as the change, so they cannot disagree.
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, Utc};
use rusqlite::{OptionalExtension, Transaction, params};
use serde::Serialize;

use super::error::ApiError;
use super::store::{StoreError, time_text};
use crate::incident::limits::MAX_IDEMPOTENCY_KEY as MAX_KEY;

pub const HEADER: &str = "idempotency-key";

/// How long a key is remembered; a retry comes within minutes, an outbox
/// replay within a shift.
const KEEP: Duration = Duration::hours(48);

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

    fn error(e: &ApiError) -> Result<Answer, StoreError> {
        Answer::json(e.status(), &e.body())
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

/// Runs `change` in the caller's write transaction. With a key already used
/// by `who` for this same `request`, the stored answer comes back and nothing
/// runs; for another request, the key is refused. Answers the client caused
/// (4xx) are remembered like successes; failures of ours (5xx) are not, so a
/// retry can still succeed.
pub fn apply(
    tx: &Transaction<'_>,
    who: &str,
    key: Option<&str>,
    request: &str,
    now: DateTime<Utc>,
    change: impl FnOnce(&Transaction<'_>) -> Result<Answer, StoreError>,
) -> Result<Answer, StoreError> {
    if let Some(key) = key
        && let Some(stored) = recall(tx, who, key, request)?
    {
        return Ok(stored);
    }
    // A refusal must leave nothing behind but its record.
    tx.execute_batch("SAVEPOINT change")?;
    let answer = match change(tx) {
        Ok(answer) => {
            tx.execute_batch("RELEASE change")?;
            answer
        }
        Err(
            e @ (StoreError::NotFound(_)
            | StoreError::Refused { .. }
            | StoreError::Invalid(_)
            | StoreError::Forbidden(_)),
        ) => {
            tx.execute_batch("ROLLBACK TO change; RELEASE change")?;
            Answer::error(&ApiError::from(e))?
        }
        Err(e) => return Err(e),
    };
    if let Some(key) = key {
        remember(tx, who, key, request, now, &answer)?;
    }
    Ok(answer)
}

fn recall(
    tx: &Transaction<'_>,
    who: &str,
    key: &str,
    request: &str,
) -> Result<Option<Answer>, StoreError> {
    let row: Option<(String, u16, Vec<u8>)> = tx
        .prepare_cached(
            "SELECT request, status, body FROM idempotency WHERE who = ?1 AND key = ?2",
        )?
        .query_row(params![who, key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((stored_request, status, body)) = row else {
        return Ok(None);
    };
    if stored_request != request {
        return Err(StoreError::Invalid(format!(
            "Idempotency-Key '{key}' was already used for another request; use a new key for a new request"
        )));
    }
    let status = StatusCode::from_u16(status)
        .map_err(|_| StoreError::Corrupt(format!("stored status {status}")))?;
    Ok(Some(Answer {
        status,
        body,
        replayed: true,
    }))
}

fn remember(
    tx: &Transaction<'_>,
    who: &str,
    key: &str,
    request: &str,
    now: DateTime<Utc>,
    answer: &Answer,
) -> Result<(), StoreError> {
    tx.prepare_cached("DELETE FROM idempotency WHERE at < ?1")?
        .execute([time_text(now - KEEP)])?;
    tx.prepare_cached("INSERT INTO idempotency (who, key, request, status, body, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?
        .execute(params![who, key, request, answer.status.as_u16(), answer.body, time_text(now)])?;
    Ok(())
}
