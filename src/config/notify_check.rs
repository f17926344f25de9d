//! The checks of the paging config that look across tables: a contact's
//! `to` suits its `via`, email needs `[hub.notify.smtp]`, acknowledge links
//! need `public_url` and `secret_env`, integrations are never paged, channels
//! have names and events. Each error points at the line to change and says how.
use std::collections::BTreeSet;
use std::path::Path;

use super::error::line_in_table;
use super::notify::{ChannelConfig, Contact, NotifyConfig, Via, check_to};
use super::{ConfigError, HubConfig, Role};

const CONTACTS: &str = "[[hub.responders.contacts]]";
const CHANNELS: &str = "[[hub.notify.channels]]";
const NOTIFY: (&str, usize) = ("[hub.notify]", 0);
const SMTP: (&str, usize) = ("[hub.notify.smtp]", 0);
const SECRET_FIX: &str = "add secret_env = \"ONCALL_NOTIFY_SECRET\" to [hub.notify], and start the hub with that variable set to a long random string (openssl rand -hex 32)";

/// The first problem with the contacts or `[hub.notify]` of `hub`, if any.
pub fn check(hub: &HubConfig, text: &str, path: &Path) -> Result<(), ConfigError> {
    let err = |table: (&str, usize), key: &str, problem: String, fix: &str| {
        ConfigError::in_table(path, text, table, key, &problem, fix)
    };
    let notify = &hub.notify;
    // Contacts are numbered across responders, as their headers are.
    let mut nth = 0;
    let mut first_contact = None;
    for r in &hub.responders {
        for contact in &r.contacts {
            let at = (CONTACTS, nth);
            nth += 1;
            first_contact.get_or_insert(at);
            if r.role == Role::Integration {
                return Err(err(
                    at,
                    "via",
                    format!(
                        "'{}' is an integration (role = \"integration\"), and integrations are never paged",
                        r.name
                    ),
                    "remove this [[hub.responders.contacts]] table, or remove role = \"integration\" if this is a person",
                ));
            }
            reaches(contact, notify, &format!("{}'s contact", r.name))
                .map_err(|(key, problem, fix)| err(at, key, problem, &fix))?;
        }
    }
    if let Some(at) = first_contact {
        if notify.secret_env.is_none() {
            return Err(err(
                where_notify(text, at),
                "secret_env",
                "responders have contacts, but [hub.notify] names no secret_env to sign their acknowledge links".into(),
                SECRET_FIX,
            ));
        }
        if notify.public_url.is_none() {
            return Err(err(
                where_notify(text, at),
                "public_url",
                "responders have contacts, but [hub.notify] has no public_url for their acknowledge links".into(),
                "add public_url = \"https://oncall.example.com\" to [hub.notify]: the hub's address as people's phones reach it",
            ));
        }
    }
    channels(&notify.channels, notify, text)
        .map_err(|(at, key, problem, fix)| err(at, key, problem, &fix))?;
    smtp(notify).map_err(|(key, problem, fix)| err(SMTP, key, problem, &fix))
}

/// A key, what is wrong with it, and the fix.
type Problem = (&'static str, String, String);

/// A problem in one table: the table (header and index) and the problem.
type TableProblem = ((&'static str, usize), &'static str, String, String);

/// Whether a page can go out through `contact`: its `to` suits its `via`,
/// and email has a server to leave through.
fn reaches(contact: &Contact, notify: &NotifyConfig, whose: &str) -> Result<(), Problem> {
    check_to(contact.via, &contact.to).map_err(|(problem, fix)| ("to", problem, fix))?;
    if contact.via == Via::Email && notify.smtp.is_none() {
        return Err((
            "via",
            format!("{whose} is by email, but there is no [hub.notify.smtp] to send it through"),
            "add [hub.notify.smtp] with host, port, tls and from (see config.example.toml)".into(),
        ));
    }
    Ok(())
}

fn channels(
    channels: &[ChannelConfig],
    notify: &NotifyConfig,
    text: &str,
) -> Result<(), TableProblem> {
    let mut names = BTreeSet::new();
    for (i, channel) in channels.iter().enumerate() {
        let at = (CHANNELS, i);
        let name = channel.name.trim();
        if name.is_empty() {
            return Err((
                at,
                "name",
                "a channel has an empty name".into(),
                "name it, like name = \"team-chat\"".into(),
            ));
        }
        if let Some(c) = crate::sanitize::first_unsafe(name) {
            return Err((
                at,
                "name",
                format!("a channel's name holds {}", crate::sanitize::describe(c)),
                "use letters, digits, dots or dashes, like name = \"team-chat\"".into(),
            ));
        }
        if !names.insert(name) {
            return Err((
                at,
                "name",
                format!("two channels are named '{name}'"),
                "give each [[hub.notify.channels]] its own name".into(),
            ));
        }
        reaches(&channel.contact(), notify, &format!("channel '{name}'"))
            .map_err(|(key, problem, fix)| (at, key, problem, fix))?;
        if channel.events.is_empty() {
            return Err((
                at,
                "events",
                format!("channel '{name}' lists no events, so it is never told anything"),
                "list what it hears of, from: opened, escalated, resolved, handoff, status".into(),
            ));
        }
        if channel.via == Via::Webhook && notify.secret_env.is_none() {
            return Err((
                where_notify(text, at),
                "secret_env",
                format!(
                    "channel '{name}' is a signed webhook, but [hub.notify] names no secret_env to sign it with"
                ),
                SECRET_FIX.into(),
            ));
        }
    }
    Ok(())
}

fn smtp(notify: &NotifyConfig) -> Result<(), Problem> {
    let Some(smtp) = &notify.smtp else {
        return Ok(());
    };
    let host = smtp.host.trim();
    if host.is_empty() || host.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err((
            "host",
            format!("'{}' is not a host name", smtp.host),
            "write the server's name, like host = \"smtp.example.com\"".into(),
        ));
    }
    if let Err(e) = smtp.from.trim().parse::<lettre::message::Mailbox>() {
        return Err((
            "from",
            format!("'{}' is not a sender address ({e})", smtp.from),
            "write an address, like from = \"oncall@example.com\" or \"Oncall <oncall@example.com>\"".into(),
        ));
    }
    match (&smtp.username_env, &smtp.password_env) {
        (Some(_), None) => Err((
            "username_env",
            "username_env is set without password_env".into(),
            "add password_env = \"ONCALL_SMTP_PASSWORD\", or remove username_env to send without logging in".into(),
        )),
        (None, Some(_)) => Err((
            "password_env",
            "password_env is set without username_env".into(),
            "add username_env = \"ONCALL_SMTP_USER\", or remove password_env to send without logging in".into(),
        )),
        _ => Ok(()),
    }
}

/// Where to point when `[hub.notify]` lacks a key: at its header when the
/// file has one, else at the table that needs it.
fn where_notify(text: &str, otherwise: (&'static str, usize)) -> (&'static str, usize) {
    if line_in_table(text, NOTIFY, "").is_some() {
        NOTIFY
    } else {
        otherwise
    }
}

/// Notes the lines of the variables' names, for the errors the hub raises
/// when it reads them at start.
pub(crate) fn locate_env(notify: &mut NotifyConfig, text: &str) {
    notify.env_lines.secret = line_in_table(text, NOTIFY, "secret_env");
    notify.env_lines.username = line_in_table(text, SMTP, "username_env");
    notify.env_lines.password = line_in_table(text, SMTP, "password_env");
}
