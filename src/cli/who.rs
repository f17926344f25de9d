//! `oncall who`: who is on call now and until when, who is next, and whom
//! each escalation level reaches, from the hub (`GET /api/v1/oncall`), and
//! the overrides in force and upcoming (`GET /api/v1/overrides`), so a
//! responder can check the rota from any shell without opening the console.
use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::Context;
use chrono::{DateTime, Utc};
use clap::Args;

use crate::config::Config;
use crate::feed::client::FeedError;
use crate::incident::{OnCall, Override, Targets};

#[derive(Debug, Args)]
pub struct WhoArgs {
    /// Print the hub's JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub hub: super::page::HubArgs,
}

pub async fn run(config: &Config, args: WhoArgs) -> anyhow::Result<ExitCode> {
    let client = args.hub.client(config)?;
    let oncall = client
        .oncall()
        .await
        .with_context(|| format!("asking {} who is on call", client.base()))?;
    let overrides = match client.overrides().await {
        Ok(overrides) => overrides,
        // A hub from before overrides were made through the API has none.
        Err(FeedError::Rejected { status: 404, .. }) => Vec::new(),
        Err(e) => {
            return Err(e).with_context(|| format!("asking {} for overrides", client.base()));
        }
    };
    if args.json {
        let mut answer = serde_json::to_value(&oncall)?;
        if let Some(fields) = answer.as_object_mut() {
            fields.insert("overrides".into(), serde_json::to_value(&overrides)?);
        }
        super::print_clean(&format!("{}\n", serde_json::to_string_pretty(&answer)?));
    } else {
        let mut out = text(&oncall, Utc::now());
        out.push_str(&overrides_text(&overrides));
        super::print_clean(&out);
    }
    Ok(ExitCode::SUCCESS)
}

/// The plain answer, `now` being the time it is read at (for "in 3h 10m").
pub fn text(oncall: &OnCall, now: DateTime<Utc>) -> String {
    let mut out = String::new();
    match &oncall.now {
        Some(shift) => {
            let _ = writeln!(
                out,
                "on call now: {} since {}, until {} ({})",
                shift.who,
                time(shift.since),
                time(shift.until),
                until(now, shift.until)
            );
        }
        None if oncall.shift.is_none() => {
            let _ = writeln!(out, "on call now: nobody (the hub has no rota)");
        }
        None => {
            let _ = writeln!(out, "on call now: nobody");
        }
    }
    if let Some(next) = &oncall.next {
        let _ = writeln!(
            out,
            "next:        {} from {} ({})",
            next.who,
            time(next.from),
            until(now, next.from)
        );
    }
    if let Some(shift) = &oncall.shift {
        let _ = writeln!(out, "shift:       {shift}");
    }
    for policy in &oncall.policies {
        let _ = writeln!(out, "\nescalation for {}:", policy.services.join(", "));
        for level in &policy.levels {
            let reaches = match (&level.who, &level.targets) {
                (Some(who), Targets::OnCall) => format!("{who} (on call)"),
                (None, Targets::OnCall) => "the person on call (nobody now)".to_string(),
                (Some(who), Targets::Named(_)) => who.clone(),
                (None, Targets::Named(names)) => names.join(", "),
            };
            let after = match &level.after {
                Some(after) => format!(", up after {after} unacknowledged"),
                None => String::new(),
            };
            let _ = writeln!(out, "  {}. {}: {reaches}{after}", level.level, level.name);
        }
    }
    out
}

/// The overrides in force and upcoming, one a line; nothing when none.
pub fn overrides_text(overrides: &[Override]) -> String {
    let mut out = String::new();
    if overrides.is_empty() {
        return out;
    }
    let _ = writeln!(out, "\noverrides:");
    for o in overrides {
        let _ = writeln!(out, "  {}", super::cover::describe(o));
    }
    out
}

pub(super) fn time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// "in 3h 10m", or "3h 10m ago".
fn until(now: DateTime<Utc>, t: DateTime<Utc>) -> String {
    let span = |minutes: i64| {
        let (h, m) = (minutes / 60, minutes % 60);
        match (h / 24, h % 24) {
            (0, 0) => format!("{m}m"),
            (0, h) => format!("{h}h {m}m"),
            (d, h) => format!("{d}d {h}h"),
        }
    };
    let minutes = (t - now).num_minutes();
    if minutes >= 0 {
        format!("in {}", span(minutes))
    } else {
        format!("{} ago", span(-minutes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::HumanDuration;
    use crate::incident::{LevelView, NextShift, PolicyView, Shift};

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    #[test]
    fn says_who_until_when_who_is_next_and_each_level() {
        let oncall = OnCall {
            now: Some(Shift {
                who: "alice".into(),
                since: at("2026-11-30T08:00:00Z"),
                until: at("2026-11-30T20:00:00Z"),
            }),
            next: Some(NextShift {
                who: "bob".into(),
                from: at("2026-11-30T20:00:00Z"),
            }),
            shift: HumanDuration::parse("12h").ok(),
            policies: vec![PolicyView {
                services: vec!["*".into()],
                levels: vec![
                    LevelView {
                        level: 1,
                        name: "1st line".into(),
                        who: Some("alice".into()),
                        targets: Targets::OnCall,
                        after: HumanDuration::parse("15m").ok(),
                    },
                    LevelView {
                        level: 2,
                        name: "2nd line".into(),
                        who: Some("carol".into()),
                        targets: Targets::Named(vec!["carol".into(), "dave".into()]),
                        after: None,
                    },
                ],
            }],
        };
        let text = text(&oncall, at("2026-11-30T16:50:00Z"));
        assert_eq!(
            text,
            "on call now: alice since 2026-11-30 08:00 UTC, until 2026-11-30 20:00 UTC (in 3h 10m)\n\
             next:        bob from 2026-11-30 20:00 UTC (in 3h 10m)\n\
             shift:       12h\n\
             \n\
             escalation for *:\n  \
             1. 1st line: alice (on call), up after 15m unacknowledged\n  \
             2. 2nd line: carol\n"
        );
    }

    #[test]
    fn says_so_when_there_is_no_rota() {
        let oncall = OnCall {
            now: None,
            next: None,
            shift: None,
            policies: Vec::new(),
        };
        assert_eq!(
            text(&oncall, at("2026-11-30T16:50:00Z")),
            "on call now: nobody (the hub has no rota)\n"
        );
    }
}
