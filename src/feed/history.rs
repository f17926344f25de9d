//! The history of resolved incidents as the console reads it (`R`): a page
//! of a search, newest first, with the cursor of the next page. Every
//! incident of a page is cleaned here, as the list's are, so what the hub
//! kept reaches the screen inert.
use super::client::{FeedError, HubClient};
use crate::incident::ResolvedPage;
use crate::sanitize;

impl HubClient {
    /// `GET /api/v1/incidents?status=resolved&q=Q&before=CURSOR&limit=N`:
    /// the resolved incidents whose title, service, owner or labels hold
    /// every word of `q`, below `before` (the `next` of the page before),
    /// at most `limit` of them.
    pub async fn resolved(
        &self,
        q: &str,
        before: Option<u64>,
        limit: u32,
    ) -> Result<ResolvedPage, FeedError> {
        let mut path = format!("/api/v1/incidents?status=resolved&limit={limit}");
        let words = q.split_whitespace().collect::<Vec<_>>().join(" ");
        if !words.is_empty() {
            path.push_str("&q=");
            path.extend(form_urlencoded::byte_serialize(words.as_bytes()));
        }
        if let Some(before) = before {
            path.push_str(&format!("&before={before}"));
        }
        let mut page: ResolvedPage = self.get_json(&path).await?;
        page.incidents.iter_mut().for_each(sanitize::incident);
        Ok(page)
    }
}
