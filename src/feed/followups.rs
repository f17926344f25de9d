//! The hub's follow-ups as the console, `oncall followups` and the hand-off
//! note read and send them: added (from the outbox, with its
//! Idempotency-Key), closed, and listed. Every follow-up is cleaned here,
//! so its text, names, title and note reach the screen inert.
use super::client::{FeedError, HubClient, Sending};
use crate::incident::{CloseFollowup, Followup, FollowupList, NewFollowup};
use crate::sanitize;

impl HubClient {
    /// `POST /api/v1/incidents/{id}/followups`; the follow-up as added.
    pub async fn add_followup(
        &self,
        id: u64,
        req: &NewFollowup,
        sending: Option<Sending<'_>>,
    ) -> Result<Followup, FeedError> {
        let path = format!("/api/v1/incidents/{id}/followups");
        let mut followup: Followup = self.post_keyed(&path, req, sending).await?;
        sanitize::followup(&mut followup);
        Ok(followup)
    }

    /// `POST /api/v1/followups/{id}`: done or dropped; the follow-up as
    /// closed.
    pub async fn close_followup(
        &self,
        id: u64,
        req: &CloseFollowup,
        sending: Option<Sending<'_>>,
    ) -> Result<Followup, FeedError> {
        let path = format!("/api/v1/followups/{id}");
        let mut followup: Followup = self.post_keyed(&path, req, sending).await?;
        sanitize::followup(&mut followup);
        Ok(followup)
    }

    /// `GET /api/v1/followups`: `owner`'s (everyone's when none), only the
    /// open ones with `open_only`, in the hub's order (open first, overdue
    /// first).
    pub async fn followups(
        &self,
        owner: Option<&str>,
        open_only: bool,
    ) -> Result<Vec<Followup>, FeedError> {
        let mut query = Vec::new();
        if let Some(owner) = owner {
            let owner: String = form_urlencoded::byte_serialize(owner.as_bytes()).collect();
            query.push(format!("owner={owner}"));
        }
        if open_only {
            query.push("open=true".to_string());
        }
        let path = match query.is_empty() {
            true => "/api/v1/followups".to_string(),
            false => format!("/api/v1/followups?{}", query.join("&")),
        };
        let mut list: FollowupList = self.get_json(&path).await?;
        list.followups.iter_mut().for_each(sanitize::followup);
        Ok(list.followups)
    }
}
