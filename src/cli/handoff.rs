//! `oncall handoff --print`: the note `H` would send, from the shift as the
//! hub knows it now.
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Args;

use crate::config::Config;
use crate::handoff::{compose, gather};
use crate::runbook::Library;

#[derive(Debug, Args)]
pub struct HandoffArgs {
    /// Print the note (nothing is sent: hand off with H in the console).
    #[arg(long)]
    pub print: bool,
    /// Who takes over, when the rota does not say.
    #[arg(long, value_name = "NAME")]
    pub to: Option<String>,
    #[command(flatten)]
    pub hub: super::page::HubArgs,
}

pub async fn run(config: &Config, args: HandoffArgs) -> anyhow::Result<ExitCode> {
    if !args.print {
        bail!("say --print to see the note; the hand-off itself is sent from the console with H");
    }
    let client = args.hub.client(config)?;
    // The hub decides who may hand off to whom: no note for a hand-off it
    // would refuse.
    client
        .check_hand_off(args.to.as_deref())
        .await
        .with_context(|| format!("checking the hand-off with {}", client.base()))?;
    let me = config.responder_name();
    let mut shift = gather(&client, &me, chrono::Utc::now())
        .await
        .with_context(|| format!("reading the shift from {}", client.base()))?;
    if args.to.is_some() {
        shift.to = args.to;
    }
    let library = Library::load(&config.runbooks.dirs);
    super::print_clean(&compose(&shift, &library, ""));
    Ok(ExitCode::SUCCESS)
}
