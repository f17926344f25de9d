//! The hub's squashes as the console reads and sends them: made (from the
//! outbox, with its Idempotency-Key), removed, and listed. Every squash is
//! cleaned here, so its reason and matchers reach the screen inert.
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::client::{FeedError, HubClient, Sending};
use crate::incident::{Incident, NewSquash, Squash, SquashList};
use crate::sanitize;

impl HubClient {
    /// `POST /api/v1/squashes` for the alert of incident `id`; the answer
    /// is the incident as it is now, squashed.
    pub async fn squash(
        &self,
        id: u64,
        req: &NewSquash,
        sending: Option<Sending<'_>>,
    ) -> Result<Incident, FeedError> {
        let _: Squash = self.post_keyed("/api/v1/squashes", req, sending).await?;
        self.get(id).await
    }

    /// `DELETE /api/v1/squashes/{id}`; the squash as removed.
    pub async fn unsquash(
        &self,
        id: u64,
        sending: Option<Sending<'_>>,
    ) -> Result<Squash, FeedError> {
        let mut squash: Squash = self
            .delete_keyed(&format!("/api/v1/squashes/{id}"), sending)
            .await?;
        sanitize::squash(&mut squash);
        Ok(squash)
    }

    /// `GET /api/v1/squashes`: those in force and scheduled, or with
    /// `since`, those too that ended since then (a shift's).
    pub async fn squashes(&self, since: Option<DateTime<Utc>>) -> Result<Vec<Squash>, FeedError> {
        let path = match since {
            Some(t) => {
                let t: String =
                    form_urlencoded::byte_serialize(t.to_rfc3339().as_bytes()).collect();
                format!("/api/v1/squashes?since={t}")
            }
            None => "/api/v1/squashes".to_string(),
        };
        let mut list: SquashList = self.get_json(&path).await?;
        list.squashes.iter_mut().for_each(sanitize::squash);
        Ok(list.squashes)
    }
}

/// The matchers that squash `incident`'s alert: every label it has, with
/// `service`, each on (`true`) or off. Its `alertname` and `service` start
/// on; the others start off, for narrowing. The alert's source link is no
/// label of the alert's, and no matcher.
pub fn matchers_of(incident: &Incident) -> Vec<(String, String, bool)> {
    let mut matchers: BTreeMap<String, (String, bool)> = incident
        .labels
        .iter()
        .filter(|(k, _)| *k != crate::alertmanager::SOURCE_URL_LABEL)
        .map(|(k, v)| (k.to_string(), (v.to_string(), k == "alertname")))
        .collect();
    matchers.insert("service".to_string(), (incident.service.clone(), true));
    let mut out: Vec<(String, String, bool)> = matchers
        .into_iter()
        .map(|(k, (v, on))| (k, v, on))
        .collect();
    // What a squash of "this alert" is made of first, then the rest.
    out.sort_by_key(|(k, _, _)| match k.as_str() {
        "alertname" => 0,
        "service" => 1,
        _ => 2,
    });
    out
}
