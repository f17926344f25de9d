//! Every failure the hub answers, and how it looks on the wire: an HTTP status
//! with the JSON `ErrorBody` clients already know how to read.
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::incident::{ErrorBody, Incident};

use super::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(&'static str),
    /// The token is known, but its responder may not do this; the message
    /// says why (docs/api.md, "Who is asking").
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    MethodNotAllowed(String),
    #[error("{0}")]
    TooLarge(String),
    /// A change the incident's current state does not allow; the client gets
    /// the incident as it is now so it can redraw without another request.
    #[error("{message}")]
    Refused {
        code: &'static str,
        message: String,
        incident: Box<Incident>,
    },
    /// A change the state of something other than an incident does not
    /// allow (removing a squash that is over); `code` is the wire code.
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// The incident's stored row cannot be read back. Not the client's doing,
    /// but not worth a retry either (a console's outbox would retry a 5xx
    /// forever): a 409 that says so.
    #[error("{0}")]
    Unreadable(String),
    /// The database is busy for longer than we are willing to wait; worth a retry.
    #[error("{0}")]
    Unavailable(String),
    /// Our fault, not the client's. The detail goes to the log, not the wire.
    #[error("{0}")]
    Internal(String),
}

impl ApiError {
    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError::BadRequest(message.into())
    }

    /// The 404 of an incident id that names nothing.
    pub fn no_incident(id: u64) -> Self {
        ApiError::NotFound(format!("there is no incident #{id}"))
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Refused { .. } | ApiError::Conflict { .. } | ApiError::Unreadable(_) => {
                StatusCode::CONFLICT
            }
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) => "bad_request",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound(_) => "not_found",
            ApiError::MethodNotAllowed(_) => "method_not_allowed",
            ApiError::TooLarge(_) => "too_large",
            ApiError::Refused { code, .. } | ApiError::Conflict { code, .. } => code,
            ApiError::Unreadable(_) => "unreadable",
            ApiError::Unavailable(_) | ApiError::Internal(_) => "internal",
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(id) => ApiError::no_incident(id),
            StoreError::Unreadable { id, detail } => {
                tracing::error!(id, %detail, "incident #{id} cannot be read from the database");
                ApiError::Unreadable(format!(
                    "incident #{id} is stored in a form this hub cannot read, so it can be neither shown nor changed; the hub's log says what is wrong with it"
                ))
            }
            StoreError::Busy(detail) => {
                tracing::warn!(error = %detail, "database busy");
                ApiError::Unavailable(
                    "the hub's database is busy; try again in a moment".to_string(),
                )
            }
            other => {
                tracing::error!(error = %other, "database failure");
                ApiError::Internal("the hub could not read or write its database".to_string())
            }
        }
    }
}

impl ApiError {
    /// The JSON the client gets.
    pub fn body(&self) -> ErrorBody {
        let (error, incident) = match self {
            ApiError::Refused {
                message, incident, ..
            } => (message.clone(), Some(incident.clone())),
            other => (other.to_string(), None),
        };
        ErrorBody {
            error,
            code: self.code().to_string(),
            incident,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut response = (status, axum::Json(self.body())).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"oncall\""),
            );
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body(e: ApiError) -> (StatusCode, ErrorBody) {
        let response = e.into_response();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    #[tokio::test]
    async fn database_failures_answer_internal_without_details() {
        let failure = StoreError::Db("Query is not read-only".into());
        let (status, b) = body(ApiError::from(failure)).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(b.code, "internal");
        assert!(!b.error.contains("Query"), "{}", b.error);

        let busy = StoreError::Busy("database is locked".into());
        let (status, b) = body(ApiError::from(busy)).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(b.code, "internal");
    }

    #[tokio::test]
    async fn unauthorized_carries_a_bearer_challenge() {
        let response = ApiError::Unauthorized("no token").into_response();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let challenge = response.headers()[header::WWW_AUTHENTICATE]
            .to_str()
            .unwrap();
        assert!(challenge.starts_with("Bearer"));
    }
}
