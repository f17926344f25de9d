//! `GET /api/v1/incidents`: the answer every console polls every few seconds.
//! It changes far less often than it is read, so the full list is serialised
//! once per change and reused, and "nothing changed" (304) is answered from
//! the in-memory change counter without touching the database.
use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tokio::sync::Mutex;

use crate::incident::IncidentList;

use super::HubState;
use super::error::ApiError;
use super::store::StoreError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    Open,
    All,
}

impl Filter {
    fn as_str(self) -> &'static str {
        match self {
            Filter::Open => "open",
            Filter::All => "all",
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    status: Option<String>,
    since: Option<String>,
}

impl ListParams {
    fn parse(&self) -> Result<(Filter, u64), ApiError> {
        let filter = match self.status.as_deref() {
            None | Some("open") => Filter::Open,
            Some("all") => Filter::All,
            Some(other) => {
                return Err(ApiError::bad_request(format!(
                    "status must be open or all, not '{other}'"
                )));
            }
        };
        let since = match self.since.as_deref() {
            None => 0,
            Some(s) => s.parse::<u64>().map_err(|_| {
                ApiError::bad_request(format!(
                    "since must be a cursor from an earlier answer (a number), not '{s}'"
                ))
            })?,
        };
        Ok((filter, since))
    }
}

/// The serialised full lists, one per filter, each tagged with the change
/// number it shows.
#[derive(Default)]
pub struct ListCache {
    open: Mutex<Option<(u64, Bytes)>>,
    all: Mutex<Option<(u64, Bytes)>>,
}

impl ListCache {
    fn slot(&self, filter: Filter) -> &Mutex<Option<(u64, Bytes)>> {
        match filter {
            Filter::Open => &self.open,
            Filter::All => &self.all,
        }
    }
}

/// Names exactly what an answer shows: this database, the change it was
/// taken at, and the question asked.
pub fn etag(hub_id: &str, seq: u64, filter: Filter, since: u64) -> String {
    format!("W/\"{hub_id}-{seq}-{}-{since}\"", filter.as_str())
}

/// Whether `If-None-Match` names `tag`, compared weakly (RFC 9110 13.1.2).
pub fn if_none_match(headers: &HeaderMap, tag: &str) -> bool {
    let opaque = |t: &str| t.trim().trim_start_matches("W/").to_string();
    let wanted = opaque(tag);
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == "*" || opaque(t) == wanted)
}

pub async fn list_incidents(
    State(state): State<HubState>,
    _who: super::auth::Responder,
    query: Result<Query<ListParams>, QueryRejection>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let Query(params) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let (filter, since) = params.parse()?;
    let hub_id = state.store().hub_id().to_string();

    let now_seq = state.store().current_seq();
    let tag = etag(&hub_id, now_seq, filter, since);
    if if_none_match(&headers, &tag) {
        return Ok(with_etag(StatusCode::NOT_MODIFIED.into_response(), &tag));
    }

    let (seq, body) = if since == 0 {
        full_list(&state, filter).await?
    } else {
        let (seq, incidents) = state
            .blocking(move |s| s.store().list(filter == Filter::Open, since))
            .await?;
        (seq, serialise(seq, incidents)?)
    };
    let mut response = (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        Body::from(body),
    )
        .into_response();
    *response.status_mut() = StatusCode::OK;
    Ok(with_etag(response, &etag(&hub_id, seq, filter, since)))
}

/// The full list for `filter`, from the cache when it is current. The slot's
/// lock is held while rebuilding, so a burst of polls after a change rebuilds
/// once, not once per poll.
async fn full_list(state: &HubState, filter: Filter) -> Result<(u64, Bytes), ApiError> {
    let mut slot = state.lists().slot(filter).lock().await;
    if let Some((seq, body)) = slot.as_ref()
        && *seq >= state.store().current_seq()
    {
        return Ok((*seq, body.clone()));
    }
    let (seq, body) = state
        .blocking(move |s| {
            let (seq, incidents) = s.store().list(filter == Filter::Open, 0)?;
            Ok((seq, serialise(seq, incidents)?))
        })
        .await?;
    *slot = Some((seq, body.clone()));
    Ok((seq, body))
}

fn serialise(cursor: u64, incidents: Vec<crate::incident::Incident>) -> Result<Bytes, StoreError> {
    serde_json::to_vec(&IncidentList { cursor, incidents })
        .map(Bytes::from)
        .map_err(|e| StoreError::Corrupt(format!("incident list does not serialise: {e}")))
}

fn with_etag(mut response: Response, tag: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(tag) {
        response.headers_mut().insert(header::ETAG, v);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inm(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn etags_differ_by_change_filter_and_since() {
        let a = etag("h", 1, Filter::Open, 0);
        assert_ne!(a, etag("h", 2, Filter::Open, 0));
        assert_ne!(a, etag("h", 1, Filter::All, 0));
        assert_ne!(a, etag("h", 1, Filter::Open, 1));
        assert_ne!(a, etag("other", 1, Filter::Open, 0));
    }

    #[test]
    fn if_none_match_compares_weakly_and_in_lists() {
        let tag = etag("h", 7, Filter::Open, 0);
        assert!(if_none_match(&inm(&tag), &tag));
        assert!(if_none_match(&inm(tag.trim_start_matches("W/")), &tag));
        assert!(if_none_match(&inm(&format!("\"x\", {tag}")), &tag));
        assert!(if_none_match(&inm("*"), &tag));
        assert!(!if_none_match(&inm("\"x\""), &tag));
        assert!(!if_none_match(&HeaderMap::new(), &tag));
    }

    #[test]
    fn list_params() {
        let p = |status: Option<&str>, since: Option<&str>| ListParams {
            status: status.map(str::to_string),
            since: since.map(str::to_string),
        };
        assert_eq!(p(None, None).parse().unwrap(), (Filter::Open, 0));
        assert_eq!(
            p(Some("all"), Some("12")).parse().unwrap(),
            (Filter::All, 12)
        );
        assert!(p(Some("closed"), None).parse().is_err());
        assert!(p(None, Some("abc")).parse().is_err());
        assert!(p(None, Some("-1")).parse().is_err());
    }
}
