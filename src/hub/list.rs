//! `GET /api/v1/incidents`: the answer every console polls every few seconds.
//! It changes far less often than it is read, so the full list is built once
//! per change, plain and gzip, and reused (`list_body`); "nothing changed"
//! (304) is answered from the store's change number alone (each store keeps it
//! in memory; on PostgreSQL it follows the other hubs' changes), without reading a list.
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::Deserialize;

use crate::incident::{HUB_ID_HEADER, IncidentList};

use super::HubState;
use super::error::ApiError;
use super::list_body;

mod history;
use super::list_cache::full_list;
use super::store::{Store, StoreError};

/// Answers to "what changed since" smaller than this go plain: compressing
/// them saves less than it costs.
const GZIP_FROM: usize = 8 * 1024;

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
    // The history's (`status=resolved`, `history`).
    q: Option<String>,
    before: Option<String>,
    limit: Option<String>,
}

impl ListParams {
    fn parse(&self) -> Result<(Filter, u64), ApiError> {
        if self.q.is_some() || self.before.is_some() || self.limit.is_some() {
            return Err(ApiError::bad_request(
                "q, before and limit search the history: add status=resolved",
            ));
        }
        let filter = match self.status.as_deref() {
            None | Some("open") => Filter::Open,
            Some("all") => Filter::All,
            Some(other) => {
                return Err(ApiError::bad_request(format!(
                    "status must be open, all or resolved, not '{other}'"
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

/// Names exactly what an answer shows: this database, the change it was
/// taken at, and the question asked.
pub fn etag(hub_id: &str, seq: u64, filter: Filter, since: u64) -> String {
    format!("W/\"{hub_id}-{seq}-{}-{since}\"", filter.as_str())
}

/// Whether `If-None-Match` names `tag`, compared weakly (RFC 9110 13.1.2).
pub fn if_none_match(headers: &HeaderMap, tag: &str) -> bool {
    fn opaque(t: &str) -> &str {
        t.trim().trim_start_matches("W/")
    }
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
    if params.status.as_deref() == Some("resolved") {
        return history::search(&state, &params).await;
    }
    let (filter, since) = params.parse()?;
    let hub_id = state.store().hub_id();

    // The unchanged feed: answered from the store's change number alone.
    let tag = etag(hub_id, state.store().current_seq().await?, filter, since);
    if if_none_match(&headers, &tag) {
        return Ok(answer(
            StatusCode::NOT_MODIFIED,
            hub_id,
            &tag,
            None,
            Body::empty(),
        ));
    }
    let gzip = accepts_gzip(&headers);

    if since == 0 {
        let list = full_list(&state, filter).await?;
        let tag = etag(hub_id, list.seq, filter, since);
        return Ok(if gzip {
            answer(
                StatusCode::OK,
                hub_id,
                &tag,
                Some("gzip"),
                Body::from(list.gzip.clone()),
            )
        } else {
            answer(StatusCode::OK, hub_id, &tag, None, list.plain_body())
        });
    }
    // What changed since the client's cursor: few incidents, read per poll
    // at a cost that follows the changes, not the feed's size.
    let (seq, incidents) = state.store().list(filter == Filter::Open, since).await?;
    let (body, gzipped) = tokio::task::spawn_blocking(move || -> Result<_, StoreError> {
        let json = serde_json::to_vec(&IncidentList {
            cursor: seq,
            incidents,
        })
        .map_err(|e| StoreError::Corrupt(format!("incident list does not serialise: {e}")))?;
        if gzip && json.len() >= GZIP_FROM {
            Ok((list_body::gzip(&json, list_body::FAST)?, true))
        } else {
            Ok((json, false))
        }
    })
    .await
    .map_err(|e| StoreError::Worker(e.to_string()))?
    .map_err(ApiError::from)?;
    let tag = etag(hub_id, seq, filter, since);
    let encoding = gzipped.then_some("gzip");
    Ok(answer(
        StatusCode::OK,
        hub_id,
        &tag,
        encoding,
        Body::from(body),
    ))
}

/// Whether the client takes gzip (`Accept-Encoding`, RFC 9110 12.5.3): named
/// with a weight above zero. `*` is not taken as gzip: plain is always fine.
pub fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';');
            let name = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (name.eq_ignore_ascii_case("gzip") || name.eq_ignore_ascii_case("x-gzip")) && !refused
        })
}

/// A list answer: its database, its ETag, and `Vary` because the same URL
/// answers gzip to some clients and plain JSON to others.
fn answer(
    status: StatusCode,
    hub_id: &str,
    tag: &str,
    encoding: Option<&'static str>,
    body: Body,
) -> Response {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    if status == StatusCode::OK {
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    if let Some(encoding) = encoding {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Ok(v) = HeaderValue::from_str(tag) {
        headers.insert(header::ETAG, v);
    }
    if let Ok(v) = HeaderValue::from_str(hub_id) {
        headers.insert(HUB_ID_HEADER, v);
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
            ..ListParams::default()
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
