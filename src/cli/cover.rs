//! `oncall cover`: put yourself (or, as the person on call or a lead,
//! someone else) on call for a window whatever the rota says, through the
//! hub (`POST /api/v1/overrides`), or remove such an override. The hub
//! decides who may; this only reads the times and says what it did.
use std::process::ExitCode;

use anyhow::{Context, anyhow};
use chrono::{DateTime, Utc};
use clap::Args;

use crate::config::Config;
use crate::incident::{NewOverride, Override, cover_end, cover_start};

#[derive(Debug, Args)]
pub struct CoverArgs {
    /// When the cover starts: a time like 2026-11-30T18:00:00Z, or now.
    #[arg(
        long,
        value_name = "T",
        default_value = "now",
        conflicts_with = "remove"
    )]
    pub start: String,
    /// When it ends: a time, or a length after the start like 8h or +8h.
    #[arg(long, value_name = "T|LENGTH", required_unless_present = "remove")]
    pub end: Option<String>,
    /// Whom to put on call (default: you); someone else takes being on call
    /// in that window, or a lead's token.
    #[arg(long = "for", value_name = "NAME", conflicts_with = "remove")]
    pub for_whom: Option<String>,
    /// Remove override ID instead (its maker, its responder or a lead).
    #[arg(long, value_name = "ID", conflicts_with = "end")]
    pub remove: Option<u64>,
    #[command(flatten)]
    pub hub: super::page::HubArgs,
}

pub async fn run(config: &Config, args: CoverArgs) -> anyhow::Result<ExitCode> {
    let client = args.hub.client(config)?;
    if let Some(id) = args.remove {
        let removed = client
            .remove_override(id, None)
            .await
            .with_context(|| format!("removing override #{id} on {}", client.base()))?;
        super::print_clean(&format!("removed {}\n", describe(&removed)));
        return Ok(ExitCode::SUCCESS);
    }
    let end = args
        .end
        .as_deref()
        .ok_or_else(|| anyhow!("say when the cover ends: --end 8h"))?;
    let req = window(
        args.for_whom.unwrap_or_else(|| config.responder_name()),
        &args.start,
        end,
        Utc::now(),
    )?;
    let made = client
        .make_override(&req, None)
        .await
        .with_context(|| format!("asking {} to put {} on call", client.base(), req.responder))?;
    super::print_clean(&made_text(&made));
    Ok(ExitCode::SUCCESS)
}

/// The override `responder` asks for, from `start` to `end` as typed, read
/// at `now`.
pub fn window(
    responder: String,
    start: &str,
    end: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<NewOverride> {
    let start = cover_start(start, now).map_err(|e| anyhow!("--start: {e}"))?;
    let end = cover_end(end, start).map_err(|e| anyhow!("--end: {e}"))?;
    Ok(NewOverride {
        responder,
        start,
        end,
    })
}

/// One line for an override: `override #3: dave on call 2026-... to 2026-... (made by alice)`.
pub fn describe(o: &Override) -> String {
    format!(
        "override #{}: {} on call {} to {} (made by {})",
        o.id,
        o.responder,
        super::who::time(o.start),
        super::who::time(o.end),
        o.created_by
    )
}

/// What `oncall cover` prints of the override it made.
pub fn made_text(made: &Override) -> String {
    let displaced = if made.displaced.is_empty() {
        "nobody (they were on call already)".to_string()
    } else {
        made.displaced.join(", ")
    };
    format!("{}\ndisplaced: {displaced}\n", describe(made))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    #[test]
    fn a_bad_time_names_its_flag() {
        let now = at("2026-11-30T10:00:00Z");
        let w = window("dave".into(), "now", "+8h", now).unwrap();
        assert_eq!((w.start, w.end), (now, at("2026-11-30T18:00:00Z")));
        let e = format!(
            "{:#}",
            window("d".into(), "tomorrow", "8h", now).unwrap_err()
        );
        assert!(e.starts_with("--start: 'tomorrow' is not a time"), "{e}");
        let e = format!("{:#}", window("d".into(), "now", "soon", now).unwrap_err());
        assert!(e.starts_with("--end: 'soon' is neither"), "{e}");
    }

    #[test]
    fn says_what_was_made_and_who_was_displaced() {
        let made = Override {
            id: 3,
            responder: "dave".into(),
            start: at("2026-11-30T10:00:00Z"),
            end: at("2026-11-30T18:00:00Z"),
            created_by: "alice".into(),
            created_at: at("2026-11-30T10:00:00Z"),
            removed_by: None,
            removed_at: None,
            displaced: vec!["alice".into()],
        };
        assert_eq!(
            made_text(&made),
            "override #3: dave on call 2026-11-30 10:00 UTC to 2026-11-30 18:00 UTC (made by alice)\n\
             displaced: alice\n"
        );
    }
}
