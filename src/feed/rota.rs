//! The hub's rota, hand-offs and overrides, as the console and the command
//! line read and send them. Names coming back are cleaned here, so they
//! reach a terminal inert.
use super::client::{FeedError, HubClient, Sending};
use crate::incident::{
    Handoff, HandoffPlan, HandoffRequest, IncidentList, NewOverride, OnCall, Override, OverrideList,
};
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

    /// `GET /api/v1/overrides`: those in force and upcoming, soonest first.
    pub async fn overrides(&self) -> Result<Vec<Override>, FeedError> {
        let list: OverrideList = self.get_json("/api/v1/overrides").await?;
        Ok(list.overrides.into_iter().map(clean_override).collect())
    }

    /// `POST /api/v1/overrides`, with an `Idempotency-Key` when it may be
    /// sent again (from the outbox); the override made, with whom it
    /// displaced.
    pub async fn make_override(
        &self,
        req: &NewOverride,
        sending: Option<Sending<'_>>,
    ) -> Result<Override, FeedError> {
        let made: Override = self.post_keyed("/api/v1/overrides", req, sending).await?;
        Ok(clean_override(made))
    }

    /// `DELETE /api/v1/overrides/{id}`; the override as removed.
    pub async fn remove_override(
        &self,
        id: u64,
        sending: Option<Sending<'_>>,
    ) -> Result<Override, FeedError> {
        let removed: Override = self
            .delete_keyed(&format!("/api/v1/overrides/{id}"), sending)
            .await?;
        Ok(clean_override(removed))
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

fn clean_override(mut o: Override) -> Override {
    o.responder = sanitize::line(&o.responder);
    o.created_by = sanitize::line(&o.created_by);
    o.removed_by = o.removed_by.as_deref().map(sanitize::line);
    o.displaced = o.displaced.iter().map(|d| sanitize::line(d)).collect();
    o
}
