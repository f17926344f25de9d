//! Escalation policies: which policy a service has, what its levels are
//! called, and whom each level reaches at a given time. The one place that
//! decides, for opening, escalating (by hand or by timer), hand-offs and
//! `GET /api/v1/oncall`. Pure like the rota: times and hand-offs come in as
//! arguments.
use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use crate::config::{ANY_SERVICE, HubConfig, HumanDuration, PolicyConfig};
use crate::incident::{
    DEFAULT_LEVELS, LevelView, NextShift, OnCall, PolicyView, Shift, Targets, level_name,
};

use super::rota::{Cover, Rota};

/// One level of a policy, its name settled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Level {
    pub name: String,
    pub targets: Targets,
    pub after: Option<HumanDuration>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Policy {
    services: Vec<String>,
    levels: Vec<Level>,
}

impl Policy {
    fn from_config(config: &PolicyConfig) -> Policy {
        let levels = config
            .levels
            .iter()
            .enumerate()
            .map(|(i, l)| Level {
                name: l
                    .name
                    .clone()
                    .unwrap_or_else(|| level_name(u32::try_from(i + 1).unwrap_or(u32::MAX))),
                targets: l.who.clone(),
                after: l.after,
            })
            .collect();
        Policy {
            services: config
                .services
                .iter()
                .map(|s| s.trim().to_string())
                .collect(),
            levels,
        }
    }

    /// What a hub whose config names no default policy uses: 1st, 2nd and
    /// 3rd line, each the person on call, none escalating by itself.
    fn built_in_default() -> Policy {
        Policy {
            services: vec![ANY_SERVICE.to_string()],
            levels: (1..=DEFAULT_LEVELS)
                .map(|n| Level {
                    name: level_name(n),
                    targets: Targets::OnCall,
                    after: None,
                })
                .collect(),
        }
    }

    fn is_default(&self) -> bool {
        self.services.iter().any(|s| s == ANY_SERVICE)
    }
}

/// The rota and the policies of a hub.
#[derive(Debug, Clone)]
pub struct Paging {
    /// The policies that name their services, in config order.
    named: Vec<Policy>,
    /// The policy of every other service.
    default: Policy,
    /// Where the default stands among the named ones in the config, so
    /// `/oncall` lists them in the order the team wrote them.
    default_at: usize,
    rota: Option<Rota>,
    /// The responders with `role = "integration"`: never on call.
    integrations: BTreeSet<String>,
}

impl Paging {
    pub fn from_config(config: &HubConfig) -> Paging {
        let policies = config.policies.iter().map(Policy::from_config);
        let (defaults, named): (Vec<Policy>, Vec<Policy>) = policies.partition(Policy::is_default);
        let default_at = config
            .policies
            .iter()
            .position(PolicyConfig::is_default)
            .unwrap_or(named.len());
        Paging {
            default: defaults
                .into_iter()
                .next()
                .unwrap_or_else(Policy::built_in_default),
            named,
            default_at,
            rota: config.rota.as_ref().and_then(Rota::from_config),
            integrations: config.integrations().map(str::to_string).collect(),
        }
    }

    /// Whether `name` is an integration, which is never on call (the config
    /// check keeps them out of the rota and the policies).
    pub fn is_integration(&self, name: &str) -> bool {
        self.integrations.contains(name)
    }

    pub fn rota(&self) -> Option<&Rota> {
        self.rota.as_ref()
    }

    /// Whether any level escalates by itself; without, the timers have
    /// nothing to do.
    pub fn has_timers(&self) -> bool {
        self.named
            .iter()
            .chain([&self.default])
            .flat_map(|p| &p.levels)
            .any(|l| l.after.is_some())
    }

    /// The level `level` (from 1) of the policy of `service`, if it has one.
    pub fn level(&self, service: &str, level: u32) -> Option<&Level> {
        let index = usize::try_from(level.checked_sub(1)?).ok()?;
        self.policy(service).levels.get(index)
    }

    /// The level's name in the service's policy; an incident left above the
    /// policy's levels (the config lost some) still gets a name.
    pub fn level_name(&self, service: &str, level: u32) -> String {
        self.level(service, level)
            .map_or_else(|| level_name(level), |l| l.name.clone())
    }

    /// The level an escalation from `current` goes to, or `None` past the
    /// last one.
    pub fn next_level(&self, service: &str, current: u32) -> Option<u32> {
        let next = current.checked_add(1)?;
        self.level(service, next).map(|_| next)
    }

    /// How messages name the service's policy: "the postgres policy".
    pub fn policy_name(&self, service: &str) -> String {
        if self.policy(service).is_default() {
            "the default policy".to_string()
        } else {
            format!("the {service} policy")
        }
    }

    /// Who owns an incident of `service` that reaches `level` at `t`: the
    /// person on call then, or the first named responder. `None` when the
    /// level reaches the person on call and nobody is.
    pub fn owner(
        &self,
        service: &str,
        level: u32,
        t: DateTime<Utc>,
        handoffs: &[Cover],
    ) -> Option<String> {
        let level = self.level(service, level)?;
        self.reach(&level.targets, t, handoffs)
    }

    /// Whom the rota has on call after the person on call at `t`.
    pub fn next_on_call(&self, t: DateTime<Utc>, handoffs: &[Cover]) -> Option<String> {
        self.rota()?.next(t, handoffs).map(|n| n.who)
    }

    /// Who is on call now and next, and whom each level reaches now.
    pub fn view(&self, t: DateTime<Utc>, handoffs: &[Cover]) -> OnCall {
        let rota = self.rota();
        let mut in_order: Vec<&Policy> = self.named.iter().collect();
        in_order.insert(self.default_at.min(in_order.len()), &self.default);
        let policies = in_order
            .into_iter()
            .map(|p| PolicyView {
                services: p.services.clone(),
                levels: p
                    .levels
                    .iter()
                    .zip(1u32..)
                    .map(|(l, n)| LevelView {
                        level: n,
                        name: l.name.clone(),
                        who: self.reach(&l.targets, t, handoffs),
                        targets: l.targets.clone(),
                        after: l.after,
                    })
                    .collect(),
            })
            .collect();
        OnCall {
            now: rota.and_then(|r| r.on_call(t, handoffs)).map(|turn| Shift {
                who: turn.who,
                since: turn.since,
                until: turn.until,
            }),
            next: rota.and_then(|r| r.next(t, handoffs)).map(|n| NextShift {
                who: n.who,
                from: n.from,
            }),
            shift: rota
                .and_then(|r| r.shift().to_std().ok())
                .map(HumanDuration),
            policies,
        }
    }

    fn policy(&self, service: &str) -> &Policy {
        let service = service.trim();
        self.named
            .iter()
            .find(|p| p.services.iter().any(|s| s.eq_ignore_ascii_case(service)))
            .unwrap_or(&self.default)
    }

    fn reach(&self, targets: &Targets, t: DateTime<Utc>, handoffs: &[Cover]) -> Option<String> {
        match targets {
            Targets::OnCall => self.rota()?.who_at(t, handoffs).map(str::to_string),
            Targets::Named(names) => names.first().cloned(),
        }
    }
}

#[cfg(test)]
mod tests;
