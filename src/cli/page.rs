//! `oncall page`: open an incident on the hub from a shell or a script,
//! trying again for a while when the hub does not answer (`retry`).
use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use clap::Args;

use crate::config::{self, Config, FeedKind};
use crate::feed::HubClient;
use crate::incident::{NewIncident, Severity};

mod retry;

#[derive(Debug, Args)]
pub struct PageArgs {
    /// The service that is affected (selects the escalation policy).
    #[arg(long)]
    pub service: String,
    /// critical, high, warning or info.
    #[arg(long, default_value = "warning", value_parser = parse_severity)]
    pub severity: Severity,
    /// Repeats with the same key fold into the open incident.
    #[arg(long)]
    pub dedup_key: Option<String>,
    #[arg(long, default_value = "")]
    pub description: String,
    /// A label, KEY=VALUE; repeat for more.
    #[arg(long = "label", value_name = "KEY=VALUE", value_parser = parse_label)]
    pub labels: Vec<(String, String)>,
    /// The id of the runbook to show with it.
    #[arg(long)]
    pub runbook: Option<String>,
    /// How long to keep trying while the hub does not answer (a restart, a
    /// failover): `60s`, `5m`; `0s` tries once. Every try carries the same
    /// Idempotency-Key, so the page opens one incident however many tries
    /// it takes.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_retry_for)]
    pub retry_for: Duration,
    #[command(flatten)]
    pub hub: super::page::HubArgs,
    /// What is wrong, in a line.
    pub title: String,
}

/// The longest `--retry-for`: a page an hour late is a page to rethink.
const MAX_RETRY_FOR: Duration = Duration::from_secs(3600);

fn parse_retry_for(s: &str) -> Result<Duration, String> {
    let d =
        config::parse_duration_or_zero(s).map_err(|e| e.replace(config::FIX_SEPARATOR, "; "))?;
    if d > MAX_RETRY_FOR {
        return Err(format!(
            "'{s}' is over an hour; a page that late should go another way"
        ));
    }
    Ok(d)
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}

fn parse_label(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("'{s}' is not KEY=VALUE")),
    }
}

/// Which hub a command talks to, and with whose token: the same two flags
/// on every command that reaches the hub.
#[derive(Debug, Args)]
pub struct HubArgs {
    /// The hub's URL (default: the first hub feed in the config).
    #[arg(long = "hub", value_name = "URL")]
    pub url: Option<String>,
    /// The environment variable holding your token (default: the feed's, or ONCALL_TOKEN).
    #[arg(long, value_name = "VAR")]
    pub token_env: Option<String>,
}

impl HubArgs {
    /// The client these flags name (see [`hub_client`]).
    pub fn client(&self, config: &Config) -> anyhow::Result<HubClient> {
        hub_client(config, self.url.as_deref(), self.token_env.as_deref())
    }
}

/// The client for the hub named with `--hub` (else the first hub feed in
/// the config), with the token from `--token-env` (else the feed's, else
/// `ONCALL_TOKEN`).
pub fn hub_client(
    config: &Config,
    hub: Option<&str>,
    token_env: Option<&str>,
) -> anyhow::Result<HubClient> {
    // An Alertmanager feed takes neither pages nor hand-offs; the first hub feed does.
    let feed = config.feeds.iter().find(|f| f.kind == FeedKind::Hub);
    let urls: Vec<&str> = match (hub, feed) {
        (Some(u), _) => vec![u],
        (None, Some(f)) => f.urls().iter().map(|u| u.0.as_str()).collect(),
        (None, None) => {
            bail!("no hub: pass --hub URL, or add a [[feeds]] entry with its url to the config")
        }
    };
    let token_env = token_env
        .map(str::to_string)
        .or_else(|| feed.and_then(|f| f.token_env.clone()))
        .unwrap_or_else(config::default_token_env);
    let token = std::env::var(&token_env)
        .ok()
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| {
            anyhow!(
                "${token_env} is not set: export your hub token (from `oncall token new`) first"
            )
        })?;
    Ok(HubClient::failover(
        &urls,
        token.trim().to_string(),
        &token_env,
        super::start::REQUEST_TIMEOUT,
    )?)
}

pub async fn run(config: &Config, args: PageArgs) -> anyhow::Result<ExitCode> {
    let client = args.hub.client(config)?;
    let url = client.base().to_string();
    let new = NewIncident {
        title: args.title,
        service: args.service,
        severity: args.severity,
        dedup_key: args.dedup_key,
        labels: args.labels.into_iter().collect::<BTreeMap<_, _>>(),
        description: args.description,
        runbook: args.runbook,
        runbook_url: None,
        source: Some("page".to_string()),
    };
    let opened = retry::open(&client, &new, args.retry_for)
        .await
        .with_context(|| format!("paging {url}"))?;
    let inc = &opened.incident;
    if opened.folded {
        eprintln!(
            "folded into the open incident #{} ({} occurrences)",
            inc.id, inc.occurrences
        );
    } else {
        eprintln!("opened #{} [{}] {}", inc.id, inc.severity, inc.title);
    }
    println!("{}", inc.id);
    Ok(ExitCode::SUCCESS)
}
