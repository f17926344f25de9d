//! `GET /api/v1/incidents?status=resolved&q=TEXT&before=CURSOR&limit=N`:
//! the history of resolved incidents, searched and paged newest first
//! (`store::history`). Unlike the list, it is read on demand and never
//! cached: a search is asked for once, not polled.
use axum::Json;
use axum::response::{IntoResponse, Response};

use crate::hub::HubState;
use crate::hub::error::ApiError;
use crate::hub::store::Store;
use crate::hub::store::history::{HistoryQuery, MAX_PAGE};
use crate::incident::ResolvedPage;

use super::ListParams;

/// A page when `limit` is not given.
const DEFAULT_PAGE: u32 = 50;
/// The longest search text: a search, not a document.
const MAX_QUERY_CHARS: usize = 200;

pub async fn search(state: &HubState, params: &ListParams) -> Result<Response, ApiError> {
    if params.since.is_some() {
        return Err(ApiError::bad_request(
            "since follows the list's changes; the history pages with before",
        ));
    }
    let text = params.q.as_deref().unwrap_or("");
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::bad_request(format!(
            "q is at most {MAX_QUERY_CHARS} characters"
        )));
    }
    if text.chars().any(char::is_control) {
        return Err(ApiError::bad_request(
            "q holds a control character; search for words",
        ));
    }
    let before = number(
        params.before.as_deref(),
        "before",
        "a cursor from an earlier page (a number)",
    )?;
    let limit = number(params.limit.as_deref(), "limit", "a number of incidents")?;
    let limit = match limit {
        None => DEFAULT_PAGE,
        Some(n @ 1..=200) => n as u32,
        Some(n) => {
            return Err(ApiError::bad_request(format!(
                "limit must be 1 to {MAX_PAGE}, not {n}"
            )));
        }
    };
    let query = HistoryQuery::new(text, before, limit);
    let incidents = state.store().resolved(query).await?;
    // A full page may have more behind it; a short one is the end.
    let next = (incidents.len() == limit as usize)
        .then(|| incidents.last().map(|i| i.id))
        .flatten();
    Ok(Json(ResolvedPage { incidents, next }).into_response())
}

/// `value` of parameter `name`, a number when given.
fn number(value: Option<&str>, name: &str, what: &str) -> Result<Option<u64>, ApiError> {
    value
        .map(|v| {
            v.trim()
                .parse::<u64>()
                .map_err(|_| ApiError::bad_request(format!("{name} must be {what}, not '{v}'")))
        })
        .transpose()
}
