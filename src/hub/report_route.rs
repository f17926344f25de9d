//! `GET /api/v1/report?since=7d`: the noise report of the last `since`
//! (7 days unless asked), computed by the store in the database
//! (`store::report`). Any person may read it; an integration token may not
//! (`auth`: it only sends events).
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use chrono::TimeDelta;
use serde::Deserialize;

use super::HubState;
use super::auth::Responder;
use super::error::ApiError;
use super::store::{ReportWindow, Store};
use crate::config::HumanDuration;
use crate::report::{self, NoiseReport};

/// The window when none is asked for.
pub const DEFAULT_SINCE: &str = "7d";

/// The longest window: a year and a day, so that every night of it fits in
/// one query.
const LONGEST_DAYS: i64 = 366;

#[derive(Debug, Deserialize)]
pub struct ReportParams {
    since: Option<String>,
}

/// How far back `since` ("7d", "24h", "2s") reaches, checked.
pub fn window(since: &str) -> Result<TimeDelta, String> {
    let asked = HumanDuration::parse(since)
        .map_err(|e| format!("since: {}", e.replace(crate::config::FIX_SEPARATOR, "; ")))?;
    TimeDelta::from_std(asked.0)
        .ok()
        .filter(|d| *d <= TimeDelta::days(LONGEST_DAYS))
        .ok_or_else(|| {
            format!("since: '{since}' reaches too far back; ask for {LONGEST_DAYS}d or less")
        })
}

pub async fn report(
    State(state): State<HubState>,
    _who: Responder,
    query: Result<Query<ReportParams>, QueryRejection>,
) -> Result<Json<NoiseReport>, ApiError> {
    let Query(params) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let since =
        window(params.since.as_deref().unwrap_or(DEFAULT_SINCE)).map_err(ApiError::bad_request)?;
    let until = state.now();
    let since = until - since;
    let tz = state.timezone();
    let people: Vec<String> = state
        .responders()
        .people()
        .into_iter()
        .map(str::to_string)
        .collect();
    let notify = &state.pages().notify;
    let recorded_only = people.iter().all(|p| notify.contacts_of(p).is_empty());
    let asked = ReportWindow {
        since,
        until,
        timezone: tz.to_string(),
        nights: report::nights(&tz.0, since, until),
        people,
        recorded_only,
    };
    Ok(Json(state.store().report(asked).await?))
}
