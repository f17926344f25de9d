//! Where an escalation goes: the next level of the incident's policy, and
//! whom that level reaches. The hub decides it when it escalates (by hand or
//! by its timers) and the console when it asks the responder to confirm, both
//! through [`escalation`], so the confirm line never promises what the hub
//! will not do.
use super::{DEFAULT_LEVELS, LevelView, PolicyView, Targets, level_name};

/// One level of an escalation policy, as an escalation needs it: the hub's
/// configured levels and the levels of `GET /api/v1/oncall` alike.
pub trait PolicyLevel {
    fn name(&self) -> &str;
    fn targets(&self) -> &Targets;
}

impl PolicyLevel for LevelView {
    fn name(&self) -> &str {
        &self.name
    }

    fn targets(&self) -> &Targets {
        &self.targets
    }
}

/// The levels of the built-in default policy (the hub's, when its config
/// names none): 1st, 2nd and 3rd line, each reaching the person on call,
/// none escalating by itself.
pub fn default_levels() -> Vec<LevelView> {
    (1..=DEFAULT_LEVELS)
        .map(|n| LevelView {
            level: n,
            name: level_name(n),
            who: None,
            targets: Targets::OnCall,
            after: None,
        })
        .collect()
}

/// Where an escalation from one level goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Escalation {
    /// The name of the level it leaves.
    pub from: String,
    /// The level it reaches (from 1), and its name.
    pub level: u32,
    pub to: String,
    /// Whom it belongs to there: the person on call, or the level's first
    /// named responder; `None` when it reaches the person on call and nobody
    /// is.
    pub who: Option<String>,
}

/// Why an escalation cannot go further: the incident is at the policy's
/// last level, named here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AtLastLevel {
    pub at: String,
}

/// Where escalating from level `current` of a policy with `levels` (level 1
/// first) goes, while `on_call` carries the pager.
pub fn escalation<L: PolicyLevel>(
    levels: &[L],
    current: u32,
    on_call: Option<&str>,
) -> Result<Escalation, AtLastLevel> {
    let from = name_in(levels, current);
    let next = current
        .checked_add(1)
        .and_then(|n| level_in(levels, n).map(|l| (n, l)));
    match next {
        Some((level, l)) => Ok(Escalation {
            from,
            level,
            to: l.name().to_string(),
            who: reach(l.targets(), on_call),
        }),
        None => Err(AtLastLevel { at: from }),
    }
}

/// Whom `targets` reach while `on_call` carries the pager.
pub fn reach(targets: &Targets, on_call: Option<&str>) -> Option<String> {
    match targets {
        Targets::OnCall => on_call.map(str::to_string),
        Targets::Named(names) => names.first().cloned(),
    }
}

/// Level `n` (from 1) of `levels`.
pub fn level_in<L: PolicyLevel>(levels: &[L], n: u32) -> Option<&L> {
    let index = usize::try_from(n.checked_sub(1)?).ok()?;
    levels.get(index)
}

/// The name of level `n` of `levels`; a level above the policy's (the
/// config lost some) still gets one.
pub fn name_in<L: PolicyLevel>(levels: &[L], n: u32) -> String {
    level_in(levels, n).map_or_else(|| level_name(n), |l| l.name().to_string())
}

/// Whether a policy covering `services` is the one for `service`: named
/// there, whatever its case.
pub fn names_service(services: &[String], service: &str) -> bool {
    let service = service.trim();
    services.iter().any(|s| s.eq_ignore_ascii_case(service))
}

/// The policy of `GET /api/v1/oncall` that covers `service`: the one naming
/// it, else the default one.
pub fn policy_for<'a>(policies: &'a [PolicyView], service: &str) -> Option<&'a PolicyView> {
    policies
        .iter()
        .find(|p| names_service(&p.services, service))
        .or_else(|| policies.iter().find(|p| is_default_policy(&p.services)))
}

/// Whether a policy covering `services` is the default one (`"*"`), for
/// every service no other policy names.
pub fn is_default_policy(services: &[String]) -> bool {
    services.iter().any(|s| s == crate::config::ANY_SERVICE)
}

/// How messages name a policy: "the default policy", "the postgres policy".
pub fn policy_name(default: bool, service: &str) -> String {
    if default {
        "the default policy".to_string()
    } else {
        format!("the {service} policy")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(name: &str, targets: Targets) -> LevelView {
        LevelView {
            level: 0,
            name: name.into(),
            who: None,
            targets,
            after: None,
        }
    }

    #[test]
    fn the_next_level_reaches_the_person_on_call_or_its_first_name() {
        let levels = [
            level("1st line", Targets::OnCall),
            level("DBAs", Targets::Named(vec!["dave".into(), "erin".into()])),
            level("3rd line", Targets::OnCall),
        ];
        assert_eq!(
            escalation(&levels, 1, Some("alice")),
            Ok(Escalation {
                from: "1st line".into(),
                level: 2,
                to: "DBAs".into(),
                who: Some("dave".into()),
            })
        );
        let up = escalation(&levels, 2, None).unwrap();
        assert_eq!((up.to.as_str(), up.who), ("3rd line", None));
        assert_eq!(
            escalation(&levels, 3, Some("alice")),
            Err(AtLastLevel {
                at: "3rd line".into()
            })
        );
        assert_eq!(
            escalation(&levels, 7, None),
            Err(AtLastLevel {
                at: "7th line".into()
            }),
            "left above the policy's levels"
        );
        assert_eq!(policy_name(true, "db"), "the default policy");
        assert_eq!(policy_name(false, "db"), "the db policy");
    }
}
