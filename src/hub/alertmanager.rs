//! `POST /api/v1/alertmanager`: Prometheus Alertmanager's webhook (payload
//! version "4"). Each firing alert opens an incident or folds into the open
//! one with its fingerprint; each resolved alert resolves it
//! (`rules::alert_step`). The payload is checked whole before anything is
//! written, and written in one transaction, so a bad payload or a failure
//! halfway leaves nothing half-stored.
use axum::extract::State;
use chrono::DateTime;

use crate::alertmanager::{self, AlertText};
use crate::config::AlertmanagerConfig;
use crate::incident::{PAYLOAD_VERSION, WebhookAlert, WebhookPayload};

use super::HubState;
use super::apply::Applied;
use super::auth::Responder;
use super::change::{Change, Outcome, WebhookBatch};
use super::error::ApiError;
use super::extract::Json;
use super::idempotency::IdempotencyKey;
use super::routes::Changed;
use super::rules::AlertChange;
use super::taken_at::TakenAt;
use super::validate;

pub async fn webhook(
    State(state): State<HubState>,
    Responder(who): Responder,
    key: IdempotencyKey,
    Json(payload): Json<WebhookPayload>,
) -> Changed {
    let alerts = check(&payload, &state.alertmanager())?;
    let receiver = crate::sanitize::line(&payload.receiver.clone().unwrap_or_default());
    let change = Change::WebhookBatch(WebhookBatch { payload, alerts });
    let applied = state.apply(who, key, TakenAt::default(), change).await?;
    if let Applied::Now {
        result: Ok(Outcome::Webhook(answer)),
        ..
    } = &applied
    {
        tracing::info!(
            receiver = %receiver,
            opened = answer.opened.len(),
            folded = answer.folded.len(),
            resolved = answer.resolved.len(),
            "alertmanager webhook"
        );
    }
    applied.answer()
}

/// Checks the whole payload and turns each alert into its change; the first
/// problem found is the 400 the sender reads.
pub fn check(
    payload: &WebhookPayload,
    config: &AlertmanagerConfig,
) -> Result<Vec<AlertChange>, ApiError> {
    match payload.version.as_deref() {
        Some(PAYLOAD_VERSION) => {}
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "webhook payload version \"{other}\" is not supported: this route takes Alertmanager's version \"{PAYLOAD_VERSION}\""
            )));
        }
        None => {
            return Err(ApiError::bad_request(format!(
                "version is missing: this route takes Alertmanager's webhook (payload version \"{PAYLOAD_VERSION}\")"
            )));
        }
    }
    status("status", payload.status.as_deref())?;
    let alerts = payload
        .alerts
        .as_ref()
        .ok_or_else(|| ApiError::bad_request("alerts is missing: send the alerts array"))?;
    alerts
        .iter()
        .enumerate()
        .map(|(i, alert)| check_alert(i, alert, config))
        .collect()
}

fn check_alert(
    i: usize,
    alert: &WebhookAlert,
    config: &AlertmanagerConfig,
) -> Result<AlertChange, ApiError> {
    let at = |problem: &str| ApiError::bad_request(format!("alerts[{i}].{problem}"));
    let firing = status(&format!("alerts[{i}].status"), alert.status.as_deref())? == Firing::Yes;
    let fingerprint = alert
        .fingerprint
        .as_deref()
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .ok_or_else(|| at("fingerprint is missing: every alert needs its fingerprint"))?;
    validate::identifier(&format!("alerts[{i}].fingerprint"), fingerprint)?;
    let labels = alert
        .labels
        .as_ref()
        .ok_or_else(|| at("labels is missing"))?;
    match alert.starts_at.as_deref() {
        None => return Err(at("startsAt is missing")),
        Some(t) => time(t).map_err(|e| at(&format!("startsAt {e}")))?,
    }
    if let Some(t) = alert.ends_at.as_deref() {
        time(t).map_err(|e| at(&format!("endsAt {e}")))?;
    }
    if !firing {
        return Ok(AlertChange::Resolve {
            dedup_key: alertmanager::dedup_key(fingerprint),
        });
    }
    let text = AlertText {
        fingerprint,
        labels,
        annotations: &alert.annotations,
        generator_url: alert.generator_url.as_deref(),
    };
    let new = validate::new_incident(alertmanager::new_incident(config, text))
        .map_err(|e| at(&format!("fingerprint {fingerprint}: {e}")))?;
    Ok(AlertChange::Fire(new))
}

#[derive(Debug, PartialEq, Eq)]
enum Firing {
    Yes,
    No,
}

fn status(field: &str, value: Option<&str>) -> Result<Firing, ApiError> {
    match value {
        Some("firing") => Ok(Firing::Yes),
        Some("resolved") => Ok(Firing::No),
        Some(other) => Err(ApiError::bad_request(format!(
            "{field} must be \"firing\" or \"resolved\", not \"{}\"",
            crate::sanitize::line(other)
        ))),
        None => Err(ApiError::bad_request(format!(
            "{field} is missing: it must be \"firing\" or \"resolved\""
        ))),
    }
}

fn time(text: &str) -> Result<(), String> {
    DateTime::parse_from_rfc3339(text).map(|_| ()).map_err(|e| {
        format!(
            "is not an RFC 3339 time ('{}': {e})",
            crate::sanitize::line(text)
        )
    })
}

#[cfg(test)]
mod tests;
