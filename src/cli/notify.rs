//! `oncall notify test NAME`: before a night depends on it, a responder (or
//! whoever sets up the hub) sends a test page through every contact NAME
//! has in the hub's config and reads what each one answered, so a typo in a
//! topic, a webhook that moved or an SMTP server that refuses is found now,
//! not at 3 a.m. It runs where the hub's config and its secrets are (the
//! same file and variables as `oncall serve`) and talks to the contacts
//! directly; the hub need not be running.
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Subcommand;

use crate::config::Config;
use crate::hub::deliveries::new_delivery_id;
use crate::notify::{ATTEMPT_TIMEOUT, Page, Sender};

#[derive(Debug, Subcommand)]
pub enum NotifyCmd {
    /// Send a test page through each of NAME's contacts and print what
    /// each answered.
    Test {
        /// A responder of the hub's config (`[[hub.responders]]`).
        name: String,
    },
}

pub async fn run(config: &Config, path: &Path, cmd: NotifyCmd) -> anyhow::Result<ExitCode> {
    let NotifyCmd::Test { name } = cmd;
    let Some(responder) = config.hub.responders.iter().find(|r| r.name == name) else {
        let known: Vec<&str> = config
            .hub
            .responders
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        bail!(
            "{} has no responder named {:?} in [[hub.responders]] (it has: {})\n  fix: name one of them, or add {name:?} with `oncall token new {name}`",
            path.display(),
            crate::sanitize::line(&name),
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        );
    };
    if responder.contacts.is_empty() {
        bail!(
            "{name} has no contacts, so nothing would page them\n  fix: add a [[hub.responders.contacts]] entry (via, to) after {name}'s [[hub.responders]] in {}",
            path.display()
        );
    }
    let settings = config
        .hub
        .notify_settings(path, |n| std::env::var(n).ok())
        .map_err(anyhow::Error::from)?;
    let sender = Sender::new(&settings, ATTEMPT_TIMEOUT).map_err(anyhow::Error::msg)?;
    let mut failed = 0;
    for contact in settings.contacts_of(&name) {
        let id = new_delivery_id().context("no random source for the delivery id")?;
        let page = Page::test(&name, contact.clone(), id);
        let outcome = sender.send(&page).await;
        if !outcome.is_accepted() {
            failed += 1;
        }
        let line = format!(
            "{} {}: {}\n",
            contact.via.as_str(),
            shown(&contact.to),
            outcome.describe()
        );
        super::print_clean(&line);
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        eprintln!("{failed} of {name}'s contacts did not take the test page.");
        ExitCode::from(1)
    })
}

/// Where a contact goes, as it may be shown: an address whole, a URL by its
/// host only, since a chat webhook's or a topic's path works like a
/// password and a terminal's scrollback is no place for it.
fn shown(to: &str) -> String {
    match reqwest::Url::parse(to) {
        Ok(url) if url.path() != "/" || url.query().is_some() => format!(
            "{}://{}/…",
            url.scheme(),
            url.host_str().unwrap_or_default()
        ),
        Ok(url) => format!("{}://{}", url.scheme(), url.host_str().unwrap_or_default()),
        Err(_) => to.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::shown;

    #[test]
    fn a_contact_is_shown_without_the_path_that_works_like_a_password() {
        assert_eq!(
            shown("https://hooks.slack.com/services/T0/B0/secret"),
            "https://hooks.slack.com/…"
        );
        assert_eq!(shown("alice@example.com"), "alice@example.com");
        assert_eq!(shown("http://127.0.0.1:9/"), "http://127.0.0.1");
    }
}
