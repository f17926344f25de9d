//! `oncall incident show ID [--markdown | --json]`: one incident with its
//! whole timeline, oldest first, for a post-incident review: who held it,
//! who helped and ran it, what stakeholders were told, and every step with
//! who and when. Everything printed is cleaned of escape sequences and
//! control characters (`print_clean`), as it came from the hub.
use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::Context;
use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};

use crate::config::Config;
use crate::incident::{Incident, level_name};

#[derive(Debug, Subcommand)]
pub enum IncidentCmd {
    /// One incident with its whole timeline, for a review.
    Show(ShowArgs),
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The incident's number (`#42` or `42`).
    #[arg(value_parser = parse_id)]
    pub id: u64,
    /// Markdown, to paste into a review document.
    #[arg(long, conflicts_with = "json")]
    pub markdown: bool,
    /// The hub's JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub hub: super::page::HubArgs,
}

fn parse_id(s: &str) -> Result<u64, String> {
    s.trim()
        .trim_start_matches('#')
        .parse()
        .map_err(|_| format!("'{s}' is not an incident number: write it like 42 or #42"))
}

pub async fn run(config: &Config, cmd: IncidentCmd) -> anyhow::Result<ExitCode> {
    let IncidentCmd::Show(args) = cmd;
    let client = args.hub.client(config)?;
    let inc = client
        .get(args.id)
        .await
        .with_context(|| format!("reading incident #{} from {}", args.id, client.base()))?;
    let out = if args.json {
        format!("{}\n", serde_json::to_string_pretty(&inc)?)
    } else if args.markdown {
        markdown(&inc)
    } else {
        text(&inc)
    };
    super::print_clean(&out);
    Ok(ExitCode::SUCCESS)
}

/// The facts of `inc` as label and value, in the order a review reads them,
/// its times written by `time` (the console's history writes them in the
/// responder's time zone).
pub fn facts(
    inc: &Incident,
    time: impl Fn(DateTime<Utc>) -> String,
) -> Vec<(&'static str, String)> {
    let mut facts = vec![
        ("severity", inc.severity.to_string()),
        ("status", inc.status.to_string()),
        ("service", inc.service.clone()),
        (
            "owner",
            inc.owner.clone().unwrap_or_else(|| "nobody".into()),
        ),
        ("level", level_name(inc.escalation_level)),
        ("opened", time(inc.created_at)),
        ("last change", time(inc.updated_at)),
    ];
    if inc.occurrences > 1 {
        facts.push(("occurrences", inc.occurrences.to_string()));
    }
    if inc.major {
        let manager = inc.incident_manager.as_deref().unwrap_or("nobody named");
        facts.push(("major incident", format!("incident manager {manager}")));
    }
    if !inc.helpers.is_empty() {
        facts.push(("helping", inc.helpers.join(", ")));
    }
    if let Some(update) = &inc.status_update {
        let said = update.text.split_whitespace().collect::<Vec<_>>().join(" ");
        facts.push((
            "status update",
            format!("{said} ({}, {})", update.by, time(update.at)),
        ));
    }
    if !inc.labels.is_empty() {
        let labels: Vec<String> = inc.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        facts.push(("labels", labels.join(" ")));
    }
    if let Some(url) = &inc.runbook_url {
        facts.push(("runbook", url.clone()));
    }
    facts
}

/// The plain answer: facts, the description, then the timeline.
pub fn text(inc: &Incident) -> String {
    let mut out = format!("#{} [{}] {}\n", inc.id, inc.severity, inc.title);
    for (label, value) in facts(inc, time) {
        let _ = writeln!(out, "  {label:<15}{value}");
    }
    if !inc.description.trim().is_empty() {
        let _ = writeln!(out, "\n{}", inc.description.trim_end());
    }
    let _ = writeln!(out, "\ntimeline (UTC, oldest first)");
    for e in &inc.timeline {
        let late = e
            .taken_at
            .map(|t| format!(" (taken at {})", t.format("%H:%M:%S")))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {}  {:<12} {:<15} {}{late}",
            e.at.format("%Y-%m-%d %H:%M:%S"),
            e.who,
            e.kind.as_str(),
            one_line(&e.text)
        );
    }
    out
}

/// The review's Markdown: a heading, a table of facts, the description as
/// a quote, and the timeline as a table.
pub fn markdown(inc: &Incident) -> String {
    let mut out = format!("# Incident #{}: {}\n\n", inc.id, cell(&inc.title));
    out.push_str("| | |\n|---|---|\n");
    for (label, value) in facts(inc, time) {
        let _ = writeln!(out, "| {label} | {} |", cell(&value));
    }
    if !inc.description.trim().is_empty() {
        out.push('\n');
        for line in inc.description.trim_end().lines() {
            let _ = writeln!(out, "> {line}");
        }
    }
    out.push_str("\n## Timeline (UTC)\n\n| when | who | what | |\n|---|---|---|---|\n");
    for e in &inc.timeline {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            e.at.format("%Y-%m-%d %H:%M:%S"),
            cell(&e.who),
            e.kind.as_str(),
            cell(&e.text)
        );
    }
    out
}

/// `t` as a review reads it, in UTC.
fn time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// `text` on one line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` fit for one cell of a Markdown table: one line, pipes escaped.
fn cell(text: &str) -> String {
    one_line(text).replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::{EventKind, Status, TimelineEntry};

    fn t(h: u32, m: u32) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(&format!("2026-11-30T{h:02}:{m:02}:00Z"))
            .unwrap()
            .with_timezone(&Utc)
    }

    fn reviewed() -> Incident {
        let mut inc = Incident::builder(42, "Checkout | 5xx", t(2, 10))
            .service("checkout")
            .status(Status::Resolved)
            .owner(Some("sam"))
            .helpers(&["alex"])
            .major(Some("priya"))
            .status_update("Rolled back;\nall clear.", "priya", t(2, 40))
            .build();
        inc.timeline = vec![
            TimelineEntry {
                at: t(2, 10),
                who: "monitoring".into(),
                kind: EventKind::Opened,
                text: "opened".into(),
                taken_at: None,
            },
            TimelineEntry {
                at: t(2, 41),
                who: "sam".into(),
                kind: EventKind::Resolved,
                text: "rollback | done".into(),
                taken_at: Some(t(2, 39)),
            },
        ];
        inc
    }

    #[test]
    fn the_text_has_the_roles_the_update_and_the_timeline_oldest_first() {
        let out = text(&reviewed());
        assert!(out.starts_with("#42 [high] Checkout | 5xx\n"), "{out}");
        for line in [
            "  owner          sam",
            "  major incident incident manager priya",
            "  helping        alex",
            "  status update  Rolled back; all clear. (priya, 2026-11-30 02:40 UTC)",
            "  2026-11-30 02:10:00  monitoring   opened          opened",
            "  2026-11-30 02:41:00  sam          resolved        rollback | done (taken at 02:39:00)",
        ] {
            assert!(out.contains(line), "{line:?} in:\n{out}");
        }
        assert!(out.find("opened          opened") < out.find("resolved        rollback"));
    }

    #[test]
    fn the_markdown_is_a_heading_and_two_tables_with_pipes_escaped() {
        let out = markdown(&reviewed());
        assert!(
            out.starts_with("# Incident #42: Checkout \\| 5xx\n"),
            "{out}"
        );
        assert!(out.contains("| status | resolved |"), "{out}");
        assert!(
            out.contains("| 2026-11-30 02:41:00 | sam | resolved | rollback \\| done |"),
            "{out}"
        );
        assert_eq!(parse_id("#42"), Ok(42));
        assert!(parse_id("forty").is_err());
    }
}
