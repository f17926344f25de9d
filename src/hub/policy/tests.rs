use std::path::Path;

use super::*;
use crate::config::Config;

const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// A checked config: responders, then `rest`.
fn paging(rest: &str) -> Paging {
    let mut text = String::new();
    for name in ["alice", "bob", "dave", "erin"] {
        text.push_str(&format!(
            "[[hub.responders]]\nname = \"{name}\"\ntoken_sha256 = \"{HASH}\"\n"
        ));
    }
    text.push_str(rest);
    let config = Config::parse(&text, Path::new("test.toml")).unwrap_or_else(|e| panic!("{e}"));
    Paging::from_config(&config.hub)
}

/// The level an escalation from `current` goes to, or `None` past the last.
fn next_level(p: &Paging, service: &str, current: u32) -> Option<u32> {
    let t = at("2026-11-23T09:00:00Z");
    p.escalation(service, current, t, &[])
        .ok()
        .map(|up| up.level)
}

const ROTA: &str = "[hub.rota]\nresponders = [\"alice\", \"bob\"]\nshift = \"12h\"\nstart = \"2026-11-23T08:00:00Z\"\n";

const POSTGRES: &str = "[[hub.policies]]\nservices = [\"db\", \"postgres\"]\n\
    [[hub.policies.levels]]\nwho = \"on-call\"\nafter = \"15m\"\n\
    [[hub.policies.levels]]\nname = \"DBAs\"\nwho = [\"dave\", \"erin\"]\nafter = \"30m\"\n";

#[test]
fn without_policies_every_service_gets_three_on_call_levels() {
    let p = paging("");
    assert_eq!(p.level_name("web", 1), "1st line");
    assert_eq!(p.level_name("web", 3), "3rd line");
    assert_eq!(next_level(&p, "web", 1), Some(2));
    assert_eq!(next_level(&p, "web", 2), Some(3));
    assert_eq!(next_level(&p, "web", 3), None);
    assert_eq!(p.level("web", 2).unwrap().targets, Targets::OnCall);
    assert_eq!(p.level("web", 2).unwrap().after, None);
    // No rota: nobody to reach.
    assert_eq!(p.owner("web", 1, at("2026-11-23T09:00:00Z"), &[]), None);
    assert_eq!(p.policy_name("web"), "the default policy");
    assert!(!p.has_timers());
}

#[test]
fn a_service_gets_its_own_policy_whatever_its_case() {
    let p = paging(&format!("{ROTA}{POSTGRES}"));
    assert_eq!(p.level_name("Postgres", 2), "DBAs");
    assert_eq!(next_level(&p, "postgres", 2), None);
    assert_eq!(p.policy_name("postgres"), "the postgres policy");
    assert!(p.has_timers());
    assert_eq!(next_level(&p, "web", 2), Some(3));
    let nine = at("2026-11-23T09:00:00Z");
    assert_eq!(p.owner("db", 1, nine, &[]).as_deref(), Some("alice"));
    assert_eq!(p.owner("db", 2, nine, &[]).as_deref(), Some("dave"));
    assert_eq!(p.owner("db", 3, nine, &[]), None);
    let night = at("2026-11-23T21:00:00Z");
    assert_eq!(p.owner("db", 1, night, &[]).as_deref(), Some("bob"));
    assert_eq!(p.owner("web", 3, night, &[]).as_deref(), Some("bob"));
}

#[test]
fn a_configured_default_replaces_the_built_in_one() {
    let p = paging(&format!(
        "{ROTA}[[hub.policies]]\nservices = [\"*\"]\n[[hub.policies.levels]]\nwho = \"on-call\"\n\
         [[hub.policies.levels]]\nname = \"leads\"\nwho = [\"erin\"]\n{POSTGRES}"
    ));
    assert_eq!(p.level_name("web", 2), "leads");
    assert_eq!(next_level(&p, "web", 2), None);
    // A level the policy no longer has still has a name.
    assert_eq!(p.level_name("web", 4), "4th line");
    assert_eq!(next_level(&p, "web", 4), None);
    let view = p.view(at("2026-11-23T09:00:00Z"), &[]);
    let services: Vec<_> = view.policies.iter().map(|p| p.services.clone()).collect();
    assert_eq!(services, [vec!["*"], vec!["db", "postgres"]]);
}

/// The rota and the postgres policy, and bob covering from 10:00 to 20:00.
fn postgres_and_bob_covering() -> (Paging, [Cover; 1]) {
    let handed = [Cover {
        who: "bob".into(),
        start: at("2026-11-23T10:00:00Z"),
        end: at("2026-11-23T20:00:00Z"),
        made: at("2026-11-23T10:00:00Z"),
    }];
    (paging(&format!("{ROTA}{POSTGRES}")), handed)
}

#[test]
fn the_view_resolves_each_level_now() {
    let (p, handed) = postgres_and_bob_covering();
    let view = p.view(at("2026-11-23T11:00:00Z"), &handed);
    let now = view.now.unwrap();
    assert_eq!(
        (now.who.as_str(), now.since),
        ("bob", at("2026-11-23T10:00:00Z"))
    );
    assert_eq!(now.until, at("2026-11-24T08:00:00Z"));
    assert_eq!(view.next.unwrap().who, "alice");
    assert_eq!(view.shift.map(|s| s.to_string()), Some("12h".into()));
    // The named policy first, then the built-in default.
    assert_eq!(view.policies.len(), 2);
    let db = &view.policies[0];
    assert_eq!(db.levels[0].who.as_deref(), Some("bob"));
    assert_eq!(
        db.levels[0].after.map(|a| a.to_string()),
        Some("15m".into())
    );
    assert_eq!(db.levels[1].who.as_deref(), Some("dave"));
    assert_eq!(db.levels[1].level, 2);
    assert_eq!(view.policies[1].services, ["*"]);
    assert_eq!(view.policies[1].levels.len(), 3);
    assert_eq!(
        p.next_on_call(at("2026-11-23T11:00:00Z"), &handed)
            .as_deref(),
        Some("alice")
    );
}

#[test]
fn the_console_reads_from_the_view_where_the_hub_escalates() {
    let (p, handed) = postgres_and_bob_covering();
    let t = at("2026-11-23T11:00:00Z");
    // The view as a console holds it: through the wire.
    let json = serde_json::to_string(&p.view(t, &handed)).unwrap();
    let view: OnCall = serde_json::from_str(&json).unwrap();
    let on_call = view.now.as_ref().map(|s| s.who.as_str());
    for service in ["db", "Postgres", "web"] {
        let policy = crate::incident::policy_for(&view.policies, service).unwrap();
        for level in 1..=4 {
            assert_eq!(
                escalation(&policy.levels, level, on_call),
                p.escalation(service, level, t, &handed),
                "{service} from level {level}"
            );
        }
    }
    let up = p.escalation("web", 1, t, &handed).unwrap();
    assert_eq!(
        (up.to.as_str(), up.who.as_deref()),
        ("2nd line", Some("bob"))
    );
    let up = p.escalation("db", 1, t, &handed).unwrap();
    assert_eq!((up.to.as_str(), up.who.as_deref()), ("DBAs", Some("dave")));
}
