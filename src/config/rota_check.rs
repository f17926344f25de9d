//! The checks of `[hub.rota]` and `[[hub.policies]]` that look across values:
//! every name must be a configured person (an integration is never on call
//! nor an owner), every service in one policy, every window the right way
//! round. Each error points at the line to change
//! and says how.
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::rota::{ANY_SERVICE, PolicyConfig, RotaConfig};
use super::{ConfigError, HubConfig};
use crate::incident::{Targets, level_name};

const ROTA: (&str, usize) = ("[hub.rota]", 0);

/// The first problem with the rota or the policies of `hub`, if any.
pub fn check(hub: &HubConfig, text: &str, path: &Path) -> Result<(), ConfigError> {
    let c = Checker {
        path,
        text,
        known: hub.responders.iter().map(|r| r.name.as_str()).collect(),
        integrations: hub.integrations().collect(),
    };
    if let Some(rota) = &hub.rota {
        c.rota(rota)?;
    }
    c.policies(&hub.policies, hub.rota.is_some())
}

struct Checker<'a> {
    path: &'a Path,
    text: &'a str,
    known: BTreeSet<&'a str>,
    integrations: BTreeSet<&'a str>,
}

impl Checker<'_> {
    fn rota(&self, rota: &RotaConfig) -> Result<(), ConfigError> {
        if rota.responders.is_empty() {
            return Err(self.in_table(
                ROTA,
                "responders",
                "the rota has no responders, so nobody would ever be on call",
                "list who takes the pager, in turn, like responders = [\"alice\", \"bob\"]",
            ));
        }
        for name in &rota.responders {
            self.person(name, "the rota", (ROTA, "responders"))?;
        }
        for (i, o) in rota.overrides.iter().enumerate() {
            let at = (("[[hub.rota.overrides]]", i), "responder");
            self.person(&o.responder, "an override", at)?;
            if o.end <= o.start {
                return Err(self.in_table(
                    ("[[hub.rota.overrides]]", i),
                    "end",
                    &format!(
                        "this override ends ({}) before it starts ({})",
                        o.end, o.start
                    ),
                    "make end later than start; both are RFC 3339 times like \"2026-11-24T08:00:00Z\"",
                ));
            }
        }
        // Overlapping swaps would leave "who is on call" to the order of the
        // file; make the team say it.
        for (j, later) in rota.overrides.iter().enumerate() {
            for (i, earlier) in rota.overrides.iter().enumerate().take(j) {
                if later.start < earlier.end && earlier.start < later.end {
                    return Err(self.in_table(
                        ("[[hub.rota.overrides]]", j),
                        "start",
                        &format!(
                            "override {} ({} for {}) overlaps override {} ({} for {})",
                            j + 1,
                            later.responder,
                            later.start,
                            i + 1,
                            earlier.responder,
                            earlier.start
                        ),
                        "make one end before the other starts, or merge them",
                    ));
                }
            }
        }
        Ok(())
    }

    fn policies(&self, policies: &[PolicyConfig], has_rota: bool) -> Result<(), ConfigError> {
        // Service (compared without case) -> the policy that has it.
        let mut owner: BTreeMap<String, usize> = BTreeMap::new();
        // Levels are counted across policies to find their headers.
        let mut level_header = 0;
        for (p, policy) in policies.iter().enumerate() {
            let at = ("[[hub.policies]]", p);
            self.services(policy, at, &mut owner)?;
            let what = policy_name(policy);
            if policy.levels.is_empty() {
                return Err(self.in_table(
                    at,
                    "services",
                    &format!("{what} has no levels, so its incidents would reach nobody"),
                    "add [[hub.policies.levels]] after it, at least one, like:  name = \"1st line\"  who = \"on-call\"  after = \"15m\"",
                ));
            }
            for (l, level) in policy.levels.iter().enumerate() {
                let at = ("[[hub.policies.levels]]", level_header);
                level_header += 1;
                let name = level
                    .name
                    .clone()
                    .unwrap_or_else(|| level_name(u32::try_from(l + 1).unwrap_or(u32::MAX)));
                if name.trim().is_empty() {
                    return Err(self.in_table(
                        at,
                        "name",
                        &format!("level {} of {what} has an empty name", l + 1),
                        "name it, like name = \"2nd line\", or leave name out to get that by position",
                    ));
                }
                match &level.who {
                    Targets::OnCall if !has_rota => {
                        return Err(self.in_table(
                            at,
                            "who",
                            &format!(
                                "{name} of {what} reaches the person on call, but there is no [hub.rota] to say who that is"
                            ),
                            "add a [hub.rota] with responders, shift and start, or name the responders: who = [\"dave\"]",
                        ));
                    }
                    Targets::OnCall => {}
                    Targets::Named(names) if names.is_empty() => {
                        return Err(self.in_table(
                            at,
                            "who",
                            &format!("{name} of {what} reaches nobody (who = [])"),
                            "name at least one responder, like who = [\"dave\"], or write who = \"on-call\"",
                        ));
                    }
                    Targets::Named(names) => {
                        for n in names {
                            self.person(n, &format!("{name} of {what}"), (at, "who"))?;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn services(
        &self,
        policy: &PolicyConfig,
        at: (&str, usize),
        owner: &mut BTreeMap<String, usize>,
    ) -> Result<(), ConfigError> {
        if policy.services.is_empty() {
            return Err(self.in_table(
                at,
                "services",
                "this policy lists no services, so it applies to nothing",
                "name the services it covers, like services = [\"db\", \"postgres\"], or [\"*\"] for the default policy",
            ));
        }
        for service in &policy.services {
            let trimmed = service.trim();
            if trimmed.is_empty() {
                return Err(self.in_table(
                    at,
                    "services",
                    "a policy lists an empty service name",
                    "remove the \"\" from services, or write the service's name",
                ));
            }
            if trimmed == ANY_SERVICE && policy.services.len() > 1 {
                return Err(self.in_table(
                    at,
                    "services",
                    "\"*\" makes this the default policy, so the other services beside it say nothing",
                    "write services = [\"*\"] alone, or give the named services a policy of their own",
                ));
            }
            let key = trimmed.to_lowercase();
            if let Some(first) = owner.insert(key, at.1) {
                let (problem, fix) = if trimmed == ANY_SERVICE {
                    (
                        format!(
                            "policies {} and {} are both the default policy (services = [\"*\"])",
                            first + 1,
                            at.1 + 1
                        ),
                        "keep one default policy; merge the other's levels into it".to_string(),
                    )
                } else {
                    (
                        format!(
                            "service '{trimmed}' is in two policies ({} and {}), so its escalation would be ambiguous",
                            first + 1,
                            at.1 + 1
                        ),
                        format!("keep '{trimmed}' in one policy; remove it from the other"),
                    )
                };
                return Err(ConfigError::at_value(
                    self.path, self.text, service, &problem, &fix,
                ));
            }
        }
        Ok(())
    }

    /// `name`, found in `place` at `at` (a table and its key), must be a
    /// configured responder who is a person.
    fn person(
        &self,
        name: &str,
        place: &str,
        (table, key): ((&str, usize), &str),
    ) -> Result<(), ConfigError> {
        if self.integrations.contains(name) {
            // The name is also in [[hub.responders]], so point at the key
            // here rather than at the last place the name is quoted.
            return Err(self.in_table(
                table,
                key,
                &format!(
                    "'{name}' is in {place}, but it is an integration (role = \"integration\"): integrations only send events and are never on call or an owner"
                ),
                &format!(
                    "name a person here instead of '{name}', or, if '{name}' is a person, remove role = \"integration\" from their [[hub.responders]] entry"
                ),
            ));
        }
        if self.known.contains(name) {
            return Ok(());
        }
        let known = if self.known.is_empty() {
            "there are none yet".to_string()
        } else {
            let names: Vec<&str> = self.known.iter().copied().collect();
            format!("known: {}", names.join(", "))
        };
        Err(ConfigError::at_value(
            self.path,
            self.text,
            name,
            &format!("'{name}' is in {place} but not in [[hub.responders]]"),
            &format!(
                "correct the name ({known}), or add '{name}' with the line `oncall token new {name}` prints"
            ),
        ))
    }

    fn in_table(&self, at: (&str, usize), key: &str, problem: &str, fix: &str) -> ConfigError {
        ConfigError::in_table(self.path, self.text, at, key, problem, fix)
    }
}

/// How errors name a policy: by its services.
fn policy_name(policy: &PolicyConfig) -> String {
    if policy.is_default() {
        "the default policy".to_string()
    } else {
        format!("the policy for {}", policy.services.join(", "))
    }
}
