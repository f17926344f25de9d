//! The hub's noise report, as the console and `oncall report` read it.
use super::client::{FeedError, HubClient};
use crate::report::NoiseReport;
use crate::sanitize;

impl HubClient {
    /// `GET /api/v1/report?since=SINCE`, every name in it cleaned.
    pub async fn report(&self, since: &str) -> Result<NoiseReport, FeedError> {
        let since: String = form_urlencoded::byte_serialize(since.as_bytes()).collect();
        let mut report: NoiseReport = self
            .get_json(&format!("/api/v1/report?since={since}"))
            .await?;
        sanitize::report(&mut report);
        Ok(report)
    }
}
