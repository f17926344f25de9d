//! Escalation policies: which policy a service has, what its levels are
//! called, and whom each level reaches at a given time. The one place that
//! decides, for opening, escalating (by hand or by timer), hand-offs and
//! `GET /api/v1/oncall`. Pure like the rota: times and hand-offs come in as
//! arguments.
use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use crate::config::{ANY_SERVICE, HubConfig, HumanDuration, PolicyConfig};
use crate::incident::{
    AtLastLevel, Escalation, LevelView, NextShift, OnCall, PolicyLevel, PolicyView, Shift, Targets,
    default_levels, escalation, is_default_policy, level_in, level_name, name_in, names_service,
    policy_name, reach,
};

use super::rota::{Cover, Rota};

/// One level of a policy, its name settled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Level {
    pub name: String,
    pub targets: Targets,
    pub after: Option<HumanDuration>,
}

impl PolicyLevel for Level {
    fn name(&self) -> &str {
        &self.name
    }

    fn targets(&self) -> &Targets {
        &self.targets
    }
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
            levels: default_levels()
                .into_iter()
                .map(|l| Level {
                    name: l.name,
                    targets: l.targets,
                    after: l.after,
                })
                .collect(),
        }
    }

    fn is_default(&self) -> bool {
        is_default_policy(&self.services)
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
        level_in(&self.policy(service).levels, level)
    }

    /// The level's name in the service's policy; an incident left above the
    /// policy's levels (the config lost some) still gets a name.
    pub fn level_name(&self, service: &str, level: u32) -> String {
        name_in(&self.policy(service).levels, level)
    }

    /// Where escalating an incident of `service` from level `current` at `t`
    /// goes, decided as the console decides it from `GET /api/v1/oncall`.
    pub fn escalation(
        &self,
        service: &str,
        current: u32,
        t: DateTime<Utc>,
        handoffs: &[Cover],
    ) -> Result<Escalation, AtLastLevel> {
        escalation(
            &self.policy(service).levels,
            current,
            self.on_call(t, handoffs),
        )
    }

    /// How messages name the service's policy: "the postgres policy".
    pub fn policy_name(&self, service: &str) -> String {
        policy_name(self.policy(service).is_default(), service)
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
        reach(&level.targets, self.on_call(t, handoffs))
    }

    /// Who carries the pager at `t`; nobody without a rota.
    fn on_call<'a>(&'a self, t: DateTime<Utc>, handoffs: &'a [Cover]) -> Option<&'a str> {
        self.rota()?.who_at(t, handoffs)
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
                        who: reach(&l.targets, self.on_call(t, handoffs)),
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
        self.named
            .iter()
            .find(|p| names_service(&p.services, service))
            .unwrap_or(&self.default)
    }
}

#[cfg(test)]
mod tests;
