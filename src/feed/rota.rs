//! The hub's rota and hand-offs, as the console reads and sends them.
use super::client::{FeedError, HubClient, Sending};
use crate::incident::{Handoff, HandoffPlan, HandoffRequest, IncidentList, OnCall};
use crate::sanitize;

impl HubClient {
    /// `GET /api/v1/oncall`: who is on call now and next, and whom each
    /// escalation level reaches.
    pub async fn oncall(&self) -> Result<OnCall, FeedError> {
        let mut oncall: OnCall = self.get_json("/api/v1/oncall").await?;
        sanitize::oncall(&mut oncall);
        Ok(oncall)
    }

    /// `GET /api/v1/handoffs/latest?to=NAME`: the last hand-off to `to`, or
    /// `None` when there has been none.
    pub async fn latest_handoff(&self, to: &str) -> Result<Option<Handoff>, FeedError> {
        let to: String = form_urlencoded::byte_serialize(to.as_bytes()).collect();
        let path = format!("/api/v1/handoffs/latest?to={to}");
        match self.get_json::<Handoff>(&path).await {
            Ok(h) => Ok(Some(clean(h))),
            Err(FeedError::Rejected { status: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `POST /api/v1/handoff`, with an `Idempotency-Key` when it may be
    /// sent again (from the outbox).
    pub async fn hand_off(
        &self,
        req: &HandoffRequest,
        sending: Option<Sending<'_>>,
    ) -> Result<Handoff, FeedError> {
        let h: Handoff = self.post_keyed("/api/v1/handoff", req, sending).await?;
        Ok(clean(h))
    }

    /// `POST /api/v1/handoff?dry_run=true`: what handing off to `to` (the
    /// rota's next person when `None`) would do now, or, as
    /// [`FeedError::Rejected`], the hub's reason it would refuse. Records
    /// nothing.
    pub async fn check_hand_off(&self, to: Option<&str>) -> Result<HandoffPlan, FeedError> {
        let req = HandoffRequest {
            to: to.map(str::to_string),
            note: String::new(),
        };
        let mut plan: HandoffPlan = self
            .post_keyed("/api/v1/handoff?dry_run=true", &req, None)
            .await?;
        plan.from = sanitize::line(&plan.from);
        plan.to = sanitize::line(&plan.to);
        Ok(plan)
    }

    /// Every incident the hub holds, resolved ones too (for the hand-off note).
    pub async fn list_all(&self) -> Result<IncidentList, FeedError> {
        let mut list: IncidentList = self.get_json("/api/v1/incidents?status=all").await?;
        list.incidents.iter_mut().for_each(sanitize::incident);
        Ok(list)
    }
}

fn clean(mut h: Handoff) -> Handoff {
    sanitize::handoff(&mut h);
    h
}
