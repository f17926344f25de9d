//! `oncall report`: the hub's noise report (`GET /api/v1/report`), as a
//! plain table, Markdown or the hub's JSON.
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use crate::config::Config;
use crate::report;

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// How far back: "7d", "24h", "30m".
    #[arg(long, default_value = "7d", value_name = "DURATION")]
    pub since: String,
    /// Print the hub's JSON.
    #[arg(long, conflicts_with = "markdown")]
    pub json: bool,
    /// Print Markdown, for a ticket or a wiki page.
    #[arg(long)]
    pub markdown: bool,
    #[command(flatten)]
    pub hub: super::page::HubArgs,
}

pub async fn run(config: &Config, args: ReportArgs) -> anyhow::Result<ExitCode> {
    let client = args.hub.client(config)?;
    let noise = client
        .report(&args.since)
        .await
        .with_context(|| format!("reading the noise report from {}", client.base()))?;
    if args.json {
        // The report's names are cleaned as it is read: its JSON is inert too.
        println!("{}", serde_json::to_string_pretty(&noise)?);
    } else if args.markdown {
        super::print_clean(&report::markdown(&noise));
    } else {
        super::print_clean(&report::table(&noise));
    }
    Ok(ExitCode::SUCCESS)
}
