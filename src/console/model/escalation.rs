//! Where an escalation goes: the next level of the incident's service's
//! policy, and whom it reaches, from the rota the hub reported. Decided by
//! the same function the hub escalates with (`incident::escalation`).
use super::Model;
use crate::incident::{
    AtLastLevel, Incident, default_levels, escalation, is_default_policy, policy_for, policy_name,
};

/// Where an escalation goes, for the confirm line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscalationTarget {
    pub from: String,
    pub to: String,
    /// The person the next level reaches now, when the hub can say.
    pub who: Option<String>,
}

impl Model {
    /// Where escalating `inc` goes: the next level of its service's policy
    /// and whom it reaches now, or why it cannot go further.
    pub fn escalation_target(&self, inc: &Incident) -> Result<EscalationTarget, String> {
        let oncall = self.oncall.as_ref();
        let policies = oncall.map_or(&[][..], |o| o.policies.as_slice());
        let policy = policy_for(policies, &inc.service);
        let level = inc.escalation_level;
        let Some(policy) = policy else {
            // No policy known (yet): the hub's default of three lines, and
            // nobody known to be on call.
            return escalation(&default_levels(), level, None)
                .map(|up| EscalationTarget {
                    from: up.from,
                    to: up.to,
                    who: None,
                })
                .map_err(|AtLastLevel { at }| {
                    format!("#{} is already at {at}, the last level.", inc.id)
                });
        };
        let on_call = oncall.and_then(|o| o.now.as_ref()).map(|s| s.who.as_str());
        escalation(&policy.levels, level, on_call)
            .map(|up| EscalationTarget {
                from: up.from,
                to: up.to,
                who: up.who,
            })
            .map_err(|AtLastLevel { at }| {
                let policy = policy_name(is_default_policy(&policy.services), &inc.service);
                format!(
                    "#{} is already at {at}, the last level of {policy}.",
                    inc.id
                )
            })
    }
}
