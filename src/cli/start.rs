//! Turns the parsed command line into the thing it asks for.
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};

use super::{Cli, Cmd, TokenCmd};
use crate::config::{self, Config, FeedConfig, FeedKind, Role};
use crate::console;
use crate::feed::{AlertmanagerClient, AlertmanagerSettings, FeedClient, HubClient};
use crate::hub;
use crate::logging;
use crate::runbook::Library;

/// How long the console waits for the hub before calling it unreachable.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    if cli.demo {
        require_terminal()?;
        let _log = logging::to_file(&config::data_dir())?;
        return runtime()?
            .block_on(crate::demo::run())
            .map(|_| ExitCode::SUCCESS);
    }
    match cli.command {
        Some(Cmd::Completions { shell }) => {
            super::shell::completions(shell, &mut std::io::stdout().lock());
            Ok(ExitCode::SUCCESS)
        }
        Some(Cmd::Man) => {
            super::shell::man_page(&mut std::io::stdout().lock())
                .context("cannot write the man page")?;
            Ok(ExitCode::SUCCESS)
        }
        None => {
            require_terminal()?;
            let config = load_config(&cli.config)?;
            let _log = logging::to_file(&config::data_dir())?;
            let parting = console_runtime()?.block_on(console::run(console_settings(&config)))?;
            // The terminal is restored by now: this stays on the screen.
            if let Some(words) = parting {
                println!("{words}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Cmd::Serve { listen, db }) => {
            logging::to_stderr();
            let named = cli.config.clone();
            let (config, notify) = hub_config(&named)?;
            // The password from PGPASSWORD when the URL has none.
            let db = hub::DbTarget::from_arg(&db).map_err(|e| anyhow::anyhow!("--db: {e}"))?;
            let base = hub::HubSettings::new(db, config);
            let settings = hub::HubSettings {
                pages: paging(notify, &base)?,
                ..base
            };
            let reload: hub::Reload = Box::new(move || hub_config(&named));
            runtime()?.block_on(hub::serve(listen, settings, reload))?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Cmd::Migrate(args)) => {
            logging::to_stderr();
            runtime()?.block_on(super::migrate::run(args))
        }
        Some(Cmd::Page(args)) => {
            logging::to_stderr();
            let config = load_config(&cli.config)?;
            runtime()?.block_on(super::page::run(&config, args))
        }
        Some(Cmd::Heartbeat(args)) => {
            logging::to_stderr();
            let config = load_config(&cli.config)?;
            runtime()?.block_on(super::heartbeat::run(&config, args))
        }
        Some(Cmd::Notify { command }) => {
            logging::to_stderr();
            let config = load_config(&cli.config)?;
            let path = config_path(&cli.config);
            runtime()?.block_on(super::notify::run(&config, &path, command))
        }
        Some(Cmd::Handoff(args)) => {
            logging::to_stderr();
            let config = load_config(&cli.config)?;
            runtime()?.block_on(super::handoff::run(&config, args))
        }
        Some(Cmd::Report(args)) => {
            logging::to_stderr();
            let config = load_config(&cli.config)?;
            runtime()?.block_on(super::report::run(&config, args))
        }
        Some(Cmd::Incident { command }) => {
            logging::to_stderr();
            let config = load_config(&cli.config)?;
            runtime()?.block_on(super::incident::run(&config, command))
        }
        Some(Cmd::Who(args)) => {
            logging::to_stderr();
            let config = load_config(&cli.config)?;
            runtime()?.block_on(super::who::run(&config, args))
        }
        Some(Cmd::Cover(args)) => {
            logging::to_stderr();
            let config = load_config(&cli.config)?;
            runtime()?.block_on(super::cover::run(&config, args))
        }
        Some(Cmd::Followups(args)) => {
            logging::to_stderr();
            let config = load_config(&cli.config)?;
            runtime()?.block_on(super::followups::run(&config, args))
        }
        Some(Cmd::Token {
            command: TokenCmd::New { name, role },
        }) => {
            let name = name.trim();
            if name.is_empty() || name.chars().any(|c| c.is_control() || c == '"') {
                bail!(
                    "'{name}' is not a usable responder name: use letters, digits, dots or dashes"
                );
            }
            let token = hub::token::new_token()
                .context("no random bytes from the operating system for a token")?;
            println!(
                "Token for {name} (give it to them; it is not shown again and the hub keeps only its hash):\n"
            );
            println!("    {token}\n");
            println!("Add this to the hub's config file:\n");
            println!("{}", hub::token::config_line(name, &token, role));
            if role == Role::Integration {
                println!(
                    "\n{name} sends the token as its bearer credentials; it may only send events (POST /api/v1/incidents, POST /api/v1/alertmanager)."
                );
            } else {
                println!(
                    "\n{name} puts the token in the environment variable their config names (default ONCALL_TOKEN)."
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Cmd::Runbooks { command }) => {
            logging::to_stderr();
            let config = load_config(&cli.config)?;
            super::runbooks::run(&config, command)
        }
    }
}

/// The console draws a full screen and reads keys: without a terminal on
/// both ends it could do neither, and crossterm's own error says nothing a
/// person could act on.
fn require_terminal() -> anyhow::Result<()> {
    use std::io::IsTerminal;
    let missing = match (
        std::io::stdin().is_terminal(),
        std::io::stdout().is_terminal(),
    ) {
        (true, true) => return Ok(()),
        (false, false) => "neither its input nor its output is a terminal",
        (false, true) => "its input is not a terminal",
        (true, false) => "its output is not a terminal",
    };
    bail!(
        "the console needs a terminal, and {missing}\n  fix: run `oncall` in a terminal window; from a script use `oncall page`, `oncall handoff --print` or `oncall runbooks`"
    )
}

/// The console's work is one screen, one poller and one sender: two workers
/// are plenty, and on a machine with many cores each further worker would
/// only bring its own allocator arena, which is resident memory for nothing.
fn console_runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// Paging as the config says, through the real senders (ntfy, webhook,
/// Slack, email), the pages naming the shipped runbooks; off when nobody
/// and no channel has anything to be paged through.
/// The hub's part of the config file and its contacts and channels, checked
/// as `oncall serve` needs them, at start and on each reload (SIGHUP).
fn hub_config(
    named: &Option<PathBuf>,
) -> anyhow::Result<(config::HubConfig, config::NotifySettings)> {
    let config = load_config(named)?;
    if config.hub.responders.is_empty() {
        bail!(
            "the hub has no responders, so nobody could use it\n  fix: run `oncall token new NAME` for each responder and put the lines it prints in {}",
            config_path(named).display()
        );
    }
    let path = config_path(named);
    crate::config::check_private(&path)?;
    // Read now, so a secret left unset is said at start, not at the first page.
    let notify = config
        .hub
        .notify_settings(&path, |name| std::env::var(name).ok())?;
    Ok((config.hub, notify))
}

fn paging(notify: config::NotifySettings, hub: &hub::HubSettings) -> anyhow::Result<hub::Pages> {
    if notify.secret.is_none() && notify.channels.is_empty() {
        return Ok(hub::Pages {
            notify,
            ..hub::Pages::off()
        });
    }
    let library = std::sync::Arc::new(crate::runbook::Library::shipped());
    let sender = hub::deliveries::notify_sender::NotifySender::new(
        notify.clone(),
        library,
        hub.clock.clone(),
    )
    .map_err(anyhow::Error::msg)?;
    Ok(hub::Pages::new(notify, std::sync::Arc::new(sender)))
}

fn config_path(named: &Option<PathBuf>) -> PathBuf {
    named
        .clone()
        .or_else(config::default_path)
        .unwrap_or_else(|| PathBuf::from("config.toml"))
}

/// The config file named with --config, else the default one if it exists.
pub fn load_config(named: &Option<PathBuf>) -> anyhow::Result<Config> {
    let path = config_path(named);
    Ok(Config::load_or_default(&path, named.is_some())?)
}

/// The console's settings from the config: the first feed, with its token
/// from the environment. A missing feed or token is shown in the console,
/// which still opens for the runbooks.
pub fn console_settings(config: &Config) -> console::Settings {
    // The console shows them too (`update::announce_problems`).
    let library = Library::load(&config.runbooks.dirs);
    for p in library.problems() {
        tracing::warn!("runbook: {p}");
    }
    let feed = config.feeds.first();
    let client = match feed {
        None => Err("no feed configured: add [[feeds]] to the config (see config.example.toml), or try --demo".to_string()),
        Some(f) => feed_client(config, f),
    };
    console::Settings {
        responder: config.responder_name(),
        bell: config.console.bell,
        notify: config.console.notify,
        hyperlinks: config.console.hyperlinks,
        monochrome: no_color(),
        data_dir: crate::config::data_dir(),
        feed_name: feed.map_or_else(|| "feed".to_string(), |f| f.name.clone()),
        client,
        poll_interval: feed.map_or(Duration::from_secs(2), |f| f.poll_interval.0),
        library: Arc::new(library),
    }
}

/// Whether the user asked for no colour: `NO_COLOR` set and not empty
/// (no-color.org).
pub fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// The client for `feed`, by its kind, or why there is none.
fn feed_client(config: &Config, feed: &FeedConfig) -> Result<FeedClient, String> {
    let token_of = |env: &str| {
        std::env::var(env)
            .ok()
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
    };
    match feed.kind {
        FeedKind::Hub => {
            let env = feed.hub_token_env();
            let token = token_of(&env).ok_or_else(|| {
                format!("${env} is not set: export the token `oncall token new` made for you")
            })?;
            let urls: Vec<&str> = feed.urls().iter().map(|u| u.0.as_str()).collect();
            HubClient::failover(&urls, token, &env, REQUEST_TIMEOUT)
                .map(FeedClient::from)
                .map_err(|e| e.to_string())
        }
        FeedKind::Alertmanager => {
            // No token unless the feed names one: an Alertmanager has no
            // auth of its own, and a hub token must never go elsewhere.
            let token = match &feed.token_env {
                Some(env) => Some(token_of(env).ok_or_else(|| {
                    format!("${env} is not set: export the token for this Alertmanager, or remove token_env")
                })?),
                None => None,
            };
            let settings = AlertmanagerSettings {
                base: feed.first_url().to_string(),
                matchers: feed.matchers.iter().map(|m| m.0.clone()).collect(),
                silence: feed.silence_duration().0,
                responder: config.responder_name(),
                token,
                token_env: feed.token_env.clone(),
                timeout: REQUEST_TIMEOUT,
            };
            AlertmanagerClient::new(settings)
                .map(FeedClient::from)
                .map_err(|e| e.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn client_for(feed: &str) -> Result<FeedClient, String> {
        let config = Config::parse(feed, Path::new("test.toml")).unwrap();
        feed_client(&config, &config.feeds[0])
    }

    #[test]
    fn an_alertmanager_feed_needs_no_token() {
        let client = client_for(
            "[[feeds]]\nkind = \"alertmanager\"\nurl = \"http://am:9093/\"\nsilence = \"30m\"\n",
        );
        match client {
            Ok(FeedClient::Alertmanager(c)) => assert_eq!(c.base(), "http://am:9093"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_named_token_that_is_not_set_is_said() {
        for kind in ["hub", "alertmanager"] {
            let err = client_for(&format!(
                "[[feeds]]\nkind = \"{kind}\"\nurl = \"http://h:1\"\ntoken_env = \"ONCALL_TEST_NEVER_SET\"\n"
            ))
            .unwrap_err();
            assert!(err.contains("$ONCALL_TEST_NEVER_SET is not set"), "{err}");
        }
    }
}
