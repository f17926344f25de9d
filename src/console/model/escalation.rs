//! Where an escalation goes: the next level of the incident's service's
//! policy, and whom it reaches, from the rota the hub reported.
use super::Model;
use crate::incident::{Incident, level_name};

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
        let policies = self
            .oncall
            .as_ref()
            .map_or(&[][..], |o| o.policies.as_slice());
        let policy = policies
            .iter()
            .find(|p| {
                p.services
                    .iter()
                    .any(|s| s.eq_ignore_ascii_case(&inc.service))
            })
            .or_else(|| {
                policies
                    .iter()
                    .find(|p| p.services.iter().any(|s| s == crate::config::ANY_SERVICE))
            });
        let level = inc.escalation_level;
        let Some(policy) = policy else {
            // No policy known (yet): the hub's default of three lines.
            return if level < crate::incident::DEFAULT_LEVELS {
                Ok(EscalationTarget {
                    from: level_name(level),
                    to: level_name(level + 1),
                    who: None,
                })
            } else {
                Err(format!(
                    "#{} is already at {}, the last level.",
                    inc.id,
                    level_name(level)
                ))
            };
        };
        let name = |n: u32| {
            policy
                .levels
                .iter()
                .find(|l| l.level == n)
                .map_or_else(|| level_name(n), |l| l.name.clone())
        };
        match policy.levels.iter().find(|l| l.level == level + 1) {
            Some(next) => Ok(EscalationTarget {
                from: name(level),
                to: next.name.clone(),
                who: next.who.clone(),
            }),
            None => {
                let default = policy
                    .services
                    .iter()
                    .any(|s| s == crate::config::ANY_SERVICE);
                let which = if default {
                    "default".to_string()
                } else {
                    inc.service.clone()
                };
                Err(format!(
                    "#{} is already at {}, the last level of the {which} policy.",
                    inc.id,
                    name(level)
                ))
            }
        }
    }
}
