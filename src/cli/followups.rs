//! `oncall followups`: the follow-ups incidents left behind, from the hub
//! (`GET /api/v1/followups`), so a responder can see what is still to do
//! (and what is overdue) from any shell. Open ones only unless `--all`;
//! everyone's unless `--owner`.
use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::Context;
use chrono::{DateTime, Utc};
use clap::Args;

use crate::config::Config;
use crate::incident::Followup;

#[derive(Debug, Args)]
pub struct FollowupsArgs {
    /// Only NAME's follow-ups.
    #[arg(long, value_name = "NAME")]
    pub owner: Option<String>,
    /// The done and dropped ones too, after the open ones.
    #[arg(long)]
    pub all: bool,
    /// Print the hub's JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub hub: super::page::HubArgs,
}

pub async fn run(config: &Config, args: FollowupsArgs) -> anyhow::Result<ExitCode> {
    let client = args.hub.client(config)?;
    let followups = client
        .followups(args.owner.as_deref(), !args.all)
        .await
        .with_context(|| format!("asking {} for follow-ups", client.base()))?;
    if args.json {
        let list = crate::incident::FollowupList { followups };
        super::print_clean(&format!("{}\n", serde_json::to_string_pretty(&list)?));
    } else {
        super::print_clean(&text(&followups, args.owner.as_deref()));
    }
    Ok(ExitCode::SUCCESS)
}

/// The plain list, in the hub's order (open first, overdue first): one
/// line per follow-up, and the incident it came from under it.
pub fn text(followups: &[Followup], owner: Option<&str>) -> String {
    let mut out = String::new();
    if followups.is_empty() {
        let whose = owner.map(|o| format!(" for {o}")).unwrap_or_default();
        let _ = writeln!(out, "no open follow-ups{whose}");
        return out;
    }
    for f in followups {
        let state = match (f.is_open(), f.overdue, f.due) {
            (true, true, Some(due)) => format!("OVERDUE since {}", time(due)),
            (true, _, Some(due)) => format!("due {}", time(due)),
            (true, _, None) => "open".to_string(),
            (false, _, _) => {
                let by = f.closed_by.as_deref().unwrap_or("someone");
                let at = f.closed_at.map(time).unwrap_or_default();
                format!("{} by {by} {at}", f.status).trim_end().to_string()
            }
        };
        let mark = if f.overdue { "!" } else { " " };
        let _ = writeln!(out, "{mark} #{} {}, {state}: {}", f.id, f.owner, f.text);
        let note = f
            .note
            .as_deref()
            .map(|n| format!(" · {n}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "    from #{} {}{note}",
            f.incident_id, f.incident_title
        );
    }
    out
}

fn time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::incident::FollowupStatus;

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, h, 0, 0).single().unwrap()
    }

    fn followup(id: u64, status: FollowupStatus, due: Option<u32>, overdue: bool) -> Followup {
        Followup {
            id,
            incident_id: 7,
            incident_title: "disk full".into(),
            text: format!("task {id}"),
            owner: "sam".into(),
            due: due.map(at),
            status,
            note: (status != FollowupStatus::Open).then(|| "shipped".into()),
            created_by: "ana".into(),
            created_at: at(1),
            closed_by: (status != FollowupStatus::Open).then(|| "sam".into()),
            closed_at: (status != FollowupStatus::Open).then(|| at(9)),
            overdue,
        }
    }

    #[test]
    fn overdue_ones_are_marked_and_closed_ones_say_by_whom() {
        let list = [
            followup(3, FollowupStatus::Open, Some(2), true),
            followup(4, FollowupStatus::Open, Some(20), false),
            followup(5, FollowupStatus::Open, None, false),
            followup(6, FollowupStatus::Done, None, false),
        ];
        assert_eq!(
            text(&list, None),
            "! #3 sam, OVERDUE since 2026-03-01 02:00 UTC: task 3\n    from #7 disk full\n\
             \x20 #4 sam, due 2026-03-01 20:00 UTC: task 4\n    from #7 disk full\n\
             \x20 #5 sam, open: task 5\n    from #7 disk full\n\
             \x20 #6 sam, done by sam 2026-03-01 09:00 UTC: task 6\n    from #7 disk full · shipped\n"
        );
        assert_eq!(text(&[], Some("sam")), "no open follow-ups for sam\n");
    }
}
